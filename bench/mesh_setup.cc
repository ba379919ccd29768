#include "mesh_setup.h"

#include <cstdio>

#include "base/text.h"
#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "parquet_table.h"
#include "testkit/mesh_setup.h"

namespace datamesh::bench {
namespace {

using base::cat;

absl::Status step(const absl::Status& status, std::string_view what) {
  if (status.ok()) return status;
  return absl::Status(status.code(), cat("bench setup: ", what, ": ", status.message()));
}

std::string consumer_id(int k) {
  char id[16];
  std::snprintf(id, sizeof id, "2%011d", k);
  return id;
}

}  // namespace

absl::StatusOr<BenchMesh> build_mesh(const std::string& store_path, int consumers, int tables) {
  BenchMesh mesh{.store_path = store_path};
  const testkit::MeshAccess access{
      .endpoint = store_path.find("://") == std::string::npos ? cat("sqlite://", store_path)
                                                              : store_path,
      .mesh_account_id = kBenchMeshAccount,
      .region = kBenchRegion};

  // The accounts, as the server tests make theirs (testkit/mesh_setup.h).
  std::vector<testkit::AccountSpec> accounts = {
      {kBenchProducerAccount, "bench producer", testkit::Role::kProducer}};
  for (int k = 0; k < consumers; ++k) {
    accounts.push_back({consumer_id(k), cat("bench consumer ", k), testkit::Role::kConsumer});
  }
  auto keys = testkit::set_up_mesh(access, "bench mesh", accounts);
  if (!keys.ok()) return step(keys.status(), "the mesh and its accounts");
  mesh.producer = (*keys)[kBenchProducerAccount];

  DataMeshCatalog catalog(access.client(mesh.producer));
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
  DataMeshProducer producer(access.client(mesh.producer));
  auto product = producer.create_data_products(
      "sales", CreateDataProductsOptions{.table_name_regex = ".*"});
  if (!product.ok()) return step(product.status(), "create_data_products");
  mesh.product_database = product->database_name;

  for (int k = 0; k < consumers; ++k) {
    BenchConsumer consumer{.credentials = (*keys)[consumer_id(k)]};
    auto requested = DataMeshConsumer(access.client(consumer.credentials))
                         .request_access_to_product(kBenchProducerAccount, mesh.product_database,
                                                    {"SELECT"},
                                                    std::vector<std::string>{mesh.tables[0]});
    if (!requested.ok()) {
      return step(requested.status(), cat("request_access_to_product ", consumer_id(k)));
    }
    consumer.subscription_id = requested->subscription_id;
    if (absl::Status s = producer.approve_access_request(consumer.subscription_id); !s.ok()) {
      return step(s, cat("approve_access_request ", consumer.subscription_id));
    }
    mesh.consumers.push_back(std::move(consumer));
  }
  return mesh;
}

}  // namespace datamesh::bench
