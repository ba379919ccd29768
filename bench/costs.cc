#include "costs.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "api/json_codec.h"
#include "api/mesh_service.h"
#include "api/routes.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "base/text.h"
#include "requests.h"

namespace datamesh::bench {
namespace {

using base::cat;
using Clock = std::chrono::steady_clock;

double thread_cpu_micros() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// Runs `body` repeatedly for `seconds`; the first error stops it.
absl::StatusOr<StepCost> time_step(std::string name, std::string side, double seconds,
                                   const std::function<absl::Status()>& body) {
  StepCost cost{.name = std::move(name), .side = std::move(side)};
  const double cpu_started = thread_cpu_micros();
  const auto started = Clock::now();
  const auto deadline =
      started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  Clock::time_point now;
  do {
    if (absl::Status status = body(); !status.ok()) {
      return absl::Status(status.code(), cat("step ", cost.name, ": ", status.message()));
    }
    ++cost.operations;
    now = Clock::now();
  } while (now < deadline);
  cost.micros_per_operation =
      std::chrono::duration<double, std::micro>(now - started).count() / cost.operations;
  cost.cpu_micros_per_operation = (thread_cpu_micros() - cpu_started) / cost.operations;
  return cost;
}

}  // namespace

absl::StatusOr<std::vector<StepCost>> measure_step_costs(const BenchMesh& mesh,
                                                         const std::string& host_header,
                                                         double seconds_per_step,
                                                         uint64_t& next_write) {
  auto service = api::MeshService::open("sqlite://" + mesh.store_path, kBenchRegion, false, "");
  if (!service.ok()) return service.status();
  const BenchConsumer& consumer = mesh.consumers.front();
  const Credentials& credentials = consumer.credentials;
  const std::string body = read_body(consumer.subscription_id);
  auto read_route = api::find_route("consumer", "get_subscription");
  if (!read_route.ok()) return read_route.status();
  auto write_route = api::find_route("consumer", "request_access_to_product");
  if (!write_route.ok()) return write_route.status();
  auto signed_read = signed_request(host_header, kReadPath, body, credentials);
  if (!signed_read.ok()) return signed_read.status();
  const std::string authorization_header = aws::header_values(*signed_read, "Authorization")[0];
  auto key = (*service)->engine().resolve_access_key(credentials.access_key_id);
  if (!key.ok()) return key.status();
  const aws::Scope scope{.region = kBenchRegion, .service = std::string(aws::kDatameshService)};
  aws::SigningKeyCache server_keys;

  std::vector<StepCost> costs;
  const auto add = [&](std::string name, std::string side,
                       const std::function<absl::Status()>& step) -> absl::Status {
    auto cost = time_step(std::move(name), std::move(side), seconds_per_step, step);
    if (!cost.ok()) return cost.status();
    costs.push_back(*std::move(cost));
    return absl::OkStatus();
  };
  absl::Status status = add("sign (aws::sign)", "client", [&] {
    return signed_request(host_header, kReadPath, body, credentials).status();
  });
  if (status.ok()) {
    // With a cache of derived signing keys, as the server verifies (server/request_auth.h).
    status = add("signature: parse_authorization + verify", "server", [&]() -> absl::Status {
      auto parsed = aws::parse_authorization(authorization_header);
      if (!parsed.ok()) return parsed.status();
      return aws::verify(*signed_read, *parsed, credentials.secret_access_key, scope,
                         std::chrono::system_clock::now(), std::chrono::minutes(5),
                         &server_keys);
    });
  }
  if (status.ok()) {
    status = add("access key lookup + unseal (1 read txn)", "server", [&] {
      return (*service)->engine().resolve_access_key(credentials.access_key_id).status();
    });
  }
  if (status.ok()) {
    status = add("JSON: parse request body", "server",
                 [&] { return api::parse_json(body).status(); });
  }
  nlohmann::json read_answer;
  if (status.ok()) {
    status = add("get_subscription dispatch (1 read txn)", "server", [&]() -> absl::Status {
      auto params = api::parse_json(body);
      if (!params.ok()) return params.status();
      auto answer = (*service)->dispatch(**read_route, *params, &key->caller, kBenchMeshAccount);
      if (!answer.ok()) return answer.status();
      read_answer = *std::move(answer);
      return absl::OkStatus();
    });
  }
  if (status.ok()) {
    status = add("JSON: dump get_subscription answer", "server", [&] {
      return api::dump_json(read_answer).empty() ? absl::InternalError("empty answer")
                                                 : absl::OkStatus();
    });
  }
  if (status.ok()) {
    // Each consumer's own key, as the load test used them.
    std::vector<core::Caller> callers;
    for (const BenchConsumer& each : mesh.consumers) {
      auto material = (*service)->engine().resolve_access_key(each.credentials.access_key_id);
      if (!material.ok()) return material.status();
      callers.push_back(material->caller);
    }
    const uint64_t held = next_write / mesh.consumers.size();
    status = add(cat("request_access_to_product dispatch (1 write txn; from ~", held,
                     " subs/consumer)"),
                 "server",
                 [&]() -> absl::Status {
                   const uint64_t n = next_write++;
                   const WriteRequest write = write_request(mesh, n);
                   auto params = api::parse_json(write.body);
                   if (!params.ok()) return params.status();
                   return (*service)
                       ->dispatch(**write_route, *params, &callers[n % callers.size()],
                                  kBenchMeshAccount)
                       .status();
                 });
  }
  if (!status.ok()) return status;
  return costs;
}

}  // namespace datamesh::bench
