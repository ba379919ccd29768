// A write buffer over a store transaction: the body of an AWS-mode write transaction runs on a
// BufferedTransaction whose reads go through to the base transaction (AWS) and whose writes are
// kept in memory. A body that fails leaves the base untouched; a body that succeeds leaves
// writes(), the ordered list of writes that the commit applies (docs/AWS.md, "Transactions").
// Nothing in it knows AWS: any Transaction can be the base.
//
// Reads answer as if the writes so far had been applied to the base: gets, every listing with
// the base store's order and paging, find_grants, find_live_duplicates, the counts, the audit
// head and chain. Subscriptions the body inserted come after every base subscription in
// creation order.
//
// Cost: each overlay is keyed like the row's primary key, so in a body of n writes a write or a
// get costs O(log n), and a listing reads one page of the base and merges the overlay's rows in
// that page's range (reading on when the overlay hid rows of this one): a 200,000-table
// create_data_products stays linear. Each write is kept once, in writes(); the overlays hold its
// index. A write takes sizeof(BufferedWrite) (about 0.9 KB, the size of a Table) plus its rows'
// heap strings.
//
// Writes are checked as the port says before they are recorded, against the base as changed by
// the writes before them: insert_subscription of a taken id is AlreadyExists; update_subscription
// is NotFound without the subscription and Aborted when its version is not expected_version;
// append_audit_event that does not follow audit_chain_head() is FailedPrecondition;
// delete_subscription_grants("") is InvalidArgument. A refused write records nothing. Listings
// refuse a page limit below 1 (InvalidArgument); errors of the base's reads are returned as they
// are. A client token recorded by this body answers from the overlay; the expired records a body
// deletes are deleted by the commit (a record's reader compares expires_at anyway).
//
// What a consumer of writes() may rely on:
//  * The writes are in the order the body made them, each one accepted by the checks above.
//    Applied in order to a store in the state the base read (apply_writes), they leave what the
//    body saw.
//  * A later write of a row does not remove an earlier one: the last write of a key wins. A
//    DeleteDatabase also removes the tables of that database written before it, and
//    DeleteSubscriptionGrants the grants of that subscription written before it (DeleteGrant the
//    one grant); rows written
//    after them stay.
//  * Each UpdateSubscription's expected_version is the version the body read: the base's for a
//    subscription's first write, the previous write's version after that. InsertSubscription ids
//    were free in the base when the body ran.
//  * AppendAuditEvents are numbered from the base's head + 1 on, consecutively, each
//    previous_hash the hash before it.
//
// Thread-safety: none; like any Transaction it belongs to the thread running the body. `base`
// must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store.h"
#include "store/aws/buffered_write.h"

namespace datamesh::store::aws {

class BufferedTransaction final : public Transaction {
 public:
  explicit BufferedTransaction(Transaction& base) : base_(base) {}
  BufferedTransaction(const BufferedTransaction&) = delete;
  BufferedTransaction& operator=(const BufferedTransaction&) = delete;

#define DATAMESH_TRANSACTION_METHOD(answer, name, parameters) answer name parameters override;
#include "core/transaction_methods.inc"
  absl::StatusOr<std::vector<std::string>> list_table_names_page(
      std::string_view catalog_id, std::string_view database_name, const Page& page) override;
  // Recorded as a put of the row that marks the flag's step to be made again (make_plan).
  absl::Status reapply_account_step(const Account& account, bool Account::*flag) override;
  absl::Status republish_table(const Table& table) override;
  absl::StatusOr<TrackerEndpoints> tracker_endpoints() override {
    return base_.tracker_endpoints();
  }
  bool keeps_revoked_grants() override { return base_.keeps_revoked_grants(); }

  // The writes in the order made (see the contract above).
  const std::vector<BufferedWrite>& writes() const { return writes_; }

 private:
  // Orders keys of strings, owned or viewed, element by element: a lookup with views makes no
  // copy. (std::less<> would compare a tuple of strings with one of views through the
  // synthesized three-way comparison, which some compilers refuse.)
  struct KeyLess {
    using is_transparent = void;
    template <class... A, class... B>
    bool operator()(const std::tuple<A...>& a, const std::tuple<B...>& b) const {
      return views(a) < views(b);
    }
    template <class... T>
    static auto views(const std::tuple<T...>& key) {
      return std::apply(
          [](const auto&... part) {
            return std::tuple<decltype(std::string_view(part))...>(std::string_view(part)...);
          },
          key);
    }
  };
  using DatabaseKey = std::tuple<std::string, std::string>;            // catalog, name
  using TableKey = std::tuple<std::string, std::string, std::string>;  // catalog, database, name
  // principal, catalog, database, table, permission, subscription: the grants' primary key.
  using GrantKey =
      std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;

  // The fields list_subscriptions filters on, as the base holds them.
  struct FilteredFields {
    std::string owner;
    std::string subscriber;
    SubscriptionStatus status = SubscriptionStatus::kPending;
    std::string database_name;
  };
  struct SubscriptionOverlay {
    size_t write = 0;  // index in writes_ of its newest write
    // Set when the body inserted it: its place among the inserted ones (inserted_).
    std::optional<size_t> inserted_at;
    // Set when it came from the base: its filtered fields there (where the base lists it).
    std::optional<FilteredFields> in_base;
  };

  size_t record(BufferedWrite write);
  template <typename Row, typename Put>
  const Row& row_at(size_t write, Row Put::*member) const;
  const Subscription& subscription_at(const SubscriptionOverlay& overlay) const;
  bool database_cleared(std::string_view catalog_id, std::string_view database_name) const;
  // The target of the database link the body wrote under this name, if it wrote one.
  std::optional<DatabaseIdentifier> written_link(std::string_view catalog_id,
                                                 std::string_view database_name) const;
  template <typename Row, typename AsRow>
  void overlay_tables(std::string_view catalog_id, std::string_view database_name,
                      std::string_view after, const std::optional<std::string>& upto, size_t max,
                      AsRow as_row, std::vector<Row>& out) const;
  // Whether the overlay decides what the listing shows of this grant of the base.
  bool grant_overlaid(const GrantRow& grant) const;
  // Appends to `out`, until it holds `limit`, the base's subscriptions after `after` that
  // `filter` lists once the body's changes to them are made.
  absl::Status list_base_subscriptions(const SubscriptionFilter& filter, std::string after,
                                       size_t limit, std::vector<Subscription>& out);
  const ChainedAuditEvent& audit_event_at(size_t i) const;  // the i-th appended event
  template <typename Each>
  void continue_with_appended(int64_t after, Each each) const;

  Transaction& base_;
  std::vector<BufferedWrite> writes_;

  // Each overlay maps a row's key to the index in writes_ of the newest write of that row.
  std::map<std::string, size_t, std::less<>> accounts_;
  std::map<std::string, size_t, std::less<>> access_keys_;
  std::map<std::pair<std::string, std::string>, size_t> client_tokens_;  // account, token
  std::map<DatabaseKey, size_t, KeyLess> databases_;  // PutDatabase or DeleteDatabase
  std::map<TableKey, size_t, KeyLess> tables_;        // PutTable or DeleteTable
  // Databases the body deleted: none of their base tables is visible any more.
  std::set<DatabaseKey, KeyLess> cleared_databases_;
  std::map<std::string, size_t, std::less<>> products_;
  std::map<GrantKey, size_t, KeyLess> grants_;
  // The keys in grants_ of each subscription ("" = grants of no subscription).
  std::map<std::string, std::vector<GrantKey>, std::less<>> grant_keys_of_subscription_;
  // Subscriptions whose base grants the body deleted.
  std::set<std::string, std::less<>> cleared_grants_;
  // Grants the body deleted one by one (delete_grant): hidden from the base's listings.
  std::set<GrantKey, KeyLess> deleted_grants_;
  std::map<std::string, size_t, std::less<>> shares_;
  std::map<std::string, SubscriptionOverlay, std::less<>> subscriptions_;
  std::vector<std::string> inserted_;  // ids of the subscriptions inserted, in order
  std::vector<size_t> audit_events_;   // writes_ indices of the appended events, in order
};

template <typename Row, typename Put>
const Row& BufferedTransaction::row_at(size_t write, Row Put::*member) const {
  return std::get<Put>(writes_[write]).*member;
}

}  // namespace datamesh::store::aws
