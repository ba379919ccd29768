#include "support/fault_store.h"

#include <algorithm>
#include <type_traits>
#include <utility>

namespace datamesh::test_support {
namespace {

using store::AccessKeyRow;
using store::GrantRow;
using store::Page;
using store::ProductRow;
using store::ShareRow;
using store::SubscriptionFilter;

// Forwards every call to the wrapped store's transaction once FaultStore lets it through.
class FaultTransaction final : public store::Transaction {
 public:
  FaultTransaction(store::Transaction& inner, FaultStore& faults)
      : inner_(inner), faults_(faults) {}

  absl::StatusOr<std::optional<Account>> get_account(std::string_view account_id) override {
    return read("get_account", [&] { return inner_.get_account(account_id); });
  }
  absl::StatusOr<std::optional<Account>> get_mesh_account() override {
    return read("get_mesh_account", [&] { return inner_.get_mesh_account(); });
  }
  absl::Status put_account(const Account& account) override {
    return write("put_account", [&] { return inner_.put_account(account); });
  }
  absl::StatusOr<std::vector<Account>> list_accounts() override {
    return read("list_accounts", [&] { return inner_.list_accounts(); });
  }
  absl::StatusOr<std::optional<AccessKeyRow>> get_access_key(std::string_view key_id) override {
    return read("get_access_key", [&] { return inner_.get_access_key(key_id); });
  }
  absl::Status put_access_key(const AccessKeyRow& key) override {
    return write("put_access_key", [&] { return inner_.put_access_key(key); });
  }
  absl::StatusOr<std::vector<AccessKeyRow>> list_access_keys(
      std::string_view account_id) override {
    return read("list_access_keys", [&] { return inner_.list_access_keys(account_id); });
  }

  absl::StatusOr<std::optional<Database>> get_database(std::string_view catalog_id,
                                                       std::string_view name) override {
    return read("get_database", [&] { return inner_.get_database(catalog_id, name); });
  }
  absl::Status put_database(const Database& database) override {
    return write("put_database", [&] { return inner_.put_database(database); });
  }
  absl::Status delete_database(std::string_view catalog_id, std::string_view name) override {
    return write("delete_database", [&] { return inner_.delete_database(catalog_id, name); });
  }
  absl::StatusOr<std::vector<Database>> list_databases(std::string_view catalog_id,
                                                       const Page& page) override {
    return read("list_databases", [&] { return inner_.list_databases(catalog_id, page); });
  }
  absl::StatusOr<std::optional<Table>> get_table(std::string_view catalog_id,
                                                 std::string_view database_name,
                                                 std::string_view name) override {
    return read("get_table", [&] { return inner_.get_table(catalog_id, database_name, name); });
  }
  absl::Status put_table(const Table& table) override {
    return write("put_table", [&] { return inner_.put_table(table); });
  }
  absl::Status delete_table(std::string_view catalog_id, std::string_view database_name,
                            std::string_view name) override {
    return write("delete_table",
                 [&] { return inner_.delete_table(catalog_id, database_name, name); });
  }
  absl::StatusOr<std::vector<Table>> list_tables(std::string_view catalog_id,
                                                 std::string_view database_name,
                                                 const Page& page) override {
    return read("list_tables",
                [&] { return inner_.list_tables(catalog_id, database_name, page); });
  }
  absl::StatusOr<std::vector<std::string>> list_table_names(
      std::string_view catalog_id, std::string_view database_name) override {
    return read("list_table_names",
                [&] { return inner_.list_table_names(catalog_id, database_name); });
  }
  absl::StatusOr<std::vector<std::string>> list_table_names_page(
      std::string_view catalog_id, std::string_view database_name, const Page& page) override {
    return read("list_table_names_page", [&] {
      return inner_.list_table_names_page(catalog_id, database_name, page);
    });
  }

  absl::StatusOr<std::optional<ProductRow>> get_product(std::string_view mesh_database) override {
    return read("get_product", [&] { return inner_.get_product(mesh_database); });
  }
  absl::StatusOr<std::vector<ProductRow>> list_products(const store::ProductFilter& filter,
                                                        const Page& page) override {
    return read("list_products", [&] { return inner_.list_products(filter, page); });
  }
  absl::Status put_product(const ProductRow& product) override {
    return write("put_product", [&] { return inner_.put_product(product); });
  }

  absl::Status put_grant(const GrantRow& grant) override {
    return write("put_grant", [&] { return inner_.put_grant(grant); });
  }
  absl::Status delete_subscription_grants(std::string_view subscription_id) override {
    return write("delete_subscription_grants",
                 [&] { return inner_.delete_subscription_grants(subscription_id); });
  }
  absl::StatusOr<std::vector<GrantRow>> list_database_grants(
      std::string_view catalog_id, std::string_view database_name) override {
    return read("list_database_grants",
                [&] { return inner_.list_database_grants(catalog_id, database_name); });
  }
  absl::Status delete_grant(const GrantRow& grant) override {
    return write("delete_grant", [&] { return inner_.delete_grant(grant); });
  }
  absl::StatusOr<std::vector<GrantRow>> list_subscription_grants(
      std::string_view subscription_id) override {
    return read("list_subscription_grants",
                [&] { return inner_.list_subscription_grants(subscription_id); });
  }
  absl::StatusOr<std::vector<GrantRow>> find_grants(std::string_view principal,
                                                    std::string_view catalog_id,
                                                    std::string_view database_name,
                                                    std::string_view table_name) override {
    return read("find_grants", [&] {
      return inner_.find_grants(principal, catalog_id, database_name, table_name);
    });
  }

  absl::Status put_share(const ShareRow& share) override {
    return write("put_share", [&] { return inner_.put_share(share); });
  }
  absl::StatusOr<std::vector<ShareRow>> list_subscription_shares(
      std::string_view subscription_id) override {
    return read("list_subscription_shares",
                [&] { return inner_.list_subscription_shares(subscription_id); });
  }

  absl::StatusOr<std::optional<Subscription>> get_subscription(std::string_view id) override {
    return read("get_subscription", [&] { return inner_.get_subscription(id); });
  }
  absl::Status insert_subscription(const Subscription& subscription) override {
    return write("insert_subscription", [&] { return inner_.insert_subscription(subscription); });
  }
  absl::Status update_subscription(const Subscription& subscription,
                                   int64_t expected_version) override {
    return write("update_subscription",
                 [&] { return inner_.update_subscription(subscription, expected_version); });
  }
  absl::StatusOr<std::vector<Subscription>> list_subscriptions(const SubscriptionFilter& filter,
                                                               const Page& page) override {
    return read("list_subscriptions", [&] { return inner_.list_subscriptions(filter, page); });
  }
  absl::StatusOr<std::vector<Subscription>> find_live_duplicates(
      const Subscription& request) override {
    return read("find_live_duplicates", [&] { return inner_.find_live_duplicates(request); });
  }
  absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
  count_subscriptions_by_status() override {
    return read("count_subscriptions_by_status",
                [&] { return inner_.count_subscriptions_by_status(); });
  }

  // Reading the head also claims the chain in a write transaction; it is a read all the same.
  absl::StatusOr<store::AuditChainHead> audit_chain_head() override {
    return read("audit_chain_head", [&] { return inner_.audit_chain_head(); });
  }
  absl::Status append_audit_event(const store::ChainedAuditEvent& event) override {
    return write("append_audit_event", [&] { return inner_.append_audit_event(event); });
  }
  absl::StatusOr<std::vector<store::ChainedAuditEvent>> list_audit_chain(
      const Page& page) override {
    return read("list_audit_chain", [&] { return inner_.list_audit_chain(page); });
  }
  absl::StatusOr<std::vector<AuditEvent>> list_audit_events(std::string_view subscription_id,
                                                           const Page& page) override {
    return read("list_audit_events",
                [&] { return inner_.list_audit_events(subscription_id, page); });
  }
  absl::StatusOr<std::optional<store::ClientTokenRow>> get_client_token(
      std::string_view account_id, std::string_view client_token) override {
    return read("get_client_token",
                [&] { return inner_.get_client_token(account_id, client_token); });
  }
  absl::Status put_client_token(const store::ClientTokenRow& row) override {
    return write("put_client_token", [&] { return inner_.put_client_token(row); });
  }
  absl::Status delete_expired_client_tokens(int64_t now, int limit) override {
    return write("delete_expired_client_tokens",
                 [&] { return inner_.delete_expired_client_tokens(now, limit); });
  }

 private:
  template <typename Fn>
  auto read(std::string_view method, Fn&& forward) -> decltype(forward()) {
    if (absl::Status fault = faults_.on_call(method, /*is_write=*/false); !fault.ok()) {
      return fault;
    }
    return forward();
  }
  template <typename Fn>
  auto write(std::string_view method, Fn&& forward) -> decltype(forward()) {
    if (absl::Status fault = faults_.on_call(method, /*is_write=*/true); !fault.ok()) {
      return fault;
    }
    if constexpr (std::is_same_v<decltype(forward()), absl::Status>) {
      if (faults_.drops(method)) return absl::OkStatus();
    }
    return forward();
  }

  store::Transaction& inner_;
  FaultStore& faults_;
};

}  // namespace

std::string_view position_name(FaultPosition position) {
  switch (position) {
    case FaultPosition::kBegin: return "begin";
    case FaultPosition::kCall: return "call";
    case FaultPosition::kWrite: return "write";
    case FaultPosition::kCommit: return "commit";
  }
  return "?";
}

int64_t FaultCounts::of(FaultPosition position) const {
  switch (position) {
    case FaultPosition::kBegin: return begins;
    case FaultPosition::kCall: return calls;
    case FaultPosition::kWrite: return writes;
    case FaultPosition::kCommit: return commits;
  }
  return 0;
}

FaultStore::FaultStore(std::unique_ptr<store::Store> inner)
    : owned_(std::move(inner)), inner_(owned_.get()) {}

FaultStore::FaultStore(store::Store& inner) : inner_(&inner) {}

void FaultStore::drop_writes_of(std::string method) {
  std::lock_guard lock(mutex_);
  dropped_.push_back(std::move(method));
}

bool FaultStore::drops(std::string_view method) const {
  std::lock_guard lock(mutex_);
  return std::find(dropped_.begin(), dropped_.end(), method) != dropped_.end();
}

void FaultStore::disarm() {
  std::lock_guard lock(mutex_);
  counts_ = {};
  trace_.clear();
  fail_at_ = 0;
  fault_ = absl::OkStatus();
  disk_full_ = false;
  injected_ = 0;
  forced_retries_ = 0;
}

void FaultStore::arm(FaultPosition position, int64_t n, absl::Status fault) {
  disarm();
  std::lock_guard lock(mutex_);
  position_ = position;
  fail_at_ = n;
  fault_ = std::move(fault);
}

void FaultStore::set_call_hook(CallHook hook) {
  std::lock_guard lock(mutex_);
  hook_ = hook ? std::make_shared<CallHook>(std::move(hook)) : nullptr;
}

void FaultStore::force_retries(bool on) {
  std::lock_guard lock(mutex_);
  force_retries_ = on;
}

int64_t FaultStore::forced_retries() const {
  std::lock_guard lock(mutex_);
  return forced_retries_;
}

FaultCounts FaultStore::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

int FaultStore::injected() const {
  std::lock_guard lock(mutex_);
  return injected_;
}

std::vector<std::string> FaultStore::trace() const {
  std::lock_guard lock(mutex_);
  return trace_;
}

absl::Status FaultStore::on_call(std::string_view method, bool is_write) {
  std::shared_ptr<CallHook> hook;
  int64_t call = 0;
  int64_t write = 0;
  absl::Status result;
  {
    std::lock_guard lock(mutex_);
    call = ++counts_.calls;
    trace_.emplace_back(method);
    hook = hook_;
    if (is_write) {
      write = ++counts_.writes;
      if (write == 1) counts_.first_write_call = call;
    }
    const bool call_hit = position_ == FaultPosition::kCall && fail_at_ == counts_.calls;
    const bool write_hit =
        is_write && position_ == FaultPosition::kWrite && fail_at_ == counts_.writes;
    if (call_hit || write_hit) {
      ++injected_;
      disk_full_ = write_hit;
      result = fault_;
    } else if (is_write && disk_full_) {
      result = fault_;
    }
  }
  if (hook) (*hook)(call, method, write);
  return result;
}

absl::Status FaultStore::on_commit() {
  std::lock_guard lock(mutex_);
  ++counts_.commits;
  if (disk_full_) return fault_;
  if (position_ == FaultPosition::kCommit && fail_at_ == counts_.commits) {
    ++injected_;
    return fault_;
  }
  return absl::OkStatus();
}

absl::Status FaultStore::run_body(
    store::TxMode mode, const std::function<absl::Status(store::Transaction&)>& body) {
  bool force = false;
  {
    std::lock_guard lock(mutex_);
    ++counts_.begins;
    if (mode == store::TxMode::kWrite) ++counts_.write_begins;
    if (position_ == FaultPosition::kBegin && fail_at_ == counts_.begins) {
      ++injected_;
      return fault_;
    }
    force = force_retries_;
  }
  int runs = 0;
  bool forced = false;
  absl::Status status = inner_->run(mode, [&](store::Transaction& inner) -> absl::Status {
    ++runs;
    FaultTransaction transaction(inner, *this);
    absl::Status status = body(transaction);
    if (status.ok() && force && !forced) {
      // As if another writer had won: the wrapped store rolls back and runs the body again.
      forced = true;
      return absl::AbortedError("FaultStore::force_retries: this run lost a race");
    }
    if (!status.ok() || mode != store::TxMode::kWrite) return status;
    // The wrapped store commits when this returns OK: failing here rolls the body back.
    return on_commit();
  });
  if (forced) {
    if (runs < 2) {
      return absl::InternalError(
          "FaultStore::force_retries: the wrapped store did not run the body again after it "
          "lost a race (Aborted), so no retry was tested");
    }
    std::lock_guard lock(mutex_);
    ++forced_retries_;
  }
  return status;
}

}  // namespace datamesh::test_support
