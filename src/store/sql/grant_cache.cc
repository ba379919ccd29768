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

// Puts grants in the order find searches: the store lists them so already (SQLite compares
// bytes; PostgreSQL's column collation might not), so this is usually one pass.
void in_search_order(std::vector<GrantRow>& grants) {
  if (!std::is_sorted(grants.begin(), grants.end(), ByWhere{})) {
    std::stable_sort(grants.begin(), grants.end(), ByWhere{});
  }
}

// The grants of `sorted` (in search order) that answer a check on place.table_name: those on the
// database's "*" unless it is the table asked, then those on the table (the database itself for
// ""). The one selection of find and keep_and_answer (the rule is grant_answers).
std::vector<GrantRow> answering(const std::vector<GrantRow>& sorted,
                                const GrantCache::Place& place, std::string_view table_name) {
  std::vector<GrantRow> found;
  const auto add = [&](std::string_view table) {
    const auto [first, last] = std::equal_range(
        sorted.begin(), sorted.end(), Where{place.catalog_id, place.database_name, table},
        ByWhere{});
    found.insert(found.end(), first, last);
  };
  if (table_name != "*" && grant_answers("*", table_name)) add("*");
  add(table_name);
  return found;
}

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
  return {.known = Known::kGrants,
          .grants = answering(entry->second.grants, place, table_name)};
}

void GrantCache::keep(std::string_view principal, int64_t version, std::vector<GrantRow> grants,
                      bool too_many) {
  in_search_order(grants);
  store(principal, version, std::move(grants), too_many);
}

std::vector<GrantRow> GrantCache::keep_and_answer(const Place& place, int64_t version,
                                                  std::vector<GrantRow> grants,
                                                  std::string_view table_name) {
  in_search_order(grants);
  std::vector<GrantRow> answer = answering(grants, place, table_name);
  store(place.principal, version, std::move(grants), /*too_many=*/false);
  return answer;
}

void GrantCache::store(std::string_view principal, int64_t version,
                       std::vector<GrantRow> grants, bool too_many) {
  too_many = too_many || grants.size() > limits_.max_rows_per_entry;
  if (too_many) grants.clear();
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
