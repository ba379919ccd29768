#include "core/permissions.h"

#include "absl/strings/ascii.h"
#include "core/names.h"
#include "base/text.h"

namespace datamesh::core {
using base::cat;
using base::join;
namespace {

// "ALL, SELECT, ..., DESCRIBE": the permissions a subscription may request.
const std::string& table_permission_list() {
  static const std::string* const list = [] {
    std::vector<std::string_view> names;
    for (const PermissionInfo& info : permission_table()) {
      if (info.on_table) names.push_back(info.name);
    }
    return new std::string(join(names, ", "));
  }();
  return *list;
}

}  // namespace

const std::vector<PermissionInfo>& permission_table() {
  // Never destroyed, so that it stays valid during static destruction of other objects.
  static const std::vector<PermissionInfo>* const table = new std::vector<PermissionInfo>{
      {Permission::kAll, "ALL", /*on_table=*/true, /*on_database=*/true},
      {Permission::kSelect, "SELECT", true, false},
      {Permission::kInsert, "INSERT", true, false},
      {Permission::kDelete, "DELETE", true, false},
      {Permission::kAlter, "ALTER", true, true},
      {Permission::kDrop, "DROP", true, true},
      {Permission::kDescribe, "DESCRIBE", true, true},
      {Permission::kCreateDatabase, "CREATE_DATABASE", false, false},  // on the catalog
      {Permission::kCreateTable, "CREATE_TABLE", false, true},
      {Permission::kDataLocationAccess, "DATA_LOCATION_ACCESS", false, false},
  };
  return *table;
}

std::string_view permission_name(Permission permission) {
  for (const PermissionInfo& info : permission_table()) {
    if (info.permission == permission) return info.name;
  }
  return "UNKNOWN";
}

std::optional<Permission> parse_permission(std::string_view name) {
  for (const PermissionInfo& info : permission_table()) {
    if (info.name == name) return info.permission;
  }
  return std::nullopt;
}

bool PermissionSet::covers(const PermissionSet& other) const {
  if (contains(Permission::kAll)) return true;
  return (other.bits_ & ~bits_) == 0;
}

PermissionSet PermissionSet::minus(const PermissionSet& other) const {
  PermissionSet result;
  result.bits_ = bits_ & ~other.bits_;
  return result;
}

PermissionSet PermissionSet::intersect(const PermissionSet& other) const {
  PermissionSet result;
  result.bits_ = bits_ & other.bits_;
  return result;
}

std::vector<std::string> PermissionSet::names() const {
  std::vector<std::string> result;
  for (const PermissionInfo& info : permission_table()) {
    if (contains(info.permission)) result.emplace_back(info.name);
  }
  return result;
}

absl::StatusOr<PermissionSet> parse_subscription_permissions(std::string_view parameter,
                                                             const std::vector<std::string>& names,
                                                             bool allow_empty) {
  if (names.empty() && !allow_empty) {
    return absl::InvalidArgumentError(
        cat(parameter, " is empty; give at least one of: ", table_permission_list()));
  }
  PermissionSet result;
  for (const std::string& name : names) {
    const std::optional<Permission> permission = parse_permission(name);
    if (!permission) {
      // Names are matched exactly, as the documents spell them; point out a mere case slip.
      const bool case_slip = parse_permission(absl::AsciiStrToUpper(name)).has_value();
      return absl::InvalidArgumentError(cat("unknown permission ", quote_value(name), " in ",
                                            parameter,
                                            case_slip ? " (permission names are upper case)" : "",
                                            "; allowed: ", table_permission_list()));
    }
    const PermissionInfo& info = permission_table()[static_cast<std::size_t>(*permission)];
    if (!info.on_table) {
      return absl::InvalidArgumentError(
          cat("permission ", quote_value(name), " in ", parameter,
              " does not apply to tables; allowed: ", table_permission_list()));
    }
    result.add(*permission);
  }
  return result;
}

}  // namespace datamesh::core
