// The storage port of core: every piece of mesh state goes through Store and Transaction.
//
// Business rules live in core; this interface only reads and writes rows. Each workflow method
// runs inside one Store::run call: the body either commits completely or not at all. Write
// transactions take the store's write lock when they begin (SQLite BEGIN IMMEDIATE), so two
// writers never interleave; Store::run retries a body that lost a race (Aborted) a bounded
// number of times. A Store is thread-safe; a Transaction belongs to the thread running the body.
#pragma once

#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "datamesh/types.h"

namespace datamesh::store {

// A stored access key. The secret is sealed (see security/secret_box.h): the store never sees
// it in plain text.
struct AccessKeyRow {
  std::string access_key_id;
  std::string account_id;
  std::string sealed_secret;  // binary
  std::string status;         // "Active" or "Revoked"
  std::string creation_date;
  std::string revocation_date;
};

// An access key with the account it belongs to: what authenticating a caller reads.
struct AccessKeyWithAccount {
  AccessKeyRow key;
  std::optional<Account> account;  // nullopt when the key's account is gone
};

// A published data product: one mesh database and how it was made.
struct ProductRow {
  std::string mesh_database;
  std::string producer_account;
  std::string source_database;
  std::string table_name_regex;
  std::string domain;
  std::string data_product_name;
  bool public_metadata = true;
  std::string sync_schedule;
  std::string crawler_role_arn;
  std::string link_suffix;
  std::string creation_date;
  std::string updated_date;
};

// One permission held by a principal on a resource of a catalog. table_name "" = the database
// itself, "*" = every table of the database.
struct GrantRow {
  std::string principal;
  std::string catalog_id;
  std::string database_name;
  std::string table_name;
  std::string permission;
  bool grantable = false;
  std::string subscription_id;  // "" when not from a subscription
};

// A RAM-like share of a subscription's resources with its invitation state.
struct ShareRow {
  std::string share_arn;
  std::string subscription_id;
  std::string owner_account;
  std::string recipient_account;
  std::string status;  // "PENDING", "ACCEPTED" or "DISASSOCIATED"
  std::string creation_date;
};

// Which products list_products gives; an empty string matches any value.
struct ProductFilter {
  std::string producer_account;
  std::string domain;
  bool public_metadata_only = false;
};

struct SubscriptionFilter {
  std::optional<std::string> owner;
  std::optional<std::string> subscriber;
  std::optional<SubscriptionStatus> status;
  bool include_deleted = false;
  std::optional<std::string> database_name;
};

// The newest link of the audit log's hash chain: sequence 0 and an empty hash while the log
// is empty.
struct AuditChainHead {
  int64_t sequence = 0;
  std::string hash;  // hex
};

// An audit event as stored, with its link in the chain: hash authenticates the event's fields
// together with previous_hash (see core/audit_chain.h). Events written before the chain existed
// (schema version 1) have both hashes empty.
struct ChainedAuditEvent {
  AuditEvent event;
  std::string previous_hash;  // hex; "" for the first event
  std::string hash;           // hex
};

// The record of a write made with a client token (core/client_token.h): a replay of the token
// by the same account answers `answer` instead of acting again, until expires_at.
struct ClientTokenRow {
  std::string account_id;  // with client_token, the key: tokens are scoped per account
  std::string client_token;
  std::string method;        // group/method
  std::string request_hash;  // hex
  std::string answer;        // encoded by core/client_token.h; secrets in it are sealed
  int64_t expires_at = 0;    // Unix seconds
};

// A key-ordered page: rows after `after` (exclusive), at most `limit`.
struct Page {
  std::string after;
  int limit = 100;
};

// How many subscriptions are in each status.
using StatusCounts = std::vector<std::pair<SubscriptionStatus, int64_t>>;

// A write's failure is reported by the write itself, or, in a store that sends writes ahead in
// batches (PostgreSQL), by a later call of the same body or by Store::run at commit; either way
// the transaction is not committed. A body must therefore not go on as if a failed write had
// not happened: it returns the first failure it sees.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Every method but the seven below, with its contract: core/transaction_methods.inc.
#define DATAMESH_TRANSACTION_METHOD(answer, name, parameters) virtual answer name parameters = 0;
#include "core/transaction_methods.inc"

  // Whether the table exists, for a caller that needs nothing else of it (a request's and an
  // approval's check of their tables): the default reads the table; a store that can read its
  // key alone overrides it.
  virtual absl::StatusOr<bool> has_table(std::string_view catalog_id,
                                         std::string_view database_name, std::string_view name);
  // A page of names: after page.after (exclusive), at most page.limit, ordered. Lets a pattern
  // walk a 200,000-table database in bounded memory and stop once it has what it needs. The
  // default reads every name and cuts; stores override it with an indexed range.
  virtual absl::StatusOr<std::vector<std::string>> list_table_names_page(
      std::string_view catalog_id, std::string_view database_name, const Page& page);
  // The key (nullopt when there is none) and its account, read together because every signed
  // call reads both, the write methods under the write lock: the default reads one and then
  // the other; a store that can read both in one statement overrides it.
  virtual absl::StatusOr<std::optional<AccessKeyWithAccount>> get_access_key_with_account(
      std::string_view key_id);
  // Which of `names` are tables of the database (a request's and an approval's check of their
  // tables, a few to a few dozen names): the default asks has_table of each; a store that can
  // look them all up in one statement overrides it.
  virtual absl::StatusOr<std::set<std::string>> existing_tables(
      std::string_view catalog_id, std::string_view database_name,
      const std::vector<std::string>& names);
  // The caller runs again the step that set `flag` of `account`, a flag the stored row already
  // has (enable_account_as_*, initialize_*_account once more): what the step means outside the
  // store is made again, as this version makes it. The default does nothing, for stores whose
  // row is the step's whole effect; the AWS store makes the step's IAM set-up again, so that
  // policies an older datamesh or the Python library wrote get this version's rights.
  virtual absl::Status reapply_account_step(const Account& account, bool Account::*flag);
  // The caller published `table` (a mesh table, as stored) again, unchanged: what the copy
  // brings along outside the store is brought again. The default does nothing, for stores
  // whose row is the whole copy; the AWS store copies the source's partitions again (those
  // added and deleted since), so that a publication run again converges on its source.
  virtual absl::Status republish_table(const Table& table);
  // Where a reader outside datamesh follows the subscriptions' changes: the AWS store's tracker
  // table and its stream. The default is empty, for stores that keep subscriptions in their
  // own database.
  virtual absl::StatusOr<TrackerEndpoints> tracker_endpoints();
  // Whether grants this transaction deletes stay in force outside the store until admin
  // reconcile revokes them: the AWS store in a consumer's process, whose mesh role may not
  // revoke in Lake Formation. The default is false: deleting a grant revokes it.
  virtual bool keeps_revoked_grants() { return false; }
};

inline absl::StatusOr<bool> Transaction::has_table(std::string_view catalog_id,
                                                   std::string_view database_name,
                                                   std::string_view name) {
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<Table> table,
                            get_table(catalog_id, database_name, name));
  return table.has_value();
}

inline absl::StatusOr<std::vector<std::string>> Transaction::list_table_names_page(
    std::string_view catalog_id, std::string_view database_name, const Page& page) {
  if (page.limit < 1) return absl::InvalidArgumentError("page limit must be at least 1");
  DATAMESH_ASSIGN_OR_RETURN(std::vector<std::string> names,
                            list_table_names(catalog_id, database_name));
  std::vector<std::string> selected;
  for (std::string& name : names) {
    if (name <= page.after) continue;
    if (static_cast<int>(selected.size()) == page.limit) break;
    selected.push_back(std::move(name));
  }
  return selected;
}

inline absl::StatusOr<std::set<std::string>> Transaction::existing_tables(
    std::string_view catalog_id, std::string_view database_name,
    const std::vector<std::string>& names) {
  std::set<std::string> existing;
  for (const std::string& name : names) {
    DATAMESH_ASSIGN_OR_RETURN(const bool found, has_table(catalog_id, database_name, name));
    if (found) existing.insert(name);
  }
  return existing;
}

inline absl::Status Transaction::reapply_account_step(const Account&, bool Account::*) {
  return absl::OkStatus();
}

inline absl::Status Transaction::republish_table(const Table&) { return absl::OkStatus(); }

inline absl::StatusOr<TrackerEndpoints> Transaction::tracker_endpoints() {
  return TrackerEndpoints{};
}

inline absl::StatusOr<std::optional<AccessKeyWithAccount>>
Transaction::get_access_key_with_account(std::string_view key_id) {
  DATAMESH_ASSIGN_OR_RETURN(std::optional<AccessKeyRow> key, get_access_key(key_id));
  if (!key) return std::nullopt;
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> account, get_account(key->account_id));
  return AccessKeyWithAccount{.key = *std::move(key), .account = std::move(account)};
}

// The sequence an audit listing's page.after names: "" is 0 (from the start), else a decimal
// sequence number, as the listings hand it out. InvalidArgument for anything else.
inline absl::StatusOr<int64_t> audit_page_sequence(std::string_view after) {
  if (after.empty()) return 0;
  int64_t sequence = 0;
  const auto [end, error] = std::from_chars(after.data(), after.data() + after.size(), sequence);
  if (error != std::errc() || end != after.data() + after.size() || sequence < 0) {
    return absl::InvalidArgumentError(
        base::cat("audit page token \"", after, "\" is not a sequence number"));
  }
  return sequence;
}

// Whether a grant on grant_table (a table, "*" or "" for the database) is one find_grants
// answers for a check on table_name: the same table, or "*" for any named table.
inline bool grant_answers(std::string_view grant_table, std::string_view table_name) {
  return grant_table == table_name || (grant_table == "*" && !table_name.empty());
}

// What append_audit_event checks in every store: the event must follow `head` (the next
// sequence number, linked to the head's hash), FailedPrecondition otherwise.
inline absl::Status check_follows_chain_head(const AuditChainHead& head,
                                             const ChainedAuditEvent& chained) {
  if (chained.event.sequence == head.sequence + 1 && chained.previous_hash == head.hash) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(base::cat(
      "audit event ", chained.event.sequence, " does not follow the chain head (sequence ",
      head.sequence, "): read audit_chain_head() in the same transaction"));
}

// Whether two subscriptions ask for the same thing: what find_live_duplicates compares.
inline bool same_request(const Subscription& a, const Subscription& b) {
  return a.subscriber_principal == b.subscriber_principal &&
         a.owner_principal == b.owner_principal && a.database_name == b.database_name &&
         a.table_names == b.table_names && a.requested_grants == b.requested_grants;
}

enum class TxMode { kRead, kWrite };

class Store {
 public:
  // How many times a store runs a body again after it lost a race (Aborted, or a serialization
  // failure the store reports as one) before it returns that Aborted (the AWS store's default).
  static constexpr int kMaxRetries = 5;

  virtual ~Store() = default;

  // Runs body (Transaction& -> absl::Status or absl::StatusOr<T>) in one transaction, commits
  // when it returns OK and rolls back otherwise, and returns what the body returned (or the
  // transaction's own error). The store may run the body more than once (after a lost race,
  // and in PostgreSQL after a lost connection, reads included): a body builds its result itself
  // and returns it, never adds to something outside it, so that only the run that committed
  // answers.
  template <typename Body>
  auto run(TxMode mode, Body&& body) -> std::invoke_result_t<Body&, Transaction&>;

 protected:
  // What each store implements: runs body in one transaction as run() says. Wrappers of a store
  // override it and call the wrapped store's run().
  virtual absl::Status run_body(TxMode mode,
                                const std::function<absl::Status(Transaction&)>& body) = 0;
};

template <typename Body>
auto Store::run(TxMode mode, Body&& body) -> std::invoke_result_t<Body&, Transaction&> {
  using Result = std::invoke_result_t<Body&, Transaction&>;
  if constexpr (std::is_same_v<Result, absl::Status>) {
    return run_body(mode, [&body](Transaction& tx) -> absl::Status { return body(tx); });
  } else {
    static_assert(std::is_same_v<Result, absl::StatusOr<typename Result::value_type>>,
                  "a transaction body returns absl::Status or absl::StatusOr<T>");
    // Each run replaces the last one's result: the run that committed is the one returned.
    std::optional<Result> result;
    absl::Status status = run_body(mode, [&](Transaction& tx) -> absl::Status {
      result.emplace(body(tx));
      return result->status();
    });
    DATAMESH_RETURN_IF_ERROR(status);
    if (!result) return absl::InternalError("the store committed a transaction without its body");
    return *std::move(result);
  }
}

}  // namespace datamesh::store
