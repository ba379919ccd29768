// Where a mesh lives: every endpoint form datamesh takes, parsed in one place with one set of
// messages, for every front end (the client classes, `datamesh serve --store`, `datamesh
// migrate`), and the opening of the store an endpoint names.
//
//   sqlite:///path/to/mesh.db                 embedded: a SQLite file (the default)
//   postgresql://user@host:port/db[?...]      a PostgreSQL database (postgres:// too)
//   http://host:port, https://host[:port]     a `datamesh serve` (not a store: no open_store)
//   aws://REGION                              AWS mode: the mesh on Glue, Lake Formation, RAM and
//                                             DynamoDB (docs/AWS.md); its store is made from the
//                                             caller's AWS sessions, not by open_store
//
// Pure parsing; open_store does I/O. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/store.h"

namespace datamesh::store {

struct Endpoint {
  enum class Kind { kSqlite, kPostgres, kHttp, kAws };
  Kind kind = Kind::kSqlite;
  std::string url;      // as given
  std::string display;  // for messages and logs: any password replaced by ***
  std::string path;     // kSqlite: the mesh file
  std::string region;   // kAws: the AWS region, e.g. "eu-west-1"
};

// InvalidArgument, naming the endpoint and the forms allowed, for an unknown scheme, a
// sqlite:// endpoint that names no file, an aws:// endpoint that names no region or not a
// region name, and a malformed PostgreSQL URL (url.h says which).
absl::StatusOr<Endpoint> parse_endpoint(std::string_view url);

// The store of a sqlite:// or postgresql:// endpoint. A SQLite file (and its folder) is created
// only when create_if_missing; otherwise a missing file is FailedPrecondition "no mesh at ...".
// A PostgreSQL schema is created only when create_if_missing (postgres_store.h). Errors: the
// store's own when it cannot be opened; InvalidArgument for an http:// or aws:// endpoint.
absl::StatusOr<std::unique_ptr<Store>> open_store(const Endpoint& endpoint,
                                                  bool create_if_missing);

// Whether the mesh file of a sqlite:// endpoint exists (false for other kinds).
bool sqlite_file_exists(const Endpoint& endpoint);
// Creates the folders above the mesh file of a sqlite:// endpoint (~/.datamesh for the
// default endpoint), mode 0700; nothing for other kinds. open_store calls it for a new file;
// call it first to put something else beside a new mesh file (its key).
void create_sqlite_folder(const Endpoint& endpoint);

}  // namespace datamesh::store
