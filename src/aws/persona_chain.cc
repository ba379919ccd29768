#include "aws/persona_chain.h"

#include <utility>

#include "aws/mesh_names.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::aws {
namespace {

// The caller's keys and who they are; the namer learns the identity so the first hop does not
// ask again.
struct Caller {
  CallerIdentity identity;
  std::shared_ptr<CallerSessionNamer> namer;
};

absl::StatusOr<Caller> identify(CredentialsProvider& caller, const PersonaChainCalls& calls) {
  DATAMESH_ASSIGN_OR_RETURN(const SigningKey key, caller.signing_key());
  absl::StatusOr<CallerIdentity> identity = calls.get_caller_identity(key);
  if (!identity.ok()) {
    return absl::Status(
        identity.status().code(),
        base::cat("GetCallerIdentity of the caller's keys: ", identity.status().message()));
  }
  auto namer = std::make_shared<CallerSessionNamer>(calls.get_caller_identity, calls.now);
  namer->remember(key, *identity);
  return Caller{.identity = *std::move(identity), .namer = std::move(namer)};
}

std::shared_ptr<CredentialsProvider> hop(std::shared_ptr<CredentialsProvider> source,
                                         std::string role_arn,
                                         const std::shared_ptr<CallerSessionNamer>& namer,
                                         const PersonaChainCalls& calls) {
  return std::make_shared<AssumedRoleProvider>(
      std::move(source), std::move(role_arn),
      [namer](const SigningKey& key) { return (*namer)(key); }, calls.assume_role, calls.now,
      calls.windows);
}

}  // namespace

absl::StatusOr<ProducerSessions> producer_chain(std::shared_ptr<CredentialsProvider> caller,
                                                std::string_view mesh_account,
                                                const PersonaChainCalls& calls) {
  DATAMESH_ASSIGN_OR_RETURN(const Caller who, identify(*caller, calls));
  ProducerSessions sessions;
  sessions.producer_account = who.identity.account;
  sessions.producer =
      hop(std::move(caller), names::role_arn(sessions.producer_account, names::kProducerRole),
          who.namer, calls);
  sessions.mesh =
      hop(sessions.producer,
          names::role_arn(mesh_account, names::mesh_producer_role(sessions.producer_account)),
          who.namer, calls);
  return sessions;
}

absl::StatusOr<ConsumerSessions> consumer_chain(std::shared_ptr<CredentialsProvider> caller,
                                                std::string_view mesh_account,
                                                const PersonaChainCalls& calls) {
  DATAMESH_ASSIGN_OR_RETURN(const Caller who, identify(*caller, calls));
  ConsumerSessions sessions;
  sessions.consumer_account = who.identity.account;
  sessions.consumer =
      hop(std::move(caller), names::role_arn(sessions.consumer_account, names::kConsumerRole),
          who.namer, calls);
  sessions.mesh =
      hop(sessions.consumer,
          names::role_arn(mesh_account, names::mesh_consumer_role(sessions.consumer_account)),
          who.namer, calls);
  sessions.mesh_read_only =
      hop(sessions.mesh, names::role_arn(mesh_account, names::kMeshReadOnlyRole), who.namer, calls);
  return sessions;
}

CallerSessionNamer::CallerSessionNamer(GetCallerIdentityFunction get_caller_identity,
                                       TimeSource now)
    : get_caller_identity_(std::move(get_caller_identity)), now_(std::move(now)) {}

void CallerSessionNamer::remember(const SigningKey& key, CallerIdentity identity) {
  std::lock_guard lock(mutex_);
  if (known_.size() >= kRemembered) known_.clear();
  known_.insert_or_assign(key.access_key_id, std::move(identity));
}

absl::StatusOr<CallerIdentity> CallerSessionNamer::identity_of(const SigningKey& key) {
  {
    std::lock_guard lock(mutex_);
    if (const auto found = known_.find(key.access_key_id); found != known_.end()) {
      return found->second;
    }
  }
  DATAMESH_ASSIGN_OR_RETURN(CallerIdentity identity, get_caller_identity_(key));
  remember(key, identity);
  return identity;
}

absl::StatusOr<std::string> CallerSessionNamer::operator()(const SigningKey& source) {
  DATAMESH_ASSIGN_OR_RETURN(const CallerIdentity identity, identity_of(source));
  return names::role_session_name(identity.user_id, identity.account, now_());
}

}  // namespace datamesh::aws
