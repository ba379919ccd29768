// One store transaction per signed call (server/request_auth.h, server/remembered_keys.h): once
// a key has been read from the store, the next request signed with it that day runs one
// transaction, the method's own, which checks the key and the account first. Counted with a
// FaultStore between the server and the mesh file; a key revoked or an account changed since
// is served as the store holds it now.
#include <memory>
#include <string>

#include "api/mesh_service.h"
#include "base/text.h"
#include "datamesh/admin.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/served_mesh.h"
#include "server/server_harness.h"
#include "support/fault_store.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using test_support::FaultStore;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducerAccount;
using ::testing::HasSubstr;

class RememberedCallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string db = (scratch_.path() / "mesh.db").string();
    ASSERT_OK_AND_ASSIGN(keys_, set_up_mesh(cat("sqlite://", db),
                                            {{kProducerAccount, "producer", Role::kProducer},
                                             {kConsumerAccount, "consumer", Role::kConsumer}}));
    ASSERT_OK_AND_ASSIGN(ServiceOverFaults over, service_over_faults(db));
    service_ = std::move(over.service);
    store_ = over.faults;
    ASSERT_OK(server_.start(ServedMeshTest::default_config(), service_));
    admin_ = std::make_unique<DataMeshAdmin>(
        client_options(server_.endpoint(), keys_.at(kMeshAccount)));
  }

  // A signed POST of `body` to `path` as `key`; the store transactions it ran are counted from
  // zero.
  HttpAnswer post(const std::string& path, const std::string& body, const Credentials& key) {
    auto request = signed_post(server_.port(), path, body, key);
    EXPECT_OK(request);
    if (!request.ok()) return {};
    store_->disarm();
    return http_send(server_.port(), *request);
  }

  HttpAnswer list_product_access(const Credentials& key) {
    return post("/v1/consumer/list-product-access", "{}", key);
  }

  // datamesh_signed_callers_total{source="<source>"} as /metrics gives it.
  std::string callers(const std::string& source) {
    const std::string text = http_get(server_.port(), "/metrics").body;
    const std::string name = cat("datamesh_signed_callers_total{source=\"", source, "\"} ");
    const size_t at = text.find(name);
    if (at == std::string::npos) return "missing";
    return text.substr(at + name.size(), text.find('\n', at) - at - name.size());
  }

  Credentials extra_key(const std::string& account) {
    auto created = admin_->create_access_key(account);
    EXPECT_OK(created);
    return created.ok() ? testkit::credentials_of(*created) : Credentials{};
  }

  ScratchDir scratch_;
  std::map<std::string, Credentials> keys_;
  FaultStore* store_ = nullptr;  // owned by service_
  std::shared_ptr<api::MeshService> service_;
  InProcessServer server_;
  std::unique_ptr<DataMeshAdmin> admin_;
};

TEST_F(RememberedCallerTest, ARememberedKeysReadRunsOneTransaction) {
  const Credentials key = extra_key(kConsumerAccount);
  ASSERT_EQ(list_product_access(key).status, 200);
  EXPECT_EQ(store_->counts().begins, 2);  // the key, then the method
  for (int i = 0; i < 3; ++i) {
    const HttpAnswer answer = list_product_access(key);
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(store_->counts().begins, 1);
    EXPECT_EQ(store_->counts().write_begins, 0);
  }
  EXPECT_EQ(callers("remembered"), "3");
  EXPECT_EQ(callers("stale"), "0");
}

TEST_F(RememberedCallerTest, ARememberedKeysWriteRunsOneWriteTransaction) {
  const Credentials& producer = keys_.at(kProducerAccount);
  ASSERT_EQ(post("/v1/catalog/get-databases", "{}", producer).status, 200);
  const HttpAnswer created = post("/v1/catalog/create-database",
                                  R"({"database_input": {"Name": "landing"}})", producer);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(store_->counts().begins, 1);
  EXPECT_EQ(store_->counts().write_begins, 1);
}

TEST_F(RememberedCallerTest, ARevokedRememberedKeyIsRefusedAndItsWriteDoesNothing) {
  const Credentials key = extra_key(kProducerAccount);
  ASSERT_EQ(post("/v1/catalog/get-databases", "{}", key).status, 200);
  ASSERT_OK(admin_->revoke_access_key(key.access_key_id));
  const HttpAnswer refused = post("/v1/catalog/create-database",
                                  R"({"database_input": {"Name": "landing"}})", key);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("is unknown, revoked"));
  EXPECT_EQ(callers("stale"), "1");
  const HttpAnswer databases =
      post("/v1/catalog/get-databases", "{}", keys_.at(kProducerAccount));
  ASSERT_EQ(databases.status, 200);
  EXPECT_THAT(databases.body, ::testing::Not(HasSubstr("landing")));
  // Forgotten: the next request reads the key, and is refused without a stale round.
  EXPECT_EQ(list_product_access(key).status, 401);
  EXPECT_EQ(store_->counts().begins, 1);
  EXPECT_EQ(callers("stale"), "1");
}

TEST_F(RememberedCallerTest, ARevokedRememberedKeyWithAMalformedBodyIsRefusedAsRevoked) {
  const Credentials key = extra_key(kConsumerAccount);
  ASSERT_EQ(list_product_access(key).status, 200);
  // Well signed, not JSON: refused before the method's transaction, after the key is read.
  HttpAnswer malformed = post("/v1/consumer/list-product-access", "{not json", key);
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  ASSERT_OK(admin_->revoke_access_key(key.access_key_id));
  malformed = post("/v1/consumer/list-product-access", "{not json", key);
  EXPECT_EQ(malformed.status, 401) << malformed.body;
  EXPECT_THAT(malformed.body, HasSubstr("is unknown, revoked"));
}

TEST_F(RememberedCallerTest, AnAccountChangedSinceItsKeyWasRememberedIsServedAsItIsNow) {
  const Credentials& consumer = keys_.at(kConsumerAccount);
  ASSERT_EQ(list_product_access(consumer).status, 200);
  // Remembered as a consumer only; then enabled as a producer.
  ASSERT_OK(admin_->enable_account_as_producer(kConsumerAccount));
  const HttpAnswer initialized = post("/v1/admin/initialize-producer-account", "{}", consumer);
  EXPECT_EQ(initialized.status, 200) << initialized.body;
  EXPECT_EQ(callers("stale"), "1");
  // Remembered again as read before the initialization, which changed the account once more:
  // the next call finds it stale too, and remembers it as it is now.
  HttpAnswer pending = post("/v1/producer/list-pending-access-requests", "{}", consumer);
  EXPECT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(callers("stale"), "2");
  pending = post("/v1/producer/list-pending-access-requests", "{}", consumer);
  EXPECT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(store_->counts().begins, 1);
  EXPECT_EQ(callers("stale"), "2");
}

TEST_F(RememberedCallerTest, ARefusalByTheRememberedAccountIsConfirmedFirst) {
  const Credentials& consumer = keys_.at(kConsumerAccount);
  ASSERT_EQ(list_product_access(consumer).status, 200);
  // A consumer asking as a producer: refused from the account before any transaction of the
  // method, then confirmed in one of its own.
  const HttpAnswer refused = post("/v1/producer/list-pending-access-requests", "{}", consumer);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(store_->counts().begins, 1);
  EXPECT_EQ(callers("stale"), "0");
}

}  // namespace
}  // namespace datamesh::server_test
