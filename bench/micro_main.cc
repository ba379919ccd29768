// datamesh_micro: Google Benchmark micro-benchmarks of the pieces the scale figures are made of
// (docs/PERFORMANCE.md, "Scale"): table-name patterns, the grant evaluator, the engine's
// authorization check against a store holding from a thousand to a million grants, SigV4
// signing and verification of a signed call as the server sees it, the server's answer text
// against nlohmann's DOM (docs/PERFORMANCE.md, "Server"), and the reading of a large JSON text
// against nlohmann's own parse.
//
//   datamesh_micro                          # every benchmark
//   datamesh_micro --benchmark_filter=Check  # Google Benchmark's own options
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "api/answer_json.h"
#include "api/json_codec.h"
#include "aws/sigv4.h"
#include "aws/signing_key_cache.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/grants.h"
#include "core/pattern.h"
#include "base/text.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::bench {
namespace {

using base::cat;

std::string table(int k) { return cat("orders_eu_", 100000 + k); }

void BM_PatternCompile(benchmark::State& state) {
  for (auto _ : state) {
    auto pattern = core::Pattern::compile("table_name_regex", "orders_(eu|us)_\\d+");
    benchmark::DoNotOptimize(pattern);
  }
}
BENCHMARK(BM_PatternCompile);

void BM_PatternFullMatch(benchmark::State& state) {
  auto pattern = core::Pattern::compile("table_name_regex", "orders_(eu|us)_\\d+");
  if (!pattern.ok()) state.SkipWithError("compile failed");
  std::vector<std::string> names;
  for (int k = 0; k < 1024; ++k) names.push_back(k % 2 ? table(k) : cat("items_ap_", k));
  size_t i = 0;
  for (auto _ : state) {
    auto matched = pattern->full_match(names[i++ % names.size()]);
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PatternFullMatch);

void BM_EvaluateGrants(benchmark::State& state) {
  // What find_grants returns for one check: the table's rows, "*" rows and database rows.
  std::vector<store::GrantRow> rows;
  for (const char* permission : {"SELECT", "DESCRIBE"}) {
    rows.push_back({.principal = "222222222222", .catalog_id = "999999999999",
                    .database_name = "sales-111111111111", .table_name = "orders",
                    .permission = permission, .subscription_id = "S1"});
  }
  rows.push_back({.principal = "222222222222", .catalog_id = "999999999999",
                  .database_name = "sales-111111111111", .table_name = "",
                  .permission = "DESCRIBE", .subscription_id = "S1"});
  for (auto _ : state) {
    auto check = core::evaluate_grants(rows, core::Permission::kSelect, "sales-111111111111",
                                       "orders");
    benchmark::DoNotOptimize(check);
  }
}
BENCHMARK(BM_EvaluateGrants);

// A signed datamesh call as the benchmark's client sends consumer/get-subscription: the
// headers the client signs, a subscription id in the body.
aws::HttpRequest datamesh_call() {
  return aws::HttpRequest{
      .method = "POST",
      .path = "/v1/consumer/get-subscription",
      .headers = {{"Host", "127.0.0.1:8080"},
                  {"Content-Type", "application/json"},
                  {"X-Datamesh-Mesh-Account-Id", "999999999999"},
                  {"X-Datamesh-Account-Id", "222222222222"}},
      .body = R"({"SubscriptionId":"0b9e4a3c-6f0e-4a53-9a51-3c1f1e0b2d7a"})"};
}
const aws::SigningKey kBenchKey{.access_key_id = "DMAKIAEXAMPLE0000001",
                                .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
const aws::Scope kBenchScope{.region = "us-east-1", .service = "datamesh"};

// The client's cost per call: signing with a key cache, as the C++ client and the load
// generator sign.
void BM_SignCall(benchmark::State& state) {
  aws::SigningKeyCache keys;
  const aws::HttpRequest call = datamesh_call();
  for (auto _ : state) {
    aws::HttpRequest request = call;
    const absl::Status signed_ok =
        aws::sign(request, kBenchKey, kBenchScope, std::chrono::system_clock::now(), &keys);
    if (!signed_ok.ok()) state.SkipWithError(std::string(signed_ok.message()).c_str());
    benchmark::DoNotOptimize(request);
  }
}
BENCHMARK(BM_SignCall);

// The server's cost per call before its store is read: the Authorization header parsed, the
// string to sign rebuilt and checked, the signature compared with a derived key.
void BM_VerifyCall(benchmark::State& state) {
  aws::HttpRequest request = datamesh_call();
  const auto now = std::chrono::system_clock::now();
  if (!aws::sign(request, kBenchKey, kBenchScope, now).ok()) {
    state.SkipWithError("signing failed");
    return;
  }
  // The server's HTTP layer also hands on the headers the client did not sign.
  request.headers.emplace_back("Content-Length", std::to_string(request.body.size()));
  request.headers.emplace_back("Connection", "keep-alive");
  const std::string derived =
      aws::signing_key(kBenchKey.secret_access_key, aws::format_amz_date(now).substr(0, 8),
                       kBenchScope.region, kBenchScope.service);
  for (auto _ : state) {
    std::string_view authorization;
    for (const auto& [name, value] : request.headers) {
      if (name == "Authorization") authorization = value;
    }
    absl::StatusOr<aws::Authorization> auth = aws::parse_authorization(authorization);
    absl::StatusOr<std::string> to_sign =
        auth.ok() ? aws::checked_string_to_sign(request, *auth, kBenchScope, now,
                                                std::chrono::minutes(5))
                  : auth.status();
    const absl::Status verified =
        to_sign.ok() ? aws::check_signature(*auth, derived, *to_sign) : to_sign.status();
    if (!verified.ok()) state.SkipWithError(std::string(verified.message()).c_str());
  }
}
BENCHMARK(BM_VerifyCall);

// A subscription as get-subscription answers it, with the notes and shares of a few changes.
Subscription answered_subscription() {
  Subscription s;
  s.subscription_id = "0b9e4a3c-6f0e-4a53-9a51-3c1f1e0b2d7a";
  s.status = SubscriptionStatus::kActive;
  s.type = "TABLE";
  s.database_name = "sales-111111111111";
  s.table_names = {"orders", "order_items"};
  s.requested_grants = {"SELECT", "DESCRIBE"};
  s.permitted_grants = {"SELECT", "DESCRIBE"};
  s.grantable_grants = {"SELECT"};
  s.owner_principal = "111111111111";
  s.subscriber_principal = "222222222222";
  s.creation_date = s.updated_date = "2026-12-06 09:30:00";
  s.created_by = s.updated_by = "arn:aws:iam::222222222222:user/analyst";
  s.notes = {"for the quarterly review", "approved as asked"};
  s.ram_shares = {"arn:aws:ram:us-east-1:111111111111:resource-share/1a2b3c"};
  s.granted_table_arns = {"arn:aws:glue:us-east-1:111111111111:table/sales-111111111111/orders"};
  s.version = 3;
  return s;
}
constexpr api::Wrap kSubscriptionsWrap{api::Wrap::kListOfOneUnderKey, "Subscriptions"};

// The answer as the server wrote it before 3f1263c: nlohmann's DOM, dumped.
void BM_AnswerThroughTheDom(benchmark::State& state) {
  const Subscription subscription = answered_subscription();
  for (auto _ : state) {
    std::string text = api::dump_json(api::answer_to_json(subscription, kSubscriptionsWrap));
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_AnswerThroughTheDom);

// The answer as the server writes it: text from the field list.
void BM_AnswerAsText(benchmark::State& state) {
  const Subscription subscription = answered_subscription();
  for (auto _ : state) {
    std::string text = api::answer_text(subscription, kSubscriptionsWrap);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_AnswerAsText);

// An answer of n grant entries, as get-subscription-grants gives a 20,000-table subscription.
std::string grant_list_text(int64_t n) {
  nlohmann::json grants = nlohmann::json::array();
  for (int64_t i = 0; i < n; ++i) {
    grants.push_back({{"CatalogId", "999999999999"},
                      {"DatabaseName", "lake-111111111111"},
                      {"TableName", base::cat("table_", i)},
                      {"Principal", "222222222222"},
                      {"Permissions", {"SELECT", "DESCRIBE"}},
                      {"Grantable", {"SELECT"}}});
  }
  return nlohmann::json{{"Grants", grants}}.dump();
}

// datamesh's reading of a JSON text (duplicate keys refused, depth bounded): what the client
// does with every answer and the server with every body. Linear in the text: it used to go
// through nlohmann's callback parser, quadratic in an array of objects.
void BM_ParseJson(benchmark::State& state) {
  const std::string text = grant_list_text(state.range(0));
  for (auto _ : state) {
    absl::StatusOr<nlohmann::json> parsed = api::parse_json(text);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseJson)->Arg(1000)->Arg(20000)->Unit(benchmark::kMillisecond);

// The baseline: nlohmann's own parse of the same text, no checks.
void BM_ParseJsonNlohmann(benchmark::State& state) {
  const std::string text = grant_list_text(state.range(0));
  for (auto _ : state) {
    nlohmann::json parsed = nlohmann::json::parse(text);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseJsonNlohmann)->Arg(1000)->Arg(20000)->Unit(benchmark::kMillisecond);

// The engine's check_permission (one read transaction: the mesh id, the grants on the table,
// the evaluation) on a store holding state.range(0) grants of 1000 consumers.
class NoSecrets final : public core::SecretSealer {
 public:
  absl::StatusOr<std::string> seal(std::string_view plain) const override {
    return std::string(plain);
  }
  absl::StatusOr<std::string> unseal(std::string_view sealed) const override {
    return std::string(sealed);
  }
  // check_permission writes no audit event; nothing here is authenticated.
  absl::StatusOr<std::string> authenticate(std::string_view, std::string_view message) const override {
    return std::string(message);
  }
};

constexpr int kConsumers = 1000;
const Account kConsumer{.account_id = "200000000000", .name = "c", .consumer_enabled = true,
                        .consumer_initialized = true};

// A store file at path holding `grants` grants of kConsumers consumers, three rows per table
// subscription as an approved one holds, and the mesh and kConsumer accounts.
absl::StatusOr<std::unique_ptr<store::SqliteStore>> store_with_grants(const std::string& path,
                                                                      int64_t grants) {
  std::remove(path.c_str());
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> store,
                            store::SqliteStore::open(path));
  DATAMESH_RETURN_IF_ERROR(store->run(store::TxMode::kWrite, [&](store::Transaction& tx) {
    DATAMESH_RETURN_IF_ERROR(
        tx.put_account({.account_id = "999999999999", .name = "mesh", .is_mesh = true}));
    DATAMESH_RETURN_IF_ERROR(tx.put_account(kConsumer));
    for (int64_t g = 0; g < grants / 3; ++g) {
      char principal[16];
      std::snprintf(principal, sizeof principal, "2%011d", static_cast<int>(g % kConsumers));
      const std::string sub = cat("S", g);
      const std::string t = table(static_cast<int>(g / kConsumers));
      for (auto [name, permission] : {std::pair{t, "SELECT"}, std::pair{t, "DESCRIBE"},
                                      std::pair{std::string(), "DESCRIBE"}}) {
        DATAMESH_RETURN_IF_ERROR(tx.put_grant({.principal = principal,
                                               .catalog_id = "999999999999",
                                               .database_name = "sales",
                                               .table_name = name,
                                               .permission = permission,
                                               .subscription_id = sub}));
      }
    }
    return absl::OkStatus();
  }));
  // Closed and opened again: closing the last connection copies the log of the one large
  // transaction into the file, whose pages every check would otherwise look up in the log's
  // index first (the earlier figures of this benchmark, docs/PERFORMANCE.md).
  store.reset();
  return store::SqliteStore::open(path);
}

void remove_store(std::unique_ptr<store::SqliteStore>& store, const std::string& path) {
  store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

// The engine's check on a store of state.range(0) grants. With `change_first`, each check
// follows a change of the consumer's grants (untimed), so it misses the store's grant cache and
// loads the consumer's grants again: the cost of the first check after a grant change. With
// `through_wildcard`, the consumer also holds SELECT on every table of the database ("*", as a
// whole-product subscription gives) and each check asks of a table no grant names, which the
// engine then looks up in the mesh catalog.
void check_permission(benchmark::State& state, bool change_first, bool through_wildcard = false) {
  const int64_t grants = state.range(0);
  const std::string path = cat("/tmp/datamesh-micro-", ::getpid(), "-", grants, ".db");
  auto store = store_with_grants(path, grants);
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return;
  }
  core::SystemClock clock;
  NoSecrets sealer;
  core::Engine engine(**store, clock, sealer);
  const core::Caller caller{.account = kConsumer, .access_key_id = "AK"};
  // Consumer 0 holds SELECT on the first `held` tables.
  const int held = static_cast<int>(std::max<int64_t>(1, grants / 3 / kConsumers));
  // Through "*": `held` more tables of the mesh catalog, named by no grant.
  const int first_checked = through_wildcard ? held : 0;
  if (through_wildcard) {
    const absl::Status made = (*store)->run(store::TxMode::kWrite, [&](store::Transaction& tx) {
      DATAMESH_RETURN_IF_ERROR(tx.put_grant({.principal = kConsumer.account_id,
                                             .catalog_id = "999999999999",
                                             .database_name = "sales",
                                             .table_name = "*",
                                             .permission = "SELECT",
                                             .subscription_id = "SW"}));
      DATAMESH_RETURN_IF_ERROR(
          tx.put_database({.input = {.name = "sales"}, .catalog_id = "999999999999"}));
      for (int t = held; t < 2 * held; ++t) {
        DATAMESH_RETURN_IF_ERROR(tx.put_table(
            {.input = {.name = table(t)}, .database_name = "sales", .catalog_id = "999999999999"}));
      }
      return absl::OkStatus();
    });
    if (!made.ok()) {
      state.SkipWithError(std::string(made.message()).c_str());
      return;
    }
  }
  int k = 0;
  for (auto _ : state) {
    if (change_first) {
      state.PauseTiming();
      const absl::Status changed = (*store)->run(store::TxMode::kWrite, [&](store::Transaction& tx) {
        return tx.put_grant({.principal = kConsumer.account_id, .catalog_id = "999999999999",
                             .database_name = "sales", .table_name = table(0),
                             .permission = "SELECT", .grantable = k % 2 == 0,
                             .subscription_id = "S0"});
      });
      if (!changed.ok()) state.SkipWithError("the grant change failed");
      state.ResumeTiming();
    }
    auto check =
        engine.check_permission(caller, {"sales", table(first_checked + k++ % held), "SELECT"});
    if (!check.ok() || !check->allowed) state.SkipWithError("the check failed");
  }
  remove_store(*store, path);
}

void BM_EngineCheckPermission(benchmark::State& state) { check_permission(state, false); }
void BM_EngineCheckPermissionAfterAGrantChange(benchmark::State& state) {
  check_permission(state, true);
}
void BM_EngineCheckPermissionThroughAWildcardGrant(benchmark::State& state) {
  check_permission(state, false, true);
}
BENCHMARK(BM_EngineCheckPermission)->Arg(3000)->Arg(30000)->Arg(300000)->Arg(3000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EngineCheckPermissionAfterAGrantChange)->Arg(3000)->Arg(3000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EngineCheckPermissionThroughAWildcardGrant)->Arg(3000)->Arg(3000000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace datamesh::bench

BENCHMARK_MAIN();
