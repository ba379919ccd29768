// The writes of the store port as values: what a BufferedTransaction (buffered_transaction.h)
// records while a body runs and what a commit then applies. One struct per write method of
// store::Transaction, holding that method's arguments; BufferedWrite is any one of them.
//
// Plain values; no thread-safety concerns. apply_writes runs on the thread that owns `target`.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "core/store.h"

namespace datamesh::store::aws {

struct PutAccount {
  Account account;
  // Set by reapply_account_step: the flag whose step is made again although the stored row
  // already has it.
  bool Account::*reapplied = nullptr;
};
struct PutAccessKey {
  AccessKeyRow key;
};
struct PutDatabase {
  Database database;
};
// Deletes the database and every table in it (as Transaction::delete_database).
struct DeleteDatabase {
  std::string catalog_id;
  std::string name;
};
struct PutTable {
  Table table;
  // Set by republish_table: the stored table, published again unchanged (its partitions are
  // copied again; nothing else is written).
  bool republished = false;
};
struct DeleteTable {
  std::string catalog_id;
  std::string database_name;
  std::string name;
};
struct PutProduct {
  ProductRow product;
};
struct PutGrant {
  GrantRow grant;
};
struct DeleteSubscriptionGrants {
  std::string subscription_id;
};
struct DeleteGrant {
  GrantRow grant;
};
struct PutShare {
  ShareRow share;
};
struct InsertSubscription {
  Subscription subscription;
};
// Holds only if the subscription's version is still expected_version when applied.
struct UpdateSubscription {
  Subscription subscription;
  int64_t expected_version = 0;
};
struct AppendAuditEvent {
  ChainedAuditEvent event;
};
struct PutClientToken {
  ClientTokenRow row;
};
struct DeleteExpiredClientTokens {
  int64_t now = 0;
  int limit = 0;
};

using BufferedWrite =
    std::variant<PutAccount, PutAccessKey, PutDatabase, DeleteDatabase, PutTable, DeleteTable,
                 PutProduct, PutGrant, DeleteSubscriptionGrants, DeleteGrant, PutShare, InsertSubscription,
                 UpdateSubscription, AppendAuditEvent, PutClientToken, DeleteExpiredClientTokens>;

// The Transaction method a write stands for ("put_table", ...), for messages and journals.
const char* write_method(const BufferedWrite& write);

// Applies `writes` to `target` in order, each through the store port's own method: what a commit
// does when the target is a transactional store (the caller commits or rolls back `target`).
// Stops at the first write that fails and returns its error (that of the target's method, e.g.
// Aborted for an update whose expected version is no longer stored), naming the write's
// position; the writes before it have been made in `target`.
absl::Status apply_writes(const std::vector<BufferedWrite>& writes, Transaction& target);

}  // namespace datamesh::store::aws
