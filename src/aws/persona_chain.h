// The AssumeRole chain of each persona, as the original's DataMeshProducer and DataMeshConsumer
// constructors make it, on top of the caller's credentials (credential_chain.h):
//  - producer: DataMeshProducer in its own account P, then from there
//    DataMeshAdminProducer-<P> in the mesh account M (the tracker's session);
//  - consumer: DataMeshConsumer in C, then DataMeshAdminConsumer-<C> in M (the tracker's
//    session), then from that DataMeshAdminReadOnly in M (the read-only mesh session).
// Role ARNs and session names are mesh_names.h's: each hop's RoleSessionName is built from
// GetCallerIdentity of the keys that sign it, as the original does. Every hop renews itself
// before expiry (assumed_role_provider.h), the later hops with the renewed keys of the earlier.
// The caller's account (P or C) is that of the caller's keys, as in the original.
//
// Thread-safe: the providers are; CallerSessionNamer is.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/assumed_role_provider.h"
#include "aws/credentials_provider.h"
#include "aws/sts_calls.h"

namespace datamesh::aws {

struct PersonaChainCalls {
  AssumeRoleFunction assume_role;
  GetCallerIdentityFunction get_caller_identity;
  TimeSource now;
  RefreshWindows windows;
};

struct ProducerSessions {
  std::string producer_account;                   // P
  std::shared_ptr<CredentialsProvider> producer;  // DataMeshProducer in P
  std::shared_ptr<CredentialsProvider> mesh;      // DataMeshAdminProducer-<P> in M
};

struct ConsumerSessions {
  std::string consumer_account;                         // C
  std::shared_ptr<CredentialsProvider> consumer;        // DataMeshConsumer in C
  std::shared_ptr<CredentialsProvider> mesh;            // DataMeshAdminConsumer-<C> in M
  std::shared_ptr<CredentialsProvider> mesh_read_only;  // DataMeshAdminReadOnly in M
};

// The producer's chain for `caller` (keys of an identity in P allowed to assume
// DataMeshProducer). Calls GetCallerIdentity once to learn P; assumes nothing yet. Errors:
// those of the caller's provider and of GetCallerIdentity.
absl::StatusOr<ProducerSessions> producer_chain(std::shared_ptr<CredentialsProvider> caller,
                                                std::string_view mesh_account,
                                                const PersonaChainCalls& calls);
// The consumer's chain, likewise.
absl::StatusOr<ConsumerSessions> consumer_chain(std::shared_ptr<CredentialsProvider> caller,
                                                std::string_view mesh_account,
                                                const PersonaChainCalls& calls);

// Names each session names::role_session_name(UserId, Account, now) of the keys that sign the
// AssumeRole. Remembers the identities it looked up (by access key id, at most
// kRemembered, then it starts afresh), so that a hop renewed with unchanged source keys costs no
// GetCallerIdentity.
class CallerSessionNamer {
 public:
  CallerSessionNamer(GetCallerIdentityFunction get_caller_identity, TimeSource now);

  // Seeds the memory with an identity already known for `key`.
  void remember(const SigningKey& key, CallerIdentity identity);
  // Errors of GetCallerIdentity.
  absl::StatusOr<std::string> operator()(const SigningKey& source);

 private:
  absl::StatusOr<CallerIdentity> identity_of(const SigningKey& key);

  const GetCallerIdentityFunction get_caller_identity_;
  const TimeSource now_;
  std::mutex mutex_;
  static constexpr std::size_t kRemembered = 16;
  std::map<std::string, CallerIdentity> known_;  // guarded by mutex_; by access key id
};

}  // namespace datamesh::aws
