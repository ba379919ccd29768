// A producer publishes a table, a consumer subscribes, the producer approves, the consumer
// imports it and checks that it may SELECT. Run: publish_and_subscribe /tmp/example-mesh.db
#include <iostream>

#include "datamesh/datamesh.h"

namespace {

datamesh::Credentials credentials_of(const datamesh::AccountCredentials& account) {
  return {.account_id = account.account_id,
          .access_key_id = account.access_key_id,
          .secret_access_key = account.secret_access_key};
}

int fail(const absl::Status& status) {
  std::cerr << status << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: publish_and_subscribe NEW_MESH_FILE" << std::endl;
    return 2;
  }
  const std::string endpoint = std::string("sqlite://") + argv[1];

  auto mesh = datamesh::DataMeshAdmin(datamesh::ClientOptions{.endpoint = endpoint}).initialize_mesh_account();
  if (!mesh.ok()) return fail(mesh.status());
  datamesh::DataMeshAdmin admin(datamesh::ClientOptions{
      .data_mesh_account_id = mesh->account_id,
      .use_credentials = credentials_of(*mesh),
      .endpoint = endpoint});
  auto producer_account = admin.create_account("sales");
  auto consumer_account = admin.create_account("marketing");
  if (!producer_account.ok()) return fail(producer_account.status());
  if (!consumer_account.ok()) return fail(consumer_account.status());
  auto options_for = [&](const datamesh::AccountCredentials& account) {
    return datamesh::ClientOptions{.data_mesh_account_id = mesh->account_id,
                                   .use_credentials = credentials_of(account),
                                   .endpoint = endpoint};
  };
  if (auto s = datamesh::DataMeshAdmin(options_for(*producer_account))
                   .initialize_producer_account();
      !s.ok()) {
    return fail(s.status());
  }
  if (auto s = datamesh::DataMeshAdmin(options_for(*consumer_account))
                   .initialize_consumer_account();
      !s.ok()) {
    return fail(s.status());
  }
  if (auto s = admin.enable_account_as_producer(producer_account->account_id); !s.ok()) {
    return fail(s);
  }
  if (auto s = admin.enable_account_as_consumer(consumer_account->account_id); !s.ok()) {
    return fail(s);
  }

  datamesh::DataMeshCatalog catalog(options_for(*producer_account));
  if (auto s = catalog.create_database({.name = "sales"}); !s.ok()) return fail(s);
  datamesh::TableInput orders{
      .name = "orders",
      .storage_descriptor = datamesh::StorageDescriptor{
          .columns = {{.name = "order_id", .type = "bigint"}},
          .location = "s3://sales/orders/"}};
  if (auto s = catalog.create_table("sales", orders); !s.ok()) return fail(s);

  datamesh::DataMeshProducer producer(options_for(*producer_account));
  auto product = producer.create_data_products("sales");
  if (!product.ok()) return fail(product.status());

  datamesh::DataMeshConsumer consumer(options_for(*consumer_account));
  auto request = consumer.request_access_to_product(producer_account->account_id,
                                                    product->database_name, {"SELECT"});
  if (!request.ok()) return fail(request.status());
  if (auto s = producer.approve_access_request(request->subscription_id); !s.ok()) return fail(s);
  if (auto s = consumer.finalize_subscription(request->subscription_id); !s.ok()) return fail(s);

  auto check = consumer.check_permission(product->database_name, "orders", "SELECT");
  if (!check.ok()) return fail(check.status());
  std::cout << "subscription " << request->subscription_id << ": may SELECT "
            << product->database_name << ".orders: " << (check->allowed ? "yes" : "no")
            << std::endl;
  return check->allowed ? 0 : 1;
}
