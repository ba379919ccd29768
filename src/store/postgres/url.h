// The store URL of a PostgreSQL mesh: a libpq connection URI plus datamesh's own parameters.
//
//   postgresql://user[:password]@host[:port]/database[?param=value&...]
//
// libpq reads every parameter it knows (sslmode, connect_timeout, options, ...); datamesh's own
// (pool_size) are taken out first, since libpq refuses parameters it does not know. Pure
// functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace datamesh::store::postgres {

struct PostgresUrl {
  std::string conninfo;  // for libpq: the URL without datamesh's parameters
  std::string display;   // for messages and logs: the URL with any password replaced by ***
  int pool_size = 0;     // pool_size=N, 0 when not given
};

// True for postgresql:// and postgres:// URLs.
bool is_postgres_url(std::string_view url);

// InvalidArgument when url is not a postgresql:// URL or pool_size is not a number from 1 to
// 1000.
absl::StatusOr<PostgresUrl> parse_postgres_url(std::string_view url);

}  // namespace datamesh::store::postgres
