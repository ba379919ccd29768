#include "store/open/endpoint.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/ascii.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/url.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::store {

using base::cat;

namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";
constexpr std::string_view kHttpScheme = "http://";
constexpr std::string_view kHttpsScheme = "https://";
constexpr std::string_view kAwsScheme = "aws://";
constexpr std::string_view kForms =
    "use sqlite:///path/to/mesh.db, http://host:port, https://host[:port], "
    "postgresql://user@host:port/database or aws://REGION";

// An AWS region's name as AWS spells them (us-east-1, cn-north-1, us-gov-west-1,
// eu-isoe-west-1): lower-case words joined by '-', the last one a number. Whether the region
// exists is AWS's to say.
bool is_region_name(std::string_view region) {
  if (region.empty() || region.size() > 32 || !absl::ascii_islower(region.front()) ||
      !absl::ascii_isdigit(region.back()) || region.find('-') == std::string_view::npos) {
    return false;
  }
  for (const char c : region) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return region.find("--") == std::string_view::npos;
}

}  // namespace

void create_sqlite_folder(const Endpoint& endpoint) {
  if (endpoint.kind != Endpoint::Kind::kSqlite) return;
  const std::string& path = endpoint.path;
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  const std::string folder = path.substr(0, slash);
  std::string partial;
  for (size_t i = 0; i <= folder.size(); ++i) {
    if (i == folder.size() || folder[i] == '/') {
      if (!partial.empty()) ::mkdir(partial.c_str(), 0700);
    }
    if (i < folder.size()) partial.push_back(folder[i]);
  }
}

absl::StatusOr<Endpoint> parse_endpoint(std::string_view url) {
  Endpoint endpoint{.url = std::string(url), .display = std::string(url)};
  if (postgres::is_postgres_url(url)) {
    DATAMESH_ASSIGN_OR_RETURN(postgres::PostgresUrl parsed, postgres::parse_postgres_url(url));
    endpoint.kind = Endpoint::Kind::kPostgres;
    endpoint.display = std::move(parsed.display);
    return endpoint;
  }
  if (url.starts_with(kHttpScheme) || url.starts_with(kHttpsScheme)) {
    endpoint.kind = Endpoint::Kind::kHttp;
    return endpoint;
  }
  if (url.starts_with(kAwsScheme)) {
    endpoint.kind = Endpoint::Kind::kAws;
    endpoint.region = std::string(url.substr(kAwsScheme.size()));
    if (!endpoint.region.empty() && endpoint.region.back() == '/') endpoint.region.pop_back();
    if (endpoint.region.empty()) {
      return absl::InvalidArgumentError(
          cat("endpoint \"", url, "\" names no region: use aws://REGION, e.g. aws://eu-west-1"));
    }
    if (!is_region_name(endpoint.region)) {
      return absl::InvalidArgumentError(cat(
          "endpoint \"", url, "\": \"", endpoint.region,
          "\" is not an AWS region name: use aws://REGION with a region such as us-east-1 or "
          "eu-west-1"));
    }
    return endpoint;
  }
  if (url.starts_with(kSqliteScheme)) {
    endpoint.path = std::string(url.substr(kSqliteScheme.size()));
    if (endpoint.path.empty()) {
      return absl::InvalidArgumentError(
          cat("endpoint \"", url, "\" names no file: use sqlite:///path/to/mesh.db"));
    }
    return endpoint;
  }
  const auto colon = url.find("://");
  if (colon == std::string_view::npos) {
    // A file's path, or sqlite: with too few slashes: name the endpoint meant.
    std::string_view path = url;
    if (path.starts_with("sqlite:")) path.remove_prefix(std::string_view("sqlite:").size());
    while (path.starts_with("//")) path.remove_prefix(1);
    return absl::InvalidArgumentError(cat("unsupported endpoint \"", url, "\": ", kForms,
                                          " (no scheme:// in it; a mesh file would be ",
                                          kSqliteScheme, path, ")"));
  }
  return absl::InvalidArgumentError(cat("unsupported endpoint \"", url, "\": ", kForms,
                                        " (scheme \"", url.substr(0, colon),
                                        "\" is not supported)"));
}

namespace {

// What SQLite would otherwise report obscurely about an existing mesh file, or not at all.
absl::Status check_sqlite_file(const Endpoint& endpoint, bool create_if_missing) {
  struct stat info {};
  if (::stat(endpoint.path.c_str(), &info) != 0) return absl::OkStatus();  // SQLite reports it
  if (S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(cat(
        "the mesh file ", endpoint.path, " is a folder: give the path of a file in it (",
        (std::filesystem::path(endpoint.path) / "mesh.db").string(), ", say)"));
  }
  // SQLite takes an empty file for an empty database, and a read would write a schema into
  // it: a truncated mesh file would pass for a mesh never initialized.
  if (info.st_size == 0 && !create_if_missing) {
    return absl::FailedPreconditionError(cat(
        "the mesh file ", endpoint.path, " is empty (0 bytes): it holds no mesh. If it held one, "
        "restore it from a backup (datamesh admin backup); to start a new mesh there, remove it "
        "and run datamesh admin initialize-mesh-account"));
  }
  // The write-ahead log lives in two files beside the mesh file, which SQLite creates when they
  // are missing; it says only "unable to open database file" when it cannot.
  const std::string directory = std::filesystem::path(endpoint.path).parent_path().string();
  const bool log_files_exist = ::access((endpoint.path + "-wal").c_str(), F_OK) == 0 &&
                               ::access((endpoint.path + "-shm").c_str(), F_OK) == 0;
  if (!log_files_exist && ::access(directory.empty() ? "." : directory.c_str(), W_OK) != 0) {
    return absl::FailedPreconditionError(
        cat("cannot use the mesh file ", endpoint.path, ": its directory ",
            directory.empty() ? "." : directory,
            " is not writable, and SQLite keeps the mesh's write-ahead log beside the file (",
            endpoint.path, "-wal and -shm): make the directory writable for this user (a "
            "writable file alone is not enough)"));
  }
  return absl::OkStatus();
}

}  // namespace

bool sqlite_file_exists(const Endpoint& endpoint) {
  struct stat info {};
  return endpoint.kind == Endpoint::Kind::kSqlite && ::stat(endpoint.path.c_str(), &info) == 0;
}

absl::StatusOr<std::unique_ptr<Store>> open_store(const Endpoint& endpoint,
                                                  bool create_if_missing) {
  switch (endpoint.kind) {
    case Endpoint::Kind::kSqlite: {
      if (!sqlite_file_exists(endpoint)) {
        if (!create_if_missing) {
          return absl::FailedPreconditionError(cat(
              "no mesh at ", endpoint.url,
              ": check the endpoint, or create one with initialize_mesh_account (`datamesh admin "
              "initialize-mesh-account`)"));
        }
        create_sqlite_folder(endpoint);
      } else {
        DATAMESH_RETURN_IF_ERROR(check_sqlite_file(endpoint, create_if_missing));
      }
      DATAMESH_ASSIGN_OR_RETURN(auto store, SqliteStore::open(endpoint.path));
      return std::unique_ptr<Store>(std::move(store));
    }
    case Endpoint::Kind::kPostgres: {
      DATAMESH_ASSIGN_OR_RETURN(auto store,
                                PostgresStore::open(endpoint.url, PostgresOptions{
                                    .create_if_missing = create_if_missing}));
      return std::unique_ptr<Store>(std::move(store));
    }
    case Endpoint::Kind::kHttp:
      break;
    case Endpoint::Kind::kAws:
      return absl::InvalidArgumentError(
          cat("endpoint ", endpoint.display,
              " is AWS mode: its mesh is reached with the caller's AWS credentials through the "
              "client (DataMeshProducer, ..., or the CLI), not opened as a store"));
  }
  return absl::InvalidArgumentError(
      cat("endpoint ", endpoint.display,
          " is a datamesh server, not a store: give sqlite:///path/to/mesh.db or "
          "postgresql://user@host:port/database"));
}

}  // namespace datamesh::store
