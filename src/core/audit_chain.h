// The audit log's hash chain. Each event is stored with its predecessor's hash and its own:
// hash = hex(MAC(previous_hash and every field of the event, sequence included)), the MAC keyed
// by the master key (SecretSealer::authenticate). Editing an event breaks its own hash; removing,
// inserting or reordering events breaks a link; removing the newest events disagrees with the
// chain head the store keeps. Because the MAC needs the master key, someone who can write the
// store but does not hold the key cannot rewrite the chain to hide a change.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/secrets.h"
#include "datamesh/types.h"
#include "core/store.h"

namespace datamesh::core {

// The purpose the chain's MAC key is derived for; changing it invalidates every stored link.
inline constexpr std::string_view kAuditChainPurpose = "datamesh audit chain v1";

// The hex hash linking `event` (its sequence set) to `previous_hash`.
absl::StatusOr<std::string> audit_link_hash(const SecretSealer& sealer, const AuditEvent& event,
                                            std::string_view previous_hash);

// Numbers `event` after the chain head of `tx`, links it and appends it.
absl::Status append_chained(store::Transaction& tx, const SecretSealer& sealer, AuditEvent event);

// A head an earlier verification reported; hash in lower-case hex.
struct RecordedHead {
  int64_t sequence = 0;
  std::string hash;
};

// Checks the whole chain in `tx` (one snapshot) and says what is wrong, event by event; with
// `recorded`, also that the log still holds that event with that hash (its hash authenticates
// every event before it).
absl::StatusOr<AuditVerification> verify_audit_chain(
    store::Transaction& tx, const SecretSealer& sealer,
    const std::optional<RecordedHead>& recorded = std::nullopt);

}  // namespace datamesh::core
