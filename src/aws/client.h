// The AWS client: one call per protocol, for every service of services.h. A call resolves
// nothing at run time (endpoints are resolved when the client is made), builds the request
// (protocols.h), signs each attempt afresh with SigV4 (sigv4.h; the S3 path rule for S3; the
// X-Amz-Security-Token of a session), sends it on the transport (http_transport.h, keep-alive)
// and retries it in the standard mode (retry.h). Every AWS error becomes an absl::Status
// (aws_errors.h) carrying the AWS code, message and request id.
//
//   AwsClient::Options options;
//   options.region = "eu-west-1";
//   options.credentials = fixed_credentials({"AKIA...", "secret", ""});
//   DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> aws, AwsClient::create(options));
//   DATAMESH_ASSIGN_OR_RETURN(nlohmann::json databases,
//                             aws->call(Service::kGlue, "GetDatabases", {{"MaxResults", 100}}));
//
// Credentials come from a CredentialSource asked once per attempt, so a source that refreshes
// (an AssumeRole session near its end) is followed without making a new client.
//
// Thread-safety: `call` may run on any number of threads at once, provided the injected
// credential source, transport, sleeper, random source and clock may too (the defaults may).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/endpoints.h"
#include "aws/http_transport.h"
#include "aws/retry.h"
#include "aws/services.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "nlohmann/json.hpp"

namespace datamesh::aws {

// The credentials to sign the next request with. Its errors are returned by the call unchanged.
using CredentialSource = std::function<absl::StatusOr<SigningKey>()>;

// Always `key`.
CredentialSource fixed_credentials(SigningKey key);

class AwsClient {
 public:
  struct Options {
    std::string region;
    CredentialSource credentials;
    EnvironmentLookup environment = process_environment();  // AWS_ENDPOINT_URL*
    std::shared_ptr<HttpTransport> transport;  // null: a CurlTransport with default options
    RetryPolicy retry;
    Sleeper sleep = real_sleeper();
    UnitRandom random = real_random();
    std::function<std::chrono::system_clock::time_point()> clock = [] {
      return std::chrono::system_clock::now();
    };
  };

  // Resolves every service's endpoint for options.region. InvalidArgument when there are no
  // credentials or when resolve_endpoint refuses the region or an override.
  static absl::StatusOr<std::unique_ptr<AwsClient>> create(Options options);

  // Calls `operation` of `service` with `request` (a JSON object shaped as the service's API
  // reference, e.g. {"DatabaseInput": {"Name": "sales"}}) and returns its answer as JSON
  // (protocols.h says how each protocol's answer reads). Errors:
  //  - the AWS error of the last attempt, as aws_errors.h maps it, its text ending in
  //    "after N attempts" when the call was retried;
  //  - the transport's Unavailable or DeadlineExceeded after the last retry of a network
  //    failure, prefixed with "<service> <Operation>: ";
  //  - the credential source's error; prepare_request's InvalidArgument or Unimplemented;
  //  - Internal when a 2xx answer cannot be read.
  absl::StatusOr<nlohmann::json> call(
      Service service, std::string_view operation,
      const nlohmann::json& request = nlohmann::json::object()) const;

  const Endpoint& endpoint(Service service) const;
  // The retry quota shared by this client's calls (for tests and the benchmark).
  const RetryQuota& retry_quota() const { return quota_; }

 private:
  explicit AwsClient(Options options) : options_(std::move(options)) {}

  Options options_;
  std::map<Service, Endpoint> endpoints_;  // every service; set by create, then read only
  mutable RetryQuota quota_;
  mutable SigningKeyCache keys_;
};

}  // namespace datamesh::aws
