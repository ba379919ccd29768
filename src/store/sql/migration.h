// A schema migration of the SQL stores: each store embeds its list, in its own dialect, and
// applies the missing ones in order (store/sqlite/migrations.h, store/postgres/migrations.h).
// Plain values; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace datamesh::store::sql {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;  // one or more statements, run in the migration's transaction
};

// The newest version of `migrations`, which are in version order (1, 2, ...); 0 when empty.
constexpr int latest_version(std::span<const Migration> migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

}  // namespace datamesh::store::sql
