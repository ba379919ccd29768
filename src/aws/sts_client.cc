#include "aws/sts_client.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::aws {
namespace {

using base::cat;

// A client signing with `key`. The client's credentials are fixed when it is made, so each
// call makes its own; STS is asked rarely (once per hop and hour, identities are remembered),
// and the transport with its open connections is shared.
absl::StatusOr<std::unique_ptr<AwsClient>> client_signing_with(AwsClient::Options options,
                                                               const SigningKey& key) {
  options.credentials = fixed_credentials(key);
  return AwsClient::create(std::move(options));
}

// answer[object][name] (answer[name] when object is empty) as a non-empty string.
absl::StatusOr<std::string> member(const nlohmann::json& answer, std::string_view operation,
                                   std::string_view object, std::string_view name) {
  const nlohmann::json* holder = &answer;
  if (!object.empty()) {
    const auto found = answer.find(object);
    holder = found != answer.end() ? &*found : nullptr;
  }
  if (holder != nullptr && holder->is_object()) {
    const auto found = holder->find(name);
    if (found != holder->end() && found->is_string() && !found->get<std::string>().empty()) {
      return found->get<std::string>();
    }
  }
  return absl::InternalError(cat("sts ", operation, ": the answer has no ", object,
                                 object.empty() ? "" : ".", name));
}

// "2026-12-05T07:14:37Z" (AWS) or with fractional seconds (moto).
absl::StatusOr<std::chrono::system_clock::time_point> expiration_time(const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InternalError(
        cat("sts AssumeRole: Credentials.Expiration '", text, "' is not ISO 8601: ", error));
  }
  return absl::ToChronoTime(time);
}

absl::StatusOr<AssumedCredentials> assume_role(const AwsClient::Options& options,
                                               const SigningKey& source,
                                               std::string_view role_arn,
                                               std::string_view session_name) {
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> sts, client_signing_with(options, source));
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json answer,
      sts->call(Service::kSts, "AssumeRole",
                {{"RoleArn", role_arn}, {"RoleSessionName", session_name}}));
  AssumedCredentials assumed;
  DATAMESH_ASSIGN_OR_RETURN(assumed.key.access_key_id,
                            member(answer, "AssumeRole", "Credentials", "AccessKeyId"));
  DATAMESH_ASSIGN_OR_RETURN(assumed.key.secret_access_key,
                            member(answer, "AssumeRole", "Credentials", "SecretAccessKey"));
  DATAMESH_ASSIGN_OR_RETURN(assumed.key.session_token,
                            member(answer, "AssumeRole", "Credentials", "SessionToken"));
  DATAMESH_ASSIGN_OR_RETURN(const std::string expiration,
                            member(answer, "AssumeRole", "Credentials", "Expiration"));
  DATAMESH_ASSIGN_OR_RETURN(assumed.expiration, expiration_time(expiration));
  return assumed;
}

absl::StatusOr<CallerIdentity> get_caller_identity(const AwsClient::Options& options,
                                                   const SigningKey& key) {
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> sts, client_signing_with(options, key));
  DATAMESH_ASSIGN_OR_RETURN(const nlohmann::json answer,
                            sts->call(Service::kSts, "GetCallerIdentity"));
  CallerIdentity identity;
  DATAMESH_ASSIGN_OR_RETURN(identity.user_id, member(answer, "GetCallerIdentity", "", "UserId"));
  DATAMESH_ASSIGN_OR_RETURN(identity.account, member(answer, "GetCallerIdentity", "", "Account"));
  DATAMESH_ASSIGN_OR_RETURN(identity.arn, member(answer, "GetCallerIdentity", "", "Arn"));
  return identity;
}

}  // namespace

absl::StatusOr<StsCalls> sts_calls(AwsClient::Options options) {
  if (!options.transport) {
    DATAMESH_ASSIGN_OR_RETURN(options.transport, default_transport(options.environment));
  }
  // Checks the region and endpoint overrides now rather than at the first call.
  DATAMESH_RETURN_IF_ERROR(client_signing_with(options, SigningKey{}).status());
  auto shared = std::make_shared<const AwsClient::Options>(std::move(options));
  return StsCalls{
      .assume_role = [shared](const SigningKey& source, std::string_view role_arn,
                              std::string_view session_name) {
        return assume_role(*shared, source, role_arn, session_name);
      },
      .get_caller_identity = [shared](const SigningKey& key) {
        return get_caller_identity(*shared, key);
      },
  };
}

}  // namespace datamesh::aws
