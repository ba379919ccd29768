// The callback form of get_data_product (datamesh/each.h): the same entries as the list form,
// handed out one at a time, in every mode the suite runs in (embedded, and through a server,
// where an answer past the server's 64 KiB buffer leaves in chunks and is read as it arrives).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "datamesh/catalog.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;

using StreamedAnswerTest = MeshFixture;

std::vector<DataProductTable> each_of(DataMeshProducer& producer, const std::string& database,
                                      const std::string& regex, absl::Status& status) {
  std::vector<DataProductTable> given;
  status = producer.get_data_product(database, regex, [&given](const DataProductTable& table) {
    given.push_back(table);
    return absl::OkStatus();
  });
  return given;
}

void expect_same(const std::vector<DataProductTable>& given,
                 const std::vector<DataProductTable>& listed) {
  ASSERT_EQ(given.size(), listed.size());
  for (size_t i = 0; i < listed.size(); ++i) {
    EXPECT_EQ(given[i].database_name, listed[i].database_name);
    EXPECT_EQ(given[i].table_name, listed[i].table_name);
    EXPECT_EQ(given[i].location, listed[i].location);
  }
}

TEST_F(StreamedAnswerTest, GetDataProductEachGivesTheEntriesOfTheList) {
  ASSERT_OK(publish_sales({}));
  for (const std::string regex : {".*", "order.*", "refunds", "nothing"}) {
    SCOPED_TRACE(regex);
    ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> listed,
                         producer().get_data_product(kSalesDatabase, regex));
    absl::Status status;
    const std::vector<DataProductTable> given =
        each_of(producer(), kSalesDatabase, regex, status);
    ASSERT_OK(status);
    expect_same(given, listed);
  }
}

// 700 tables: about 80 KB of answer, more than the server's 64 KiB buffer.
TEST_F(StreamedAnswerTest, GetDataProductEachGivesEveryEntryOfALargeAnswer) {
  constexpr int kTables = 700;
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < kTables; ++i) {
    const std::string name = "events_" + std::to_string(100000 + i);
    list.push_back({{"Name", name},
                    {"StorageDescriptor",
                     {{"Location", "s3://raw-bucket/events/" + name + "/"},
                      {"Columns", {{{"Name", "id"}, {"Type", "bigint"}}}}}}});
  }
  ASSERT_OK(catalog(kProducerAccount)
                .import_tables("raw", nlohmann::json{{"TableList", list}}.dump())
                .status());
  ASSERT_OK_AND_ASSIGN(DataProduct product, producer().create_data_products("raw"));
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> listed,
                       producer().get_data_product(product.database_name));
  ASSERT_EQ(listed.size(), static_cast<size_t>(kTables));
  absl::Status status;
  const std::vector<DataProductTable> given =
      each_of(producer(), product.database_name, ".*", status);
  ASSERT_OK(status);
  expect_same(given, listed);
}

TEST_F(StreamedAnswerTest, GetDataProductEachStopsAtTheCallbacksError) {
  ASSERT_OK(publish_sales({}));
  int calls = 0;
  const absl::Status status = producer().get_data_product(
      kSalesProduct, ".*", [&calls](const DataProductTable&) {
        ++calls;
        return absl::CancelledError("enough");
      });
  EXPECT_STATUS_CODE(status, StatusCode::kCancelled);
  EXPECT_EQ(status.message(), "enough");
  EXPECT_EQ(calls, 1);
}

TEST_F(StreamedAnswerTest, GetDataProductEachFailsBeforeAnyEntryAsTheListFormDoes) {
  ASSERT_OK(publish_sales({}));
  int calls = 0;
  const auto count = [&calls](const DataProductTable&) {
    ++calls;
    return absl::OkStatus();
  };
  EXPECT_STATUS_CODE(producer().get_data_product("nothing", ".*", count), StatusCode::kNotFound);
  EXPECT_STATUS_CODE(producer().get_data_product(kSalesProduct, "(orders", count),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(producer(kProducer2Account).get_data_product(kSalesProduct, ".*", count),
                     StatusCode::kPermissionDenied);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace datamesh::test_support
