// DataMeshAdmin end to end: the mesh account, accounts, roles, access keys and the audit log.
#include "datamesh/admin.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"
#include "testkit/mesh_setup.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

bool is_twelve_digits(const std::string& id) {
  return id.size() == 12 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const Account* find_account(const std::vector<Account>& accounts, const std::string& id) {
  for (const Account& account : accounts) {
    if (account.account_id == id) return &account;
  }
  return nullptr;
}

const AccessKey* find_key(const std::vector<AccessKey>& keys, const std::string& id) {
  for (const AccessKey& key : keys) {
    if (key.access_key_id == id) return &key;
  }
  return nullptr;
}

// --- initialize_mesh_account (on a new, empty mesh) ----------------------------------------

using MeshInitialization = FreshMeshTest;

TEST_F(MeshInitialization, InitializeMeshAccountReturnsWorkingAdminCredentials) {
  DataMeshAdmin installer(options(std::nullopt));
  ASSERT_OK_AND_ASSIGN(AccountCredentials mesh, installer.initialize_mesh_account("acme mesh"));
  EXPECT_EQ(mesh.account_id, kMeshAccount);
  EXPECT_EQ(mesh.account_name, "acme mesh");
  EXPECT_FALSE(mesh.access_key_id.empty());
  EXPECT_FALSE(mesh.secret_access_key.empty());

  DataMeshAdmin admin(options(testkit::credentials_of(mesh)));
  ASSERT_OK_AND_ASSIGN(std::vector<Account> accounts, admin.list_accounts());
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].account_id, kMeshAccount);
  EXPECT_TRUE(accounts[0].is_mesh);
  EXPECT_TRUE(is_utc_date(accounts[0].creation_date)) << accounts[0].creation_date;
}

TEST_F(MeshInitialization, InitializeMeshAccountTwiceFailsWithAlreadyExists) {
  DataMeshAdmin installer(options(std::nullopt));
  ASSERT_OK(installer.initialize_mesh_account());
  const auto again = installer.initialize_mesh_account();
  // The caller showed no key (a server with --allow-initialize asks for none): it learns that
  // the mesh exists, not its account.
  EXPECT_STATUS(again, StatusCode::kAlreadyExists, "the mesh is already initialized");
  EXPECT_EQ(std::string(again.status().message()).find(kMeshAccount), std::string::npos)
      << again.status();
}

TEST_F(MeshInitialization, InitializeMeshAccountWithoutIdGeneratesTwelveDigitId) {
  DataMeshAdmin installer(options(std::nullopt, /*data_mesh_account_id=*/""));
  ASSERT_OK_AND_ASSIGN(AccountCredentials mesh, installer.initialize_mesh_account());
  EXPECT_TRUE(is_twelve_digits(mesh.account_id)) << mesh.account_id;
  EXPECT_NE(mesh.account_id[0], '0');
}

TEST_F(MeshInitialization, InitializeMeshAccountRejectsMalformedIdAndCreatesNothing) {
  for (const char* bad : {"12345", "1234567890123", "12345678901a"}) {
    SCOPED_TRACE(bad);
    DataMeshAdmin installer(options(std::nullopt, bad));
    EXPECT_STATUS(installer.initialize_mesh_account(), StatusCode::kInvalidArgument, bad);
  }
  DataMeshAdmin installer(options(std::nullopt));
  EXPECT_OK(installer.initialize_mesh_account());
}

TEST_F(MeshInitialization, InitializeMeshAccountRejectsEmptyMeshName) {
  DataMeshAdmin installer(options(std::nullopt));
  EXPECT_STATUS_CODE(installer.initialize_mesh_account(""), StatusCode::kInvalidArgument);
  EXPECT_OK(installer.initialize_mesh_account("mesh"));
}

TEST_F(MeshInitialization, CallsBeforeInitializationFailWithFailedPrecondition) {
  DataMeshProducer producer(options(Credentials{.account_id = kProducerAccount,
                                                .access_key_id = "DMAKAAAAAAAAAAAAAAAA",
                                                .secret_access_key = "secret"}));
  EXPECT_STATUS(producer.list_pending_access_requests(), StatusCode::kFailedPrecondition,
                "initialize-mesh-account");
}

// --- accounts ----------------------------------------------------------------------------------

using AdminTest = MeshFixture;

TEST_F(AdminTest, CreateAccountWithGivenIdUsesThatIdAndGivesNoRole) {
  ASSERT_OK_AND_ASSIGN(AccountCredentials created,
                       admin().create_account("analytics", "666666666666"));
  EXPECT_EQ(created.account_id, "666666666666");
  EXPECT_EQ(created.account_name, "analytics");
  ASSERT_OK_AND_ASSIGN(Account account, admin().describe_account("666666666666"));
  EXPECT_EQ(account.name, "analytics");
  EXPECT_FALSE(account.is_mesh);
  EXPECT_FALSE(account.producer_enabled);
  EXPECT_FALSE(account.consumer_enabled);
  EXPECT_FALSE(account.producer_initialized);
  EXPECT_FALSE(account.consumer_initialized);
}

TEST_F(AdminTest, CreateAccountWithoutIdGeneratesDistinctTwelveDigitIds) {
  ASSERT_OK_AND_ASSIGN(AccountCredentials first, admin().create_account("first"));
  ASSERT_OK_AND_ASSIGN(AccountCredentials second, admin().create_account("second"));
  EXPECT_TRUE(is_twelve_digits(first.account_id)) << first.account_id;
  EXPECT_TRUE(is_twelve_digits(second.account_id)) << second.account_id;
  EXPECT_NE(first.account_id, second.account_id);
  EXPECT_NE(first.access_key_id, second.access_key_id);
}

TEST_F(AdminTest, CreateAccountReturnsCredentialsThatAuthenticate) {
  ASSERT_OK_AND_ASSIGN(AccountCredentials created,
                       admin().create_account("analytics", "666666666666"));
  DataMeshAdmin as_new(options(testkit::credentials_of(created)));
  ASSERT_OK_AND_ASSIGN(Account self, as_new.describe_account("666666666666"));
  EXPECT_EQ(self.name, "analytics");
}

TEST_F(AdminTest, CreateAccountWithTakenIdFailsWithAlreadyExists) {
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS(admin().create_account("again", kProducerAccount), StatusCode::kAlreadyExists,
                kProducerAccount);
  EXPECT_STATUS_CODE(admin().create_account("mesh again", kMeshAccount),
                     StatusCode::kAlreadyExists);
  EXPECT_EQ(audit_count().value_or(0), before);
}

TEST_F(AdminTest, CreateAccountRejectsMalformedIdOrNameAndCreatesNothing) {
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS_CODE(admin().create_account("short", "66666666666"), StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(admin().create_account("letters", "66666666666a"),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(admin().create_account("", "666666666666"), StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(admin().create_account(std::string(65, 'n'), "666666666666"),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(admin().create_account("tab\tname", "666666666666"),
                     StatusCode::kInvalidArgument);
  EXPECT_EQ(audit_count().value_or(0), before);
  EXPECT_STATUS_CODE(admin().describe_account("666666666666"), StatusCode::kNotFound);
}

TEST_F(AdminTest, CreateAccountRequiresMeshAdmin) {
  EXPECT_STATUS_CODE(admin_as(kProducerAccount).create_account("sneaky", "666666666666"),
                     StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(admin().describe_account("666666666666"), StatusCode::kNotFound);
}

// --- roles ---------------------------------------------------------------------------------------

TEST_F(AdminTest, InitializeProducerAccountMarksAccountAndReturnsRoleArns) {
  ASSERT_OK_AND_ASSIGN(AccountCredentials created,
                       admin().create_account("new producer", "666666666666"));
  DataMeshAdmin as_new(options(testkit::credentials_of(created)));
  ASSERT_OK_AND_ASSIGN(AccountRole role, as_new.initialize_producer_account());
  EXPECT_NE(role.role_arn.find("666666666666"), std::string::npos) << role.role_arn;
  EXPECT_NE(role.role_arn.find("DataMeshProducer"), std::string::npos) << role.role_arn;
  EXPECT_NE(role.user_arn.find("666666666666"), std::string::npos) << role.user_arn;
  EXPECT_NE(role.group_arn.find("666666666666"), std::string::npos) << role.group_arn;
  ASSERT_OK_AND_ASSIGN(Account account, admin().describe_account("666666666666"));
  EXPECT_TRUE(account.producer_initialized);
  EXPECT_FALSE(account.producer_enabled);
  EXPECT_FALSE(account.consumer_initialized);
}

TEST_F(AdminTest, InitializeConsumerAccountMarksAccountAndReturnsRoleArns) {
  ASSERT_OK_AND_ASSIGN(AccountCredentials created,
                       admin().create_account("new consumer", "666666666666"));
  DataMeshAdmin as_new(options(testkit::credentials_of(created)));
  ASSERT_OK_AND_ASSIGN(AccountRole role, as_new.initialize_consumer_account());
  EXPECT_NE(role.role_arn.find("DataMeshConsumer"), std::string::npos) << role.role_arn;
  ASSERT_OK_AND_ASSIGN(Account account, admin().describe_account("666666666666"));
  EXPECT_TRUE(account.consumer_initialized);
  EXPECT_FALSE(account.producer_initialized);
}

TEST_F(AdminTest, InitializeAccountTwiceChangesNothing) {
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_OK(admin_as(kProducerAccount).initialize_producer_account());
  EXPECT_OK(admin_as(kConsumerAccount).initialize_consumer_account());
  EXPECT_EQ(audit_count().value_or(0), before);
}

TEST_F(AdminTest, MeshAccountCannotInitializeItselfAsProducerOrConsumer) {
  EXPECT_STATUS_CODE(admin().initialize_producer_account(), StatusCode::kFailedPrecondition);
  EXPECT_STATUS_CODE(admin().initialize_consumer_account(), StatusCode::kFailedPrecondition);
}

TEST_F(AdminTest, MeshAccountCannotBeEnabledAsProducerOrConsumer) {
  EXPECT_STATUS(admin().enable_account_as_producer(kMeshAccount), StatusCode::kFailedPrecondition,
                kMeshAccount);
  EXPECT_STATUS_CODE(admin().enable_account_as_consumer(kMeshAccount),
                     StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(Account mesh, admin().describe_account(kMeshAccount));
  EXPECT_FALSE(mesh.producer_enabled);
  EXPECT_FALSE(mesh.consumer_enabled);
}

TEST_F(AdminTest, EnableAccountOfUnknownOrMalformedIdFails) {
  EXPECT_STATUS_CODE(admin().enable_account_as_producer("666666666666"), StatusCode::kNotFound);
  EXPECT_STATUS_CODE(admin().enable_account_as_consumer("666666666666"), StatusCode::kNotFound);
  EXPECT_STATUS_CODE(admin().enable_account_as_producer("6666"), StatusCode::kInvalidArgument);
}

TEST_F(AdminTest, EnableAccountRequiresMeshAdmin) {
  EXPECT_STATUS_CODE(admin_as(kProducerAccount).enable_account_as_producer(kNoRoleAccount),
                     StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(admin_as(kConsumerAccount).enable_account_as_consumer(kNoRoleAccount),
                     StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(Account account, admin().describe_account(kNoRoleAccount));
  EXPECT_FALSE(account.producer_enabled);
  EXPECT_FALSE(account.consumer_enabled);
}

TEST_F(AdminTest, AccountActsAsProducerOnlyWhenEnabledAndInitialized) {
  DataMeshProducer& candidate = producer(kNoRoleAccount);
  EXPECT_STATUS(candidate.list_pending_access_requests(), StatusCode::kPermissionDenied,
                "initialize_producer_account");
  ASSERT_OK(admin_as(kNoRoleAccount).initialize_producer_account());
  EXPECT_STATUS(candidate.list_pending_access_requests(), StatusCode::kPermissionDenied,
                "enable_account_as_producer");
  ASSERT_OK(admin().enable_account_as_producer(kNoRoleAccount));
  EXPECT_OK(candidate.list_pending_access_requests());
}

TEST_F(AdminTest, EnabledButUninitializedAccountCannotActAsConsumer) {
  ASSERT_OK(admin().enable_account_as_consumer(kNoRoleAccount));
  EXPECT_STATUS(consumer(kNoRoleAccount).list_product_access(), StatusCode::kPermissionDenied,
                "initialize_consumer_account");
  ASSERT_OK(admin_as(kNoRoleAccount).initialize_consumer_account());
  EXPECT_OK(consumer(kNoRoleAccount).list_product_access());
}

// --- listing and describing ------------------------------------------------------------------

TEST_F(AdminTest, ListAccountsShowsEveryAccountWithItsRoles) {
  ASSERT_OK_AND_ASSIGN(std::vector<Account> accounts, admin().list_accounts());
  EXPECT_EQ(accounts.size(), 6u);
  const Account* mesh = find_account(accounts, kMeshAccount);
  const Account* p = find_account(accounts, kProducerAccount);
  const Account* c = find_account(accounts, kConsumerAccount);
  const Account* none = find_account(accounts, kNoRoleAccount);
  ASSERT_NE(mesh, nullptr);
  ASSERT_NE(p, nullptr);
  ASSERT_NE(c, nullptr);
  ASSERT_NE(none, nullptr);
  ASSERT_NE(find_account(accounts, kProducer2Account), nullptr);
  ASSERT_NE(find_account(accounts, kConsumer2Account), nullptr);
  EXPECT_TRUE(mesh->is_mesh);
  EXPECT_FALSE(p->is_mesh);
  EXPECT_TRUE(p->producer_enabled && p->producer_initialized);
  EXPECT_FALSE(p->consumer_enabled || p->consumer_initialized);
  EXPECT_TRUE(c->consumer_enabled && c->consumer_initialized);
  EXPECT_FALSE(c->producer_enabled || c->producer_initialized);
  EXPECT_FALSE(none->producer_enabled || none->consumer_enabled || none->producer_initialized ||
               none->consumer_initialized);
  EXPECT_EQ(p->name, "producer one");
}

TEST_F(AdminTest, ListAccountsRequiresMeshAdmin) {
  EXPECT_STATUS_CODE(admin_as(kProducerAccount).list_accounts(), StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(admin_as(kNoRoleAccount).list_accounts(), StatusCode::kPermissionDenied);
}

TEST_F(AdminTest, AccountMayDescribeItselfButOnlyTheAdminDescribesOthers) {
  ASSERT_OK_AND_ASSIGN(Account self, admin_as(kProducerAccount).describe_account(kProducerAccount));
  EXPECT_EQ(self.account_id, kProducerAccount);
  EXPECT_STATUS_CODE(admin_as(kProducerAccount).describe_account(kConsumerAccount),
                     StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(Account other, admin().describe_account(kConsumerAccount));
  EXPECT_EQ(other.name, "consumer one");
}

TEST_F(AdminTest, DescribeUnknownAccountIsNotFoundAndMalformedIsInvalidArgument) {
  EXPECT_STATUS(admin().describe_account("666666666666"), StatusCode::kNotFound, "666666666666");
  EXPECT_STATUS_CODE(admin().describe_account("666"), StatusCode::kInvalidArgument);
}

// --- access keys -------------------------------------------------------------------------------

TEST_F(AdminTest, CreateAccessKeyAddsASecondWorkingKey) {
  ASSERT_OK_AND_ASSIGN(AccountCredentials second, admin().create_access_key(kProducerAccount));
  EXPECT_EQ(second.account_id, kProducerAccount);
  EXPECT_NE(second.access_key_id, credentials(kProducerAccount).access_key_id);
  ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> keys, admin().list_access_keys(kProducerAccount));
  ASSERT_EQ(keys.size(), 2u);
  for (const AccessKey& key : keys) {
    EXPECT_EQ(key.status, "Active");
    EXPECT_EQ(key.account_id, kProducerAccount);
  }
  DataMeshProducer with_second(options(testkit::credentials_of(second)));
  EXPECT_OK(with_second.list_pending_access_requests());
  EXPECT_OK(producer().list_pending_access_requests());
}

TEST_F(AdminTest, CreateAccessKeyForUnknownAccountIsNotFound) {
  EXPECT_STATUS_CODE(admin().create_access_key("666666666666"), StatusCode::kNotFound);
}

TEST_F(AdminTest, RotateAccessKeyRefusesOldKeyAndIssuesWorkingNewKey) {
  const std::string old_key = credentials(kProducerAccount).access_key_id;
  ASSERT_OK(producer().list_pending_access_requests());
  ASSERT_OK_AND_ASSIGN(AccountCredentials rotated, admin().rotate_access_key(old_key));
  EXPECT_EQ(rotated.account_id, kProducerAccount);
  EXPECT_NE(rotated.access_key_id, old_key);

  EXPECT_STATUS_CODE(producer().list_pending_access_requests(), StatusCode::kUnauthenticated);
  DataMeshProducer with_new(options(testkit::credentials_of(rotated)));
  EXPECT_OK(with_new.list_pending_access_requests());

  ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> keys, admin().list_access_keys(kProducerAccount));
  const AccessKey* old_row = find_key(keys, old_key);
  const AccessKey* new_row = find_key(keys, rotated.access_key_id);
  ASSERT_NE(old_row, nullptr);
  ASSERT_NE(new_row, nullptr);
  EXPECT_EQ(old_row->status, "Revoked");
  EXPECT_TRUE(is_utc_date(old_row->revocation_date)) << old_row->revocation_date;
  EXPECT_EQ(new_row->status, "Active");
}

TEST_F(AdminTest, RotateRevokedOrUnknownKeyFails) {
  const std::string old_key = credentials(kProducerAccount).access_key_id;
  ASSERT_OK(admin().rotate_access_key(old_key));
  EXPECT_STATUS(admin().rotate_access_key(old_key), StatusCode::kFailedPrecondition, "Revoked");
  EXPECT_STATUS_CODE(admin().rotate_access_key("DMAKNOSUCHKEY0000000"), StatusCode::kNotFound);
}

TEST_F(AdminTest, RevokeAccessKeyRefusesTheKeyAfterwards) {
  const std::string key = credentials(kConsumerAccount).access_key_id;
  ASSERT_OK(consumer().list_product_access());
  ASSERT_OK(admin().revoke_access_key(key));
  EXPECT_STATUS_CODE(consumer().list_product_access(), StatusCode::kUnauthenticated);
  EXPECT_STATUS_CODE(admin().revoke_access_key(key), StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> keys, admin().list_access_keys(kConsumerAccount));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].status, "Revoked");
}

TEST_F(AdminTest, RevokingTheCallersOwnKeyIsRefused) {
  const std::string own = credentials(kMeshAccount).access_key_id;
  EXPECT_STATUS(admin().revoke_access_key(own), StatusCode::kFailedPrecondition, own);
  EXPECT_OK(admin().list_accounts());
}

TEST_F(AdminTest, RevokeUnknownKeyIsNotFound) {
  EXPECT_STATUS_CODE(admin().revoke_access_key("DMAKNOSUCHKEY0000000"), StatusCode::kNotFound);
}

TEST_F(AdminTest, MeshAdminMayRevokeItsKeyWithAnotherAdminKey) {
  ASSERT_OK_AND_ASSIGN(AccountCredentials second, admin().create_access_key(kMeshAccount));
  DataMeshAdmin with_second(options(testkit::credentials_of(second)));
  ASSERT_OK(with_second.revoke_access_key(credentials(kMeshAccount).access_key_id));
  EXPECT_STATUS_CODE(admin().list_accounts(), StatusCode::kUnauthenticated);
  EXPECT_OK(with_second.list_accounts());
}

TEST_F(AdminTest, KeyManagementRequiresMeshAdmin) {
  DataMeshAdmin& p = admin_as(kProducerAccount);
  const std::string consumer_key = credentials(kConsumerAccount).access_key_id;
  EXPECT_STATUS_CODE(p.create_access_key(kProducerAccount), StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(p.rotate_access_key(consumer_key), StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(p.revoke_access_key(consumer_key), StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(p.list_access_keys(kConsumerAccount), StatusCode::kPermissionDenied);
  EXPECT_OK(consumer().list_product_access());
  ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> own, p.list_access_keys(kProducerAccount));
  EXPECT_EQ(own.size(), 1u);
}

// --- audit log ---------------------------------------------------------------------------------

TEST_F(AdminTest, ListAuditEventsIsOnlyForMeshAdmin) {
  EXPECT_STATUS_CODE(admin_as(kProducerAccount).list_audit_events(), StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(admin_as(kConsumerAccount).list_audit_events(), StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(admin_as(kNoRoleAccount).list_audit_events(), StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(AuditPage page, admin().list_audit_events());
  ASSERT_FALSE(page.events.empty());
  EXPECT_EQ(page.events.front().action, "initialize_mesh_account");
  EXPECT_EQ(page.events.front().actor_account, kMeshAccount);
}

TEST_F(AdminTest, AuditLogRecordsAccountSetupOldestFirst) {
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> events, audit_events());
  // initialize_mesh_account, 5 x create_account, 2 x (enable + initialize) producer and
  // consumer.
  ASSERT_EQ(events.size(), 1u + 5u + 4u + 4u);
  std::vector<std::string> actions;
  for (size_t i = 0; i < events.size(); ++i) {
    actions.push_back(events[i].action);
    if (i > 0) {
      EXPECT_LT(events[i - 1].sequence, events[i].sequence);
    }
    EXPECT_TRUE(is_utc_date(events[i].event_date)) << events[i].event_date;
  }
  EXPECT_EQ(actions[0], "initialize_mesh_account");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "create_account"), 5);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "enable_account_as_producer"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "initialize_producer_account"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "enable_account_as_consumer"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "initialize_consumer_account"), 2);
}

TEST_F(AdminTest, ListAuditEventsPagesWithNextToken) {
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> all, audit_events());
  std::vector<int64_t> paged;
  PageRequest page{.max_results = 3};
  int pages = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(AuditPage listed, admin().list_audit_events("", page));
    ASSERT_LE(listed.events.size(), 3u);
    for (const AuditEvent& event : listed.events) paged.push_back(event.sequence);
    ++pages;
    ASSERT_LT(pages, 100);
    if (listed.next_token.empty()) break;
    page.next_token = listed.next_token;
  }
  EXPECT_EQ(pages, static_cast<int>((all.size() + 2) / 3));
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i], all[i].sequence);
}

// --- admin list_subscriptions: who holds what, mesh-wide ------------------------------------

// Every page of a listing from `request` on, following NextToken: `fetch` answers one page,
// `visit` takes each page answered. Fails the test on an error or a page that never ends.
template <class Request, class Fetch, class Visit>
void walk_pages(Request request, Fetch fetch, Visit visit) {
  for (int pages = 0; pages < 50; ++pages) {
    auto page = fetch(request);
    EXPECT_OK(page);
    if (!page.ok()) return;
    visit(*page);
    if (page->next_token.empty()) return;
    request.page.next_token = page->next_token;
  }
  ADD_FAILURE() << "the listing did not end within 50 pages";
}

TEST_F(AdminTest, TheMeshAdminListsEverySubscriptionOfTheMeshByItsFilters) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(const std::string active,
                       active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(const std::string pending,
                       request({"SELECT"}, Strings{"orders"}, kConsumer2Account));
  ASSERT_OK_AND_ASSIGN(const std::string left, active_subscription({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(consumer().delete_subscription(left, "done"));

  auto listed = [&](const ListMeshSubscriptionsRequest& request) {
    Strings ids;
    walk_pages(
        request, [&](const auto& r) { return admin().list_subscriptions(r); },
        [&](const SubscriptionPage& page) {
          for (const Subscription& sub : page.subscriptions) ids.push_back(sub.subscription_id);
        });
    return ids;
  };
  EXPECT_EQ(listed({}), (Strings{active, pending}));
  EXPECT_EQ(listed({.page = {.max_results = 1}}), (Strings{active, pending}));
  EXPECT_EQ(listed({.status = {"Deleted"}}), Strings{left});
  EXPECT_EQ(listed({.status = {"Active", "Deleted"}}), (Strings{active, left}));
  EXPECT_EQ(listed({.database_name = kSalesProduct, .consumer_account_id = kConsumer2Account}),
            Strings{pending});
  EXPECT_EQ(listed({.producer_account_id = kProducerAccount}), (Strings{active, pending}));
  EXPECT_EQ(listed({.producer_account_id = kProducer2Account}), Strings{});
  // A database of no product: TheMeshAdminsListingByADatabaseOfNoProductIsNotFound.
}

TEST_F(AdminTest, TheMeshAdminReadsAnySubscriptionDeletedOnesToo) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(const std::string pending,
                       request({"SELECT"}, Strings{"orders"}, kConsumer2Account));
  ASSERT_OK_AND_ASSIGN(const std::string left, active_subscription({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(consumer().delete_subscription(left, "done"));

  ASSERT_OK_AND_ASSIGN(const Subscription read, admin().get_subscription({.request_id = pending}));
  EXPECT_EQ(read.subscriber_principal, kConsumer2Account);
  EXPECT_EQ(read.status, SubscriptionStatus::kPending);
  ASSERT_OK_AND_ASSIGN(const Subscription gone, admin().get_subscription({.request_id = left}));
  EXPECT_EQ(gone.status, SubscriptionStatus::kDeleted);
  EXPECT_EQ(gone.notes, Strings{"done"});
  EXPECT_STATUS(admin().get_subscription({.request_id = std::string(22, 'A')}),
                StatusCode::kNotFound, "subscription AAAAAAAAAAAAAAAAAAAAAA not found");
  EXPECT_STATUS(admin().get_subscription({.request_id = "nope"}), StatusCode::kInvalidArgument,
                "subscription_id");
  // The parties read it through their own views; only the mesh account reads it through this.
  EXPECT_STATUS(admin_as(kProducerAccount).get_subscription({.request_id = left}),
                StatusCode::kPermissionDenied, "read any subscription");
}

TEST_F(AdminTest, TheMeshAdminsListingRefusesMalformedFilters) {
  EXPECT_STATUS(admin().list_subscriptions({.status = {"Revoked"}}), StatusCode::kInvalidArgument,
                "unknown status \"Revoked\"; allowed: Pending, Active, Denied, Deleted");
  EXPECT_STATUS(admin().list_subscriptions({.consumer_account_id = "12"}),
                StatusCode::kInvalidArgument, "consumer_account_id");
  EXPECT_STATUS(admin().list_subscriptions({.producer_account_id = "x"}),
                StatusCode::kInvalidArgument, "producer_account_id");
  EXPECT_STATUS_CODE(admin().list_subscriptions({.page = {.max_results = 0}}),
                     StatusCode::kInvalidArgument);
}

// A filter naming no product is an error, not an empty listing that reads as "no one
// subscribed": the source database's name is the likely mistake, and the message says which
// name it takes.
TEST_F(AdminTest, TheMeshAdminsListingByADatabaseOfNoProductIsNotFound) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(active_subscription());
  EXPECT_STATUS(admin().list_subscriptions({.database_name = "sales"}), StatusCode::kNotFound,
                "no data product is published as mesh database sales; database_name takes the "
                "mesh database's name, <source database>-<producer account>");
  ASSERT_OK_AND_ASSIGN(const SubscriptionPage page,
                       admin().list_subscriptions({.database_name = kSalesProduct}));
  EXPECT_EQ(page.subscriptions.size(), 1u);
}

// An auditor's questions: every decision of one kind, everything one account did, a period.
TEST_F(AdminTest, ListAuditEventsFiltersByActionActorAndTime) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(const std::string approved, active_subscription());
  ASSERT_OK_AND_ASSIGN(const std::string denied, request({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(denied, "no"));

  auto actions = [&](const ListAuditEventsRequest& request) {
    Strings seen;
    walk_pages(
        request, [&](const auto& r) { return admin().list_audit_events(r); },
        [&](const AuditPage& page) {
          for (const AuditEvent& event : page.events) {
            seen.push_back(event.action + " " + event.subscription_id);
          }
        });
    return seen;
  };
  EXPECT_EQ(actions({.page = {.max_results = 1},
                     .action = {"approve_access_request", "deny_access_request"}}),
            (Strings{"approve_access_request " + approved, "deny_access_request " + denied}));
  const Strings by_consumer = actions({.actor_account_id = kConsumerAccount});
  ASSERT_FALSE(by_consumer.empty());
  for (const std::string& seen : by_consumer) {
    EXPECT_TRUE(seen.starts_with("request_access_to_product") ||
                seen.starts_with("finalize_subscription") ||
                seen.starts_with("initialize_consumer_account"))
        << seen;
  }
  EXPECT_EQ(actions({.since = "2999-01-01"}), Strings{});
  EXPECT_EQ(actions({.until = "2000-01-01"}), Strings{});
  ASSERT_OK_AND_ASSIGN(const AuditPage all, admin().list_audit_events());
  EXPECT_EQ(actions({.since = "2000-01-01", .until = "2999-01-01"}).size(), all.events.size());
  EXPECT_STATUS(admin().list_audit_events({.since = "yesterday"}), StatusCode::kInvalidArgument,
                "since \"yesterday\" is not a UTC date");
}

TEST_F(AdminTest, ListAuditEventsRejectsPageSizeOutOfRange) {
  EXPECT_STATUS_CODE(admin().list_audit_events("", PageRequest{.max_results = 0}),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(admin().list_audit_events("", PageRequest{.max_results = 1001}),
                     StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datamesh::test_support
