#include "requests.h"

#include <nlohmann/json.hpp>

#include "aws/signing_key_cache.h"
#include "testkit/signed_request.h"

namespace datamesh::bench {
namespace {

// The table permissions but ALL, which would absorb the others.
constexpr const char* kPermissions[] = {"SELECT", "INSERT", "DELETE", "ALTER", "DROP", "DESCRIBE"};
constexpr uint64_t kPermissionSets = (1u << std::size(kPermissions)) - 1;

}  // namespace

aws::SigningKeyCache& signing_keys() {
  static aws::SigningKeyCache keys;
  return keys;
}

HttpCall healthz_call(const std::string& host_header) {
  return HttpCall{.method = "GET", .path = "/healthz", .headers = {{"Host", host_header}}};
}

absl::StatusOr<aws::HttpRequest> signed_request(const std::string& host_header,
                                                const std::string& path, const std::string& body,
                                                const Credentials& credentials) {
  return testkit::signed_post(
      host_header, path, body, credentials,
      {.extra = {{"X-Datamesh-Mesh-Account-Id", kBenchMeshAccount},
                 {"X-Datamesh-Account-Id", credentials.account_id}},
       .scope = {.region = kBenchRegion, .service = std::string(aws::kDatameshService)},
       .keys = &signing_keys()});
}

HttpCall to_call(aws::HttpRequest request) {
  return HttpCall{.method = std::move(request.method),
                  .path = std::move(request.path),
                  .headers = std::move(request.headers),
                  .body = std::move(request.body)};
}

std::string read_body(const std::string& subscription_id) {
  return nlohmann::json{{"request_id", subscription_id}}.dump();
}

uint64_t distinct_write_combinations(int tables) {
  return ((uint64_t{1} << tables) - 1) * kPermissionSets;
}

WriteRequest write_request(const BenchMesh& mesh, uint64_t n) {
  const uint64_t consumers = mesh.consumers.size();
  const uint64_t table_sets = (uint64_t{1} << mesh.tables.size()) - 1;
  const uint64_t m = n / consumers;  // >= 1: combination 0 is the read subscription's
  const uint64_t table_mask = m % table_sets + 1;
  const uint64_t permission_mask = (m / table_sets) % kPermissionSets + 1;
  nlohmann::json tables = nlohmann::json::array();
  for (size_t t = 0; t < mesh.tables.size(); ++t) {
    if (table_mask & (uint64_t{1} << t)) tables.push_back(mesh.tables[t]);
  }
  nlohmann::json permissions = nlohmann::json::array();
  for (size_t p = 0; p < std::size(kPermissions); ++p) {
    if (permission_mask & (uint64_t{1} << p)) permissions.push_back(kPermissions[p]);
  }
  nlohmann::json body{{"owner_account_id", kBenchProducerAccount},
                      {"database_name", mesh.product_database},
                      {"request_permissions", std::move(permissions)},
                      {"tables", std::move(tables)}};
  return WriteRequest{.consumer = &mesh.consumers[n % consumers], .body = body.dump()};
}

}  // namespace datamesh::bench
