#include "mesh_setup.h"

#include <cstdio>
#include <optional>

#include "base/text.h"
#include "datamesh/admin.h"
#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "parquet_table.h"

namespace datamesh::bench {
namespace {

using base::cat;

absl::Status step(const absl::Status& status, std::string_view what) {
  if (status.ok()) return status;
  return absl::Status(status.code(), cat("bench setup: ", what, ": ", status.message()));
}

}  // namespace

absl::StatusOr<BenchMesh> build_mesh(const std::string& store_path, int consumers, int tables) {
  BenchMesh mesh{.store_path = store_path};
  const auto options = [&](std::optional<Credentials> credentials) {
    return ClientOptions{.data_mesh_account_id = kBenchMeshAccount,
                         .region_name = kBenchRegion,
                         .log_level = "WARNING",
                         .use_credentials = std::move(credentials),
                         .endpoint = store_path.find("://") == std::string::npos
                                         ? cat("sqlite://", store_path)
                                         : store_path};
  };
  const auto credentials_of = [](const AccountCredentials& created) {
    return Credentials{.account_id = created.account_id,
                       .access_key_id = created.access_key_id,
                       .secret_access_key = created.secret_access_key};
  };

  DataMeshAdmin installer(options(std::nullopt));
  auto initialized = installer.initialize_mesh_account("bench mesh");
  if (!initialized.ok()) return step(initialized.status(), "initialize_mesh_account");
  DataMeshAdmin admin(options(credentials_of(*initialized)));

  auto producer_created = admin.create_account("bench producer", kBenchProducerAccount);
  if (!producer_created.ok()) return step(producer_created.status(), "create the producer");
  const Credentials producer_credentials = credentials_of(*producer_created);
  mesh.producer = producer_credentials;
  if (absl::Status s = admin.enable_account_as_producer(kBenchProducerAccount); !s.ok()) {
    return step(s, "enable_account_as_producer");
  }
  DataMeshAdmin producer_admin(options(producer_credentials));
  if (auto s = producer_admin.initialize_producer_account(); !s.ok()) {
    return step(s.status(), "initialize_producer_account");
  }
  DataMeshCatalog catalog(options(producer_credentials));
  if (absl::Status s = catalog.create_database(
          DatabaseInput{.name = "sales", .description = "bench source database",
                        .location_uri = "s3://bench-data/warehouse/"});
      !s.ok()) {
    return step(s, "create_database sales");
  }
  for (int t = 0; t < tables; ++t) {
    char name[16];
    std::snprintf(name, sizeof name, "t%02d", t);
    mesh.tables.push_back(name);
    const TableInput table = parquet_table(name, "bench", "s3://bench-data/warehouse/");
    if (absl::Status s = catalog.create_table("sales", table); !s.ok()) {
      return step(s, cat("create_table ", name));
    }
  }
  DataMeshProducer producer(options(producer_credentials));
  auto product = producer.create_data_products(
      "sales", CreateDataProductsOptions{.table_name_regex = ".*"});
  if (!product.ok()) return step(product.status(), "create_data_products");
  mesh.product_database = product->database_name;

  for (int k = 0; k < consumers; ++k) {
    char id[16];
    std::snprintf(id, sizeof id, "2%011d", k);
    auto created = admin.create_account(cat("bench consumer ", k), id);
    if (!created.ok()) return step(created.status(), cat("create consumer ", id));
    if (absl::Status s = admin.enable_account_as_consumer(id); !s.ok()) {
      return step(s, cat("enable_account_as_consumer ", id));
    }
    BenchConsumer consumer{.credentials = credentials_of(*created)};
    if (auto s = DataMeshAdmin(options(consumer.credentials)).initialize_consumer_account();
        !s.ok()) {
      return step(s.status(), cat("initialize_consumer_account ", id));
    }
    auto requested = DataMeshConsumer(options(consumer.credentials))
                         .request_access_to_product(kBenchProducerAccount, mesh.product_database,
                                                    {"SELECT"},
                                                    std::vector<std::string>{mesh.tables[0]});
    if (!requested.ok()) return step(requested.status(), cat("request_access_to_product ", id));
    consumer.subscription_id = requested->subscription_id;
    if (absl::Status s = producer.approve_access_request(consumer.subscription_id); !s.ok()) {
      return step(s, cat("approve_access_request ", consumer.subscription_id));
    }
    mesh.consumers.push_back(std::move(consumer));
  }
  return mesh;
}

}  // namespace datamesh::bench
