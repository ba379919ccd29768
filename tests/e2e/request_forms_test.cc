// The client classes' request forms, generated from the method declarations
// (src/client/client_methods_main.cc): each takes the method's request struct, runs the same
// method as the documents' positional form and answers the same. One method of each class, a
// write, and a streamed answer.
#include <string>
#include <vector>

#include "datamesh/admin.h"
#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

class RequestFormsTest : public MeshFixture {};

Strings account_ids(const std::vector<Account>& accounts) {
  Strings ids;
  for (const Account& account : accounts) ids.push_back(account.account_id);
  return ids;
}

Strings table_names(const std::vector<Table>& tables) {
  Strings names;
  for (const Table& table : tables) names.push_back(table.input.name);
  return names;
}

TEST_F(RequestFormsTest, AdminAndCatalogReadsAnswerAsThePositionalForms) {
  ASSERT_OK_AND_ASSIGN(const std::vector<Account> positional, admin().list_accounts());
  ASSERT_OK_AND_ASSIGN(const std::vector<Account> by_request,
                       admin().list_accounts(EmptyRequest{}));
  EXPECT_EQ(account_ids(by_request), account_ids(positional));
  EXPECT_THAT(account_ids(by_request), testing::Contains(kProducerAccount));

  ASSERT_OK(create_sales_database());
  ASSERT_OK_AND_ASSIGN(const TablePage tables,
                       catalog(kProducerAccount)
                           .get_tables(GetTablesRequest{.database_name = "sales",
                                                        .expression = "order.*"}));
  EXPECT_EQ(table_names(tables.tables), (Strings{"order_items", "orders"}));
}

TEST_F(RequestFormsTest, ProducerAndConsumerWritesActAsThePositionalForms) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(const AccessRequest requested,
                       consumer().request_access_to_product(RequestAccessToProductRequest{
                           .owner_account_id = kProducerAccount,
                           .database_name = kSalesProduct,
                           .request_permissions = {"SELECT"},
                           .tables = Strings{"orders"}}));
  ASSERT_OK(producer().approve_access_request(ApproveAccessRequestRequest{
      .request_id = requested.subscription_id,
      .options = {.grantable_permissions = Strings{}, .decision_notes = "ok"}}));

  ASSERT_OK_AND_ASSIGN(const Subscription by_request,
                       producer().get_subscription(
                           GetSubscriptionRequest{.request_id = requested.subscription_id}));
  ASSERT_OK_AND_ASSIGN(const Subscription positional,
                       producer().get_subscription(requested.subscription_id));
  EXPECT_EQ(by_request.status, SubscriptionStatus::kActive);
  EXPECT_THAT(by_request.notes, testing::Contains("ok"));
  EXPECT_TRUE(by_request.grantable_grants.empty());
  EXPECT_EQ(by_request.version, positional.version);
  EXPECT_EQ(by_request.permitted_grants, positional.permitted_grants);

  ASSERT_OK(consumer().delete_subscription(DeleteSubscriptionRequest{
      .subscription_id = requested.subscription_id, .reason = "done"}));
  ASSERT_OK_AND_ASSIGN(const Subscription left, subscription(requested.subscription_id));
  EXPECT_EQ(left.status, SubscriptionStatus::kDeleted);
}

TEST_F(RequestFormsTest, AStreamedMethodHasBothRequestForms) {
  ASSERT_OK(publish_sales());
  const GetDataProductRequest request{.database_name = kSalesProduct};
  ASSERT_OK_AND_ASSIGN(const std::vector<DataProductTable> listed,
                       producer().get_data_product(request));
  Strings streamed;
  ASSERT_OK(producer().get_data_product(request, [&streamed](const DataProductTable& table) {
    streamed.push_back(table.table_name);
    return absl::OkStatus();
  }));
  Strings names;
  for (const DataProductTable& table : listed) names.push_back(table.table_name);
  EXPECT_EQ(streamed, names);
  EXPECT_EQ(streamed, (Strings{"order_items", "orders"}));
}

TEST_F(RequestFormsTest, ARequestFormChecksItsCallerAsThePositionalFormDoes) {
  ASSERT_OK(publish_sales());
  // C is no producer, P2 does not own the product.
  EXPECT_STATUS_CODE(
      producer(kConsumerAccount).get_data_product(GetDataProductRequest{.database_name =
                                                                            kSalesProduct}),
      StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(
      producer(kProducer2Account).get_data_product(GetDataProductRequest{.database_name =
                                                                             kSalesProduct}),
      StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(admin_as(kConsumerAccount).list_accounts(EmptyRequest{}),
                     StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace datamesh::test_support
