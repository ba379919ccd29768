// Retried transactions: every route of the method table, on both stores, with every transaction
// running its body twice (FaultStore::force_retries: the first run returns OK, loses a race and
// is rolled back; the store runs the body again). A store does this after a lost race, and
// PostgreSQL also after a lost connection, reads included; a body that added its rows to
// something outside itself would answer them twice.
//
// The calls are the successful cells of docs/AUTHORIZATION.md (as in fault_injection_test.cc),
// the pattern forms of get_tables and get_data_product, and initialize_mesh_account on an empty
// mesh. Each call runs three times, each on the same state (the standard world, copied afresh for
// a call that writes): once without retries (the reference), once with every transaction retried,
// once more without. The retried answer must equal the reference, except for the values in which
// the two references differ as well (new ids and keys, the clock's seconds: the three runs are in
// that order, so a date equal in both references is equal in between too). A call that writes
// must leave the same audit log as the reference: its change made exactly once.
#include <iostream>
#include <set>

#include "base/text.h"
#include "core/subscription_status.h"
#include "gtest/gtest.h"
#include "reliability/authorization_table.h"
#include "reliability/method_calls.h"
#include "reliability/test_mesh.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"
#include "support/postgres_test_db.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using nlohmann::json;
using server_test::ScratchDir;
using test_support::kMeshAccount;
using test_support::kProducerAccount;
using test_support::kSalesProduct;

enum class Backend { kSqlite, kPostgres };

// A mesh to call, and whatever must outlive it (a PostgreSQL schema).
struct Mesh {
  std::unique_ptr<test_support::ScratchSchema> schema;
  std::unique_ptr<OpenMesh> open;  // declared last: closed first
};

// Closes the mesh, then drops what it needed.
void close(Mesh& mesh) {
  mesh.open.reset();
  mesh.schema.reset();
}

// The standard world on one kind of store, built once, and fresh copies of it: the same
// accounts, keys, ids and dates in every copy.
class Worlds {
 public:
  virtual ~Worlds() = default;
  virtual const World& world() const = 0;
  // A copy of the world; the previous copy must be closed.
  virtual absl::StatusOr<Mesh> fresh() = 0;
  // A mesh with the schema and nothing else.
  virtual absl::StatusOr<Mesh> empty() = 0;
};

class SqliteWorlds final : public Worlds {
 public:
  absl::Status build() {
    auto made = WorldTemplate::create(scratch_.path());
    if (!made.ok()) return made.status();
    template_ = std::move(*made);
    return absl::OkStatus();
  }
  const World& world() const override { return template_->world(); }
  absl::StatusOr<Mesh> fresh() override {
    auto open = template_->fresh_copy(scratch_.path() / "mesh.db");
    if (!open.ok()) return open.status();
    return Mesh{.open = std::move(*open)};
  }
  absl::StatusOr<Mesh> empty() override {
    const std::filesystem::path db = scratch_.path() / cat("empty-", ++empties_, ".db");
    auto open = OpenMesh::open(db, /*create=*/true);
    if (!open.ok()) return open.status();
    return Mesh{.open = std::move(*open)};
  }

 private:
  ScratchDir scratch_;
  std::unique_ptr<WorldTemplate> template_;
  int empties_ = 0;
};

// Copies every row of schema `from` into schema `to` (both with the mesh schema), replacing
// what `to` held; identity sequences continue after the copied rows. Triggers and foreign keys
// are off while it runs (session_replication_role), so tables may be copied in any order.
std::string copy_schema_sql(const std::string& from, const std::string& to) {
  return cat(R"(SET session_replication_role = replica;
DO $$
DECLARE
  t record;
  c record;
  columns text;
BEGIN
  FOR t IN SELECT table_name FROM information_schema.tables
           WHERE table_schema = ')", from, R"(' AND table_type = 'BASE TABLE' LOOP
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO columns
      FROM information_schema.columns
      WHERE table_schema = ')", from, R"(' AND table_name = t.table_name
        AND is_generated = 'NEVER';
    EXECUTE format('DELETE FROM %I.%I', ')", to, R"(', t.table_name);
    EXECUTE format('INSERT INTO %I.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %I.%I',
                   ')", to, R"(', t.table_name, columns, columns, ')", from, R"(', t.table_name);
  END LOOP;
  FOR c IN SELECT table_name, column_name FROM information_schema.columns
           WHERE table_schema = ')", to, R"(' AND is_identity = 'YES' LOOP
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), '
                   '(SELECT coalesce(max(%I), 0) + 1 FROM %I.%I), false)',
                   ')", to, R"(.' || c.table_name, c.column_name, c.column_name,
                   ')", to, R"(', c.table_name);
  END LOOP;
END $$;)");
}

class PostgresWorlds final : public Worlds {
 public:
  absl::Status build() {
    auto schema = test_support::ScratchSchema::create();
    if (!schema.ok()) return schema.status();
    template_ = std::move(*schema);
    auto open = OpenMesh::open_postgres(template_->url(), key_file(), /*create=*/true);
    if (!open.ok()) return open.status();
    auto world = build_world(**open);
    if (!world.ok()) return world.status();
    world_ = std::move(*world);
    return absl::OkStatus();
  }
  const World& world() const override { return world_; }
  absl::StatusOr<Mesh> fresh() override {
    auto mesh = empty();
    if (!mesh.ok()) return mesh.status();
    if (absl::Status copied = test_support::postgres_exec(
            template_->database_url(), copy_schema_sql(template_->name(), mesh->schema->name()));
        !copied.ok()) {
      return copied;
    }
    if (absl::Status checked = mesh->open->service().check_mesh_id(kMeshAccount);
        !checked.ok()) {
      return checked;
    }
    return mesh;
  }
  absl::StatusOr<Mesh> empty() override {
    auto schema = test_support::ScratchSchema::create();
    if (!schema.ok()) return schema.status();
    auto open = OpenMesh::open_postgres((*schema)->url(), key_file(), /*create=*/true);
    if (!open.ok()) return open.status();
    return Mesh{.schema = std::move(*schema), .open = std::move(*open)};
  }

 private:
  std::filesystem::path key_file() const { return scratch_.path() / "mesh.key"; }

  ScratchDir scratch_;
  std::unique_ptr<test_support::ScratchSchema> template_;
  World world_;
};

// One call to check.
struct RetryCase {
  std::string name;  // "catalog get_tables on the (no) subscription as P"
  std::string group;
  std::string method;
  json params;
  std::optional<Credentials> key;
  bool on_empty_mesh = false;
};

// Where `retried` differs from `reference` at a place where `other` (the second reference)
// agrees with `reference`: "path: what the reference answered / what the retried call did".
void differences(const json& reference, const json& other, const json& retried,
                 const std::string& path, std::vector<std::string>& found) {
  if (reference == retried) return;
  const auto differ = [&](std::string what) {
    found.push_back(cat(path.empty() ? "answer" : path, ": ", std::move(what)));
  };
  if (reference.type() != retried.type()) {
    differ(cat(reference.dump(), " became ", retried.dump()));
    return;
  }
  if (reference.is_array()) {
    if (reference.size() != retried.size()) {
      differ(cat(reference.size(), " elements became ", retried.size(), ": ", reference.dump(),
                 " became ", retried.dump()));
      return;
    }
    for (size_t i = 0; i < reference.size(); ++i) {
      const json& second = other.is_array() && other.size() > i ? other[i] : json();
      differences(reference[i], second, retried[i], cat(path, "[", i, "]"), found);
    }
    return;
  }
  if (reference.is_object()) {
    std::set<std::string> keys;
    for (const auto& [key, value] : reference.items()) keys.insert(key);
    for (const auto& [key, value] : retried.items()) keys.insert(key);
    for (const std::string& key : keys) {
      const std::string where = cat(path, path.empty() ? "" : ".", key);
      if (!reference.contains(key) || !retried.contains(key)) {
        found.push_back(cat(where, reference.contains(key) ? " is missing" : " is new"));
        continue;
      }
      const json second = other.is_object() && other.contains(key) ? other.at(key) : json();
      differences(reference.at(key), second, retried.at(key), where, found);
    }
    return;
  }
  if (reference != other) return;  // a value that changes from run to run anyway
  differ(cat(reference.dump(), " became ", retried.dump()));
}

// What one run of a call left: its answer, whether it wrote, and for a call that writes, the
// audit log afterwards.
struct Outcome {
  json answer;
  bool wrote = false;
  json audit;
  int64_t retried_transactions = 0;
};

class RetryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      auto worlds = std::make_unique<SqliteWorlds>();
      ASSERT_TRUE(worlds->build().ok());
      worlds_ = std::move(worlds);
    } else {
      auto worlds = std::make_unique<PostgresWorlds>();
      const absl::Status built = worlds->build();
      ASSERT_TRUE(built.ok()) << built;
      worlds_ = std::move(worlds);
    }
    auto rows = documented_matrix();
    ASSERT_TRUE(rows.ok()) << rows.status();
    rows_ = std::move(*rows);
  }

  // The successful documented cells of `group`'s routes.
  std::vector<RetryCase> cases_of(std::string_view group) {
    const World& world = worlds_->world();
    std::vector<RetryCase> cases;
    for (const api::Route& route : api::routes()) {
      if (route.group != group || !route.authenticated) continue;
      bool covered = false;
      for (const MatrixRow& row : rows_) {
        if (row.route != route_name(route)) continue;
        for (CallerKind caller : kAllCallers) {
          if (!is_account(caller) ||
              row.expected[static_cast<int>(caller)] != absl::StatusCode::kOk) {
            continue;
          }
          auto params = params_for(route, world, row.status);
          EXPECT_TRUE(params.ok()) << params.status();
          cases.push_back(RetryCase{
              .name = cat(route_name(route), " on the ",
                          row.status ? core::status_name(*row.status) : "(no)",
                          " subscription as ", column_name(caller)),
              .group = std::string(route.group),
              .method = std::string(route.method),
              .params = params.value_or(json::object()),
              .key = world.keys.at(account_of(caller))});
          covered = true;
        }
      }
      EXPECT_TRUE(covered) << route_name(route) << " succeeds for no account in "
                           << "docs/AUTHORIZATION.md, so its retry is not tested";
    }
    return cases;
  }

  // One run of `call` on `mesh`, with or without retries; the audit log too if it wrote.
  absl::StatusOr<Outcome> run(OpenMesh& mesh, const RetryCase& call, bool retries) {
    mesh.faults().disarm();
    mesh.faults().force_retries(retries);
    auto answer = mesh.call(call.group, call.method, call.params, call.key);
    mesh.faults().force_retries(false);
    if (!answer.ok()) return answer.status();
    Outcome outcome{.answer = std::move(*answer),
                    .wrote = mesh.faults().counts().writes > 0,
                    .retried_transactions = mesh.faults().forced_retries()};
    if (outcome.wrote && !call.on_empty_mesh) {
      auto audit = mesh.call("admin", "list_audit_events", {{"max_results", 1000}},
                             worlds_->world().keys.at(kMeshAccount));
      if (!audit.ok()) return audit.status();
      outcome.audit = std::move(*audit);
    }
    return outcome;
  }

  absl::StatusOr<Mesh> mesh_for(const RetryCase& call) {
    return call.on_empty_mesh ? worlds_->empty() : worlds_->fresh();
  }

  // Runs the reference, the retried call and the second reference (see the top) and reports
  // every difference. Returns false when the retried answer differed.
  bool check(const RetryCase& call) {
    SCOPED_TRACE(call.name);
    auto mesh = mesh_for(call);
    EXPECT_TRUE(mesh.ok()) << mesh.status();
    if (!mesh.ok()) return true;
    auto reference = run(*mesh->open, call, /*retries=*/false);
    EXPECT_TRUE(reference.ok()) << "without retries: " << describe(reference.status());
    if (!reference.ok()) return true;
    if (reference->wrote) {
      close(*mesh);
      mesh = mesh_for(call);
      EXPECT_TRUE(mesh.ok()) << mesh.status();
      if (!mesh.ok()) return true;
    }
    auto retried = run(*mesh->open, call, /*retries=*/true);
    if (reference->wrote) {
      close(*mesh);
      mesh = mesh_for(call);
      EXPECT_TRUE(mesh.ok()) << mesh.status();
      if (!mesh.ok()) return true;
    }
    auto second = run(*mesh->open, call, /*retries=*/false);
    EXPECT_TRUE(second.ok()) << "without retries, again: " << describe(second.status());
    if (!second.ok()) return true;
    ++calls_;
    if (!retried.ok()) {
      ADD_FAILURE() << "with every transaction retried: " << describe(retried.status());
      return false;
    }
    EXPECT_GT(retried->retried_transactions, 0) << "no transaction was retried";
    transactions_ += retried->retried_transactions;
    std::vector<std::string> found;
    differences(reference->answer, second->answer, retried->answer, "", found);
    if (reference->wrote) {
      differences(reference->audit, second->audit, retried->audit, "audit log", found);
    }
    for (const std::string& difference : found) {
      ADD_FAILURE() << "with every transaction retried, " << difference;
    }
    return found.empty();
  }

  void run_cases(std::string_view what, const std::vector<RetryCase>& cases) {
    std::set<std::string> failed;
    for (const RetryCase& call : cases) {
      if (!check(call)) failed.insert(cat(call.group, " ", call.method));
      if (HasFatalFailure()) return;
    }
    std::cout << "retries, " << what << ": " << calls_ << " calls, " << transactions_
              << " transactions run twice; answers changed by a retry: "
              << (failed.empty() ? "none" : base::join(failed, ", ")) << "\n";
  }

  std::unique_ptr<Worlds> worlds_;
  std::vector<MatrixRow> rows_;
  int calls_ = 0;
  int64_t transactions_ = 0;
};

TEST_P(RetryTest, AdminMethodsAnswerTheSameWhenEveryTransactionRunsTwice) {
  std::vector<RetryCase> cases = cases_of("admin");
  cases.push_back(RetryCase{.name = "admin initialize_mesh_account on an empty mesh",
                            .group = "admin",
                            .method = "initialize_mesh_account",
                            .params = {{"mesh_name", "new mesh"}},
                            .on_empty_mesh = true});
  run_cases("admin", cases);
}

TEST_P(RetryTest, CatalogMethodsAnswerTheSameWhenEveryTransactionRunsTwice) {
  std::vector<RetryCase> cases = cases_of("catalog");
  // With an expression get_tables reads the matching tables one by one.
  cases.push_back(RetryCase{.name = "catalog get_tables with an expression as P",
                            .group = "catalog",
                            .method = "get_tables",
                            .params = {{"database_name", "sales"}, {"expression", "order.*"}},
                            .key = worlds_->world().keys.at(kProducerAccount)});
  run_cases("catalog", cases);
}

TEST_P(RetryTest, ProducerMethodsAnswerTheSameWhenEveryTransactionRunsTwice) {
  std::vector<RetryCase> cases = cases_of("producer");
  cases.push_back(RetryCase{
      .name = "producer get_data_product with a table pattern as P",
      .group = "producer",
      .method = "get_data_product",
      .params = {{"database_name", kSalesProduct}, {"table_name_regex", "order.*"}},
      .key = worlds_->world().keys.at(kProducerAccount)});
  run_cases("producer", cases);
}

TEST_P(RetryTest, ConsumerMethodsAnswerTheSameWhenEveryTransactionRunsTwice) {
  run_cases("consumer", cases_of("consumer"));
}

INSTANTIATE_TEST_SUITE_P(Stores, RetryTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace datamesh::reliability
