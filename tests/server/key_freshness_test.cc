// Two servers on one mesh file stand for replicas sharing a store. Each remembers derived
// signing keys (server/request_auth.h); neither may serve a key that was revoked or rotated
// away, on any replica, from the very next request on.
#include <string>

#include "base/text.h"
#include "datamesh/admin.h"
#include "gtest/gtest.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {
namespace {

using test_support::kConsumerAccount;
using test_support::kMeshAccount;

constexpr char kListPath[] = "/v1/consumer/list-product-access";

class KeyFreshnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerConfig config;
    config.host = "127.0.0.1";
    config.port = 0;
    config.region = kRegion;
    config.allow_initialize = true;
    config.keep_alive_seconds = 1;
    config.access_log = false;
    ASSERT_OK(first_.start(config, scratch_.path() / "mesh.db"));
    ASSERT_OK(second_.start(config, scratch_.path() / "mesh.db"));
    ASSERT_OK_AND_ASSIGN(keys_, set_up_mesh(first_.endpoint(),
                                            {{kConsumerAccount, "consumer", Role::kConsumer}}));
    admin_ =
        std::make_unique<DataMeshAdmin>(client_options(first_.endpoint(), keys_[kMeshAccount]));
  }

  void TearDown() override {
    admin_.reset();
    EXPECT_OK(first_.stop());
    EXPECT_OK(second_.stop());
  }

  // A signed read as `key` on `server`: its HTTP status (401 when refused).
  long list_as(InProcessServer& server, const Credentials& key) {
    auto request = signed_post(server.port(), kListPath, "{}", key);
    EXPECT_OK(request);
    if (!request.ok()) return 0;
    const HttpAnswer answer = http_send(server.port(), *request);
    if (answer.status != 200) {
      EXPECT_TRUE(is_error_answer(answer, 401, "Unauthenticated", "is unknown, revoked"))
          << answer.body;
    }
    return answer.status;
  }

  Credentials extra_key() {
    auto created = admin_->create_access_key(kConsumerAccount);
    EXPECT_OK(created);
    return created.ok() ? testkit::credentials_of(*created) : Credentials{};
  }

  ScratchDir scratch_;
  InProcessServer first_, second_;
  std::map<std::string, Credentials> keys_;
  std::unique_ptr<DataMeshAdmin> admin_;
};

TEST_F(KeyFreshnessTest, RevokedKeyIsRefusedOnTheNextRequestByEveryReplica) {
  const Credentials key = extra_key();
  // Both replicas have used the key: each holds its derived signing key.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(list_as(first_, key), 200);
    ASSERT_EQ(list_as(second_, key), 200);
  }
  ASSERT_OK(admin_->revoke_access_key(key.access_key_id));  // through the first replica
  EXPECT_EQ(list_as(second_, key), 401);
  EXPECT_EQ(list_as(first_, key), 401);
  // The account's other key is untouched.
  EXPECT_EQ(list_as(second_, keys_[kConsumerAccount]), 200);
  EXPECT_EQ(list_as(first_, keys_[kConsumerAccount]), 200);
}

TEST_F(KeyFreshnessTest, RotatedKeyIsRefusedEverywhereAndItsSuccessorAccepted) {
  const Credentials old_key = extra_key();
  ASSERT_EQ(list_as(first_, old_key), 200);
  ASSERT_EQ(list_as(second_, old_key), 200);
  DataMeshAdmin admin_on_second(client_options(second_.endpoint(), keys_[kMeshAccount]));
  ASSERT_OK_AND_ASSIGN(const AccountCredentials rotated,
                       admin_on_second.rotate_access_key(old_key.access_key_id));
  const Credentials new_key{.account_id = kConsumerAccount,
                            .access_key_id = rotated.access_key_id,
                            .secret_access_key = rotated.secret_access_key};
  EXPECT_EQ(list_as(first_, old_key), 401);
  EXPECT_EQ(list_as(second_, old_key), 401);
  EXPECT_EQ(list_as(first_, new_key), 200);
  EXPECT_EQ(list_as(second_, new_key), 200);
}

TEST_F(KeyFreshnessTest, WrongSecretForAKeyInUseIsRefused) {
  const Credentials key = extra_key();
  ASSERT_EQ(list_as(first_, key), 200);
  Credentials wrong = key;
  wrong.secret_access_key = "WrongSecretWrongSecretWrongSecretWrong00";
  EXPECT_EQ(list_as(first_, wrong), 401);
  EXPECT_EQ(list_as(first_, key), 200);
}

}  // namespace
}  // namespace datamesh::server_test
