#include "scale_mesh.h"

#include <chrono>
#include <cstdio>
#include <optional>

#include "batch_store.h"
#include "core/clock.h"
#include "core/engine.h"
#include "base/text.h"
#include "datamesh/admin.h"
#include "datamesh/catalog.h"
#include "datamesh/producer.h"
#include "parquet_table.h"
#include "security/secret_box.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::bench {

using base::cat;

namespace {

absl::Status step(const absl::Status& status, std::string_view what) {
  if (status.ok()) return status;
  return absl::Status(status.code(), cat("scale mesh: ", what, ": ", status.message()));
}

Credentials credentials_of(const AccountCredentials& created) {
  return Credentials{.account_id = created.account_id,
                     .access_key_id = created.access_key_id,
                     .secret_access_key = created.secret_access_key};
}

std::string account_id(char kind, int index) {
  char id[16];
  std::snprintf(id, sizeof id, "%c%011d", kind, index);
  return id;
}

// 0..9, spread evenly but independent of the producer and consumer that i selects (a plain
// i % 10 would give all of one producer's requests the same fate).
int fate_of(int64_t i) {
  uint64_t x = static_cast<uint64_t>(i) + 0x9E3779B97F4A7C15ULL;  // splitmix64
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<int>((x ^ (x >> 31)) % 10);
}

constexpr const char* kTopics[] = {"orders", "customers", "items",  "payments", "shipments",
                                   "refunds", "invoices", "stock", "prices",   "returns"};
constexpr const char* kRegions[] = {"eu", "us", "ap", "sa", "af", "me", "ca", "in", "jp", "au"};

}  // namespace

struct ScaleMesh::Internals {
  core::SystemClock clock;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<security::SecretBox> sealer;
  std::unique_ptr<BatchStore> batch;
  std::unique_ptr<core::Engine> engine;
  std::vector<core::Caller> producer_callers;
  std::vector<core::Caller> consumer_callers;
};

ScaleMesh::ScaleMesh(std::string store_path, ScaleShape shape)
    : store_path_(std::move(store_path)), shape_(shape) {}

ScaleMesh::~ScaleMesh() = default;

std::string ScaleMesh::table_name(int k) {
  char name[16];
  std::snprintf(name, sizeof name, "t%06d", k);
  return name;
}

std::string ScaleMesh::big_table_name(int k) {
  char number[16];
  std::snprintf(number, sizeof number, "%06d", k / 100);
  return cat(kTopics[k % 10], "_", kRegions[(k / 10) % 10], "_", number);
}

TableInput scale_table(const std::string& name) {
  return parquet_table(name, "scale", "s3://scale/");
}

ClientOptions ScaleMesh::options(const Credentials& credentials) const {
  return ClientOptions{.data_mesh_account_id = kScaleMeshAccount,
                       .region_name = kScaleRegion,
                       .log_level = "WARNING",
                       .use_credentials = credentials,
                       .endpoint = endpoint()};
}

absl::StatusOr<std::unique_ptr<ScaleMesh>> ScaleMesh::create(const std::string& store_path,
                                                             const ScaleShape& shape) {
  if (shape.producers < 1 || shape.consumers < 1 ||
      shape.tables_per_product <= shape.spare_tables || shape.spare_tables < 1 ||
      shape.big_tables < 1 || shape.batch < 1 || shape.measured_consumers < 1 ||
      shape.measured_consumers > shape.consumers) {
    return absl::InvalidArgumentError(
        "scale mesh: producers, consumers, big_tables, batch and spare_tables must be at least "
        "1, tables_per_product more than spare_tables, measured_consumers at most consumers");
  }
  std::unique_ptr<ScaleMesh> mesh(new ScaleMesh(store_path, shape));

  // Accounts, through the public API.
  DataMeshAdmin installer(ClientOptions{.data_mesh_account_id = kScaleMeshAccount,
                                        .region_name = kScaleRegion,
                                        .log_level = "WARNING",
                                        .endpoint = mesh->endpoint()});
  auto initialized = installer.initialize_mesh_account("scale mesh");
  if (!initialized.ok()) return step(initialized.status(), "initialize_mesh_account");
  mesh->admin_ = {kScaleMeshAccount, credentials_of(*initialized)};
  DataMeshAdmin admin(mesh->options(mesh->admin_.credentials));
  for (int p = 0; p < shape.producers; ++p) {
    const std::string id = account_id('1', p);
    auto created = admin.create_account(cat("scale producer ", p), id);
    if (!created.ok()) return step(created.status(), cat("create producer ", id));
    if (absl::Status s = admin.enable_account_as_producer(id); !s.ok()) {
      return step(s, cat("enable producer ", id));
    }
    ScaleAccount account{id, credentials_of(*created)};
    if (auto s = DataMeshAdmin(mesh->options(account.credentials)).initialize_producer_account();
        !s.ok()) {
      return step(s.status(), cat("initialize_producer_account ", id));
    }
    mesh->producers_.push_back(std::move(account));
  }
  for (int c = 0; c < shape.consumers; ++c) {
    const std::string id = account_id('2', c);
    auto created = admin.create_account(cat("scale consumer ", c), id);
    if (!created.ok()) return step(created.status(), cat("create consumer ", id));
    if (absl::Status s = admin.enable_account_as_consumer(id); !s.ok()) {
      return step(s, cat("enable consumer ", id));
    }
    ScaleAccount account{id, credentials_of(*created)};
    if (auto s = DataMeshAdmin(mesh->options(account.credentials)).initialize_consumer_account();
        !s.ok()) {
      return step(s.status(), cat("initialize_consumer_account ", id));
    }
    mesh->consumers_.push_back(std::move(account));
  }

  // The engine over the same file, for the bulk.
  auto internals = std::make_unique<Internals>();
  auto sealer = security::SecretBox::from_environment_or_file(store_path + ".key", false);
  if (!sealer.ok()) return step(sealer.status(), "open the sealing key");
  internals->sealer = std::make_unique<security::SecretBox>(std::move(*sealer));
  auto store = store::SqliteStore::open(store_path);
  if (!store.ok()) return step(store.status(), "open the store");
  internals->store = std::move(*store);
  internals->batch = std::make_unique<BatchStore>(*internals->store);
  internals->engine = std::make_unique<core::Engine>(*internals->batch, internals->clock,
                                                     *internals->sealer, kScaleRegion);
  for (const ScaleAccount& account : mesh->producers_) {
    auto caller = internals->engine->authenticate(account.credentials);
    if (!caller.ok()) return step(caller.status(), cat("authenticate ", account.account_id));
    internals->producer_callers.push_back(std::move(*caller));
  }
  for (const ScaleAccount& account : mesh->consumers_) {
    auto caller = internals->engine->authenticate(account.credentials);
    if (!caller.ok()) return step(caller.status(), cat("authenticate ", account.account_id));
    internals->consumer_callers.push_back(std::move(*caller));
  }
  mesh->internals_ = std::move(internals);
  core::Engine& engine = *mesh->internals_->engine;
  BatchStore& batch = *mesh->internals_->batch;

  // Each producer's source database, imported in one call by the engine, and its product
  // published through the public API.
  for (int p = 0; p < shape.producers; ++p) {
    const std::string source = cat("domain", p);
    std::vector<TableInput> tables;
    for (int k = 0; k < shape.tables_per_product; ++k) tables.push_back(scale_table(table_name(k)));
    if (auto imported = engine.import_tables(mesh->internals_->producer_callers[p], source, tables);
        !imported.ok()) {
      return step(imported.status(), cat("import_tables ", source));
    }
    auto product = DataMeshProducer(mesh->options(mesh->producers_[p].credentials))
                       .create_data_products(source, {.domain = cat("domain ", p)});
    if (!product.ok()) return step(product.status(), cat("create_data_products ", source));
    mesh->products_.push_back(product->database_name);
  }

  // The big database of producer 0: imported 5,000 tables per call and per commit.
  constexpr int kImportChunk = 5000;
  for (int first = 0; first < shape.big_tables; first += kImportChunk) {
    std::vector<TableInput> tables;
    for (int k = first; k < std::min(shape.big_tables, first + kImportChunk); ++k) {
      tables.push_back(scale_table(big_table_name(k)));
    }
    absl::Status imported = batch.batch([&]() -> absl::Status {
      return engine.import_tables(mesh->internals_->producer_callers[0], mesh->big_source_, tables)
          .status();
    });
    if (!imported.ok()) return step(imported, cat("import_tables ", mesh->big_source_));
  }
  const auto started = std::chrono::steady_clock::now();
  auto big = DataMeshProducer(mesh->options(mesh->producers_[0].credentials))
                 .create_data_products(mesh->big_source_, {.domain = "warehouse"});
  if (!big.ok()) return step(big.status(), "create_data_products of the big database");
  mesh->big_product_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  mesh->big_product_ = big->database_name;
  return mesh;
}

absl::Status ScaleMesh::grow_to(int64_t count, const std::function<void(int64_t)>& progress) {
  const int64_t pairs = int64_t{shape_.consumers} * shape_.producers;
  const int64_t capacity = pairs * (shape_.tables_per_product - shape_.spare_tables);
  if (count > capacity) {
    return absl::InvalidArgumentError(
        cat("scale mesh: ", count, " subscriptions need more distinct requests than ",
            shape_.consumers, " consumers x ", shape_.producers, " products x ",
            shape_.tables_per_product - shape_.spare_tables, " tables = ", capacity,
            "; raise --consumers or --tables-per-product"));
  }
  while (subscriptions_ < count) {
    const int64_t end = std::min(count, subscriptions_ + shape_.batch);
    const size_t remembered_before = remembered_.size();
    absl::Status status = internals_->batch->batch([&]() -> absl::Status {
      for (int64_t i = subscriptions_; i < end; ++i) {
        if (absl::Status added = add_subscription(i); !added.ok()) return added;
      }
      return absl::OkStatus();
    });
    if (!status.ok()) {
      // The batch was rolled back: forget what it remembered.
      remembered_.resize(remembered_before);
      return status;
    }
    subscriptions_ = end;
    if (progress) progress(subscriptions_);
  }
  return absl::OkStatus();
}

absl::Status ScaleMesh::add_subscription(int64_t i) {
  const int producer = static_cast<int>(i % shape_.producers);
  const int consumer = static_cast<int>((i / shape_.producers) % shape_.consumers);
  const int k = static_cast<int>(i / (int64_t{shape_.consumers} * shape_.producers));
  const std::string table = table_name(k);
  const core::Engine& engine = *internals_->engine;
  const core::Caller& consumer_caller = internals_->consumer_callers[consumer];
  const core::Caller& producer_caller = internals_->producer_callers[producer];
  auto requested = engine.request_access_to_product(
      consumer_caller, {.owner_account_id = producers_[producer].account_id,
                        .database_name = products_[producer],
                        .request_permissions = {"SELECT"},
                        .tables = std::vector<std::string>{table}});
  if (!requested.ok()) return step(requested.status(), cat("request ", i));
  const std::string& id = requested->subscription_id;
  SubscriptionStatus status = SubscriptionStatus::kActive;
  absl::Status done;
  switch (fate_of(i)) {
    case 0:
      status = SubscriptionStatus::kPending;
      break;
    case 1:
      status = SubscriptionStatus::kDenied;
      done = engine.deny_access_request(producer_caller, {id, "not for this quarter"});
      break;
    case 2:
      status = SubscriptionStatus::kDeleted;
      done = engine.delete_subscription(consumer_caller, core::Persona::kConsumer,
                                        {id, "no longer needed"});
      break;
    default:
      done = engine.approve_access_request(
          producer_caller, {.request_id = id, .options = {.decision_notes = "approved"}});
      if (done.ok()) done = engine.finalize_subscription(consumer_caller, {id});
      break;
  }
  if (!done.ok()) return step(done, cat("decide on subscription ", i, " (", id, ")"));
  if (consumer < shape_.measured_consumers) {
    remembered_.push_back({.id = id, .consumer = consumer, .producer = producer, .table = table,
                           .status = status});
  }
  return absl::OkStatus();
}

absl::StatusOr<ScaleMesh::SpareRequest> ScaleMesh::next_spare_request() {
  const int64_t pairs = int64_t{shape_.measured_consumers} * shape_.producers;
  const int64_t j = spares_used_;
  if (j >= pairs * shape_.spare_tables) {
    return absl::ResourceExhaustedError(
        cat("scale mesh: all ", pairs * shape_.spare_tables,
            " spare requests are used; raise --spare-tables"));
  }
  ++spares_used_;
  const int k = shape_.tables_per_product - shape_.spare_tables + static_cast<int>(j / pairs);
  return SpareRequest{.consumer = static_cast<int>(j % shape_.measured_consumers),
                      .producer = static_cast<int>((j / shape_.measured_consumers) %
                                                   shape_.producers),
                      .table = table_name(k)};
}

absl::Status ScaleMesh::import_tables(int producer, const std::string& database,
                                      const std::vector<TableInput>& tables) {
  return internals_->engine->import_tables(internals_->producer_callers[producer], database, tables)
      .status();
}

absl::StatusOr<PermissionCheck> ScaleMesh::engine_check_permission(
    int consumer, const std::string& database, const std::string& table,
    const std::string& permission) const {
  return internals_->engine->check_permission(internals_->consumer_callers[consumer],
                                              {database, table, permission});
}

}  // namespace datamesh::bench
