#include "core/engine.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/engine_internal.h"
#include "core/grants.h"
#include "core/names.h"
#include "core/subscription_status.h"

namespace datamesh::core {
using base::cat;
namespace internal {

std::string_view role_of(Persona persona) {
  return persona == Persona::kProducer ? kProducerRole : kConsumerRole;
}

std::string no_product_named(std::string_view database, std::string_view parameter) {
  return cat("no data product is published as mesh database ", database, "; ", parameter,
             " takes the mesh database's name, <source database>-<producer account> unless the "
             "producer chose another (list_data_products names them)");
}

std::string iam_arn(std::string_view partition, std::string_view account, std::string_view kind,
                    std::string_view name) {
  return cat("arn:", partition, ":iam::", account, ":", kind, "/AwsDataMesh/", name);
}

std::string table_arn(std::string_view partition, std::string_view region,
                      std::string_view catalog, std::string_view database,
                      std::string_view table) {
  return cat("arn:", partition, ":glue:", region, ":", catalog, ":table/", database, "/", table);
}

std::vector<std::string> granted_table_arns(const Subscription& subscription,
                                            std::string_view partition, std::string_view region,
                                            std::string_view mesh_account) {
  std::vector<std::string> arns;
  if (subscription.table_names.empty()) {
    arns.push_back(
        table_arn(partition, region, mesh_account, subscription.database_name, kAllTables));
  }
  for (const std::string& table : subscription.table_names) {
    arns.push_back(table_arn(partition, region, mesh_account, subscription.database_name, table));
  }
  return arns;
}

absl::StatusOr<Subscription> load_subscription(store::Transaction& tx, std::string_view id) {
  DATAMESH_RETURN_IF_ERROR(validate_subscription_id("subscription_id", id));
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Subscription> found, tx.get_subscription(id));
  if (!found) return absl::NotFoundError(cat("subscription ", id, " not found"));
  return std::move(*found);
}

absl::StatusOr<std::string> load_mesh_id(store::Transaction& tx) {
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> mesh, tx.get_mesh_account());
  if (!mesh) {
    return absl::FailedPreconditionError(
        "the mesh is not initialized: run `datamesh admin initialize-mesh-account` first");
  }
  return mesh->account_id;
}

absl::Status for_each_matching_name(
    store::Transaction& tx, std::string_view catalog, std::string_view database,
    const Pattern& pattern, std::string after,
    const std::function<absl::StatusOr<bool>(const std::string& name)>& visit) {
  const std::string prefix = Pattern::literal_prefix(pattern.source());
  if (!prefix.empty()) {
    // Start just below the prefix (its last character one less); what still sorts before the
    // prefix is skipped below.
    std::string below = prefix;
    below.back() = static_cast<char>(below.back() - 1);
    if (after < below) after = std::move(below);
  }
  MatchBudget budget;  // one per call: the whole walk shares it
  return walk_name_pages(
      std::move(after),
      [&](const store::Page& page) { return tx.list_table_names_page(catalog, database, page); },
      [&](const std::vector<std::string>& names) -> absl::StatusOr<bool> {
        for (const std::string& name : names) {
          if (name < prefix) continue;
          if (!name.starts_with(prefix)) return false;  // past the prefix's range
          DATAMESH_ASSIGN_OR_RETURN(const bool matched, pattern.full_match(name, budget));
          if (!matched) continue;
          DATAMESH_ASSIGN_OR_RETURN(const bool more, visit(name));
          if (!more) return false;
        }
        return true;
      });
}

absl::Status walk_name_pages(
    std::string after,
    absl::FunctionRef<absl::StatusOr<std::vector<std::string>>(const store::Page& page)> read,
    absl::FunctionRef<absl::StatusOr<bool>(const std::vector<std::string>& names)> visit) {
  constexpr int kFirstPage = 256;
  constexpr int kLargestPage = 4096;
  for (int limit = kFirstPage;; limit = std::min(limit * 2, kLargestPage)) {
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> names,
                              read(store::Page{.after = after, .limit = limit}));
    DATAMESH_ASSIGN_OR_RETURN(const bool more, visit(names));
    if (!more || static_cast<int>(names.size()) < limit) return absl::OkStatus();
    after = names.back();
  }
}

absl::StatusOr<AuditPage> audit_page(store::Transaction& tx, const PageRequest& request,
                                     std::string_view subscription_id,
                                     absl::FunctionRef<bool(const AuditEvent&)> keeps) {
  DATAMESH_ASSIGN_OR_RETURN(
      RowPage<AuditEvent> page,
      read_page<AuditEvent>(
          request,
          [&](const store::Page& chunk) { return tx.list_audit_events(subscription_id, chunk); },
          [](const AuditEvent& event) { return std::to_string(event.sequence); }, keeps));
  return AuditPage{.events = std::move(page.rows), .next_token = std::move(page.next_token)};
}

absl::Status check_page(const PageRequest& page) {
  if (page.max_results < 1 || page.max_results > 1000) {
    return absl::InvalidArgumentError(cat(
        "max_results must be between 1 and 1000, not ", page.max_results));
  }
  if (page.next_token.size() > 512) {
    return absl::InvalidArgumentError("next_token is not a token returned by this listing");
  }
  return absl::OkStatus();
}

absl::StatusOr<StatusSelection> select_statuses(const std::vector<std::string>& names) {
  StatusSelection selection;
  if (names.empty()) {
    selection.statuses = {SubscriptionStatus::kPending, SubscriptionStatus::kActive,
                          SubscriptionStatus::kDenied};
    return selection;
  }
  for (const std::string& name : names) {
    const std::optional<SubscriptionStatus> status = parse_status(name);
    if (!status) {
      return absl::InvalidArgumentError(
          cat("unknown status \"", name, "\"; allowed: Pending, Active, Denied, Deleted"));
    }
    selection.statuses.insert(*status);
  }
  if (selection.statuses.size() == 1) {
    selection.filter.status = *selection.statuses.begin();
  } else {
    selection.filter.include_deleted = selection.statuses.contains(SubscriptionStatus::kDeleted);
  }
  return selection;
}

absl::StatusOr<SubscriptionPage> subscription_page(store::Transaction& tx,
                                                   const PageRequest& request,
                                                   const store::SubscriptionFilter& filter,
                                                   const std::set<SubscriptionStatus>& statuses) {
  // Only a set of two or three statuses other than "all but Deleted" leaves rows to drop.
  DATAMESH_ASSIGN_OR_RETURN(
      RowPage<Subscription> page,
      read_page<Subscription>(
          request, [&](const store::Page& chunk) { return tx.list_subscriptions(filter, chunk); },
          subscription_key,
          [&](const Subscription& row) { return statuses.contains(row.status); }));
  return SubscriptionPage{.subscriptions = std::move(page.rows),
                          .next_token = std::move(page.next_token)};
}

}  // namespace internal

Engine::Engine(store::Store& store, const Clock& clock, const SecretSealer& sealer,
               std::string region, std::string partition)
    : store_(store),
      clock_(clock),
      sealer_(sealer),
      region_(std::move(region)),
      partition_(std::move(partition)) {}

std::string Engine::now() const { return format_date(clock_.now()); }

absl::StatusOr<SubscriptionPage> Engine::subscription_page(
    const PageRequest& request, const store::SubscriptionFilter& filter,
    const std::set<SubscriptionStatus>& statuses) const {
  DATAMESH_RETURN_IF_ERROR(internal::check_page(request));
  return read([&](store::Transaction& tx) {
    return internal::subscription_page(tx, request, filter, statuses);
  });
}

std::optional<std::string> Engine::remembered_mesh_id() const {
  std::lock_guard lock(mesh_id_memo_->mutex);
  return mesh_id_memo_->id;
}

absl::StatusOr<std::string> Engine::mesh_id(store::Transaction& tx) const {
  if (std::optional<std::string> id = remembered_mesh_id()) return *std::move(id);
  DATAMESH_ASSIGN_OR_RETURN(std::string id, internal::load_mesh_id(tx));
  std::lock_guard lock(mesh_id_memo_->mutex);
  mesh_id_memo_->id = id;
  return id;
}

Engine Engine::with_client_token(ClientToken token) const {
  Engine engine(*this);
  engine.client_token_ = std::move(token);
  return engine;
}

Engine Engine::confirming(const Caller* caller, CallerConfirmation* confirmation) const {
  Engine engine(*this);
  engine.confirming_ = Confirming{.caller = caller, .confirmation = confirmation};
  return engine;
}

absl::Status Engine::confirm_caller(const Caller& caller) const {
  CallerConfirmation confirmation;
  return confirming(&caller, &confirmation).read([](store::Transaction&) {
    return absl::OkStatus();
  });
}

absl::Status Engine::confirm_in(store::Transaction& tx) const {
  if (!confirming_) return absl::OkStatus();
  const Caller& caller = *confirming_->caller;
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<store::AccessKeyWithAccount> read,
                            tx.get_access_key_with_account(caller.access_key_id));
  const bool same = read && read->key.status == "Active" &&
                    read->key.account_id == caller.account.account_id && read->account &&
                    *read->account == caller.account;
  if (!same) {
    confirming_->confirmation->stale = true;
    return stale_caller_error(caller.access_key_id);
  }
  ++confirming_->confirmation->confirmed;
  return absl::OkStatus();
}

namespace {

int64_t unix_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

absl::StatusOr<std::optional<store::ClientTokenRow>> Engine::live_token_record(
    store::Transaction& tx) const {
  DATAMESH_ASSIGN_OR_RETURN(std::optional<store::ClientTokenRow> recorded,
                            tx.get_client_token(client_token_->account_id, client_token_->token));
  // An expired record is as good as none: the write acts again and replaces it.
  if (!recorded || recorded->expires_at <= unix_seconds(clock_.now())) return std::nullopt;
  if (recorded->method != client_token_->method ||
      recorded->request_hash != client_token_->request_hash) {
    return client_token_mismatch(*client_token_, recorded->method);
  }
  return recorded;
}

absl::Status Engine::record_token(store::Transaction& tx,
                                  absl::StatusOr<std::string> answer) const {
  DATAMESH_RETURN_IF_ERROR(answer.status());
  const int64_t now = unix_seconds(clock_.now());
  DATAMESH_RETURN_IF_ERROR(tx.delete_expired_client_tokens(now, kExpiredTokensPrunedPerWrite));
  return tx.put_client_token(store::ClientTokenRow{
      .account_id = client_token_->account_id,
      .client_token = client_token_->token,
      .method = client_token_->method,
      .request_hash = client_token_->request_hash,
      .answer = *std::move(answer),
      .expires_at =
          now + std::chrono::duration_cast<std::chrono::seconds>(kClientTokenLifetime).count()});
}

absl::Status invalid_key_error(std::string_view access_key_id) {
  return absl::UnauthenticatedError(
      cat("the security token included in the request is invalid: access key \"", access_key_id,
          "\" is unknown, revoked, or its secret does not match (through a server, also when the "
          "request was changed after it was signed)"));
}

namespace {
constexpr char kStaleCallerPayload[] = "datamesh.stale-caller";
}  // namespace

absl::Status stale_caller_error(std::string_view access_key_id) {
  absl::Status status = absl::UnauthenticatedError(
      cat("access key \"", access_key_id,
          "\" or its account changed during the call; sign the request again"));
  status.SetPayload(kStaleCallerPayload, absl::Cord("1"));
  return status;
}

bool is_stale_caller(const absl::Status& status) {
  return status.GetPayload(kStaleCallerPayload).has_value();
}

absl::StatusOr<Engine::KeyMaterial> Engine::resolve_access_key(
    std::string_view access_key_id) const {
  const auto refused = [&] { return invalid_key_error(access_key_id); };
  if (access_key_id.empty() || access_key_id.size() > 128) return refused();
  // nullopt: no Active key of an existing account by that id.
  DATAMESH_ASSIGN_OR_RETURN(
      std::optional<KeyMaterial> material,
      read([&](store::Transaction& tx) -> absl::StatusOr<std::optional<KeyMaterial>> {
        DATAMESH_ASSIGN_OR_RETURN(std::optional<store::AccessKeyWithAccount> read,
                                  tx.get_access_key_with_account(access_key_id));
        if (!read || read->key.status != "Active") return std::nullopt;
        DATAMESH_ASSIGN_OR_RETURN(std::string secret, sealer_.unseal(read->key.sealed_secret));
        if (!read->account) return std::nullopt;
        return KeyMaterial{.caller = Caller{.account = *std::move(read->account),
                                            .access_key_id = std::string(access_key_id)},
                           .secret_access_key = std::move(secret)};
      }));
  if (!material) return refused();
  return std::move(*material);
}

absl::StatusOr<Caller> Engine::authenticate(const Credentials& credentials) const {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return absl::UnauthenticatedError(
        "no credentials: give an access key id and secret (--access-key-id/--secret-access-key,"
        " DATAMESH_ACCESS_KEY_ID/DATAMESH_SECRET_ACCESS_KEY, a profile or --credentials-file)");
  }
  DATAMESH_ASSIGN_OR_RETURN(KeyMaterial material, resolve_access_key(credentials.access_key_id));
  const std::string& secret = material.secret_access_key;
  // Constant time, and the same message as an unknown key.
  if (secret.size() != credentials.secret_access_key.size() ||
      CRYPTO_memcmp(secret.data(), credentials.secret_access_key.data(), secret.size()) != 0) {
    return invalid_key_error(credentials.access_key_id);
  }
  Caller& caller = material.caller;
  if (!credentials.account_id.empty() && credentials.account_id != caller.account.account_id) {
    return absl::UnauthenticatedError(cat(
        "access key ", credentials.access_key_id, " belongs to account ",
        caller.account.account_id, ", not to account ", credentials.account_id));
  }
  return std::move(caller);
}

absl::StatusOr<std::string> Engine::mesh_account_id() const {
  if (std::optional<std::string> id = remembered_mesh_id()) return *std::move(id);
  return read([&](store::Transaction& tx) { return mesh_id(tx); });
}

}  // namespace datamesh::core
