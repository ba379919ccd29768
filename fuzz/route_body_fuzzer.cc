// Fuzz target: the HTTP request body of every route, handled exactly as `datamesh serve` handles
// it: server::RequestRouter::handle (the server's code below its HTTP transport) gets a POST
// /v1/<group>/<method> signed by the chosen caller, verifies it, parses the body (parse_json),
// dispatches it through the method table (parameter checks, the Glue readers, the engine's
// validation of names, patterns, schedules and permissions) and answers. The mesh is seeded
// once, in memory, and a RollbackStore keeps every run from changing it.
//
// Input: a first line "<group>/<method-with-dashes>@<caller>" naming the route and who calls it
// (admin, producer, consumer or nobody, an account with no role; a line naming no route or
// caller picks one by a hash of the line, so every input reaches some route), then the body
// as the server receives it. "$PENDING", "$ACTIVE" and "$KEY" in the body stand for the seeded
// mesh's pending subscription, its active subscription and the consumer's access key, whose ids
// are random in each process.
//
// Properties: no crash, leak, uncaught exception or undefined behaviour; a bad body is a client
// error (4xx, never 500 or 503); every answer is JSON, every error in the shape
// {"Error": {"Code", "Message"}}; no seeded secret access key is ever in an answer.
//
// Each run's answer depends only on its input (and the clock and the random ids new objects
// get): the store is rolled back, and the router's request counters, which grow, are never
// read by a method route.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/json_codec.h"
#include "api/mesh_service.h"
#include "api/routes.h"
#include "aws/sigv4.h"
#include "base/text.h"
#include "fuzz_support.h"
#include "rollback_store.h"
#include "security/secret_box.h"
#include "server/request_router.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using datamesh::fuzz::describe;
using nlohmann::json;

// Where a streamed answer (Response::produce) is written here: all of it, as the transport sends
// one that fits its buffer. Never started, so a failing produce() may replace the answer.
class CollectedBody final : public datamesh::server::BodyWriter {
 public:
  absl::Status write(std::string_view bytes) override {
    body.append(bytes);
    return absl::OkStatus();
  }
  bool started() const override { return false; }
  void replace(datamesh::server::Response answer) override { replacement = std::move(answer); }

  std::string body;
  std::optional<datamesh::server::Response> replacement;
};

// The answer as the client receives it: a streamed one produced into its body.
datamesh::server::Response produced(datamesh::server::Response response) {
  if (!response.produce) return response;
  CollectedBody collected;
  const absl::Status status = response.produce(collected);
  if (collected.replacement) return *std::move(collected.replacement);
  DATAMESH_FUZZ_CHECK(status.ok(), "a streamed answer failed without replacing itself: " +
                                       describe(status));
  response.produce = nullptr;
  response.body = std::move(collected.body);
  return response;
}

constexpr char kMeshAccount[] = "999999999999";
constexpr char kProducerAccount[] = "111111111111";
constexpr char kConsumerAccount[] = "222222222222";
constexpr char kNobodyAccount[] = "555555555555";

[[noreturn]] void seeding_failed(std::string_view step, const absl::Status& status) {
  datamesh::fuzz::fail("seeding the mesh", datamesh::base::cat(step, ": ", status.ToString()));
}

struct SeededMesh {
  std::shared_ptr<datamesh::api::MeshService> service;
  std::unique_ptr<datamesh::server::RequestRouter> router;
  // admin, producer, consumer, nobody: their callers (for seeding) and their keys.
  std::map<std::string, datamesh::core::Caller> callers;
  std::map<std::string, datamesh::Credentials> keys;
  std::map<std::string, std::string> placeholders;  // $PENDING, $ACTIVE, $KEY
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
    mesh.keys[name] = {.account_id = credentials["AccountId"].get<std::string>(),
                       .access_key_id = key_ids[name],
                       .secret_access_key = credentials["SecretAccessKey"].get<std::string>()};
    mesh.secrets.push_back(mesh.keys[name].secret_access_key);
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
  datamesh::server::ServerConfig config;
  config.store = "sqlite://:memory:";
  config.allow_initialize = true;  // so that initialize-mesh-account reaches the engine too
  config.access_log = false;
  mesh.router = std::make_unique<datamesh::server::RequestRouter>(config, mesh.service);
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
std::pair<const datamesh::api::Route*, std::string> pick(const SeededMesh& seeded,
                                                         std::string_view line) {
  const auto& routes = datamesh::api::routes();
  const size_t at = line.find('@');
  const std::string_view route_name = line.substr(0, at);
  std::string caller(at == std::string_view::npos ? "" : line.substr(at + 1));
  const size_t slash = route_name.find('/');
  const datamesh::api::Route* route = nullptr;
  if (slash != std::string_view::npos) {
    auto found =
        datamesh::api::find_route(route_name.substr(0, slash), route_name.substr(slash + 1));
    if (found.ok()) route = *found;
  }
  const uint64_t hash = fnv1a(line);
  if (route == nullptr) route = &routes[hash % routes.size()];
  if (seeded.keys.count(caller) == 0) {
    caller = std::next(seeded.keys.begin(), static_cast<long>((hash >> 32) % seeded.keys.size()))
                 ->first;
  }
  return {route, caller};
}

void check_no_seeded_secret(const SeededMesh& seeded, std::string_view output,
                            std::string_view body) {
  for (const std::string& secret : seeded.secrets) {
    if (body.find(secret) != std::string_view::npos) continue;
    DATAMESH_FUZZ_CHECK(output.find(secret) == std::string_view::npos,
                        datamesh::base::cat("a seeded secret is in the output: ", output));
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

  // The request a datamesh client sends, signed now as the caller.
  datamesh::server::Request request;
  request.http = {.method = "POST",
                  .path = datamesh::base::cat("/v1/", route->group, "/",
                                              datamesh::api::dashed(route->method)),
                  .body = body};
  request.http.headers = {{"Host", "127.0.0.1:8080"},
                          {"Content-Type", "application/json"},
                          {"X-Datamesh-Mesh-Account-Id", kMeshAccount}};
  if (route->authenticated) {
    const datamesh::Credentials& key = seeded.keys.at(caller);
    const absl::Status signed_status = datamesh::aws::sign(
        request.http,
        {.access_key_id = key.access_key_id, .secret_access_key = key.secret_access_key},
        {.region = "us-east-1", .service = std::string(datamesh::aws::kDatameshService)},
        std::chrono::system_clock::now());
    DATAMESH_FUZZ_CHECK(signed_status.ok(), describe(signed_status));
  }
  const datamesh::server::Response response = produced(seeded.router->handle(request));

  // To see what seeds reach: DATAMESH_FUZZ_VERBOSE=1 route_body_fuzzer -runs=0 <corpus>.
  static const bool verbose = std::getenv("DATAMESH_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "%s as %s: %d %s\n", request.http.path.c_str(), caller.c_str(),
                 response.status, response.body.substr(0, 150).c_str());
  }
  DATAMESH_FUZZ_CHECK(response.status == 200 || (response.status >= 400 && response.status < 500),
                      datamesh::base::cat(response.status, " ", response.body));
  const auto answer = datamesh::api::parse_json(response.body);
  DATAMESH_FUZZ_CHECK(answer.ok(), "the answer is not JSON: " + response.body);
  if (response.status != 200) {
    const json& document = *answer;
    const bool shaped =
        document.is_object() && document.size() == 1 && document.contains("Error") &&
        document.at("Error").is_object() && document.at("Error").size() == 2 &&
        document.at("Error").contains("Code") && document.at("Error").at("Code").is_string() &&
        document.at("Error").contains("Message") &&
        document.at("Error").at("Message").is_string() &&
        !document.at("Error").at("Message").get<std::string>().empty();
    DATAMESH_FUZZ_CHECK(shaped, "an error answer of another shape: " + response.body);
  }
  check_no_seeded_secret(seeded, response.body, body);
  return 0;
}
