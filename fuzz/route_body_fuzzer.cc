// Fuzz target: the HTTP request body of every route, decoded exactly as `datamesh serve` does
// (api::parse_json, then MeshService::dispatch: the method table's parameter checks, the Glue
// readers, the engine's validation of names, patterns, schedules and permissions) against a
// seeded mesh that no run changes (RollbackStore).
//
// Input: a first line "<group>/<method-with-dashes>@<caller>" naming the route and who calls it
// (admin, producer, consumer or nobody, an account with no role; a line naming no route or
// caller picks one by a hash of the line, so every input reaches some route), then the body
// as the server receives it. "$PENDING", "$ACTIVE" and "$KEY" in the body stand for the seeded
// mesh's pending subscription, its active subscription and the consumer's access key, whose ids
// are random in each process.
//
// Properties: no crash, leak, uncaught exception or undefined behaviour; a bad body is a client
// error (never Internal, Unknown or DataLoss); the answer serializes; no seeded secret access
// key is ever in an answer or a message.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "api/json_codec.h"
#include "api/mesh_service.h"
#include "api/routes.h"
#include "core/text.h"
#include "fuzz_support.h"
#include "rollback_store.h"
#include "security/secret_box.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using datamesh::fuzz::describe;
using nlohmann::json;

constexpr char kMeshAccount[] = "999999999999";
constexpr char kProducerAccount[] = "111111111111";
constexpr char kConsumerAccount[] = "222222222222";
constexpr char kNobodyAccount[] = "555555555555";

[[noreturn]] void seeding_failed(std::string_view step, const absl::Status& status) {
  datamesh::fuzz::fail("seeding the mesh", datamesh::core::cat(step, ": ", status.ToString()));
}

struct SeededMesh {
  std::shared_ptr<datamesh::api::MeshService> service;
  std::map<std::string, datamesh::core::Caller> callers;  // admin, producer, consumer, nobody
  std::map<std::string, std::string> placeholders;        // $PENDING, $ACTIVE, $KEY
  std::vector<std::string> secrets;
};

json call(SeededMesh& mesh, std::string_view route_name, const datamesh::core::Caller* caller,
          json params) {
  const size_t slash = route_name.find('/');
  auto route = datamesh::api::find_route(route_name.substr(0, slash), route_name.substr(slash + 1));
  if (!route.ok()) seeding_failed(route_name, route.status());
  auto answer = mesh.service->dispatch(**route, params, caller, kMeshAccount);
  if (!answer.ok()) seeding_failed(route_name, answer.status());
  return *answer;
}

json sales_table(const std::string& name) {
  return {{"Name", name},
          {"Description", "sales table " + name},
          {"TableType", "EXTERNAL_TABLE"},
          {"Parameters", {{"classification", "parquet"}}},
          {"PartitionKeys", {{{"Name", "order_date"}, {"Type", "date"}}}},
          {"StorageDescriptor",
           {{"Columns",
             {{{"Name", "id"}, {"Type", "bigint"}}, {{"Name", "amount"}, {"Type", "double"}}}},
            {"Location", "s3://sales/" + name + "/"}}}};
}

// The mesh every run starts from: producer 111111111111 publishes sales (orders, order_items,
// refunds) as sales-111111111111; consumer 222222222222 has a Pending request for orders and
// an Active, finalized subscription to refunds; 555555555555 has no role.
SeededMesh seed() {
  auto memory = datamesh::store::SqliteStore::open(":memory:");
  if (!memory.ok()) seeding_failed("open", memory.status());
  auto store = std::make_unique<datamesh::fuzz::RollbackStore>(std::move(*memory));
  datamesh::fuzz::RollbackStore* rollback = store.get();
  auto box = datamesh::security::SecretBox::from_key(std::string(32, 'k'));
  if (!box.ok()) seeding_failed("key", box.status());
  SeededMesh mesh;
  mesh.service = std::make_shared<datamesh::api::MeshService>(
      std::move(store), std::make_unique<datamesh::security::SecretBox>(*box), "us-east-1");

  // A Caller carries its account's roles as they were when its key was resolved, so callers
  // are resolved again once the roles change.
  std::map<std::string, std::string> key_ids;
  auto resolve_callers = [&] {
    for (const auto& [name, key_id] : key_ids) {
      auto key = mesh.service->engine().resolve_access_key(key_id);
      if (!key.ok()) seeding_failed("resolve_access_key", key.status());
      mesh.callers[name] = key->caller;
    }
  };
  auto remember = [&](const std::string& name, const json& credentials) {
    key_ids[name] = credentials["AccessKeyId"].get<std::string>();
    mesh.secrets.push_back(credentials["SecretAccessKey"].get<std::string>());
    resolve_callers();
  };
  remember("admin", call(mesh, "admin/initialize-mesh-account", nullptr, {{"mesh_name", "fuzz"}}));
  const auto* admin = &mesh.callers["admin"];
  for (const auto& [name, id] : {std::pair{"producer", kProducerAccount},
                                 std::pair{"consumer", kConsumerAccount},
                                 std::pair{"nobody", kNobodyAccount}}) {
    remember(name, call(mesh, "admin/create-account", admin,
                        {{"account_name", name}, {"account_id", id}}));
  }
  const auto* producer = &mesh.callers["producer"];
  const auto* consumer = &mesh.callers["consumer"];
  call(mesh, "admin/enable-account-as-producer", admin, {{"account_id", kProducerAccount}});
  call(mesh, "admin/enable-account-as-consumer", admin, {{"account_id", kConsumerAccount}});
  resolve_callers();
  call(mesh, "admin/initialize-producer-account", producer, json::object());
  call(mesh, "admin/initialize-consumer-account", consumer, json::object());
  resolve_callers();
  call(mesh, "catalog/create-database", producer, {{"database_input", {{"Name", "sales"}}}});
  for (const char* table : {"orders", "order_items", "refunds"}) {
    call(mesh, "catalog/create-table", producer,
         {{"database_name", "sales"}, {"table_input", sales_table(table)}});
  }
  call(mesh, "producer/create-data-products", producer, {{"source_database_name", "sales"}});
  const json pending = call(mesh, "consumer/request-access-to-product", consumer,
                            {{"owner_account_id", kProducerAccount},
                             {"database_name", "sales-111111111111"},
                             {"request_permissions", {"SELECT"}},
                             {"tables", {"orders"}}});
  const json active = call(mesh, "consumer/request-access-to-product", consumer,
                           {{"owner_account_id", kProducerAccount},
                            {"database_name", "sales-111111111111"},
                            {"request_permissions", {"SELECT", "INSERT"}},
                            {"tables", {"refunds"}}});
  const std::string active_id = active["SubscriptionId"].get<std::string>();
  call(mesh, "producer/approve-access-request", producer, {{"request_id", active_id}});
  call(mesh, "consumer/finalize-subscription", consumer, {{"subscription_id", active_id}});
  mesh.placeholders = {{"$PENDING", pending["SubscriptionId"].get<std::string>()},
                       {"$ACTIVE", active_id},
                       {"$KEY", consumer->access_key_id}};
  rollback->set_seeding(false);
  return mesh;
}

SeededMesh& mesh() {
  static SeededMesh seeded = seed();
  return seeded;
}

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

// The route and caller the first line names, or those its hash picks.
std::pair<const datamesh::api::Route*, const datamesh::core::Caller*> pick(SeededMesh& seeded,
                                                                         std::string_view line) {
  const auto& routes = datamesh::api::routes();
  const size_t at = line.find('@');
  const std::string_view route_name = line.substr(0, at);
  const std::string caller_name(at == std::string_view::npos ? "" : line.substr(at + 1));
  const size_t slash = route_name.find('/');
  const datamesh::api::Route* route = nullptr;
  if (slash != std::string_view::npos) {
    auto found =
        datamesh::api::find_route(route_name.substr(0, slash), route_name.substr(slash + 1));
    if (found.ok()) route = *found;
  }
  const uint64_t hash = fnv1a(line);
  if (route == nullptr) route = &routes[hash % routes.size()];
  auto caller = seeded.callers.find(caller_name);
  if (caller == seeded.callers.end()) {
    caller = std::next(seeded.callers.begin(), static_cast<long>((hash >> 32) % seeded.callers.size()));
  }
  return {route, &caller->second};
}

void check_no_seeded_secret(const SeededMesh& seeded, std::string_view output,
                            std::string_view body) {
  for (const std::string& secret : seeded.secrets) {
    if (body.find(secret) != std::string_view::npos) continue;
    DATAMESH_FUZZ_CHECK(output.find(secret) == std::string_view::npos,
                        datamesh::core::cat("a seeded secret is in the output: ", output));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SeededMesh& seeded = mesh();
  const auto parts = datamesh::fuzz::split_input(datamesh::fuzz::as_text(data, size), "\n", 2);
  const auto [route, caller] = pick(seeded, parts[0]);
  std::string body(parts[1]);
  for (const auto& [placeholder, value] : seeded.placeholders) {
    body = datamesh::fuzz::replace_all(body, placeholder, value);
  }

  // What Server::handle_method does with a request it has authenticated.
  absl::StatusOr<json> answer = json::object();
  if (!body.empty()) answer = datamesh::api::parse_json(body);
  if (answer.ok()) {
    answer = seeded.service->dispatch(*route, *answer, route->authenticated ? caller : nullptr,
                                      kMeshAccount);
  }
  // To see what seeds reach: DATAMESH_FUZZ_VERBOSE=1 route_body_fuzzer -runs=0 <corpus>.
  static const bool verbose = std::getenv("DATAMESH_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "%s/%s: %s\n", std::string(route->group).c_str(),
                 std::string(route->method).c_str(),
                 answer.ok() ? datamesh::api::dump_json(*answer).substr(0, 120).c_str()
                             : answer.status().ToString().c_str());
  }
  if (answer.ok()) {
    check_no_seeded_secret(seeded, datamesh::api::dump_json(*answer), body);
    return 0;
  }
  const absl::StatusCode code = answer.status().code();
  DATAMESH_FUZZ_CHECK(code != absl::StatusCode::kInternal && code != absl::StatusCode::kUnknown &&
                          code != absl::StatusCode::kDataLoss,
                      describe(answer.status()));
  check_no_seeded_secret(seeded, datamesh::fuzz::message(answer.status()), body);
  return 0;
}
