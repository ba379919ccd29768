// The mesh of the scale benchmark (docs/PERFORMANCE.md, "Scale"): a mesh account, `producers`
// producers each publishing one data product of `tables_per_product` tables, producer 0 also
// publishing a big product of `big_tables` tables, `consumers` consumers, and then as many
// subscriptions as grow_to() is asked for.
//
// Accounts and the small products are made through the public C++ API, one call per commit,
// as a user would. The bulk (the big database's tables and the subscriptions) is made by the
// engine's own methods (core::Engine, the code behind the public API) over a BatchStore, so
// that thousands of calls share one commit: the rows and audit events are exactly those the
// public API writes, only the number of commits differs.
//
// Subscription i: consumer (i / producers) % consumers requests SELECT on table
// i / (consumers * producers) of the product of producer i % producers, so every producer has
// requests from the smallest size on; then by a hash of i the request stays Pending (1 in 10),
// is denied (1 in 10), is withdrawn by the consumer (1 in 10), or is approved and finalized
// (7 in 10). Each Active one holds three grants (SELECT and DESCRIBE on its table, DESCRIBE on
// the database).
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datamesh/client_options.h"
#include "datamesh/types.h"

namespace datamesh::bench {

struct ScaleShape {
  int producers = 20;
  int consumers = 2000;
  int tables_per_product = 500;
  // Tables of each product that population never requests: the measured request → approve →
  // finalize cycles request these, so every cycle makes a new subscription.
  int spare_tables = 100;
  int big_tables = 200000;
  // The consumers whose subscriptions are remembered for the measurements (the first ones).
  int measured_consumers = 8;
  // Engine calls' subscriptions per commit while populating.
  int batch = 2000;
};

inline constexpr char kScaleMeshAccount[] = "999999999999";
inline constexpr char kScaleRegion[] = "us-east-1";

// What population made, as the measurements need it.
struct RememberedSubscription {
  std::string id;
  int consumer = 0;  // index into ScaleMesh::consumers
  int producer = 0;
  std::string table;
  SubscriptionStatus status = SubscriptionStatus::kPending;
};

struct ScaleAccount {
  std::string account_id;
  Credentials credentials;
};

class ScaleMesh {
 public:
  // Creates the mesh file at store_path (which must not exist): accounts, products and the big
  // database. Errors name the step that failed.
  static absl::StatusOr<std::unique_ptr<ScaleMesh>> create(const std::string& store_path,
                                                           const ScaleShape& shape);
  ~ScaleMesh();

  // Adds subscriptions until there are `count`; InvalidArgument when the shape has too few
  // tables for that many distinct requests. `progress(done)` is called after each commit.
  absl::Status grow_to(int64_t count, const std::function<void(int64_t)>& progress);

  const ScaleShape& shape() const { return shape_; }
  const std::string& store_path() const { return store_path_; }
  std::string endpoint() const { return "sqlite://" + store_path_; }
  ClientOptions options(const Credentials& credentials) const;

  const ScaleAccount& admin() const { return admin_; }
  const std::vector<ScaleAccount>& producers() const { return producers_; }
  const std::vector<ScaleAccount>& consumers() const { return consumers_; }
  // The mesh database of producer p's product, and of the big product.
  const std::string& product(int producer) const { return products_[producer]; }
  const std::string& big_product() const { return big_product_; }
  const std::string& big_source() const { return big_source_; }
  // Name of table k of a product or of the big database.
  static std::string table_name(int k);
  static std::string big_table_name(int k);

  // A request no one made yet: a measured consumer, a producer and one of its product's spare
  // tables. ResourceExhausted once every spare table of every pair was used.
  struct SpareRequest {
    int consumer = 0;
    int producer = 0;
    std::string table;
  };
  absl::StatusOr<SpareRequest> next_spare_request();

  int64_t subscriptions() const { return subscriptions_; }
  // Every subscription of the measured consumers, oldest first.
  const std::vector<RememberedSubscription>& remembered() const { return remembered_; }
  // Time create_data_products of the big product took through the public API, in seconds.
  double big_product_seconds() const { return big_product_seconds_; }

  // Imports `tables` into database `database` of producer p's catalog, by the engine in one
  // call and one commit (what DataMeshCatalog::import_tables does without the JSON).
  absl::Status import_tables(int producer, const std::string& database,
                             const std::vector<TableInput>& tables);

  // The engine over the same file (not the public API), for the authorization check.
  absl::StatusOr<PermissionCheck> engine_check_permission(int consumer,
                                                          const std::string& database,
                                                          const std::string& table,
                                                          const std::string& permission) const;

 private:
  struct Internals;
  ScaleMesh(std::string store_path, ScaleShape shape);
  absl::Status add_subscription(int64_t i);

  std::string store_path_;
  ScaleShape shape_;
  ScaleAccount admin_;
  std::vector<ScaleAccount> producers_;
  std::vector<ScaleAccount> consumers_;
  std::vector<std::string> products_;
  std::string big_source_ = "warehouse";
  std::string big_product_;
  double big_product_seconds_ = 0;
  int64_t subscriptions_ = 0;
  int64_t spares_used_ = 0;
  std::vector<RememberedSubscription> remembered_;
  std::unique_ptr<Internals> internals_;
};

// A realistic Glue table: columns, a partition key, Parquet storage at s3://scale/<name>/.
TableInput scale_table(const std::string& name);

}  // namespace datamesh::bench
