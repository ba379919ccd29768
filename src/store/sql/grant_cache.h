// The grants of recently checked principals, kept in memory for find_grants (the authorization
// check): a check then reads one small row, its principal's grant version, instead of probing a
// grants table of millions of rows whose leaves are mostly outside SQLite's page cache.
//
// An entry holds every grant of one principal, as of one grant version. Never stale: the version
// is a counter in the schema's grant_versions table, one per principal, that triggers raise in
// the same transaction as any insert, update or delete of its grants, whoever makes it (this
// process, another replica, a migration, SQL typed by hand). A lookup names the version its own
// transaction read, and an entry of any other version is not used. Entries are only made from
// read transactions, which see nothing uncommitted, so no entry can describe a change that was
// rolled back. Versions only grow, so an entry's version is never reached again by other grants.
//
// One entry per principal rather than per database: a principal's first check loads all its
// grants at once (one range of the primary key) instead of paying a load on each database it
// then checks. The price is in that first check, and in the first after each change of the
// principal's grants: about half a microsecond per grant (docs/PERFORMANCE.md).
//
// Bounded: at most Limits::max_rows grants in all, the least recently used principal evicted
// first. A principal with more than max_rows_per_entry grants (a mesh admin holding a grant on
// every product) is not kept: its checks probe the store, and a load never reads more than
// max_rows_per_entry + 1 rows. Thread-safe: one mutex, held for a hash lookup and two binary
// searches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/store.h"

namespace datamesh::store::sql {

class GrantCache {
 public:
  struct Limits {
    size_t max_rows = 32768;  // about 12 MB of grants
    size_t max_rows_per_entry = 4096;
  };
  // find's answers: hits from an entry's grants, misses otherwise ("too many" included).
  struct Counts {
    int64_t hits = 0;
    int64_t misses = 0;
  };
  // What find knows of a principal's grants at a version.
  enum class Known {
    kNothing,  // no entry at this version: load the grants (or probe)
    kGrants,   // the answer is in `grants`
    kTooMany,  // more grants than an entry may hold: probe the store
  };
  struct Found {
    Known known = Known::kNothing;
    std::vector<GrantRow> grants;  // with kGrants
  };
  // Where a check looks: the principal's entry, and the database in it.
  struct Place {
    std::string_view principal;
    std::string_view catalog_id;
    std::string_view database_name;
  };

  GrantCache() : GrantCache(Limits{}) {}
  explicit GrantCache(Limits limits) : limits_(limits) {}
  GrantCache(const GrantCache&) = delete;
  GrantCache& operator=(const GrantCache&) = delete;

  // The grants find_grants answers, from the principal's entry at `version`: those on the
  // database's table_name and its "*" (on the database itself for table ""), ordered by table.
  Found find(const Place& place, int64_t version, std::string_view table_name);

  // Keeps every grant of principal at version in place of an entry of an older version (a newer
  // entry stays). With too_many, or more than max_rows_per_entry grants, keeps only the fact that
  // there are too many.
  void keep(std::string_view principal, int64_t version, std::vector<GrantRow> grants,
            bool too_many = false);
  // keep() of every grant of place.principal, answering what find would answer from them for
  // table_name, whether or not they are kept (a newer entry stays; too many are not held): a
  // check that loads a principal's grants answers from the rows it loaded, by find's rule.
  std::vector<GrantRow> keep_and_answer(const Place& place, int64_t version,
                                        std::vector<GrantRow> grants,
                                        std::string_view table_name);

  const Limits& limits() const { return limits_; }
  Counts counts() const;
  // Grants held, in all.
  size_t rows() const;

 private:
  struct Entry {
    int64_t version = 0;
    bool too_many = false;
    std::vector<GrantRow> grants;  // ordered by catalog, database and table
    std::list<std::string>::iterator recent;  // its place in recent_
  };

  // keep(), once grants are in find's search order.
  void store(std::string_view principal, int64_t version, std::vector<GrantRow> grants,
             bool too_many);
  void forget(absl::flat_hash_map<std::string, Entry>::iterator entry);

  const Limits limits_;
  mutable std::mutex mutex_;
  absl::flat_hash_map<std::string, Entry> entries_;  // by principal
  std::list<std::string> recent_;                    // principals, most recently used first
  size_t rows_ = 0;
  Counts counts_;
};

}  // namespace datamesh::store::sql
