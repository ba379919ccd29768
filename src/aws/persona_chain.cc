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

namespace {

// The two hops both personas take: the caller's keys into the persona's role in its own
// account A, then from there into the mesh role made for A in M.
struct PersonaHops {
  std::string account;  // A
  std::shared_ptr<CredentialsProvider> own;
  std::shared_ptr<CredentialsProvider> mesh;
  std::shared_ptr<CallerSessionNamer> namer;
};

absl::StatusOr<PersonaHops> persona_hops(std::shared_ptr<CredentialsProvider> caller,
                                         std::string_view mesh_account, std::string_view own_role,
                                         std::string (*mesh_role)(std::string_view account),
                                         const PersonaChainCalls& calls) {
  DATAMESH_ASSIGN_OR_RETURN(Caller who, identify(*caller, calls));
  PersonaHops hops{.account = who.identity.account, .namer = std::move(who.namer)};
  hops.own = hop(std::move(caller), names::role_arn(hops.account, own_role), hops.namer, calls);
  hops.mesh =
      hop(hops.own, names::role_arn(mesh_account, mesh_role(hops.account)), hops.namer, calls);
  return hops;
}

}  // namespace

absl::StatusOr<ProducerSessions> producer_chain(std::shared_ptr<CredentialsProvider> caller,
                                                std::string_view mesh_account,
                                                const PersonaChainCalls& calls) {
  DATAMESH_ASSIGN_OR_RETURN(PersonaHops hops,
                            persona_hops(std::move(caller), mesh_account, names::kProducerRole,
                                         &names::mesh_producer_role, calls));
  return ProducerSessions{.producer_account = std::move(hops.account),
                          .producer = std::move(hops.own),
                          .mesh = std::move(hops.mesh)};
}

absl::StatusOr<ConsumerSessions> consumer_chain(std::shared_ptr<CredentialsProvider> caller,
                                                std::string_view mesh_account,
                                                const PersonaChainCalls& calls) {
  DATAMESH_ASSIGN_OR_RETURN(PersonaHops hops,
                            persona_hops(std::move(caller), mesh_account, names::kConsumerRole,
                                         &names::mesh_consumer_role, calls));
  auto read_only =
      hop(hops.mesh, names::role_arn(mesh_account, names::kMeshReadOnlyRole), hops.namer, calls);
  return ConsumerSessions{.consumer_account = std::move(hops.account),
                          .consumer = std::move(hops.own),
                          .mesh = std::move(hops.mesh),
                          .mesh_read_only = std::move(read_only)};
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
