#include "reliability/test_mesh.h"

#include <utility>

#include "base/text.h"
#include "reliability/mesh_file.h"
#include "security/secret_box.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using nlohmann::json;
using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kNoRoleAccount;
using test_support::kProducer2Account;
using test_support::kProducerAccount;
using test_support::kSalesProduct;

Credentials credentials_of(const json& answer) {
  return Credentials{.account_id = answer.value("AccountId", ""),
                     .access_key_id = answer.value("AccessKeyId", ""),
                     .secret_access_key = answer.value("SecretAccessKey", "")};
}

// Builds the world step by step; the first failing step is the error, naming the step.
class WorldBuilder {
 public:
  explicit WorldBuilder(OpenMesh& mesh) : mesh_(mesh) {}

  absl::StatusOr<World> build() {
    auto mesh = step("initialize the mesh", "admin", "initialize_mesh_account",
                     {{"mesh_name", "reliability mesh"}}, std::nullopt);
    if (!mesh.ok()) return mesh.status();
    world_.keys[kMeshAccount] = credentials_of(*mesh);
    const std::pair<const char*, const char*> accounts[] = {
        {kProducerAccount, "producer P"},   {kProducer2Account, "producer P2"},
        {kConsumerAccount, "consumer C"},   {kConsumer2Account, "consumer C2"},
        {kNoRoleAccount, "no role N"}};
    for (const auto& [id, name] : accounts) {
      auto created = admin("create_account", {{"account_name", name}, {"account_id", id}});
      if (!created.ok()) return created.status();
      world_.keys[id] = credentials_of(*created);
    }
    for (const char* id : {kProducerAccount, kProducer2Account}) {
      if (absl::Status made = make(id, "producer"); !made.ok()) return made;
    }
    for (const char* id : {kConsumerAccount, kConsumer2Account}) {
      if (absl::Status made = make(id, "consumer"); !made.ok()) return made;
    }
    if (absl::Status keys = extra_keys(); !keys.ok()) return keys;
    for (const auto& [id, key] : world_.keys) {
      if (id == kMeshAccount) continue;
      if (absl::Status made = scratch_database(id); !made.ok()) return made;
    }
    for (const char* producer : {kProducerAccount, kProducer2Account}) {
      if (absl::Status published = publish_sales(producer); !published.ok()) return published;
    }
    return subscriptions();
  }

 private:
  absl::StatusOr<json> step(std::string_view what, std::string_view group,
                            std::string_view method, const json& params,
                            const std::optional<Credentials>& key) {
    auto answer = mesh_.call(group, method, params, key);
    if (!answer.ok()) {
      return absl::InternalError(cat("building the world: cannot ", what, " (", group, " ",
                                     method, "): ", answer.status().ToString()));
    }
    return answer;
  }
  absl::StatusOr<json> admin(std::string_view method, const json& params) {
    return step(method, "admin", method, params, world_.keys.at(kMeshAccount));
  }
  absl::StatusOr<json> as(const std::string& account, std::string_view group,
                          std::string_view method, const json& params) {
    return step(cat(method, " as ", account), group, method, params, world_.keys.at(account));
  }

  absl::Status make(const std::string& account, std::string_view persona) {
    auto enabled = admin(cat("enable_account_as_", persona), {{"account_id", account}});
    if (!enabled.ok()) return enabled.status();
    return as(account, "admin", cat("initialize_", persona, "_account"), json::object())
        .status();
  }

  // A revoked key for every account, and P's spare.
  absl::Status extra_keys() {
    for (const auto& [id, key] : world_.keys) {
      auto created = admin("create_access_key", {{"account_id", id}});
      if (!created.ok()) return created.status();
      world_.revoked[id] = credentials_of(*created);
      // The mesh admin's revocation goes through another admin key, never the one revoked.
      auto revoked = admin("revoke_access_key", {{"key_id", world_.revoked[id].access_key_id}});
      if (!revoked.ok()) return revoked.status();
    }
    auto spare = admin("create_access_key", {{"account_id", kProducerAccount}});
    if (!spare.ok()) return spare.status();
    world_.spare = credentials_of(*spare);
    return absl::OkStatus();
  }

  absl::Status scratch_database(const std::string& account) {
    auto created = as(account, "catalog", "create_database",
                      {{"database_input", {{"Name", "scratch"}}}});
    if (!created.ok()) return created.status();
    return as(account, "catalog", "create_table",
              {{"database_name", "scratch"}, {"table_input", {{"Name", "t"}}}})
        .status();
  }

  absl::Status publish_sales(const std::string& producer) {
    auto created = as(producer, "catalog", "create_database",
                      {{"database_input", {{"Name", "sales"}}}});
    if (!created.ok()) return created.status();
    for (const char* table : {"orders", "order_items", "refunds"}) {
      auto made = as(producer, "catalog", "create_table",
                     {{"database_name", "sales"},
                      {"table_input",
                       {{"Name", table},
                        {"StorageDescriptor",
                         {{"Location", cat("s3://sales-", producer, "/", table, "/")}}}}}});
      if (!made.ok()) return made.status();
    }
    return as(producer, "producer", "create_data_products", {{"source_database_name", "sales"}})
        .status();
  }

  absl::StatusOr<std::string> request(const std::vector<std::string>& permissions,
                                      const std::string& table) {
    auto requested = as(kConsumerAccount, "consumer", "request_access_to_product",
                        {{"owner_account_id", kProducerAccount},
                         {"database_name", kSalesProduct},
                         {"request_permissions", permissions},
                         {"tables", {table}}});
    if (!requested.ok()) return requested.status();
    return requested->value("SubscriptionId", "");
  }

  absl::StatusOr<World> subscriptions() {
    using S = SubscriptionStatus;
    auto by_producer = [&](std::string_view method, const json& params) {
      return as(kProducerAccount, "producer", method, params);
    };
    // Deleted first: a live request for the same shape would be returned instead of a new one.
    auto deleted = request({"SELECT"}, "orders");
    if (!deleted.ok()) return deleted.status();
    if (auto s = by_producer("approve_access_request", {{"request_id", *deleted}}); !s.ok()) {
      return s.status();
    }
    if (auto s = as(kConsumerAccount, "consumer", "delete_subscription",
                    {{"subscription_id", *deleted}, {"reason", "no longer needed"}});
        !s.ok()) {
      return s.status();
    }
    auto pending = request({"SELECT", "INSERT"}, "orders");
    if (!pending.ok()) return pending.status();
    auto active = request({"SELECT", "INSERT"}, "order_items");
    if (!active.ok()) return active.status();
    if (auto s = by_producer("approve_access_request", {{"request_id", *active}}); !s.ok()) {
      return s.status();
    }
    if (auto s = as(kConsumerAccount, "consumer", "finalize_subscription",
                    {{"subscription_id", *active}});
        !s.ok()) {
      return s.status();
    }
    auto denied = request({"SELECT"}, "refunds");
    if (!denied.ok()) return denied.status();
    if (auto s = by_producer("deny_access_request",
                             {{"request_id", *denied}, {"decision_notes", "not for you"}});
        !s.ok()) {
      return s.status();
    }
    world_.subscriptions = {
        {S::kPending, *pending}, {S::kActive, *active}, {S::kDenied, *denied},
        {S::kDeleted, *deleted}};
    return world_;
  }

  OpenMesh& mesh_;
  World world_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<OpenMesh>> OpenMesh::open(const std::filesystem::path& db,
                                                         bool create) {
  if (!create && !std::filesystem::exists(db)) {
    return absl::FailedPreconditionError(cat("no mesh file ", db.string()));
  }
  auto sealer = security::SecretBox::from_environment_or_file(db.string() + ".key", create);
  if (!sealer.ok()) return sealer.status();
  auto sqlite = store::SqliteStore::open(db.string());
  if (!sqlite.ok()) return sqlite.status();
  return over(db, *std::move(sqlite), std::make_unique<security::SecretBox>(std::move(*sealer)));
}

absl::StatusOr<std::unique_ptr<OpenMesh>> OpenMesh::open_postgres(
    const std::string& url, const std::filesystem::path& key_file, bool create) {
  auto sealer = security::SecretBox::from_environment_or_file(key_file.string(), create);
  if (!sealer.ok()) return sealer.status();
  store::PostgresOptions options;
  options.create_if_missing = create;
  auto postgres = store::PostgresStore::open(url, options);
  if (!postgres.ok()) return postgres.status();
  return over(key_file, *std::move(postgres),
              std::make_unique<security::SecretBox>(std::move(*sealer)));
}

std::unique_ptr<OpenMesh> OpenMesh::over(std::filesystem::path path,
                                         std::unique_ptr<store::Store> store,
                                         std::unique_ptr<core::SecretSealer> sealer) {
  auto faults = std::make_unique<test_support::FaultStore>(std::move(store));
  auto mesh = std::unique_ptr<OpenMesh>(new OpenMesh());
  mesh->path_ = std::move(path);
  mesh->faults_ = faults.get();
  mesh->service_ =
      std::make_shared<api::MeshService>(std::move(faults), std::move(sealer), "us-east-1");
  mesh->backend_ = std::make_unique<api::EmbeddedBackend>(mesh->service_);
  return mesh;
}

absl::StatusOr<json> OpenMesh::call(std::string_view group, std::string_view method,
                                    const json& params, const std::optional<Credentials>& key) {
  return backend_->call(group, method, params, key, kMeshAccount);
}

absl::StatusOr<World> build_world(OpenMesh& mesh) { return WorldBuilder(mesh).build(); }

absl::StatusOr<std::unique_ptr<WorldTemplate>> WorldTemplate::create(
    const std::filesystem::path& directory) {
  auto result = std::unique_ptr<WorldTemplate>(new WorldTemplate());
  result->path_ = directory / "template.db";
  {
    auto mesh = OpenMesh::open(result->path_, /*create=*/true);
    if (!mesh.ok()) return mesh.status();
    auto world = build_world(**mesh);
    if (!world.ok()) return world.status();
    result->world_ = std::move(*world);
  }  // closed: the WAL is checkpointed into the file
  auto dump = dump_mesh_file(result->path_);
  if (!dump.ok()) return dump.status();
  result->dump_ = std::move(*dump);
  return result;
}

absl::StatusOr<std::unique_ptr<OpenMesh>> WorldTemplate::fresh_copy(
    const std::filesystem::path& db) const {
  if (absl::Status copied = copy_mesh(path_, db); !copied.ok()) return copied;
  auto mesh = OpenMesh::open(db);
  if (!mesh.ok()) return mesh.status();
  if (absl::Status checked = (*mesh)->service().check_mesh_id(kMeshAccount); !checked.ok()) {
    return checked;
  }
  return mesh;
}

std::string describe(const absl::Status& status) {
  if (status.ok()) return "OK";
  return cat(absl::StatusCodeToString(status.code()), ": ",
             std::string_view(status.message().data(), status.message().size()));
}

}  // namespace datamesh::reliability
