#include "api/credentials.h"

#include <cstdlib>
#include <sstream>

#include "api/json_codec.h"
#include "base/files.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "base/trimmed.h"

namespace datamesh::api {
namespace {

using base::cat;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

absl::StatusOr<std::string> read_file(const std::string& path, std::string_view what) {
  std::optional<std::string> text = base::read_whole_file(path);
  if (!text) return absl::NotFoundError(cat("cannot read ", what, " ", path));
  return *std::move(text);
}

std::string trim(std::string_view text) { return std::string(base::trimmed(text, " \t\r")); }

// The credentials file `sources` names, or "".
std::string credentials_file_of(const CredentialSources& sources) {
  std::string file = sources.credentials_file;
  if (file.empty()) file = env("DATAMESH_CREDENTIALS_FILE");
  if (file.empty()) file = env("CredentialsFile");
  return file;
}

}  // namespace

std::string mesh_account_in_credentials_file(const CredentialSources& sources) {
  const std::string file = credentials_file_of(sources);
  if (file.empty()) return "";
  const absl::StatusOr<std::string> text = read_file(file, "credentials file");
  if (!text.ok()) return "";
  const absl::StatusOr<nlohmann::json> json = parse_secret_json(*text);
  if (!json.ok() || !json->is_object()) return "";
  const auto mesh = json->find("Mesh");
  if (mesh == json->end() || !mesh->is_object()) return "";
  const auto account = mesh->find("AccountId");
  return account != mesh->end() && account->is_string() ? account->get<std::string>() : "";
}

absl::StatusOr<Credentials> parse_credentials_file(std::string_view text, const std::string& path,
                                                   const std::vector<std::string>& blocks) {
  auto json = parse_secret_json(text);
  if (!json.ok()) {
    return absl::InvalidArgumentError(cat("credentials file ", path, ": ", json.status().message()));
  }
  const nlohmann::json* object = &*json;
  if (json->is_object() && !json->contains("AccessKeyId")) {
    object = nullptr;
    for (const std::string& block : blocks) {
      if (json->contains(block)) {
        object = &(*json)[block];
        break;
      }
    }
    if (object == nullptr) {
      std::vector<std::string> present;
      for (const auto& [key, value] : json->items()) {
        if (value.is_object()) present.push_back(key);
      }
      return absl::InvalidArgumentError(
          cat("credentials file ", path, " has no block ", base::join(blocks, " or "),
              "; blocks: ", base::join(present, ", "), " (choose one with --credentials-block)"));
    }
  }
  auto credentials = credentials_from_json(*object);
  if (!credentials.ok()) {
    return absl::InvalidArgumentError(
        cat("credentials file ", path, ": ", credentials.status().message()));
  }
  return credentials;
}

absl::StatusOr<Credentials> load_credentials_file(const std::string& path,
                                                  const std::vector<std::string>& blocks) {
  DATAMESH_ASSIGN_OR_RETURN(const std::string text, read_file(path, "credentials file"));
  return parse_credentials_file(text, path, blocks);
}

absl::StatusOr<std::optional<Credentials>> parse_profile(std::string_view contents,
                                                         const std::string& path,
                                                         const std::string& profile) {
  std::istringstream in{std::string(contents)};
  Credentials credentials;
  std::string line;
  bool in_profile = false;
  bool found = false;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[') {
      if (text.back() != ']') {
        return absl::InvalidArgumentError(cat(path, ":", number, ": malformed section header"));
      }
      in_profile = trim(std::string_view(text).substr(1, text.size() - 2)) == profile;
      found = found || in_profile;
      continue;
    }
    if (!in_profile) continue;
    const auto equals = text.find('=');
    if (equals == std::string::npos) {
      return absl::InvalidArgumentError(cat(path, ":", number, ": expected key = value"));
    }
    const std::string key = trim(std::string_view(text).substr(0, equals));
    const std::string value = trim(std::string_view(text).substr(equals + 1));
    if (key == "access_key_id") {
      credentials.access_key_id = value;
    } else if (key == "secret_access_key") {
      credentials.secret_access_key = value;
    } else if (key == "account_id") {
      credentials.account_id = value;
    } else if (key != "endpoint" && key != "region") {
      return absl::InvalidArgumentError(
          cat(path, ":", number, ": unknown key \"", key,
              "\"; allowed: access_key_id, secret_access_key, account_id, endpoint, region"));
    }
  }
  if (!found) return std::optional<Credentials>();
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return absl::InvalidArgumentError(cat("profile ", profile, " of ", path,
                                          " needs access_key_id and secret_access_key"));
  }
  return std::optional<Credentials>(credentials);
}

absl::StatusOr<std::optional<Credentials>> load_profile(const std::string& path,
                                                        const std::string& profile) {
  auto text = read_file(path, "profile file");
  if (!text.ok()) return std::optional<Credentials>();
  return parse_profile(*text, path, profile);
}

absl::StatusOr<std::optional<Credentials>> resolve_credentials(const CredentialSources& sources) {
  if (sources.explicit_credentials) return sources.explicit_credentials;
  Credentials from_env{.account_id = env("DATAMESH_ACCOUNT_ID"),
                       .access_key_id = env("DATAMESH_ACCESS_KEY_ID"),
                       .secret_access_key = env("DATAMESH_SECRET_ACCESS_KEY")};
  if (!from_env.access_key_id.empty() || !from_env.secret_access_key.empty()) {
    if (from_env.access_key_id.empty() || from_env.secret_access_key.empty()) {
      return absl::InvalidArgumentError(
          "set both DATAMESH_ACCESS_KEY_ID and DATAMESH_SECRET_ACCESS_KEY, or neither");
    }
    return std::optional<Credentials>(from_env);
  }
  const std::string file = credentials_file_of(sources);
  if (!file.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(Credentials loaded, load_credentials_file(file, sources.blocks));
    return std::optional<Credentials>(std::move(loaded));
  }
  if (!sources.datamesh_profiles) return std::nullopt;
  std::string profile = sources.profile;
  const std::string named_by = !profile.empty() ? "--profile" : "DATAMESH_PROFILE";
  if (profile.empty()) profile = env("DATAMESH_PROFILE");
  const bool named = !profile.empty();
  if (!named) profile = "default";
  const std::string home = env("HOME");
  const std::string path = cat(home.empty() ? "." : home, "/.datamesh/credentials");
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Credentials> found, load_profile(path, profile));
  // The default profile may be absent; one the caller named must not be passed over in
  // silence (the call would then fail for want of credentials, naming none of this).
  if (!found && named) {
    return absl::NotFoundError(cat("profile ", profile, " (", named_by, ") is not in ", path,
                                   ": add a [", profile, "] section with access_key_id and "
                                   "secret_access_key, or name another profile"));
  }
  return found;
}

}  // namespace datamesh::api
