#include "aws/profile_credentials.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "aws/assumed_role_provider.h"
#include "aws/environment_credentials.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::aws {
namespace {

using base::cat;

// Settings that need something the AssumeRole function or datamesh does not do.
constexpr std::string_view kUnsupported[] = {
    "mfa_serial",    "external_id",    "credential_process",     "sso_session",
    "sso_start_url", "sso_account_id", "web_identity_token_file"};

bool has_static_keys(const Profile& profile) {
  return profile.has("aws_access_key_id") || profile.has("aws_secret_access_key");
}

// Resolves one profile of a chain; `visited` is the chain so far, the profile asked for first.
class ProfileResolver {
 public:
  ProfileResolver(const SharedConfig& config, const EnvironmentLookup& environment,
                  AssumeRoleFunction assume_role, TimeSource now)
      : config_(config),
        environment_(environment),
        assume_role_(std::move(assume_role)),
        now_(std::move(now)) {}

  absl::StatusOr<std::shared_ptr<CredentialsProvider>> resolve(std::string_view name) {
    visited_.emplace_back(name);
    const Profile* profile = config_.find(name);
    if (profile == nullptr) {
      return absl::NotFoundError(cat("AWS profile ", name, " not found in ", files()));
    }
    const bool asked_for = visited_.size() == 1;
    if (profile->has("role_arn") && (asked_for || !has_static_keys(*profile))) {
      return assumed_role(*profile);
    }
    if (has_static_keys(*profile)) return static_keys(*profile);
    DATAMESH_RETURN_IF_ERROR(refuse_unsupported(*profile));
    return absl::NotFoundError(
        cat("AWS profile ", name, " (", profile->origin,
            ") holds no credentials: set aws_access_key_id and aws_secret_access_key, or "
            "role_arn with source_profile"));
  }

 private:
  std::string files() const {
    return cat(
        config_.config_path.empty() ? "(no config file)" : config_.config_path, " or ",
        config_.credentials_path.empty() ? "(no credentials file)" : config_.credentials_path);
  }

  static absl::Status refuse_unsupported(const Profile& profile) {
    for (std::string_view key : kUnsupported) {
      if (profile.has(key)) {
        return absl::UnimplementedError(
            cat("AWS profile ", profile.name, " uses ", key, " (", profile.origin_of(key),
                "), which datamesh does not support; give the profile keys or a role_arn with "
                "a source_profile that has keys"));
      }
    }
    return absl::OkStatus();
  }

  static absl::StatusOr<std::shared_ptr<CredentialsProvider>> static_keys(const Profile& profile) {
    SigningKey key{
        .access_key_id = std::string(profile.get("aws_access_key_id").value_or("")),
        .secret_access_key = std::string(profile.get("aws_secret_access_key").value_or("")),
        .session_token = std::string(profile.get("aws_session_token").value_or(""))};
    if (key.access_key_id.empty() || key.secret_access_key.empty()) {
      const std::string_view missing =
          key.access_key_id.empty() ? "aws_access_key_id" : "aws_secret_access_key";
      const std::string_view present =
          key.access_key_id.empty() ? "aws_secret_access_key" : "aws_access_key_id";
      return absl::InvalidArgumentError(cat("AWS profile ", profile.name, " has ", present, " (",
                                            profile.origin_of(present), ") but no ", missing));
    }
    return std::make_shared<StaticCredentialsProvider>(std::move(key));
  }

  std::string chain_text(std::string_view last) const {
    return cat(base::join(visited_, " -> "), " -> ", last);
  }

  absl::StatusOr<std::shared_ptr<CredentialsProvider>> assumed_role(const Profile& profile) {
    DATAMESH_RETURN_IF_ERROR(refuse_unsupported(profile));
    const std::string role_arn(*profile.get("role_arn"));
    if (role_arn.empty()) {
      return absl::InvalidArgumentError(cat("AWS profile ", profile.name,
                                            " has an empty role_arn (",
                                            profile.origin_of("role_arn"), ")"));
    }
    std::shared_ptr<CredentialsProvider> source;
    DATAMESH_ASSIGN_OR_RETURN(source, role_source(profile));
    SessionNamer namer;
    if (std::optional<std::string_view> name = profile.get("role_session_name")) {
      namer = [name = std::string(*name)](const SigningKey&) -> absl::StatusOr<std::string> {
        return name;
      };
    } else {
      namer = [now = now_](const SigningKey&) -> absl::StatusOr<std::string> {
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
        return cat("datamesh-", static_cast<long long>(seconds));
      };
    }
    return std::make_shared<AssumedRoleProvider>(std::move(source), role_arn, std::move(namer),
                                                 assume_role_, now_);
  }

  absl::StatusOr<std::shared_ptr<CredentialsProvider>> role_source(const Profile& profile) {
    const std::optional<std::string_view> source_profile = profile.get("source_profile");
    const std::optional<std::string_view> credential_source = profile.get("credential_source");
    if (source_profile && credential_source) {
      return absl::InvalidArgumentError(
          cat("AWS profile ", profile.name, " (", profile.origin,
              ") has both source_profile and credential_source; keep one"));
    }
    if (credential_source) return environment_source(profile, *credential_source);
    if (!source_profile) {
      return absl::InvalidArgumentError(cat("AWS profile ", profile.name, " has role_arn (",
                                            profile.origin_of("role_arn"),
                                            ") but neither source_profile nor credential_source"));
    }
    const std::string source_name(*source_profile);
    if (config_.find(source_name) == nullptr) {
      return absl::InvalidArgumentError(cat("the source_profile ", source_name, " of AWS profile ",
                                            profile.name, " (", profile.origin_of("source_profile"),
                                            ") does not exist"));
    }
    if (source_name == profile.name && has_static_keys(profile)) return static_keys(profile);
    for (const std::string& seen : visited_) {
      if (seen == source_name) {
        return absl::InvalidArgumentError(
            cat("AWS profiles loop through source_profile: ", chain_text(source_name), " (",
                profile.origin_of("source_profile"), ")"));
      }
    }
    absl::StatusOr<std::shared_ptr<CredentialsProvider>> source = resolve(source_name);
    if (source.ok() || source.status().code() != absl::StatusCode::kNotFound) return source;
    return absl::InvalidArgumentError(cat("the source_profile of AWS profile ", profile.name,
                                          " has no credentials: ", source.status().message()));
  }

  absl::StatusOr<std::shared_ptr<CredentialsProvider>> environment_source(
      const Profile& profile, std::string_view credential_source) {
    if (credential_source != "Environment") {
      return absl::UnimplementedError(
          cat("AWS profile ", profile.name, " has credential_source ", credential_source, " (",
              profile.origin_of("credential_source"),
              "); datamesh supports only Environment (it reads no instance or container "
              "metadata)"));
    }
    DATAMESH_ASSIGN_OR_RETURN(std::optional<SigningKey> key, environment_signing_key(environment_));
    if (!key) {
      return absl::InvalidArgumentError(
          cat("AWS profile ", profile.name,
              " has credential_source Environment but AWS_ACCESS_KEY_ID is not set"));
    }
    return std::make_shared<StaticCredentialsProvider>(*std::move(key));
  }

  const SharedConfig& config_;
  const EnvironmentLookup& environment_;
  const AssumeRoleFunction assume_role_;
  const TimeSource now_;
  std::vector<std::string> visited_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<CredentialsProvider>> profile_credentials(
    const SharedConfig& config, std::string_view profile, const EnvironmentLookup& environment,
    AssumeRoleFunction assume_role, TimeSource now) {
  return ProfileResolver(config, environment, std::move(assume_role), std::move(now))
      .resolve(profile);
}

}  // namespace datamesh::aws
