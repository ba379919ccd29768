// The permission vocabulary (Lake Formation's) in one table: each permission's name and the
// resource levels it applies to. PermissionSet is a small value type (bit set).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace datamesh::core {

enum class Permission : uint8_t {
  kAll,
  kSelect,
  kInsert,
  kDelete,
  kAlter,
  kDrop,
  kDescribe,
  kCreateDatabase,
  kCreateTable,
  kDataLocationAccess,
};

struct PermissionInfo {
  Permission permission;
  std::string_view name;
  bool on_table;     // may be requested on tables (and so in subscriptions)
  bool on_database;  // may be held on a database
};

// Every permission, in canonical order.
const std::vector<PermissionInfo>& permission_table();
std::string_view permission_name(Permission permission);
std::optional<Permission> parse_permission(std::string_view name);

class PermissionSet {
 public:
  PermissionSet() = default;
  PermissionSet(std::initializer_list<Permission> permissions) {
    for (Permission p : permissions) add(p);
  }
  void add(Permission p) { bits_ |= bit(p); }
  void remove(Permission p) { bits_ &= ~bit(p); }
  bool contains(Permission p) const { return (bits_ & bit(p)) != 0; }
  // True when every permission of `other` is in this set, ALL covering everything.
  bool covers(const PermissionSet& other) const;
  bool empty() const { return bits_ == 0; }
  PermissionSet minus(const PermissionSet& other) const;
  PermissionSet intersect(const PermissionSet& other) const;
  // Names in canonical order.
  std::vector<std::string> names() const;
  bool operator==(const PermissionSet&) const = default;

 private:
  static uint32_t bit(Permission p) { return 1u << static_cast<uint8_t>(p); }
  uint32_t bits_ = 0;
};

// Parses subscription permissions (those valid on tables). InvalidArgument for an empty list,
// an unknown name or one not valid on tables, naming the allowed values.
absl::StatusOr<PermissionSet> parse_subscription_permissions(
    std::string_view parameter, const std::vector<std::string>& names, bool allow_empty = false);

}  // namespace datamesh::core
