// Grant rows (store::GrantRow) as Lake Formation sees them, both ways: the entries of
// BatchGrantPermissions / BatchRevokePermissions that a list of rows stands for, and the rows
// that an item of a ListPermissions answer stands for. Pure functions; thread-safe.
//
// Entries follow the original library's construction (shared/spec/reference-original.md
// §2.2.1), so that a mesh it set up and a mesh datamesh runs hold the same LF permissions:
//   - rows are grouped per principal and resource (catalog, database, table);
//   - table "" is the resource Database{CatalogId, Name};
//   - table "*" is Table{CatalogId, DatabaseName, TableWildcard{}}, every permission in one entry;
//   - a named table's SELECT is a column entry TableWithColumns{..., Name, ColumnWildcard{}}
//     with Permissions [SELECT]; its other permissions one entry Table{..., Name};
//   - PermissionsWithGrantOption holds the grantable rows' permissions of the entry (the
//     original puts the whole grantable list on the column entry; datamesh only SELECT, the rest
//     being granted with grant option on the table entry), and is left out when empty;
//   - table entries first, then column entries, then database entries (the original's order).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/store.h"
#include "nlohmann/json.hpp"

namespace datamesh::store::aws {

// Lake Formation takes at most this many entries in one batch call.
inline constexpr std::size_t kMaxPermissionEntries = 20;

// One entry of a batch grant or revoke (its Id is given when the request is made).
struct PermissionEntry {
  std::string principal;
  nlohmann::json resource;  // {"Database": {...}}, {"Table": {...}} or {"TableWithColumns": {...}}
  std::vector<std::string> permissions;
  std::vector<std::string> grantable;  // PermissionsWithGrantOption

  bool operator==(const PermissionEntry&) const = default;
};

// ListPermissions / grant resources.
nlohmann::json database_resource(std::string_view catalog_id, std::string_view database_name);
// A named table, or every table of the database for "*" (TableWildcard).
nlohmann::json table_resource(std::string_view catalog_id, std::string_view database_name,
                              std::string_view table_name);

// The entries `rows` stand for, as described above. Rows of several catalogs give entries of
// each (the caller sends each catalog's entries to that catalog's account).
std::vector<PermissionEntry> permission_entries(const std::vector<GrantRow>& rows);

// The entry as a member of Entries: {Id, Principal, Resource, Permissions[,
// PermissionsWithGrantOption]}.
nlohmann::json entry_request(const PermissionEntry& entry, std::string_view id);

// "SELECT, DESCRIBE (grantable: SELECT) on table sales.orders of catalog 111… to 222…": for
// error messages.
std::string describe_entry(const PermissionEntry& entry);

// What to revoke instead of `entry` when Lake Formation revoked nothing of it because the
// grantee lacks part of it ("No permissions revoked. Grantee does not have: [...]" revokes
// none of the entry): each permission alone, with its grant option if it had one; then a
// permission alone without its grant option. Empty when `entry` is one permission without
// grant option: then the grantee holds none of it, and there is nothing left to revoke. An
// entry of grant options only (no permissions) gives each grant option alone.
std::vector<PermissionEntry> narrower_entries(const PermissionEntry& entry);

// The rows an item of ListPermissions' PrincipalResourcePermissions stands for: one per
// permission, grantable when it is also in PermissionsWithGrantOption, subscription_id "" (Lake
// Formation knows no subscriptions). A resource without CatalogId is in `default_catalog`.
// Resources that are not a database or a whole table (data locations, the catalog, LF tags,
// column subsets) give no rows: datamesh grants none of them.
std::vector<GrantRow> grant_rows_of(const nlohmann::json& item, std::string_view default_catalog);

// Rows sorted by (principal, catalog, database, table, permission), the same principal,
// resource and permission once (grantable if any of them was).
std::vector<GrantRow> merge_rows(std::vector<GrantRow> rows);

}  // namespace datamesh::store::aws
