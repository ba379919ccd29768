// Admin methods: the mesh account, accounts, their roles and their access keys.
#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/audit_chain.h"
#include "core/audit_filter.h"
#include "core/authz.h"
#include "core/engine.h"
#include "core/engine_internal.h"
#include "core/ids.h"
#include "core/names.h"

namespace datamesh::core {
using base::cat;
namespace {

using internal::kAccountAdminRole;
using internal::kMeshManagerRole;

// The set-up step that sets `flag` of `account` (initialize_*_account, enable_account_as_*):
// the flag set, the account written and `record` audited. An account that has the flag already
// changes nothing in the mesh's records; what the step made outside them (AWS: its IAM set-up)
// is made again as this version makes it (Transaction::reapply_account_step). An account the
// store knows without a row of its own (AWS mode: every account id names one) is dated by the
// first step written.
absl::Status set_up_step(store::Transaction& tx, const SecretSealer& sealer, const Caller& caller,
                         Account account, bool Account::*flag, const AuditRecord& record) {
  if (account.*flag) return tx.reapply_account_step(account, flag);
  account.*flag = true;
  if (account.creation_date.empty()) account.creation_date = record.date;
  DATAMESH_RETURN_IF_ERROR(tx.put_account(account));
  return append_audit(tx, sealer, caller, record);
}

// Creates a new access key for `account` and returns it with its secret in plain text; the
// store keeps only the sealed secret.
absl::StatusOr<AccountCredentials> issue_key(store::Transaction& tx, const SecretSealer& sealer,
                                             const Account& account, const std::string& date) {
  AccountCredentials credentials{.account_id = account.account_id,
                                 .account_name = account.name,
                                 .access_key_id = new_access_key_id(),
                                 .secret_access_key = new_secret_access_key()};
  DATAMESH_ASSIGN_OR_RETURN(std::string sealed, sealer.seal(credentials.secret_access_key));
  store::AccessKeyRow row{.access_key_id = credentials.access_key_id,
                          .account_id = account.account_id,
                          .sealed_secret = std::move(sealed),
                          .status = "Active",
                          .creation_date = date};
  DATAMESH_RETURN_IF_ERROR(tx.put_access_key(row));
  return credentials;
}

absl::StatusOr<Account> load_account(store::Transaction& tx, std::string_view account_id) {
  DATAMESH_RETURN_IF_ERROR(validate_account_id("account_id", account_id));
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> account, tx.get_account(account_id));
  if (!account) return absl::NotFoundError(cat("account ", account_id, " not found"));
  return std::move(*account);
}

absl::StatusOr<store::AccessKeyRow> load_key(store::Transaction& tx, std::string_view key_id) {
  DATAMESH_ASSIGN_OR_RETURN(std::optional<store::AccessKeyRow> key, tx.get_access_key(key_id));
  if (!key) return absl::NotFoundError(cat("access key ", key_id, " not found"));
  return std::move(*key);
}

AccessKey public_key(const store::AccessKeyRow& row) {
  return AccessKey{.access_key_id = row.access_key_id,
                   .account_id = row.account_id,
                   .status = row.status,
                   .creation_date = row.creation_date,
                   .revocation_date = row.revocation_date};
}

std::string_view persona_name(Persona persona) {
  return persona == Persona::kProducer ? "producer" : "consumer";
}

}  // namespace

absl::StatusOr<AccountCredentials> Engine::initialize_mesh_account(
    std::string_view account_id, const InitializeMeshAccountRequest& request) const {
  std::string id(account_id);
  if (id.empty()) id = new_account_id();
  DATAMESH_RETURN_IF_ERROR(validate_account_id("data_mesh_account_id", id));
  DATAMESH_RETURN_IF_ERROR(validate_display_name("mesh_name", request.mesh_name));
  return write([&](store::Transaction& tx) -> absl::StatusOr<AccountCredentials> {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> existing, tx.get_mesh_account());
    // The mesh's account is not named: through a server with --allow-initialize, anyone may
    // ask this without a key.
    if (existing) return absl::AlreadyExistsError("the mesh is already initialized");
    Account mesh{
        .account_id = id, .name = request.mesh_name, .is_mesh = true, .creation_date = now()};
    DATAMESH_RETURN_IF_ERROR(tx.put_account(mesh));
    DATAMESH_ASSIGN_OR_RETURN(AccountCredentials credentials,
                              issue_key(tx, sealer_, mesh, mesh.creation_date));
    Caller self{.account = mesh, .access_key_id = credentials.access_key_id};
    DATAMESH_RETURN_IF_ERROR(
        append_audit(tx, sealer_, self,
                     {.date = mesh.creation_date, .actor_role = kMeshManagerRole,
                      .action = "initialize_mesh_account",
                      .resource = cat("account/", id),
                      .details = {{"AccountName", mesh.name},
                                  {"AccessKeyId", credentials.access_key_id}}}));
    return credentials;
  });
}

absl::StatusOr<AccountCredentials> Engine::create_account(
    const Caller& caller, const CreateAccountRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "create accounts"));
  DATAMESH_RETURN_IF_ERROR(validate_display_name("account_name", request.account_name));
  if (!request.account_id.empty()) {
    DATAMESH_RETURN_IF_ERROR(validate_account_id("account_id", request.account_id));
  }
  return write([&](store::Transaction& tx) -> absl::StatusOr<AccountCredentials> {
    std::string id(request.account_id);
    if (id.empty()) {
      // A random id that collides with an existing one is drawn again.
      for (int attempt = 0; attempt < 8 && id.empty(); ++attempt) {
        std::string candidate = new_account_id();
        DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> taken, tx.get_account(candidate));
        if (!taken) id = std::move(candidate);
      }
      if (id.empty()) {
        // Eight random ids all taken: not chance but a store where every id names an account
        // (AWS mode: every 12-digit id is an AWS account, docs/DECISIONS.md).
        return absl::FailedPreconditionError(
            "no free account id: every id drawn already names an account (in AWS mode every "
            "12-digit id is an AWS account: enable it with enable-account-as-producer or "
            "enable-account-as-consumer instead of creating it)");
      }
    } else {
      DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> taken, tx.get_account(id));
      if (taken) return absl::AlreadyExistsError(cat("account ", id, " already exists"));
    }
    Account account{.account_id = id, .name = request.account_name, .creation_date = now()};
    DATAMESH_RETURN_IF_ERROR(tx.put_account(account));
    DATAMESH_ASSIGN_OR_RETURN(AccountCredentials credentials,
                              issue_key(tx, sealer_, account, account.creation_date));
    DATAMESH_RETURN_IF_ERROR(
        append_audit(tx, sealer_, caller,
                     {.date = account.creation_date, .actor_role = kMeshManagerRole,
                      .action = "create_account", .resource = cat("account/", id),
                      .details = {{"AccountName", account.name},
                                  {"AccessKeyId", credentials.access_key_id}}}));
    return credentials;
  });
}

absl::StatusOr<AccountRole> Engine::initialize_account_as(const Caller& caller,
                                                          Persona persona) const {
  const std::string_view name = persona_name(persona);
  if (caller.account.is_mesh) {
    return absl::FailedPreconditionError(cat(
        "initialize_", name, "_account should not run within the data mesh account (",
        caller.account.account_id, "): use the credentials of the account to set up"));
  }
  const std::string role = std::string(internal::role_of(persona));
  const std::string& id = caller.account.account_id;
  DATAMESH_RETURN_IF_ERROR(write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(Account account, load_account(tx, id));
    return set_up_step(tx, sealer_, caller, std::move(account),
                       persona == Persona::kProducer ? &Account::producer_initialized
                                                     : &Account::consumer_initialized,
                       {.date = now(),
                        .actor_role = kAccountAdminRole,
                        .action = cat("initialize_", name, "_account"),
                        .resource = cat("account/", id)});
  }));
  return AccountRole{.role_arn = internal::iam_arn(partition_, id, "role", role),
                     .user_arn = internal::iam_arn(partition_, id, "user", role),
                     .group_arn = internal::iam_arn(partition_, id, "group", cat(role, "Group"))};
}

absl::Status Engine::enable_account_as(const Caller& caller, Persona persona,
                                       const AccountIdRequest& request) const {
  const std::string_view name = persona_name(persona);
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, cat("enable accounts as ", name)));
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(Account account, load_account(tx, request.account_id));
    if (account.is_mesh) {
      return absl::FailedPreconditionError(cat("the mesh account ", request.account_id,
                                               " cannot be enabled as ", name,
                                               ": it only administers the mesh; enable the "
                                               "producer and consumer accounts"));
    }
    return set_up_step(
        tx, sealer_, caller, std::move(account),
        persona == Persona::kProducer ? &Account::producer_enabled : &Account::consumer_enabled,
        {.date = now(),
         .actor_role = kMeshManagerRole,
         .action = cat("enable_account_as_", name),
         .resource = cat("account/", request.account_id)});
  });
}

absl::StatusOr<CallerIdentity> Engine::get_caller_identity(const Caller& caller) const {
  // Read again rather than taken from the caller: the roles as they are now, even if the
  // caller's account was resolved from a cache of keys before an admin changed them.
  return read([&](store::Transaction& tx) -> absl::StatusOr<CallerIdentity> {
    DATAMESH_ASSIGN_OR_RETURN(const Account account,
                              load_account(tx, caller.account.account_id));
    DATAMESH_ASSIGN_OR_RETURN(std::string mesh, mesh_id(tx));
    return CallerIdentity{.account_id = account.account_id,
                          .account_name = account.name,
                          .is_mesh_admin = account.is_mesh,
                          .producer_enabled = account.producer_enabled,
                          .consumer_enabled = account.consumer_enabled,
                          .producer_initialized = account.producer_initialized,
                          .consumer_initialized = account.consumer_initialized,
                          .access_key_id = caller.access_key_id,
                          .data_mesh_account_id = std::move(mesh),
                          .region_name = region_};
  });
}

absl::StatusOr<TrackerEndpoints> Engine::get_endpoints(const Caller&) const {
  return read([](store::Transaction& tx) { return tx.tracker_endpoints(); });
}

absl::StatusOr<std::vector<Account>> Engine::list_accounts(const Caller& caller) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "list accounts"));
  return read([](store::Transaction& tx) { return tx.list_accounts(); });
}

absl::StatusOr<Account> Engine::describe_account(const Caller& caller,
                                                 const AccountIdRequest& request) const {
  // An account may describe itself; the mesh admin may describe any account.
  if (caller.account.account_id != request.account_id) {
    DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "describe other accounts"));
  }
  return read([&](store::Transaction& tx) { return load_account(tx, request.account_id); });
}

absl::StatusOr<AccountCredentials> Engine::create_access_key(
    const Caller& caller, const AccountIdRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "create access keys"));
  return write([&](store::Transaction& tx) -> absl::StatusOr<AccountCredentials> {
    DATAMESH_ASSIGN_OR_RETURN(const Account account, load_account(tx, request.account_id));
    const std::string date = now();
    DATAMESH_ASSIGN_OR_RETURN(AccountCredentials credentials,
                              issue_key(tx, sealer_, account, date));
    DATAMESH_RETURN_IF_ERROR(
        append_audit(tx, sealer_, caller,
                     {.date = date,
                      .actor_role = kMeshManagerRole,
                      .action = "create_access_key",
                      .resource = cat("account/", request.account_id),
                      .details = {{"AccessKeyId", credentials.access_key_id}}}));
    return credentials;
  });
}

absl::StatusOr<AccountCredentials> Engine::rotate_access_key(
    const Caller& caller, const AccessKeyRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "rotate access keys"));
  return write([&](store::Transaction& tx) -> absl::StatusOr<AccountCredentials> {
    DATAMESH_ASSIGN_OR_RETURN(store::AccessKeyRow key, load_key(tx, request.key_id));
    if (key.status != "Active") {
      return absl::FailedPreconditionError(cat("access key ", request.key_id, " is ", key.status,
                                               "; only Active keys can be rotated"));
    }
    DATAMESH_ASSIGN_OR_RETURN(const Account account, load_account(tx, key.account_id));
    const std::string date = now();
    DATAMESH_ASSIGN_OR_RETURN(AccountCredentials credentials,
                              issue_key(tx, sealer_, account, date));
    key.status = "Revoked";
    key.revocation_date = date;
    DATAMESH_RETURN_IF_ERROR(tx.put_access_key(key));
    DATAMESH_RETURN_IF_ERROR(
        append_audit(tx, sealer_, caller,
                     {.date = date, .actor_role = kMeshManagerRole, .action = "rotate_access_key",
                      .resource = cat("account/", key.account_id),
                      .details = {{"RevokedAccessKeyId", key.access_key_id},
                                  {"AccessKeyId", credentials.access_key_id}}}));
    return credentials;
  });
}

absl::Status Engine::revoke_access_key(const Caller& caller,
                                       const AccessKeyRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "revoke access keys"));
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(store::AccessKeyRow key, load_key(tx, request.key_id));
    if (key.status != "Active") {
      return absl::FailedPreconditionError(
          cat("access key ", request.key_id, " is already ", key.status));
    }
    if (key.access_key_id == caller.access_key_id) {
      return absl::FailedPreconditionError(
          cat("access key ", request.key_id,
              " is the key making this call; rotate it instead, or "
              "revoke it with another mesh admin key"));
    }
    key.status = "Revoked";
    key.revocation_date = now();
    DATAMESH_RETURN_IF_ERROR(tx.put_access_key(key));
    return append_audit(tx, sealer_, caller,
                        {.date = key.revocation_date, .actor_role = kMeshManagerRole,
                         .action = "revoke_access_key",
                         .resource = cat("account/", key.account_id),
                         .details = {{"AccessKeyId", key.access_key_id}}});
  });
}

absl::StatusOr<std::vector<AccessKey>> Engine::list_access_keys(
    const Caller& caller, const AccountIdRequest& request) const {
  if (caller.account.account_id != request.account_id) {
    DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "list other accounts' keys"));
  }
  return read([&](store::Transaction& tx) -> absl::StatusOr<std::vector<AccessKey>> {
    DATAMESH_RETURN_IF_ERROR(load_account(tx, request.account_id));
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<store::AccessKeyRow> rows,
                              tx.list_access_keys(request.account_id));
    std::vector<AccessKey> keys;
    keys.reserve(rows.size());
    for (const store::AccessKeyRow& row : rows) keys.push_back(public_key(row));
    return keys;
  });
}

absl::StatusOr<SubscriptionPage> Engine::list_mesh_subscriptions(
    const Caller& caller, const ListMeshSubscriptionsRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "list the mesh's subscriptions"));
  DATAMESH_ASSIGN_OR_RETURN(internal::StatusSelection selection,
                            internal::select_statuses(request.status));
  store::SubscriptionFilter& filter = selection.filter;
  if (!request.database_name.empty()) {
    DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
    filter.database_name = request.database_name;
  }
  if (!request.producer_account_id.empty()) {
    DATAMESH_RETURN_IF_ERROR(
        validate_account_id("producer_account_id", request.producer_account_id));
    filter.owner = request.producer_account_id;
  }
  if (!request.consumer_account_id.empty()) {
    DATAMESH_RETURN_IF_ERROR(
        validate_account_id("consumer_account_id", request.consumer_account_id));
    filter.subscriber = request.consumer_account_id;
  }
  DATAMESH_RETURN_IF_ERROR(internal::check_page(request.page));
  return read([&](store::Transaction& tx) -> absl::StatusOr<SubscriptionPage> {
    DATAMESH_ASSIGN_OR_RETURN(
        SubscriptionPage page,
        internal::subscription_page(tx, request.page, filter, selection.statuses));
    // An empty page for a name no product has reads as "no one subscribed": the source
    // database's name is the likely mistake. (Subscriptions to a product whose database was
    // deleted by hand are still listed by its name.)
    if (filter.database_name && page.subscriptions.empty()) {
      DATAMESH_ASSIGN_OR_RETURN(const std::optional<store::ProductRow> product,
                                tx.get_product(*filter.database_name));
      if (!product) {
        return absl::NotFoundError(
            internal::no_product_named(*filter.database_name, "database_name"));
      }
    }
    return page;
  });
}

absl::StatusOr<Subscription> Engine::get_mesh_subscription(
    const Caller& caller, const GetSubscriptionRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "read any subscription"));
  return read([&](store::Transaction& tx) {
    return internal::load_subscription(tx, request.request_id);
  });
}

absl::StatusOr<AuditPage> Engine::list_audit_events(const Caller& caller,
                                                    const ListAuditEventsRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "read the whole audit log"));
  if (!request.subscription_id.empty()) {
    DATAMESH_RETURN_IF_ERROR(validate_subscription_id("subscription_id", request.subscription_id));
  }
  DATAMESH_ASSIGN_OR_RETURN(
      const AuditFilter filter,
      AuditFilter::make(request.action, request.actor_account_id, request.since, request.until));
  DATAMESH_RETURN_IF_ERROR(internal::check_page(request.page));
  return read([&](store::Transaction& tx) -> absl::StatusOr<AuditPage> {
    // An id of no subscription would list nothing, and read as "nothing happened to it".
    if (!request.subscription_id.empty()) {
      DATAMESH_ASSIGN_OR_RETURN(const std::optional<Subscription> subscription,
                                tx.get_subscription(request.subscription_id));
      if (!subscription) {
        return absl::NotFoundError(cat("subscription ", request.subscription_id, " not found"));
      }
    }
    return internal::audit_page(tx, request.page, request.subscription_id,
                                [&filter](const AuditEvent& event) { return filter.keeps(event); });
  });
}

absl::StatusOr<AuditVerification> Engine::verify_audit(const Caller& caller,
                                                       const VerifyAuditRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "verify the audit log"));
  std::optional<RecordedHead> recorded;
  const bool has_sequence = request.recorded_head_sequence != 0;
  const bool has_hash = !request.recorded_head_hash.empty();
  if (has_hash && request.recorded_head_sequence < 1) {
    return absl::InvalidArgumentError(cat("recorded_head_sequence must be 1 or more, not ",
                                          request.recorded_head_sequence,
                                          " (the HeadSequence an earlier verify_audit reported)"));
  }
  if (has_sequence != has_hash) {
    return absl::InvalidArgumentError(
        "recorded_head_sequence and recorded_head_hash go together: give both, as an earlier "
        "verify_audit reported them (HeadSequence, HeadHash), or neither");
  }
  if (has_sequence) {
    std::string hash = absl::AsciiStrToLower(request.recorded_head_hash);
    if (hash.size() != 64 || !std::all_of(hash.begin(), hash.end(), absl::ascii_isxdigit)) {
      return absl::InvalidArgumentError(
          "recorded_head_hash must be the 64 hexadecimal digits of a HeadHash");
    }
    recorded = RecordedHead{.sequence = request.recorded_head_sequence, .hash = std::move(hash)};
  }
  return read([&](store::Transaction& tx) { return verify_audit_chain(tx, sealer_, recorded); });
}

}  // namespace datamesh::core
