// The persona AssumeRole chains of reference-original.md §1.2: the producer's two hops and the
// consumer's three, with the original's role ARNs and RoleSessionNames, each hop signed with
// the keys of the one before and renewed with them.
#include "aws/persona_chain.h"

#include <memory>
#include <string>
#include <vector>

#include "credentials_test_support.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using test::AssumeCall;
using test::FakeSts;
using test::ManualTime;

constexpr std::string_view kMesh = "111122223333";
constexpr std::string_view kProducer = "444455556666";
constexpr std::string_view kConsumer = "777788889999";

class PersonaChainTest : public ::testing::Test {
 protected:
  PersonaChainTest() : sts_(time_) {
    sts_.add_identity("AKIAPRODUCERUSER",
                      CallerIdentity{"AIDAPRODUCERUSER", std::string(kProducer), "arn:user"});
    sts_.add_identity("AKIACONSUMERUSER",
                      CallerIdentity{"AIDACONSUMERUSER", std::string(kConsumer), "arn:user"});
  }
  PersonaChainCalls calls() {
    return PersonaChainCalls{sts_.assume_role(), sts_.get_caller_identity(), time_.source(), {}};
  }
  static std::shared_ptr<CredentialsProvider> caller(std::string access_key_id) {
    return std::make_shared<StaticCredentialsProvider>(
        SigningKey{std::move(access_key_id), "user-secret", ""});
  }

  ManualTime time_;
  FakeSts sts_;
};

TEST_F(PersonaChainTest, ProducerAssumesItsRoleThenTheMeshRole) {
  ASSERT_OK_AND_ASSIGN(const ProducerSessions sessions,
                       producer_chain(caller("AKIAPRODUCERUSER"), kMesh, calls()));
  EXPECT_EQ(sessions.producer_account, kProducer);
  EXPECT_TRUE(sts_.calls().empty());
  ASSERT_OK_AND_ASSIGN(const SigningKey mesh, sessions.mesh->signing_key());
  ASSERT_OK_AND_ASSIGN(const SigningKey producer, sessions.producer->signing_key());

  const std::vector<AssumeCall> calls = sts_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].role_arn, "arn:aws:iam::444455556666:role/AwsDataMesh/DataMeshProducer");
  EXPECT_EQ(calls[0].source_access_key_id, "AKIAPRODUCERUSER");
  EXPECT_EQ(calls[0].session_name, "AIDAPRODUCERUSER-444455556666-2026-12-05");
  EXPECT_EQ(calls[1].role_arn,
            "arn:aws:iam::111122223333:role/AwsDataMesh/DataMeshAdminProducer-444455556666");
  EXPECT_EQ(calls[1].source_access_key_id, producer.access_key_id);
  // The first hop's caller is the assumed role AROA1:<its session>; ':' removed, cut to 64.
  EXPECT_EQ(calls[1].session_name,
            "AROA1AIDAPRODUCERUSER-444455556666-2026-12-05-444455556666-2026-");
  EXPECT_EQ(calls[1].session_name.size(), 64u);
  EXPECT_EQ(mesh.access_key_id, "ASIA2");
  // GetCallerIdentity: once for the caller (reused to name the first hop), once for hop 1.
  EXPECT_EQ(sts_.identity_calls(), 2);
}

TEST_F(PersonaChainTest, ConsumerAssumesThreeRolesEachFromThePrevious) {
  ASSERT_OK_AND_ASSIGN(const ConsumerSessions sessions,
                       consumer_chain(caller("AKIACONSUMERUSER"), kMesh, calls()));
  EXPECT_EQ(sessions.consumer_account, kConsumer);
  ASSERT_OK_AND_ASSIGN(const SigningKey read_only, sessions.mesh_read_only->signing_key());
  EXPECT_EQ(read_only.access_key_id, "ASIA3");

  const std::vector<AssumeCall> calls = sts_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].role_arn, "arn:aws:iam::777788889999:role/AwsDataMesh/DataMeshConsumer");
  EXPECT_EQ(calls[0].source_access_key_id, "AKIACONSUMERUSER");
  EXPECT_EQ(calls[0].session_name, "AIDACONSUMERUSER-777788889999-2026-12-05");
  EXPECT_EQ(calls[1].role_arn,
            "arn:aws:iam::111122223333:role/AwsDataMesh/DataMeshAdminConsumer-777788889999");
  EXPECT_EQ(calls[1].source_access_key_id, "ASIA1");
  EXPECT_EQ(calls[1].session_name,
            "AROA1AIDACONSUMERUSER-777788889999-2026-12-05-777788889999-2026-");
  EXPECT_EQ(calls[2].role_arn, "arn:aws:iam::111122223333:role/AwsDataMesh/DataMeshAdminReadOnly");
  EXPECT_EQ(calls[2].source_access_key_id, "ASIA2");
  EXPECT_EQ(calls[2].session_name,
            "AROA2AROA1AIDACONSUMERUSER-777788889999-2026-12-05-777788889999-");
  // The tracker's session reuses hop 2's keys: no more AssumeRole.
  ASSERT_OK_AND_ASSIGN(const SigningKey mesh, sessions.mesh->signing_key());
  EXPECT_EQ(mesh.access_key_id, "ASIA2");
  EXPECT_EQ(sts_.calls().size(), 3u);
}

TEST_F(PersonaChainTest, ChainRenewsEachHopWithTheRenewedKeysBeforeIt) {
  ASSERT_OK_AND_ASSIGN(const ProducerSessions sessions,
                       producer_chain(caller("AKIAPRODUCERUSER"), kMesh, calls()));
  ASSERT_OK(sessions.mesh->signing_key());
  time_.advance(std::chrono::hours(24) + std::chrono::minutes(1));  // the next day
  ASSERT_OK_AND_ASSIGN(const SigningKey mesh, sessions.mesh->signing_key());
  const std::vector<AssumeCall> calls = sts_.calls();
  ASSERT_EQ(calls.size(), 4u);
  // The mesh hop renews from the producer hop, which renews first from the caller's keys.
  EXPECT_EQ(calls[2].role_arn, calls[0].role_arn);
  EXPECT_EQ(calls[2].source_access_key_id, "AKIAPRODUCERUSER");
  EXPECT_EQ(calls[2].session_name, "AIDAPRODUCERUSER-444455556666-2026-12-06");
  EXPECT_EQ(calls[3].role_arn, calls[1].role_arn);
  EXPECT_EQ(calls[3].source_access_key_id, "ASIA3");
  EXPECT_EQ(mesh.access_key_id, "ASIA4");
}

TEST_F(PersonaChainTest, UnknownCallerIsRefusedBeforeAnyAssume) {
  EXPECT_STATUS(producer_chain(caller("AKIASTRANGER"), kMesh, calls()),
                absl::StatusCode::kPermissionDenied,
                "GetCallerIdentity of the caller's keys: InvalidClientTokenId");
  EXPECT_TRUE(sts_.calls().empty());
}

TEST_F(PersonaChainTest, DeniedHopNamesItsRole) {
  ASSERT_OK_AND_ASSIGN(const ConsumerSessions sessions,
                       consumer_chain(caller("AKIACONSUMERUSER"), kMesh, calls()));
  ASSERT_OK(sessions.consumer->signing_key());
  sts_.fail_next_assume(absl::PermissionDeniedError("AccessDenied: not authorized"));
  EXPECT_STATUS(sessions.mesh->signing_key(), absl::StatusCode::kPermissionDenied,
                "assuming role arn:aws:iam::111122223333:role/AwsDataMesh/"
                "DataMeshAdminConsumer-777788889999: AccessDenied: not authorized");
}

}  // namespace
}  // namespace datamesh::aws
