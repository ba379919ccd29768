// RamShares (store/aws/ram_shares.h) against moto: the shares Lake Formation makes for a
// subscription's cross-account grants, found on the mesh side, accepted by the consumer, and the
// consumer taken out of them by the owner; every error path. Each test has accounts of its own.
#include "store/aws/ram_shares.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "awsmode/moto_fixture.h"
#include "store/aws/lake_formation_grants.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

using datamesh::aws::AwsClient;
using datamesh::aws::Service;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class RamSharesTest : public datamesh::aws::testing::MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    mesh_ = unique_account();
    consumer_ = unique_account();
    mesh_client_ = moto_account_client(mesh_);
    consumer_client_ = moto_account_client(consumer_);
    ASSERT_NE(mesh_client_, nullptr);
    ASSERT_NE(consumer_client_, nullptr);
    sessions_ = std::make_unique<AwsSessions>(
        "us-east-1", mesh_,
        std::map<std::string, std::shared_ptr<const AwsClient>, std::less<>>{
            {mesh_, mesh_client_}, {consumer_, consumer_client_}});
    shares_ = std::make_unique<RamShares>(*sessions_);
    grants_ = std::make_unique<LakeFormationGrants>(*sessions_);
  }

  Subscription subscription(std::vector<std::string> tables) const {
    Subscription s;
    s.subscription_id = "RamSub";
    s.status = SubscriptionStatus::kActive;
    s.database_name = unique_name("sales");
    s.table_names = std::move(tables);
    s.subscriber_principal = consumer_;
    s.permitted_grants = {"SELECT"};
    return s;
  }

  // Approves `s` as far as Lake Formation goes: its grants, which share its resources.
  void grant(const Subscription& s) const {
    ASSERT_OK(grants_->grant(subscription_grants(s, mesh_)));
  }

  std::vector<std::string> owned_shares() const {
    absl::StatusOr<nlohmann::json> answer =
        mesh_client_->call(Service::kRam, "GetResourceShares", {{"resourceOwner", "SELF"}});
    EXPECT_TRUE(answer.ok()) << answer.status();
    std::vector<std::string> arns;
    if (!answer.ok()) return arns;
    for (const nlohmann::json& share : (*answer)["resourceShares"]) {
      arns.push_back(share["resourceShareArn"]);
    }
    return arns;
  }

  // The consumer's invitation statuses, by share.
  std::map<std::string, std::string> invitations() const {
    absl::StatusOr<nlohmann::json> answer =
        consumer_client_->call(Service::kRam, "GetResourceShareInvitations");
    EXPECT_TRUE(answer.ok()) << answer.status();
    std::map<std::string, std::string> statuses;
    if (!answer.ok()) return statuses;
    for (const nlohmann::json& invitation : (*answer)["resourceShareInvitations"]) {
      statuses[invitation["resourceShareArn"]] = invitation["status"];
    }
    return statuses;
  }

  std::vector<std::string> principals_of(const std::string& share) const {
    return datamesh::aws::testing::share_principals(*mesh_client_, share);
  }

  std::string mesh_;
  std::string consumer_;
  std::shared_ptr<const AwsClient> mesh_client_;
  std::shared_ptr<const AwsClient> consumer_client_;
  std::unique_ptr<AwsSessions> sessions_;
  std::unique_ptr<RamShares> shares_;
  std::unique_ptr<LakeFormationGrants> grants_;
};

TEST_F(RamSharesTest, TheConsumerAcceptsTheSharesOfItsSubscription) {
  const Subscription s = subscription({"orders", "customers"});
  grant(s);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> found, shares_->shares_of(s));
  EXPECT_EQ(found, owned_shares());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(invitations(), (std::map<std::string, std::string>{{found[0], "PENDING"}}));

  ASSERT_OK(shares_->accept(consumer_, found));
  EXPECT_EQ(invitations(), (std::map<std::string, std::string>{{found[0], "ACCEPTED"}}));
  // Finalizing again: already accepted.
  ASSERT_OK(shares_->accept(consumer_, found));
  EXPECT_EQ(invitations(), (std::map<std::string, std::string>{{found[0], "ACCEPTED"}}));
}

TEST_F(RamSharesTest, ADatabaseSubscriptionIsSharedThroughItsGrantOnEveryTable) {
  const Subscription s = subscription({});
  grant(s);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> found, shares_->shares_of(s));
  EXPECT_EQ(found, owned_shares());
  EXPECT_THAT(found, ::testing::SizeIs(1));
}

TEST_F(RamSharesTest, GrantsThatAreNotCrossAccountHaveNoShare) {
  Subscription s = subscription({"orders"});
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> before, shares_->shares_of(s));
  EXPECT_THAT(before, IsEmpty());  // nothing granted yet
  s.subscriber_principal = "arn:aws:iam::" + mesh_ + ":role/AwsDataMesh/DataMeshManager";
  grant(s);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> found, shares_->shares_of(s));
  EXPECT_THAT(found, IsEmpty());
  EXPECT_THAT(owned_shares(), IsEmpty());
}

TEST_F(RamSharesTest, AShareWithoutAnInvitationToTheAccountIsNotFound) {
  const Subscription s = subscription({"orders"});
  grant(s);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> found, shares_->shares_of(s));
  const std::string other = unique_account();
  const AwsSessions sessions("us-east-1", mesh_,
                             {{mesh_, mesh_client_}, {other, moto_account_client(other)}});
  EXPECT_STATUS(RamShares(sessions).accept(other, found), absl::StatusCode::kNotFound,
                "account " + other + " has no invitation to RAM share " + found[0]);
  // The consumer's own invitation was left alone.
  EXPECT_EQ(invitations(), (std::map<std::string, std::string>{{found[0], "PENDING"}}));
}

TEST_F(RamSharesTest, ARejectedInvitationIsAFailedPrecondition) {
  const Subscription s = subscription({"orders"});
  grant(s);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> found, shares_->shares_of(s));
  ASSERT_OK_AND_ASSIGN(const nlohmann::json listed,
                       consumer_client_->call(Service::kRam, "GetResourceShareInvitations"));
  ASSERT_OK(consumer_client_->call(
      Service::kRam, "RejectResourceShareInvitation",
      {{"resourceShareInvitationArn",
        listed["resourceShareInvitations"][0]["resourceShareInvitationArn"]}}));
  EXPECT_STATUS(shares_->accept(consumer_, found), absl::StatusCode::kFailedPrecondition,
                "the invitations of account " + consumer_ + " to RAM share " + found[0] +
                    " are REJECTED");
}

TEST_F(RamSharesTest, AcceptingNeedsTheConsumersSession) {
  const std::string stranger = unique_account();
  EXPECT_STATUS(shares_->accept(stranger, {"arn:aws:ram:us-east-1:" + mesh_ + ":resource-share/x"}),
                absl::StatusCode::kPermissionDenied, "no AWS session for account " + stranger);
  ASSERT_OK(shares_->accept(consumer_, {}));
}

TEST_F(RamSharesTest, FindingSharesNeedsTheMeshSession) {
  const AwsSessions without_mesh("us-east-1", mesh_, {{consumer_, consumer_client_}});
  EXPECT_STATUS(RamShares(without_mesh).shares_of(subscription({"orders"})),
                absl::StatusCode::kPermissionDenied, "no AWS session for account " + mesh_);
}

TEST_F(RamSharesTest, TheOwnerTakesTheConsumerOutOfTheShare) {
  const Subscription s = subscription({"orders"});
  grant(s);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> found, shares_->shares_of(s));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THAT(principals_of(found[0]), ElementsAre(consumer_));
  ASSERT_OK(shares_->disassociate(consumer_, found));
  EXPECT_THAT(principals_of(found[0]), IsEmpty());
  // Again, and a share that does not exist (any more): nobody left to take out.
  ASSERT_OK(shares_->disassociate(consumer_, found));
  ASSERT_OK(shares_->disassociate(
      consumer_, {"arn:aws:ram:us-east-1:" + mesh_ + ":resource-share/gone-long-ago"}));
}

TEST_F(RamSharesTest, AShareHoldsResourcesUntilTheLastGrantThroughItIsRevoked) {
  const Subscription orders = subscription({"orders"});
  const Subscription customers = subscription({"customers"});
  grant(orders);
  grant(customers);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> found, shares_->shares_of(orders));
  ASSERT_EQ(found.size(), 1u);
  // One share for both: revoking one subscription's grants leaves the other's resources.
  ASSERT_OK(grants_->revoke(subscription_grants(orders, mesh_)));
  ASSERT_OK_AND_ASSIGN(bool holds, shares_->holds_resources(found[0]));
  EXPECT_TRUE(holds);
  ASSERT_OK(grants_->revoke(subscription_grants(customers, mesh_)));
  ASSERT_OK_AND_ASSIGN(holds, shares_->holds_resources(found[0]));
  EXPECT_FALSE(holds);
  ASSERT_OK_AND_ASSIGN(holds, shares_->holds_resources("arn:aws:ram:us-east-1:" + mesh_ +
                                                      ":resource-share/gone-long-ago"));
  EXPECT_FALSE(holds);
  EXPECT_STATUS(shares_->holds_resources("not-an-arn"), absl::StatusCode::kInvalidArgument,
                "is not the ARN of a RAM resource share");
}

TEST_F(RamSharesTest, DisassociatingNeedsAShareArnAndItsOwnersSession) {
  EXPECT_STATUS(shares_->disassociate(consumer_, {"not-an-arn"}),
                absl::StatusCode::kInvalidArgument, "\"not-an-arn\" is not the ARN of a RAM");
  EXPECT_STATUS(shares_->disassociate(
                    consumer_, {"arn:aws:glue:us-east-1:" + mesh_ + ":database/sales"}),
                absl::StatusCode::kInvalidArgument, "is not the ARN of a RAM resource share");
  const std::string stranger = unique_account();
  EXPECT_STATUS(shares_->disassociate(
                    consumer_, {"arn:aws:ram:us-east-1:" + stranger + ":resource-share/x"}),
                absl::StatusCode::kPermissionDenied, "no AWS session for account " + stranger);
}

TEST_F(RamSharesTest, AFailedCallIsItsError) {
  const Subscription s = subscription({"orders"});
  grant(s);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> found, shares_->shares_of(s));
  // A session that signs as another account than the one it stands for: RAM refuses the
  // consumer's attempt to take itself out of the mesh's share.
  const AwsSessions mixed_up("us-east-1", mesh_, {{mesh_, consumer_client_}});
  EXPECT_STATUS(RamShares(mixed_up).disassociate(consumer_, found),
                absl::StatusCode::kPermissionDenied,
                "ram DisassociateResourceShare: OperationNotPermittedException");
  // Sessions whose services cannot be reached (nothing listens on port 9).
  datamesh::aws::AwsClient::Options options = moto_options();
  options.environment = moto_environment({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<AwsClient> client, AwsClient::create(options));
  const std::shared_ptr<const AwsClient> unreachable(std::move(client));
  const AwsSessions sessions("us-east-1", mesh_, {{mesh_, unreachable}, {consumer_, unreachable}});
  EXPECT_STATUS(RamShares(sessions).shares_of(s), absl::StatusCode::kUnavailable,
                "lakeformation ListPermissions: ");
  EXPECT_STATUS(RamShares(sessions).accept(consumer_, found), absl::StatusCode::kUnavailable,
                "ram GetResourceShareInvitations: ");
  EXPECT_STATUS(RamShares(sessions).disassociate(consumer_, found),
                absl::StatusCode::kUnavailable, "ram DisassociateResourceShare: ");
}

}  // namespace
}  // namespace datamesh::store::aws
