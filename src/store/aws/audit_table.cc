#include "store/aws/audit_table.h"

#include <charconv>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "store/aws/audit_items.h"
#include "store/aws/mesh_tables.h"

namespace datamesh::store::aws {

using nlohmann::json;

absl::StatusOr<AuditChainHead> AuditTable::audit_chain_head() const {
  DATAMESH_ASSIGN_OR_RETURN(const json answer, send_to_mesh(sessions_, get_audit_head()));
  return read_audit_head_answer(answer);
}

absl::Status AuditTable::append_audit_event(const ChainedAuditEvent& event) const {
  DATAMESH_ASSIGN_OR_RETURN(const AuditChainHead head, audit_chain_head());
  DATAMESH_RETURN_IF_ERROR(check_follows_chain_head(head, event));
  DATAMESH_ASSIGN_OR_RETURN(const DynamoRequest append, aws::append_audit_event(head, event));
  return send_transaction(sessions_, append);
}

absl::StatusOr<std::vector<json>> AuditTable::append_elements(
    const ChainedAuditEvent& event) const {
  DATAMESH_ASSIGN_OR_RETURN(const AuditChainHead head, audit_chain_head());
  DATAMESH_RETURN_IF_ERROR(check_follows_chain_head(head, event));
  return audit_append_elements(head, event);
}

absl::StatusOr<std::vector<ChainedAuditEvent>> AuditTable::list_audit_chain(
    const Page& page) const {
  return list_events("", page);
}

absl::StatusOr<std::vector<AuditEvent>> AuditTable::list_audit_events(
    std::string_view subscription_id, const Page& page) const {
  DATAMESH_ASSIGN_OR_RETURN(std::vector<ChainedAuditEvent> chained,
                            list_events(subscription_id, page));
  std::vector<AuditEvent> events;
  events.reserve(chained.size());
  for (ChainedAuditEvent& event : chained) events.push_back(std::move(event.event));
  return events;
}

absl::StatusOr<std::vector<ChainedAuditEvent>> AuditTable::list_events(
    std::string_view subscription_id, const Page& page) const {
  DATAMESH_RETURN_IF_ERROR(check_page_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(const int64_t after, audit_page_sequence(page.after));
  std::vector<ChainedAuditEvent> events;
  QueryPage next;
  // DynamoDB's Limit counts the items a page reads, and a page stops at 1 MB: read pages until
  // there are page.limit events or no more.
  do {
    next.limit = page.limit - static_cast<int>(events.size());
    const DynamoRequest query = subscription_id.empty()
                                    ? query_audit_chain(after, next)
                                    : query_subscription_audit(subscription_id, after, next);
    DATAMESH_ASSIGN_OR_RETURN(const json answer, send_to_mesh(sessions_, query));
    DATAMESH_ASSIGN_OR_RETURN(AuditEventPage read, read_audit_query_answer(answer));
    for (ChainedAuditEvent& event : read.items) events.push_back(std::move(event));
    next.exclusive_start_key = std::move(read.last_evaluated_key);
  } while (!next.exclusive_start_key.is_null() && static_cast<int>(events.size()) < page.limit);
  return events;
}

}  // namespace datamesh::store::aws
