// BufferedTransaction's subscriptions and audit chain (buffered_transaction.h): the rows listed
// in the base's order of creation, which the rows the body adds follow. The other rows are in
// buffered_transaction.cc.
#include <algorithm>
#include <charconv>

#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/buffered_transaction.h"
#include "store/aws/merged_listing.h"

namespace datamesh::store::aws {

using base::cat;

namespace {

// Whether a subscription with these fields is in the listing `filter` asks for (the stores'
// WHERE clause of list_subscriptions).
bool listed_by(const SubscriptionFilter& filter, std::string_view owner,
               std::string_view subscriber, SubscriptionStatus status,
               std::string_view database_name) {
  if (filter.owner && owner != *filter.owner) return false;
  if (filter.subscriber && subscriber != *filter.subscriber) return false;
  if (filter.status) {
    if (status != *filter.status) return false;
  } else if (!filter.include_deleted && status == SubscriptionStatus::kDeleted) {
    return false;
  }
  return !filter.database_name || database_name == *filter.database_name;
}

bool listed_by(const SubscriptionFilter& filter, const Subscription& s) {
  return listed_by(filter, s.owner_principal, s.subscriber_principal, s.status, s.database_name);
}

bool live(const Subscription& s) {
  return s.status == SubscriptionStatus::kPending || s.status == SubscriptionStatus::kActive;
}


}  // namespace

const Subscription& BufferedTransaction::subscription_at(const SubscriptionOverlay& overlay) const {
  const BufferedWrite& write = writes_[overlay.write];
  if (const auto* inserted = std::get_if<InsertSubscription>(&write)) {
    return inserted->subscription;
  }
  return std::get<UpdateSubscription>(write).subscription;
}

// Subscriptions ------------------------------------------------------------------------------

absl::StatusOr<std::optional<Subscription>> BufferedTransaction::get_subscription(
    std::string_view id) {
  if (auto it = subscriptions_.find(id); it != subscriptions_.end()) {
    return subscription_at(it->second);
  }
  return base_.get_subscription(id);
}

absl::Status BufferedTransaction::insert_subscription(const Subscription& subscription) {
  const std::string& id = subscription.subscription_id;
  bool taken = subscriptions_.contains(id);
  if (!taken) {
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<Subscription> stored, base_.get_subscription(id));
    taken = stored.has_value();
  }
  if (taken) return absl::AlreadyExistsError(cat("subscription ", id, " already exists"));
  const size_t write = record(InsertSubscription{subscription});
  subscriptions_.emplace(id, SubscriptionOverlay{.write = write, .inserted_at = inserted_.size()});
  inserted_.push_back(id);
  return absl::OkStatus();
}

absl::Status BufferedTransaction::update_subscription(const Subscription& subscription,
                                                      int64_t expected_version) {
  const std::string& id = subscription.subscription_id;
  auto it = subscriptions_.find(id);
  std::optional<Subscription> stored;
  if (it != subscriptions_.end()) {
    stored = subscription_at(it->second);
  } else {
    DATAMESH_ASSIGN_OR_RETURN(stored, base_.get_subscription(id));
  }
  if (!stored) return absl::NotFoundError(cat("subscription ", id, " does not exist"));
  if (stored->version != expected_version) {
    return absl::AbortedError(cat("subscription ", id,
                                  " was changed concurrently (expected version ", expected_version,
                                  ", found ", stored->version, ")"));
  }
  const size_t write = record(UpdateSubscription{subscription, expected_version});
  if (it != subscriptions_.end()) {
    it->second.write = write;
  } else {
    subscriptions_.emplace(id, SubscriptionOverlay{.write = write,
                                                   .in_base = FilteredFields{
                                                       .owner = stored->owner_principal,
                                                       .subscriber = stored->subscriber_principal,
                                                       .status = stored->status,
                                                       .database_name = stored->database_name}});
  }
  return absl::OkStatus();
}

absl::Status BufferedTransaction::list_base_subscriptions(const SubscriptionFilter& filter,
                                                          std::string after, size_t limit,
                                                          std::vector<Subscription>& out) {
  // A subscription the body changed into this listing is not in the base's: widen the base's
  // filter to where the base lists it (the order is the base's, which only it knows), and
  // filter here.
  SubscriptionFilter base_filter = filter;
  for (const auto& [id, overlay] : subscriptions_) {
    if (!overlay.in_base || !listed_by(filter, subscription_at(overlay))) continue;
    const FilteredFields& was = *overlay.in_base;
    if (filter.owner && was.owner != *filter.owner) base_filter.owner.reset();
    if (filter.subscriber && was.subscriber != *filter.subscriber) base_filter.subscriber.reset();
    if (filter.database_name && was.database_name != *filter.database_name) {
      base_filter.database_name.reset();
    }
    if (!listed_by(
            SubscriptionFilter{.status = filter.status, .include_deleted = filter.include_deleted},
            "", "", was.status, "")) {
      base_filter.status.reset();
      base_filter.include_deleted = true;
    }
  }
  while (out.size() < limit) {
    const size_t need = limit - out.size();
    DATAMESH_ASSIGN_OR_RETURN(
        std::vector<Subscription> rows,
        base_.list_subscriptions(base_filter,
                                 Page{.after = after, .limit = static_cast<int>(need)}));
    if (rows.empty()) return absl::OkStatus();
    after = rows.back().subscription_id;
    for (Subscription& row : rows) {
      if (auto it = subscriptions_.find(row.subscription_id); it != subscriptions_.end()) {
        const Subscription& now = subscription_at(it->second);
        if (listed_by(filter, now)) out.push_back(now);
      } else if (listed_by(filter, row)) {
        out.push_back(std::move(row));
      }
    }
    if (rows.size() < need) return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Subscription>> BufferedTransaction::list_subscriptions(
    const SubscriptionFilter& filter, const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_page_limit(page));
  const size_t limit = static_cast<size_t>(page.limit);
  std::vector<Subscription> out;
  // The inserted subscriptions come after the base's: a page token naming one of them starts
  // there, any other is the base's to read.
  size_t next_inserted = 0;
  auto after = page.after.empty() ? subscriptions_.end() : subscriptions_.find(page.after);
  if (after != subscriptions_.end() && after->second.inserted_at) {
    next_inserted = *after->second.inserted_at + 1;
  } else {
    DATAMESH_RETURN_IF_ERROR(list_base_subscriptions(filter, page.after, limit, out));
  }
  for (size_t i = next_inserted; i < inserted_.size() && out.size() < limit; ++i) {
    const Subscription& s = subscription_at(subscriptions_.at(inserted_[i]));
    if (listed_by(filter, s)) out.push_back(s);
  }
  return out;
}

absl::StatusOr<std::vector<Subscription>> BufferedTransaction::find_live_duplicates(
    const Subscription& request) {
  const auto duplicate = [&](const Subscription& s) { return live(s) && same_request(s, request); };
  DATAMESH_ASSIGN_OR_RETURN(std::vector<Subscription> found, base_.find_live_duplicates(request));
  const auto found_in_base = [&](std::string_view id) {
    return std::any_of(found.begin(), found.end(),
                       [&](const Subscription& s) { return s.subscription_id == id; });
  };
  for (const auto& [id, overlay] : subscriptions_) {
    if (!overlay.in_base || !duplicate(subscription_at(overlay)) || found_in_base(id)) continue;
    // The body made a base subscription a duplicate: its place in creation order is the base's
    // to say, so walk the subscriber's listing on that database (rare: an update that turns a
    // subscription into the same request as another).
    std::vector<Subscription> duplicates;
    const SubscriptionFilter filter{.subscriber = request.subscriber_principal,
                                    .database_name = request.database_name};
    constexpr int kPage = 1000;
    std::string after;
    while (true) {
      DATAMESH_ASSIGN_OR_RETURN(std::vector<Subscription> page,
                                list_subscriptions(filter, Page{.after = after, .limit = kPage}));
      for (Subscription& s : page) {
        if (duplicate(s)) duplicates.push_back(std::move(s));
      }
      if (page.size() < kPage) return duplicates;
      after = page.back().subscription_id;
    }
  }
  std::vector<Subscription> out;
  for (Subscription& s : found) {
    if (auto it = subscriptions_.find(s.subscription_id); it != subscriptions_.end()) {
      const Subscription& now = subscription_at(it->second);
      if (duplicate(now)) out.push_back(now);
    } else {
      out.push_back(std::move(s));
    }
  }
  for (const std::string& id : inserted_) {
    const Subscription& s = subscription_at(subscriptions_.at(id));
    if (duplicate(s)) out.push_back(s);
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
BufferedTransaction::count_subscriptions_by_status() {
  DATAMESH_ASSIGN_OR_RETURN(auto counts, base_.count_subscriptions_by_status());
  const auto add = [&](SubscriptionStatus status, int64_t n) {
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& count) { return count.first == status; });
    if (it == counts.end()) it = counts.insert(counts.end(), std::pair(status, int64_t{0}));
    it->second += n;
  };
  for (const auto& [id, overlay] : subscriptions_) {
    if (overlay.in_base) add(overlay.in_base->status, -1);
    add(subscription_at(overlay).status, 1);
  }
  std::erase_if(counts, [](const auto& count) { return count.second == 0; });
  return counts;
}

// Audit --------------------------------------------------------------------------------------

const ChainedAuditEvent& BufferedTransaction::audit_event_at(size_t i) const {
  return row_at(audit_events_[i], &AppendAuditEvent::event);
}

absl::StatusOr<AuditChainHead> BufferedTransaction::audit_chain_head() {
  if (audit_events_.empty()) return base_.audit_chain_head();
  const ChainedAuditEvent& newest = audit_event_at(audit_events_.size() - 1);
  return AuditChainHead{.sequence = newest.event.sequence, .hash = newest.hash};
}

absl::Status BufferedTransaction::append_audit_event(const ChainedAuditEvent& chained) {
  DATAMESH_ASSIGN_OR_RETURN(const AuditChainHead head, audit_chain_head());
  DATAMESH_RETURN_IF_ERROR(check_follows_chain_head(head, chained));
  audit_events_.push_back(record(AppendAuditEvent{chained}));
  return absl::OkStatus();
}

// The appended events follow every event of the base: a page the base left short goes on with
// them. `each(const ChainedAuditEvent&)` adds an event to the page if it belongs there.
template <typename Each>
void BufferedTransaction::continue_with_appended(int64_t after, Each each) const {
  for (size_t i = 0; i < audit_events_.size(); ++i) {
    const ChainedAuditEvent& chained = audit_event_at(i);
    if (chained.event.sequence > after && !each(chained)) return;
  }
}

absl::StatusOr<std::vector<ChainedAuditEvent>> BufferedTransaction::list_audit_chain(
    const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_page_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(const int64_t after, audit_page_sequence(page.after));
  DATAMESH_ASSIGN_OR_RETURN(std::vector<ChainedAuditEvent> events, base_.list_audit_chain(page));
  const size_t limit = static_cast<size_t>(page.limit);
  continue_with_appended(after, [&](const ChainedAuditEvent& chained) {
    if (events.size() >= limit) return false;
    events.push_back(chained);
    return true;
  });
  return events;
}

absl::StatusOr<std::vector<AuditEvent>> BufferedTransaction::list_audit_events(
    std::string_view subscription_id, const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_page_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(const int64_t after, audit_page_sequence(page.after));
  DATAMESH_ASSIGN_OR_RETURN(std::vector<AuditEvent> events,
                            base_.list_audit_events(subscription_id, page));
  const size_t limit = static_cast<size_t>(page.limit);
  continue_with_appended(after, [&](const ChainedAuditEvent& chained) {
    if (events.size() >= limit) return false;
    if (subscription_id.empty() || chained.event.subscription_id == subscription_id) {
      events.push_back(chained.event);
    }
    return true;
  });
  return events;
}

}  // namespace datamesh::store::aws
