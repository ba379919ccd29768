#include "core/audit_chain.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::core {
using base::cat;

namespace {

constexpr int kPageSize = 1000;
constexpr size_t kMaxProblems = 1000;
// How far from its position a moved event is looked for, and for how many events: bounds the
// extra MACs to 100 x 2 x 256 on a badly damaged log.
constexpr int64_t kMoveWindow = 256;
constexpr size_t kMaxMovesExplained = 100;

// Each field as <length>:<bytes>, so that no two different events give the same message.
void put_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out.append(field);
}

std::string link_message(const AuditEvent& event, std::string_view previous_hash) {
  const std::string sequence = std::to_string(event.sequence);
  std::string message;
  for (std::string_view field :
       {std::string_view(previous_hash), std::string_view(sequence),
        std::string_view(event.event_date), std::string_view(event.actor_account),
        std::string_view(event.actor_principal), std::string_view(event.action),
        std::string_view(event.subscription_id), std::string_view(event.resource),
        std::string_view(event.details_json), std::string_view(event.notes)}) {
    put_field(message, field);
  }
  return message;
}

// Walks the chain and collects its problems.
class ChainCheck {
 public:
  explicit ChainCheck(const SecretSealer& sealer) : sealer_(sealer) {}

  absl::Status check(const store::ChainedAuditEvent& stored) {
    const AuditEvent& event = stored.event;
    ++result_.events_checked;
    if (recorded_ && event.sequence == recorded_->sequence) recorded_found_ = stored.hash;
    const bool gap = event.sequence != last_sequence_ + 1;
    if (gap) {
      add(event.sequence,
          event.sequence == last_sequence_ + 2
              ? cat("event ", last_sequence_ + 1, " is missing before event ", event.sequence,
                    " (removed from the log)")
          : event.sequence > last_sequence_ + 2
              ? cat("events ", last_sequence_ + 1, " to ", event.sequence - 1,
                    " are missing before event ", event.sequence, " (removed from the log)")
              : cat("sequence ", event.sequence, " follows ", last_sequence_,
                    ": events were reordered or duplicated"));
    }
    last_sequence_ = event.sequence;
    if (stored.hash.empty() && stored.previous_hash.empty() && !chained_) {
      ++result_.unchained_events;  // written before the chain existed
      return absl::OkStatus();
    }
    chained_ = true;
    DATAMESH_ASSIGN_OR_RETURN(const std::string expected,
                              audit_link_hash(sealer_, event, stored.previous_hash));
    if (expected != stored.hash) {
      const bool added = add(event.sequence, cat("event ", event.sequence,
                                                 " was edited or moved: its fields do not match "
                                                 "its hash"));
      if (added && edited_.size() < kMaxMovesExplained) {
        edited_.push_back({stored, result_.problems.size() - 1});
      }
    } else if (stored.previous_hash != last_hash_ && !gap) {
      add(event.sequence, cat("event ", event.sequence, " does not follow event ",
                              event.sequence - 1, ": the log was reordered, or an event before "
                              "it was replaced"));
    }
    last_hash_ = stored.hash;
    return absl::OkStatus();
  }

  void expect_recorded(const RecordedHead& head) { recorded_ = head; }

  // The recorded head's event, looked for by check(): present with its hash, or a problem.
  void check_recorded() {
    if (!recorded_) return;
    const int64_t sequence = recorded_->sequence;
    if (!recorded_found_) {
      add(sequence, cat("event ", sequence, ", the head recorded earlier, is not in the log",
                        sequence > last_sequence_ ? cat(" (it ends at ", last_sequence_, ")") : "",
                        ": events were removed, and the chain head moved back"));
    } else if (absl::AsciiStrToLower(*recorded_found_) != recorded_->hash) {
      add(sequence, cat("event ", sequence, " is not the head recorded earlier (its hash ",
                        recorded_found_->substr(0, 12), "… is not ",
                        recorded_->hash.substr(0, 12), "…): the log was cut back to before "
                        "it and written on, unless the recorded hash was copied wrong (compare it "
                        "with the HeadHash that verify_audit reported)"));
    }
    // Problems are reported in sequence order; this one may come before others found.
    std::stable_sort(result_.problems.begin(), result_.problems.end(),
                     [](const AuditProblem& a, const AuditProblem& b) {
                       return a.sequence < b.sequence;
                     });
  }

  // The store's record of the head was deleted: what it named cannot be compared with the log.
  void missing_head() {
    add(last_sequence_, cat("the chain head record is missing (deleted): whether the newest "
                            "events after event ", last_sequence_, " were removed too can only "
                            "be told against a head recorded earlier"));
  }

  void check_head(const store::AuditChainHead& head) {
    result_.head_sequence = head.sequence;
    result_.head_hash = head.hash;
    if (head.sequence > last_sequence_) {
      add(head.sequence, cat("the chain head names event ", head.sequence, " but the log ends at ",
                             last_sequence_, ": the newest events were removed"));
    } else if (head.sequence != last_sequence_ || head.hash != last_hash_) {
      add(head.sequence, cat("the chain head (event ", head.sequence,
                             ") does not match the log's newest event ", last_sequence_));
    }
  }

  // An event that fails its own hash may be an intact event moved to another position (the
  // sequence number is part of what its hash authenticates): look for the position it was
  // written at, near where it is now, and say so when one verifies.
  absl::Status explain_moves() {
    for (const auto& [stored, problem] : edited_) {
      AuditEvent as_written = stored.event;
      for (int64_t offset = 1; offset <= kMoveWindow; ++offset) {
        for (int64_t original : {stored.event.sequence + offset, stored.event.sequence - offset}) {
          if (original < 1) continue;
          as_written.sequence = original;
          DATAMESH_ASSIGN_OR_RETURN(const std::string hash,
                                    audit_link_hash(sealer_, as_written, stored.previous_hash));
          if (hash != stored.hash) continue;
          // Only this event's "edited" problem: a gap found at the same event stays named.
          result_.problems[problem].problem =
              cat("event ", stored.event.sequence, " is event ", original,
                  " moved: the log was reordered or renumbered");
          offset = kMoveWindow;  // found: stop searching
          break;
        }
      }
    }
    return absl::OkStatus();
  }

  AuditVerification result() && {
    result_.intact = result_.problems.empty();
    return std::move(result_);
  }

 private:
  // Whether the problem was recorded (the report holds at most kMaxProblems).
  bool add(int64_t sequence, std::string problem) {
    if (result_.problems.size() >= kMaxProblems) return false;
    result_.problems.push_back({.sequence = sequence, .problem = std::move(problem)});
    return true;
  }

  const SecretSealer& sealer_;
  AuditVerification result_;
  int64_t last_sequence_ = 0;
  std::string last_hash_;
  bool chained_ = false;
  // Events that fail their hash, with the index of their problem in result_.problems.
  std::vector<std::pair<store::ChainedAuditEvent, size_t>> edited_;
  std::optional<RecordedHead> recorded_;
  std::optional<std::string> recorded_found_;  // the stored hash of the recorded head's event
};

}  // namespace

absl::StatusOr<std::string> audit_link_hash(const SecretSealer& sealer, const AuditEvent& event,
                                            std::string_view previous_hash) {
  DATAMESH_ASSIGN_OR_RETURN(
      const std::string mac,
      sealer.authenticate(kAuditChainPurpose, link_message(event, previous_hash)));
  return absl::BytesToHexString(mac);
}

absl::Status append_chained(store::Transaction& tx, const SecretSealer& sealer, AuditEvent event) {
  DATAMESH_ASSIGN_OR_RETURN(store::AuditChainHead head, tx.audit_chain_head());
  event.sequence = head.sequence + 1;
  DATAMESH_ASSIGN_OR_RETURN(std::string hash, audit_link_hash(sealer, event, head.hash));
  return tx.append_audit_event(store::ChainedAuditEvent{
      .event = std::move(event), .previous_hash = std::move(head.hash), .hash = std::move(hash)});
}

absl::StatusOr<AuditVerification> verify_audit_chain(store::Transaction& tx,
                                                     const SecretSealer& sealer,
                                                     const std::optional<RecordedHead>& recorded) {
  ChainCheck check(sealer);
  if (recorded) check.expect_recorded(*recorded);
  std::string after;
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(
        const std::vector<store::ChainedAuditEvent> page,
        tx.list_audit_chain(store::Page{.after = after, .limit = kPageSize}));
    for (const store::ChainedAuditEvent& stored : page) {
      DATAMESH_RETURN_IF_ERROR(check.check(stored));
    }
    if (page.size() < static_cast<size_t>(kPageSize)) break;
    after = std::to_string(page.back().event.sequence);
  }
  const absl::StatusOr<store::AuditChainHead> head = tx.audit_chain_head();
  if (absl::IsDataLoss(head.status())) {
    check.missing_head();
  } else {
    DATAMESH_RETURN_IF_ERROR(head.status());
    check.check_head(*head);
  }
  DATAMESH_RETURN_IF_ERROR(check.explain_moves());
  check.check_recorded();
  return std::move(check).result();
}

}  // namespace datamesh::core
