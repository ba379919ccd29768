#include "core/authz.h"

#include "base/text.h"

namespace datamesh::core {
using base::cat;
namespace {

absl::Status require_persona(const Caller& caller, std::string_view action, bool initialized,
                             bool enabled, std::string_view persona) {
  const Account& account = caller.account;
  if (account.is_mesh) {
    return absl::PermissionDeniedError(cat(
        "the mesh account ", account.account_id, " cannot ", action, ": it acts only as admin; ",
        "use the credentials of a ", persona, " account"));
  }
  // Enabling comes first in the message: only the mesh admin can grant the persona, so an
  // account that lacks it (a consumer calling a producer method) must not be told that a step
  // of its own would be enough.
  if (!enabled) {
    return absl::PermissionDeniedError(cat(
        "account ", account.account_id, " cannot ", action, ": the mesh admin has not enabled it",
        " as ", persona, " (the mesh admin runs admin enable-account-as-", persona,
        " --account-id ", account.account_id, ", enable_account_as_", persona, " in the API)",
        initialized ? "" : cat("; then the account runs initialize_", persona,
                               "_account with its credentials")));
  }
  if (!initialized) {
    return absl::PermissionDeniedError(cat(
        "account ", account.account_id, " cannot ", action, ": it has not initialized itself as ",
        persona, " (run initialize_", persona, "_account with its credentials)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status require_mesh_admin(const Caller& caller, std::string_view action) {
  if (caller.account.is_mesh) return absl::OkStatus();
  return absl::PermissionDeniedError(cat("only the mesh admin may ", action, "; account ",
                                                  caller.account.account_id,
                                                  " is not the mesh account"));
}

absl::Status require_producer(const Caller& caller, std::string_view action) {
  return require_persona(caller, action, caller.account.producer_initialized,
                         caller.account.producer_enabled, "producer");
}

absl::Status require_consumer(const Caller& caller, std::string_view action) {
  return require_persona(caller, action, caller.account.consumer_initialized,
                         caller.account.consumer_enabled, "consumer");
}

absl::Status require_party(const Caller& caller, Persona persona, const Subscription& subscription,
                           std::string_view action) {
  const std::string& account = caller.account.account_id;
  if (persona == Persona::kProducer) {
    if (subscription.owner_principal == account) return absl::OkStatus();
    return absl::PermissionDeniedError(
        cat("account ", account, " cannot ", action, " subscription ",
                     subscription.subscription_id, ": it does not own the data product"));
  }
  if (subscription.subscriber_principal == account) return absl::OkStatus();
  return absl::PermissionDeniedError(cat("account ", account, " cannot ", action,
                                                  " subscription ", subscription.subscription_id,
                                                  ": it is not the subscriber"));
}

absl::Status require_catalog_owner(const Caller& caller, std::string_view action) {
  if (!caller.account.is_mesh) return absl::OkStatus();
  return absl::PermissionDeniedError(
      cat("the mesh account cannot ", action,
                   ": the mesh catalog changes only through create_data_products"));
}

}  // namespace datamesh::core
