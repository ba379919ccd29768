#include "aws/client.h"

#include "aws/aws_errors.h"
#include "aws/protocols.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::aws {

using base::cat;

CredentialSource fixed_credentials(SigningKey key) {
  return [key = std::move(key)]() -> absl::StatusOr<SigningKey> { return key; };
}

absl::StatusOr<std::unique_ptr<AwsClient>> AwsClient::create(Options options) {
  if (!options.credentials) {
    return absl::InvalidArgumentError("AWS client: no credential source was given");
  }
  if (!options.transport) {
    DATAMESH_ASSIGN_OR_RETURN(options.transport, default_transport(options.environment));
  }
  std::unique_ptr<AwsClient> client(new AwsClient(std::move(options)));
  for (const ServiceInfo& service : all_services()) {
    absl::StatusOr<Endpoint> endpoint =
        resolve_endpoint(service.service, client->options_.region, client->options_.environment);
    if (!endpoint.ok()) return endpoint.status();
    client->endpoints_.emplace(service.service, *std::move(endpoint));
  }
  return client;
}

const Endpoint& AwsClient::endpoint(Service service) const { return endpoints_.at(service); }

absl::StatusOr<nlohmann::json> AwsClient::call(Service service, std::string_view operation,
                                               const nlohmann::json& request) const {
  const Endpoint& target = endpoint(service);
  absl::StatusOr<PreparedRequest> prepared = prepare_request(service, target, operation, request);
  if (!prepared.ok()) return prepared.status();
  const Protocol protocol = info(service).protocol;
  const Scope scope{target.signing_region, target.signing_name};

  // An error that ends the call before any answer (credentials, signing) stops the retries too.
  absl::Status stopped;
  const Retrier retrier(options_.retry, options_.sleep, options_.random, &quota_);
  RetriedOutcome outcome = retrier.run([&](int) -> AttemptOutcome {
    absl::StatusOr<SigningKey> key = options_.credentials();
    if (!key.ok()) {
      stopped = key.status();
      return {absl::CancelledError("stopped"), ""};  // not retried; `stopped` is returned
    }
    HttpRequest signed_request = prepared->request;
    if (absl::Status signed_ok =
            sign(signed_request, *key, scope, options_.clock(), &keys_, prepared->uri_rule);
        !signed_ok.ok()) {
      stopped = signed_ok;
      return {absl::CancelledError("stopped"), ""};
    }
    AttemptOutcome attempt{options_.transport->send(prepared->origin, signed_request), ""};
    if (attempt.response.ok() &&
        (attempt.response->status < 200 || attempt.response->status >= 300)) {
      attempt.error_code = parse_error(protocol, *attempt.response).code;
    }
    return attempt;
  });
  if (!stopped.ok()) return stopped;

  const std::string retried =
      outcome.attempts > 1 ? cat(" after ", outcome.attempts, " attempts") : std::string();
  if (!outcome.last.response.ok()) {
    const absl::Status& failure = outcome.last.response.status();
    return absl::Status(failure.code(),
                        cat(name(service), " ", operation, ": ", failure.message(), retried));
  }
  const HttpResponse& response = *outcome.last.response;
  if (response.status < 200 || response.status >= 300) {
    const absl::Status status = to_status(service, operation, parse_error(protocol, response));
    if (retried.empty()) return status;
    absl::Status noted(status.code(), cat(status.message(), retried));
    status.ForEachPayload([&noted](auto type_url, const absl::Cord& payload) {
      noted.SetPayload(type_url, payload);
    });
    return noted;
  }
  return read_answer(service, operation, response);
}

}  // namespace datamesh::aws
