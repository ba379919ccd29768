// The audit trail end to end: every state change of a subscription is one event, in order, with
// its notes and the principal that made it.
#include <string>
#include <vector>

#include "datamesh/admin.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

class AuditTest : public MeshFixture {
 protected:
  void SetUp() override {
    MeshFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_OK(publish_sales());
  }

  // The Details of subscription `id`'s approval event; NotFound when it has none.
  absl::StatusOr<nlohmann::json> approval_details(const std::string& id) {
    absl::StatusOr<AuditPage> page = admin().list_audit_events(id);
    if (!page.ok()) return page.status();
    for (const AuditEvent& event : page->events) {
      if (event.action == "approve_access_request") {
        return nlohmann::json::parse(event.details_json);
      }
    }
    return absl::NotFoundError("no approve_access_request event");
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(AuditTest, EveryStateChangeIsAuditedInOrderWithNotesAndActor) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().approve_access_request(id, {.decision_notes = "approved for BI"}));
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK(producer().update_subscription_permissions(id, {"SELECT"}, "read only now"));
  ASSERT_OK(producer().delete_subscription(id, "contract ended"));

  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> events, audit_events(id));
  ASSERT_EQ(events.size(), 5u);
  const Strings expected_actions = {"request_access_to_product", "approve_access_request",
                                    "finalize_subscription", "update_subscription_permissions",
                                    "delete_subscription"};
  const Strings expected_notes = {"", "approved for BI", "", "read only now", "contract ended"};
  const Strings expected_accounts = {kConsumerAccount, kProducerAccount, kConsumerAccount,
                                     kProducerAccount, kProducerAccount};
  for (size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(expected_actions[i]);
    const AuditEvent& event = events[i];
    EXPECT_EQ(event.action, expected_actions[i]);
    EXPECT_EQ(event.subscription_id, id);
    EXPECT_EQ(event.notes, expected_notes[i]);
    EXPECT_EQ(event.actor_account, expected_accounts[i]);
    EXPECT_TRUE(contains(event.actor_principal, expected_accounts[i])) << event.actor_principal;
    const bool by_producer = expected_accounts[i] == kProducerAccount;
    EXPECT_TRUE(
        contains(event.actor_principal, by_producer ? "DataMeshProducer" : "DataMeshConsumer"))
        << event.actor_principal;
    EXPECT_TRUE(contains(event.actor_principal, credentials(expected_accounts[i]).access_key_id))
        << event.actor_principal;
    EXPECT_TRUE(is_utc_date(event.event_date)) << event.event_date;
    if (i > 0) {
      EXPECT_LT(events[i - 1].sequence, event.sequence);
    }
  }
  EXPECT_TRUE(contains(events[1].details_json, "Active")) << events[1].details_json;
  EXPECT_TRUE(contains(events[3].details_json, "SELECT")) << events[3].details_json;
}

TEST_F(AuditTest, DenialAndConsumerDeletionAreAudited) {
  ASSERT_OK_AND_ASSIGN(std::string denied, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(denied, "contains personal data"));
  ASSERT_OK_AND_ASSIGN(std::string withdrawn, request({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(consumer().delete_subscription(withdrawn, "asked by mistake"));

  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> deny_events, audit_events(denied));
  ASSERT_EQ(deny_events.size(), 2u);
  EXPECT_EQ(deny_events[1].action, "deny_access_request");
  EXPECT_EQ(deny_events[1].notes, "contains personal data");
  EXPECT_EQ(deny_events[1].actor_account, kProducerAccount);

  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> delete_events, audit_events(withdrawn));
  ASSERT_EQ(delete_events.size(), 2u);
  EXPECT_EQ(delete_events[1].action, "delete_subscription");
  EXPECT_EQ(delete_events[1].notes, "asked by mistake");
  EXPECT_EQ(delete_events[1].actor_account, kConsumerAccount);
  EXPECT_TRUE(contains(delete_events[1].actor_principal, "DataMeshConsumer"))
      << delete_events[1].actor_principal;
}

TEST_F(AuditTest, SubscriptionEventsAppearInTheWholeLogInOrder) {
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> all, audit_events("", 2));
  ASSERT_EQ(all.size(), before + 2);
  EXPECT_EQ(all[before].action, "request_access_to_product");
  EXPECT_EQ(all[before].subscription_id, id);
  EXPECT_EQ(all[before + 1].action, "approve_access_request");
  EXPECT_EQ(all[before + 1].subscription_id, id);
}

TEST_F(AuditTest, RejectedCallsLeaveNoEvent) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS_CODE(producer().approve_access_request(id), StatusCode::kFailedPrecondition);
  EXPECT_STATUS_CODE(producer().deny_access_request(id), StatusCode::kFailedPrecondition);
  EXPECT_STATUS_CODE(producer(kProducer2Account).delete_subscription(id, "not mine"),
                     StatusCode::kPermissionDenied);
  EXPECT_EQ(audit_count().value_or(0), before);
  ASSERT_OK_AND_ASSIGN(Strings actions, audit_actions(id));
  EXPECT_EQ(actions, (Strings{"request_access_to_product", "approve_access_request"}));
}

TEST_F(AuditTest, SubscriptionNotesAreKeptInOrder) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(id, "first no"));
  ASSERT_OK(producer().approve_access_request(id, {.decision_notes = "then yes"}));
  ASSERT_OK(producer().update_subscription_permissions(id, {"SELECT"}, "narrowed"));
  ASSERT_OK(producer().update_subscription_permissions(id, {"SELECT", "INSERT"}));  // no note
  ASSERT_OK(consumer().delete_subscription(id, "finished"));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.notes, (Strings{"first no", "then yes", "narrowed", "finished"}));
}

TEST_F(AuditTest, GetSubscriptionHistoryMatchesTheAuditLogForBothParties) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> log, audit_events(id));
  ASSERT_OK_AND_ASSIGN(AuditPage as_producer, producer().get_subscription_history(id));
  ASSERT_OK_AND_ASSIGN(AuditPage as_consumer, consumer().get_subscription_history(id));
  ASSERT_EQ(log.size(), 3u);
  ASSERT_EQ(as_producer.events.size(), log.size());
  ASSERT_EQ(as_consumer.events.size(), log.size());
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(as_producer.events[i].sequence, log[i].sequence);
    EXPECT_EQ(as_producer.events[i].action, log[i].action);
    EXPECT_EQ(as_consumer.events[i].sequence, log[i].sequence);
    EXPECT_EQ(as_consumer.events[i].actor_principal, log[i].actor_principal);
  }
  EXPECT_TRUE(as_producer.next_token.empty());
}

TEST_F(AuditTest, GetSubscriptionHistoryPagesWithNextToken) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT", "INSERT"}));
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK(producer().update_subscription_permissions(id, {"SELECT"}));
  ASSERT_OK(producer().delete_subscription(id, "done"));
  Strings actions;
  PageRequest page{.max_results = 2};
  int pages = 0;
  for (;; ++pages) {
    ASSERT_LT(pages, 10);
    ASSERT_OK_AND_ASSIGN(AuditPage got, consumer().get_subscription_history(id, page));
    EXPECT_LE(got.events.size(), 2u);
    for (const AuditEvent& event : got.events) actions.push_back(event.action);
    if (got.next_token.empty()) break;
    page.next_token = got.next_token;
  }
  EXPECT_EQ(pages + 1, 3);
  EXPECT_EQ(actions,
            (Strings{"request_access_to_product", "approve_access_request", "finalize_subscription",
                     "update_subscription_permissions", "delete_subscription"}));
}

TEST_F(AuditTest, ListAuditEventsFiltersBySubscription) {
  ASSERT_OK_AND_ASSIGN(std::string first, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string second, request({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(second));
  ASSERT_OK_AND_ASSIGN(Strings first_actions, audit_actions(first));
  ASSERT_OK_AND_ASSIGN(Strings second_actions, audit_actions(second));
  EXPECT_EQ(first_actions, (Strings{"request_access_to_product", "approve_access_request"}));
  EXPECT_EQ(second_actions, (Strings{"request_access_to_product", "deny_access_request"}));
  // An id that was never issued is no subscription: not an empty history, which would read as
  // "nothing happened to it".
  EXPECT_STATUS(admin().list_audit_events("22222222222222222222zz"), StatusCode::kNotFound,
                "subscription 22222222222222222222zz not found");
}

TEST_F(AuditTest, PublishingAndCatalogChangesAreAudited) {
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> events, audit_events());
  Strings actions;
  for (const AuditEvent& event : events) {
    if (event.actor_account == kProducerAccount) actions.push_back(event.action);
  }
  EXPECT_EQ(actions, (Strings{"initialize_producer_account", "create_database", "create_table",
                              "create_table", "create_table", "create_data_products"}));
}

// A narrower approval reads as one in its own event: what was asked beside what was granted.
TEST_F(AuditTest, TheApprovalsEventNamesWhatWasAskedBesideWhatWasGranted) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().approve_access_request(id, {.grant_permissions = Strings{"SELECT"}}));
  ASSERT_OK_AND_ASSIGN(const nlohmann::json details, approval_details(id));
  // DESCRIBE comes with every approval (CONCEPTS.md, "Grants").
  EXPECT_EQ(details.at("RequestedGrants").get<Strings>(), (Strings{"SELECT", "INSERT"}))
      << details.dump();
  EXPECT_EQ(details.at("PermittedGrants").get<Strings>(), (Strings{"SELECT", "DESCRIBE"}))
      << details.dump();
}

// The approval's event names the shares the subscription records: on AWS, those Lake Formation
// made with the grants, not the name the approval gave the share before it existed; the chain
// still verifies.
TEST_F(AuditTest, TheApprovalsEventNamesTheSharesTheSubscriptionRecords) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, producer().get_subscription(id));
  ASSERT_FALSE(sub.ram_shares.empty());
  ASSERT_OK_AND_ASSIGN(const nlohmann::json details, approval_details(id));
  EXPECT_EQ(details.at("RamShares").get<Strings>(), sub.ram_shares) << details.dump();
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK_AND_ASSIGN(AuditVerification result, admin().verify_audit());
  EXPECT_TRUE(result.intact) << (result.problems.empty() ? "" : result.problems[0].problem);
}

TEST_F(AuditTest, VerifyAuditFindsTheLogIntactAfterEveryKindOfChange) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK(producer().update_subscription_permissions(id, {"DESCRIBE"}, "narrower"));
  ASSERT_OK(consumer().delete_subscription(id, "done"));
  ASSERT_OK_AND_ASSIGN(std::size_t events, audit_count());
  ASSERT_OK_AND_ASSIGN(AuditVerification result, admin().verify_audit());
  EXPECT_TRUE(result.intact);
  EXPECT_EQ(result.events_checked, static_cast<int64_t>(events));
  EXPECT_EQ(result.head_sequence, static_cast<int64_t>(events));
  EXPECT_EQ(result.unchained_events, 0);
  EXPECT_EQ(result.head_hash.size(), 64u);
  EXPECT_TRUE(result.problems.empty());
}

TEST_F(AuditTest, OnlyTheMeshAdminMayVerifyTheAuditLog) {
  for (const char* account : {kProducerAccount, kConsumerAccount, kNoRoleAccount}) {
    EXPECT_STATUS_CODE(admin_as(account).verify_audit(), StatusCode::kPermissionDenied)
        << account;
  }
}

}  // namespace
}  // namespace datamesh::test_support
