// get_data_product through `datamesh serve`, the method that streams its answer (api/routes.h
// Route::stream): the body is byte for byte the JSON of the whole answer, written as the engine
// reads the tables; the remote client's callback form reads it as it arrives. The store under
// the server is a FaultStore, so a test can make it fail in the middle of the walk: before the
// first bytes left, the answer is the usual error; after, the answer is cut (no valid JSON, an
// error for the client), never a shorter list.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/embedded_backend.h"
#include "api/json_codec.h"
#include "api/mesh_service.h"
#include "base/text.h"
#include "datamesh/catalog.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "server/served_mesh.h"
#include "support/fault_store.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using test_support::FaultPosition;
using test_support::FaultStore;
using test_support::kMeshAccount;
using test_support::kProducerAccount;

// About 115 bytes of answer per table: 150 KB, more than twice the server's buffer.
constexpr int kTables = 1300;

class StreamedAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string db = (scratch_.path() / "mesh.db").string();
    // The mesh, built in process on the file.
    ASSERT_OK_AND_ASSIGN(keys_,
                         set_up_mesh(cat("sqlite://", db),
                                     {{kProducerAccount, "producer", Role::kProducer}}));
    producer_key_ = keys_.at(kProducerAccount);
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < kTables; ++i) {
      const std::string name = cat("events_", 100000 + i);
      list.push_back({{"Name", name},
                      {"StorageDescriptor",
                       {{"Location", cat("s3://raw-bucket/events/", name, "/")},
                        {"Columns", {{{"Name", "id"}, {"Type", "bigint"}}}}}}});
    }
    DataMeshCatalog catalog(client_options(cat("sqlite://", db), producer_key_));
    ASSERT_OK(catalog.import_tables("raw", nlohmann::json{{"TableList", list}}.dump()).status());
    DataMeshProducer publisher(client_options(cat("sqlite://", db), producer_key_));
    ASSERT_OK_AND_ASSIGN(const DataProduct product, publisher.create_data_products("raw"));
    product_ = product.database_name;

    // The server, on the same file through a FaultStore.
    ASSERT_OK_AND_ASSIGN(ServiceOverFaults over, service_over_faults(db));
    service_ = std::move(over.service);
    faults_ = over.faults;
    ASSERT_OK(server_.start(ServedMeshTest::default_config(), service_));
  }

  // The whole answer as the embedded backend gives it: what the server sent before streaming.
  std::string whole_answer(const std::string& regex) {
    api::EmbeddedBackend embedded(service_);
    auto answer = embedded.call("producer", "get_data_product",
                                {{"database_name", product_}, {"table_name_regex", regex}},
                                producer_key_, kMeshAccount);
    EXPECT_OK(answer);
    return answer.ok() ? api::dump_json(*answer) : "";
  }

  HttpAnswer post_get_data_product(const std::string& regex) {
    auto request = signed_post(
        server_.port(), "/v1/producer/get-data-product",
        nlohmann::json{{"database_name", product_}, {"table_name_regex", regex}}.dump(),
        producer_key_);
    EXPECT_OK(request);
    return request.ok() ? http_send(server_.port(), *request) : HttpAnswer{};
  }

  DataMeshProducer remote_producer() {
    return DataMeshProducer(client_options(server_.endpoint(), producer_key_));
  }

  ScratchDir scratch_;
  std::map<std::string, Credentials> keys_;
  Credentials producer_key_;
  std::string product_;
  FaultStore* faults_ = nullptr;  // owned by service_
  std::shared_ptr<api::MeshService> service_;
  InProcessServer server_;
};

TEST_F(StreamedAnswerTest, TheStreamedBodyIsTheWholeAnswerByteForByte) {
  for (const std::string regex : {".*", "events_1001.*", "nothing"}) {
    SCOPED_TRACE(regex);
    const std::string expected = whole_answer(regex);
    const HttpAnswer answer = post_get_data_product(regex);
    EXPECT_EQ(answer.status, 200) << answer.transport;
    EXPECT_EQ(answer.transport, "");
    EXPECT_EQ(answer.body, expected);
  }
  EXPECT_GT(whole_answer(".*").size(), size_t{2} * (64 << 10));
}

TEST_F(StreamedAnswerTest, TheRemoteCallbackFormGivesTheListsEntriesAsTheyArrive) {
  DataMeshProducer producer = remote_producer();
  ASSERT_OK_AND_ASSIGN(const std::vector<DataProductTable> listed,
                       producer.get_data_product(product_));
  ASSERT_EQ(listed.size(), static_cast<size_t>(kTables));
  std::vector<DataProductTable> given;
  ASSERT_OK(producer.get_data_product(product_, ".*", [&given](const DataProductTable& table) {
    given.push_back(table);
    return absl::OkStatus();
  }));
  ASSERT_EQ(given.size(), listed.size());
  for (size_t i = 0; i < listed.size(); ++i) {
    EXPECT_EQ(given[i].table_name, listed[i].table_name);
    EXPECT_EQ(given[i].location, listed[i].location);
  }
  // The callback's error stops the answer mid-way; the connection is dropped, not read to
  // the end, and the client goes on working.
  int calls = 0;
  EXPECT_STATUS_CODE(producer.get_data_product(product_, ".*",
                                               [&calls](const DataProductTable&) {
                                                 return ++calls == 700
                                                            ? absl::CancelledError("enough")
                                                            : absl::OkStatus();
                                               }),
                     absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 700);
  EXPECT_OK(producer.get_data_product(product_, "events_100001").status());
}

TEST_F(StreamedAnswerTest, AStoreFailureBeforeTheFirstBytesLeftIsAnOrdinaryError) {
  // The 20th store call is a get_table of the walk's first dozen tables: 2 KB written, all
  // still in the server's buffer.
  faults_->arm(FaultPosition::kCall, 20, absl::UnavailableError("injected: the disk is gone"));
  const HttpAnswer answer = post_get_data_product(".*");
  EXPECT_TRUE(is_error_answer(answer, 503, "Unavailable", "injected")) << answer.body;
  EXPECT_EQ(faults_->injected(), 1);
}

TEST_F(StreamedAnswerTest, AStoreFailureMidAnswerCutsItInsteadOfEndingIt) {
  // The 1,000th store call comes after about 110 KB of answer: the head has left.
  faults_->arm(FaultPosition::kCall, 1000, absl::UnavailableError("injected: the disk is gone"));
  const HttpAnswer answer = post_get_data_product(".*");
  EXPECT_EQ(faults_->injected(), 1);
  // libcurl reports the cut transfer (the chunked body never ended), with what came before.
  EXPECT_NE(answer.transport, "") << "the cut answer was received as a whole one";
  EXPECT_GT(answer.body.size(), size_t{64} << 10);
  EXPECT_FALSE(api::parse_json(answer.body).ok());
  EXPECT_TRUE(whole_answer(".*").starts_with(answer.body));

  // The client classes never take a cut answer for a shorter list. The list form reads the
  // whole answer before giving any of it, so it may send the read again: the second answer is
  // whole. The callback form has handed entries on when the answer is cut: an error.
  DataMeshProducer producer = remote_producer();
  faults_->arm(FaultPosition::kCall, 1000, absl::UnavailableError("injected: the disk is gone"));
  ASSERT_OK_AND_ASSIGN(const std::vector<DataProductTable> listed,
                       producer.get_data_product(product_));
  EXPECT_EQ(listed.size(), static_cast<size_t>(kTables));
  EXPECT_EQ(faults_->injected(), 1);
  faults_->arm(FaultPosition::kCall, 1000, absl::UnavailableError("injected: the disk is gone"));
  int given = 0;
  const absl::Status status =
      producer.get_data_product(product_, ".*", [&given](const DataProductTable&) {
        ++given;
        return absl::OkStatus();
      });
  EXPECT_STATUS_CODE(status, absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("cut off"), std::string::npos) << status;
  EXPECT_GT(given, 0);
  EXPECT_LT(given, kTables);
}

}  // namespace
}  // namespace datamesh::server_test
