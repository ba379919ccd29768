#include "store/sql/grant_cache.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace datamesh::store::sql {

namespace {

// The map's key type: Debian's Abseil has a string_view of its own.
absl::string_view lookup(std::string_view principal) { return {principal.data(), principal.size()}; }

// An entry's order, the primary key's after the principal: (catalog, database, table).
using Where = std::tuple<std::string_view, std::string_view, std::string_view>;

Where where(const GrantRow& grant) {
  return {grant.catalog_id, grant.database_name, grant.table_name};
}

// Compares grants with each other, and with a place searched for, without copying a string.
struct ByWhere {
  bool operator()(const GrantRow& a, const GrantRow& b) const { return where(a) < where(b); }
  bool operator()(const GrantRow& grant, const Where& place) const { return where(grant) < place; }
  bool operator()(const Where& place, const GrantRow& grant) const { return place < where(grant); }
};

}  // namespace

GrantCache::Found GrantCache::find(const Place& place, int64_t version,
                                   std::string_view table_name) {
  const std::lock_guard lock(mutex_);
  const auto entry = entries_.find(lookup(place.principal));
  if (entry == entries_.end() || entry->second.version != version) {
    ++counts_.misses;
    return {};
  }
  recent_.splice(recent_.begin(), recent_, entry->second.recent);
  if (entry->second.too_many) {
    ++counts_.misses;
    return {.known = Known::kTooMany};
  }
  ++counts_.hits;
  Found found{.known = Known::kGrants};
  const std::vector<GrantRow>& grants = entry->second.grants;
  const auto add = [&](std::string_view table) {
    const auto [first, last] = std::equal_range(
        grants.begin(), grants.end(), Where{place.catalog_id, place.database_name, table},
        ByWhere{});
    found.grants.insert(found.grants.end(), first, last);
  };
  // The grants that answer the check (grant_answers): "*" unless it is the table asked, then
  // the table (the database itself for "").
  if (table_name != "*" && grant_answers("*", table_name)) add("*");
  add(table_name);
  return found;
}

void GrantCache::keep(std::string_view principal, int64_t version, std::vector<GrantRow> grants,
                      bool too_many) {
  too_many = too_many || grants.size() > limits_.max_rows_per_entry;
  if (too_many) grants.clear();
  // The store lists them in this order already; find's binary searches need it.
  if (!std::is_sorted(grants.begin(), grants.end(), ByWhere{})) {
    std::stable_sort(grants.begin(), grants.end(), ByWhere{});
  }
  const std::lock_guard lock(mutex_);
  if (const auto old = entries_.find(lookup(principal)); old != entries_.end()) {
    // A newer entry is kept: a slower reader of an older snapshot does not replace it.
    if (old->second.version > version) return;
    forget(old);
  }
  rows_ += grants.size();
  recent_.emplace_front(principal);
  entries_.emplace(std::string(principal), Entry{.version = version,
                                                 .too_many = too_many,
                                                 .grants = std::move(grants),
                                                 .recent = recent_.begin()});
  // The least recently used go first, never the entry just kept.
  while (rows_ > limits_.max_rows && recent_.size() > 1) {
    forget(entries_.find(lookup(recent_.back())));
  }
}

void GrantCache::forget(absl::flat_hash_map<std::string, Entry>::iterator entry) {
  rows_ -= entry->second.grants.size();
  recent_.erase(entry->second.recent);
  entries_.erase(entry);
}

GrantCache::Counts GrantCache::counts() const {
  const std::lock_guard lock(mutex_);
  return counts_;
}

size_t GrantCache::rows() const {
  const std::lock_guard lock(mutex_);
  return rows_;
}

}  // namespace datamesh::store::sql
