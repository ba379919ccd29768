#include "cli/quickstart.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <sys/stat.h>

#include "api/json_codec.h"
#include "api/mesh_service.h"
#include "base/text.h"
#include "cli/output.h"
#include "datamesh/datamesh.h"

namespace datamesh::cli {
namespace {

// Prints a numbered step; the walkthrough reads as a story of the workflow.
void step(int number, std::string_view text) {
  std::cout << "\n== " << number << ". " << text << std::endl;
}

template <typename T>
bool failed(const absl::StatusOr<T>& result) {
  if (result.ok()) return false;
  report_error(result.status());
  return true;
}
bool failed(const absl::Status& status) {
  if (status.ok()) return false;
  report_error(status);
  return true;
}

Credentials as_credentials(const AccountCredentials& account) {
  return Credentials{.account_id = account.account_id,
                     .access_key_id = account.access_key_id,
                     .secret_access_key = account.secret_access_key};
}

TableInput sales_table(const std::string& name, const std::string& location) {
  StorageDescriptor storage{.columns = {{.name = "order_id", .type = "bigint"},
                                        {.name = "amount", .type = "decimal(10,2)"},
                                        {.name = "customer", .type = "string"}},
                            .location = location,
                            .input_format = "org.apache.hadoop.mapred.TextInputFormat",
                            .output_format =
                                "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"};
  return TableInput{.name = name,
                    .description = "sales facts",
                    .storage_descriptor = storage,
                    .partition_keys = {{.name = "day", .type = "date"}},
                    .table_type = "EXTERNAL_TABLE"};
}

}  // namespace

int run_quickstart(const std::string& mesh_file, const std::string& server,
                   const std::string& ca_bundle) {
  std::string path = mesh_file;
  if (path.empty()) {
    char folder[] = "/tmp/datamesh-quickstart-XXXXXX";
    if (::mkdtemp(folder) == nullptr) {
      return report_error(absl::UnavailableError("cannot create a temporary folder in /tmp"));
    }
    path = std::string(folder) + "/mesh.db";
  } else if (server.empty() && std::filesystem::exists(path) &&
             std::filesystem::file_size(path) > 0) {
    // Checked before anything is printed: the walkthrough is for a mesh of its own.
    return report_error(absl::AlreadyExistsError(
        base::cat("quickstart walks through a new mesh, and ", path,
            " exists already: give --mesh-file a new path, or none for a temporary one (to "
            "explore that mesh, use the CLI with --endpoint sqlite://", path, ")")));
  }
  // Against a server (started with --allow-initialize on an empty store), or embedded.
  const std::string endpoint = server.empty() ? "sqlite://" + path : server;
  std::cout << "datamesh quickstart on a fresh "
            << (server.empty() ? "embedded mesh: " : "mesh served at: ") << endpoint
            << std::endl;

  step(1, "The mesh admin initializes the mesh (its credentials are printed once)");
  // The fresh mesh's own key beside it, whatever DATAMESH_MASTER_KEY_FILE names (a production
  // key must not seal a throwaway mesh, nor be created by one).
  const std::string key_file = server.empty() ? api::key_file_beside(path) : "";
  DataMeshAdmin bootstrap(
      ClientOptions{.endpoint = endpoint, .master_key_file = key_file, .ca_bundle = ca_bundle});
  auto mesh = bootstrap.initialize_mesh_account("quickstart");
  if (failed(mesh)) return exit_code(mesh.status());
  // Saved (mode 0600) so that the mesh can be explored with the CLI afterwards.
  const std::string admin_file = path + ".admin-credentials.json";
  {
    const mode_t previous = ::umask(077);
    std::ofstream(admin_file) << api::to_json_value(*mesh).dump(2) << std::endl;
    ::umask(previous);
  }
  std::cout << "mesh account " << mesh->account_id << ", admin key " << mesh->access_key_id
            << " (credentials saved to " << admin_file << ")" << std::endl;
  const ClientOptions as_admin{.data_mesh_account_id = mesh->account_id,
                               .use_credentials = as_credentials(*mesh),
                               .endpoint = endpoint,
                               .master_key_file = key_file,
                               .ca_bundle = ca_bundle};
  DataMeshAdmin admin(as_admin);

  step(2, "The admin creates a producer and a consumer account and enables them");
  auto producer_account = admin.create_account("sales", "111111111111");
  if (failed(producer_account)) return exit_code(producer_account.status());
  auto consumer_account = admin.create_account("marketing", "222222222222");
  if (failed(consumer_account)) return exit_code(consumer_account.status());
  auto with = [&](const AccountCredentials& account) {
    ClientOptions options = as_admin;
    options.use_credentials = as_credentials(account);
    return options;
  };
  if (failed(DataMeshAdmin(with(*producer_account)).initialize_producer_account())) return 1;
  if (failed(DataMeshAdmin(with(*consumer_account)).initialize_consumer_account())) return 1;
  if (failed(admin.enable_account_as_producer(producer_account->account_id))) return 1;
  if (failed(admin.enable_account_as_consumer(consumer_account->account_id))) return 1;
  std::cout << "producer 111111111111 (sales), consumer 222222222222 (marketing)" << std::endl;

  step(3, "The producer registers three source tables in its catalog");
  DataMeshCatalog catalog(with(*producer_account));
  if (failed(catalog.create_database({.name = "sales", .description = "sales data"}))) return 1;
  for (const char* name : {"orders", "order_items", "refunds"}) {
    if (failed(catalog.create_table(
            "sales", sales_table(name, std::string("s3://sales-bucket/") + name + "/")))) {
      return 1;
    }
  }
  std::cout << "sales.orders, sales.order_items, sales.refunds" << std::endl;

  step(4, "The producer publishes the order tables as a data product");
  DataMeshProducer producer(with(*producer_account));
  auto product = producer.create_data_products(
      "sales", {.table_name_regex = "order.*", .domain = "sales", .data_product_name = "orders"});
  if (failed(product)) return exit_code(product.status());
  std::cout << "mesh database " << product->database_name << ":";
  for (const ProductTable& table : product->tables) {
    std::cout << " " << table.source_table << " (link " << table.link_table << ")";
  }
  std::cout << std::endl;

  step(5, "The consumer requests SELECT on the orders table");
  DataMeshConsumer consumer(with(*consumer_account));
  auto request = consumer.request_access_to_product(producer_account->account_id,
                                                    product->database_name, {"SELECT"},
                                                    std::vector<std::string>{"orders"});
  if (failed(request)) return exit_code(request.status());
  std::cout << "subscription " << request->subscription_id << " is Pending" << std::endl;

  step(6, "The producer sees the pending request and approves it, SELECT grantable");
  auto pending = producer.list_pending_access_requests();
  if (failed(pending)) return exit_code(pending.status());
  std::cout << pending->subscriptions.size() << " pending request(s)" << std::endl;
  if (failed(producer.approve_access_request(
          request->subscription_id,
          {.grantable_permissions = std::vector<std::string>{"SELECT"},
           .decision_notes = "approved for the quarterly campaign"}))) {
    return 1;
  }

  step(7, "The consumer finalizes the subscription and reads the table through its link");
  if (failed(consumer.finalize_subscription(request->subscription_id))) return 1;
  auto table = consumer.get_table_info(product->database_name, "orders");
  if (failed(table)) return exit_code(table.status());
  std::cout << api::to_json_value(*table).dump(2) << std::endl;
  auto check = consumer.check_permission(product->database_name, "orders", "SELECT");
  if (failed(check)) return exit_code(check.status());
  std::cout << "may SELECT: " << (check->allowed ? "yes" : "no") << " - " << check->reason
            << std::endl;

  step(8, "The producer narrows the grant to DESCRIBE only");
  if (failed(producer.update_subscription_permissions(request->subscription_id, {"DESCRIBE"},
                                                      "campaign over: metadata only"))) {
    return 1;
  }
  check = consumer.check_permission(product->database_name, "orders", "SELECT");
  if (failed(check)) return exit_code(check.status());
  std::cout << "may SELECT: " << (check->allowed ? "yes" : "no") << " - " << check->reason
            << std::endl;

  step(9, "The producer deletes the subscription; the record is kept");
  if (failed(producer.delete_subscription(request->subscription_id, "contract ended"))) return 1;
  auto subscription = producer.get_subscription(request->subscription_id);
  if (failed(subscription)) return exit_code(subscription.status());
  std::cout << api::to_json_value(*subscription).dump(2) << std::endl;

  step(10, "The subscription's history, from the audit log");
  auto history = producer.get_subscription_history(request->subscription_id);
  if (failed(history)) return exit_code(history.status());
  for (const AuditEvent& event : history->events) {
    std::cout << event.event_date << "  " << event.action << "  by " << event.actor_principal
              << (event.notes.empty() ? "" : "  \"" + event.notes + "\"") << std::endl;
  }
  std::cout << "\nDone. Explore this mesh with:\n  datamesh --endpoint " << endpoint
            << (ca_bundle.empty() ? "" : " --ca-bundle " + ca_bundle) << " --credentials-file "
            << admin_file << " admin list-audit-events" << std::endl;
  return kExitOk;
}

}  // namespace datamesh::cli
