#include "store/aws/lake_formation_entries.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "base/text.h"
#include "core/grants.h"
#include "store/aws/json_members.h"

namespace datamesh::store::aws {
using base::cat;
using base::join;
using core::kAllTables;
namespace {

constexpr std::string_view kSelect = "SELECT";

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void add_once(std::vector<std::string>& names, std::string_view name) {
  if (!contains(names, name)) names.emplace_back(name);
}

// The rows of one principal on one resource, permissions in the order of the rows.
struct Group {
  const GrantRow* first = nullptr;
  std::vector<std::string> permissions;
  std::vector<std::string> grantable;
};

std::vector<Group> group_rows(const std::vector<GrantRow>& rows) {
  using Key = std::tuple<std::string_view, std::string_view, std::string_view, std::string_view>;
  std::map<Key, std::size_t> index;
  std::vector<Group> groups;
  for (const GrantRow& row : rows) {
    const Key key{row.principal, row.catalog_id, row.database_name, row.table_name};
    auto [found, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.push_back(Group{.first = &row});
    Group& group = groups[found->second];
    add_once(group.permissions, row.permission);
    if (row.grantable) add_once(group.grantable, row.permission);
  }
  return groups;
}

std::vector<std::string> string_list(const nlohmann::json& object, std::string_view key) {
  std::vector<std::string> names;
  const auto found = object.find(key);
  if (found == object.end() || !found->is_array()) return names;
  for (const nlohmann::json& name : *found) {
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

// Where a ListPermissions resource is, as (catalog, database, table); false for a resource
// that is not a database or a whole table.
bool locate(const nlohmann::json& resource, std::string_view default_catalog, GrantRow& row) {
  auto catalog_of = [&](const nlohmann::json& part) {
    const std::string catalog = string_member(part, "CatalogId");
    return catalog.empty() ? std::string(default_catalog) : catalog;
  };
  if (const auto database = resource.find("Database"); database != resource.end()) {
    row.catalog_id = catalog_of(*database);
    row.database_name = string_member(*database, "Name");
    row.table_name = "";
    return !row.database_name.empty();
  }
  if (const auto table = resource.find("Table"); table != resource.end()) {
    row.catalog_id = catalog_of(*table);
    row.database_name = string_member(*table, "DatabaseName");
    row.table_name = table->contains("TableWildcard") ? std::string(kAllTables)
                                                       : string_member(*table, "Name");
    return !row.database_name.empty() && !row.table_name.empty();
  }
  if (const auto columns = resource.find("TableWithColumns"); columns != resource.end()) {
    // Only every column is the whole table: named columns, or all but some, are not.
    const auto wildcard = columns->find("ColumnWildcard");
    if (wildcard == columns->end() || !string_list(*wildcard, "ExcludedColumnNames").empty() ||
        !string_list(*columns, "ColumnNames").empty()) {
      return false;
    }
    row.catalog_id = catalog_of(*columns);
    row.database_name = string_member(*columns, "DatabaseName");
    row.table_name = string_member(*columns, "Name");
    return !row.database_name.empty() && !row.table_name.empty();
  }
  return false;
}

}  // namespace

nlohmann::json database_resource(std::string_view catalog_id, std::string_view database_name) {
  return {{"Database", {{"CatalogId", catalog_id}, {"Name", database_name}}}};
}

nlohmann::json table_resource(std::string_view catalog_id, std::string_view database_name,
                              std::string_view table_name) {
  nlohmann::json table = {{"CatalogId", catalog_id}, {"DatabaseName", database_name}};
  if (table_name == kAllTables) {
    table["TableWildcard"] = nlohmann::json::object();
  } else {
    table["Name"] = table_name;
  }
  return {{"Table", std::move(table)}};
}

std::vector<PermissionEntry> permission_entries(const std::vector<GrantRow>& rows) {
  std::vector<PermissionEntry> tables;
  std::vector<PermissionEntry> columns;
  std::vector<PermissionEntry> databases;
  for (Group& group : group_rows(rows)) {
    const GrantRow& row = *group.first;
    if (row.table_name.empty()) {
      databases.push_back({row.principal, database_resource(row.catalog_id, row.database_name),
                           std::move(group.permissions), std::move(group.grantable)});
      continue;
    }
    if (row.table_name != kAllTables && contains(group.permissions, kSelect)) {
      PermissionEntry column{
          .principal = row.principal,
          .resource = {{"TableWithColumns",
                        {{"CatalogId", row.catalog_id},
                         {"DatabaseName", row.database_name},
                         {"Name", row.table_name},
                         {"ColumnWildcard", nlohmann::json::object()}}}},
          .permissions = {std::string(kSelect)}};
      if (contains(group.grantable, kSelect)) column.grantable = {std::string(kSelect)};
      columns.push_back(std::move(column));
      std::erase(group.permissions, kSelect);
      std::erase(group.grantable, kSelect);
      if (group.permissions.empty()) continue;
    }
    tables.push_back({row.principal,
                      table_resource(row.catalog_id, row.database_name, row.table_name),
                      std::move(group.permissions), std::move(group.grantable)});
  }
  std::vector<PermissionEntry> entries = std::move(tables);
  for (auto* part : {&columns, &databases}) {
    std::move(part->begin(), part->end(), std::back_inserter(entries));
  }
  return entries;
}

nlohmann::json entry_request(const PermissionEntry& entry, std::string_view id) {
  nlohmann::json request = {{"Id", id},
                            {"Principal", {{"DataLakePrincipalIdentifier", entry.principal}}},
                            {"Resource", entry.resource}};
  // Left out when only grant options are revoked (the member is optional in batch entries).
  if (!entry.permissions.empty()) request["Permissions"] = entry.permissions;
  if (!entry.grantable.empty()) request["PermissionsWithGrantOption"] = entry.grantable;
  return request;
}

std::string describe_entry(const PermissionEntry& entry) {
  std::string where = entry.resource.dump();
  if (entry.resource.is_object() && entry.resource.size() == 1) {
    const std::string kind = entry.resource.begin().key();
    const nlohmann::json& part = entry.resource.begin().value();
    if (kind == "Database") {
      where = cat("database ", string_member(part, "Name"));
    } else if (kind == "Table" || kind == "TableWithColumns") {
      where = cat(kind == "Table" ? "table " : "every column of table ",
                  string_member(part, "DatabaseName"), ".",
                  part.contains("TableWildcard") ? std::string(kAllTables)
                                                 : string_member(part, "Name"));
    } else if (kind == "DataLocation") {
      where = cat("data location ", string_member(part, "ResourceArn"));
    }
    const std::string catalog = string_member(part, "CatalogId");
    if (!catalog.empty()) where += cat(" of catalog ", catalog);
  }
  return cat(join(entry.permissions, ", "),
             entry.grantable.empty() ? "" : cat(" (grantable: ", join(entry.grantable, ", "), ")"),
             " on ", where, " to ", entry.principal);
}

std::vector<PermissionEntry> narrower_entries(const PermissionEntry& entry) {
  std::vector<PermissionEntry> narrower;
  if (entry.permissions.empty()) {  // grant options only: each alone
    if (entry.grantable.size() > 1) {
      for (const std::string& permission : entry.grantable) {
        narrower.push_back({entry.principal, entry.resource, {}, {permission}});
      }
    }
  } else if (entry.permissions.size() > 1) {
    for (const std::string& permission : entry.permissions) {
      PermissionEntry single{entry.principal, entry.resource, {permission}, {}};
      if (contains(entry.grantable, permission)) single.grantable = {permission};
      narrower.push_back(std::move(single));
    }
  } else if (!entry.grantable.empty()) {
    narrower.push_back({entry.principal, entry.resource, entry.permissions, {}});
  }
  return narrower;
}

std::vector<GrantRow> grant_rows_of(const nlohmann::json& item, std::string_view default_catalog) {
  std::vector<GrantRow> rows;
  if (!item.is_object()) return rows;
  GrantRow where;
  const auto principal = item.find("Principal");
  if (principal == item.end() || !principal->is_object()) return rows;
  where.principal = string_member(*principal, "DataLakePrincipalIdentifier");
  const auto resource = item.find("Resource");
  if (where.principal.empty() || resource == item.end() || !resource->is_object() ||
      !locate(*resource, default_catalog, where)) {
    return rows;
  }
  const std::vector<std::string> grantable = string_list(item, "PermissionsWithGrantOption");
  for (const std::string& permission : string_list(item, "Permissions")) {
    GrantRow row = where;
    row.permission = permission;
    row.grantable = contains(grantable, permission);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<GrantRow> merge_rows(std::vector<GrantRow> rows) {
  auto key = [](const GrantRow& row) {
    return std::tie(row.principal, row.catalog_id, row.database_name, row.table_name,
                    row.permission);
  };
  std::sort(rows.begin(), rows.end(), [&](const GrantRow& a, const GrantRow& b) {
    return key(a) < key(b);
  });
  std::vector<GrantRow> merged;
  for (GrantRow& row : rows) {
    if (!merged.empty() && key(merged.back()) == key(row)) {
      merged.back().grantable = merged.back().grantable || row.grantable;
      continue;
    }
    merged.push_back(std::move(row));
  }
  return merged;
}

}  // namespace datamesh::store::aws
