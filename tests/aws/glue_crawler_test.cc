// The crawler of a product's table (store/aws/glue_crawler.h), without a server: named and
// configured as the original's documents say, without its bugs, and compared with what
// GetCrawler answers on AWS (every kind of target, Exclusions, the role as given).
#include "store/aws/glue_crawler.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::store::aws {
namespace {

using nlohmann::json;

ProductRow crawled_product() {
  return ProductRow{.mesh_database = "sales-111122223333",
                    .producer_account = "111122223333",
                    .source_database = "sales",
                    .sync_schedule = "cron(15 12 * * ? *)",
                    .crawler_role_arn = "arn:aws:iam::111122223333:role/service/Crawler"};
}

TEST(GlueCrawlerTest, TheCrawlerIsNamedAfterTheMeshDatabaseAndTableAndTaggedAsTheOriginalMeant) {
  EXPECT_EQ(create_crawler_request(crawled_product(), "orders", "s3://bucket/orders/"),
            json::parse(R"json({
      "Name": "sales-111122223333-orders",
      "Role": "arn:aws:iam::111122223333:role/service/Crawler",
      "DatabaseName": "sales-111122223333",
      "Description": "S3 Crawler to sync structure of sales-111122223333.orders to Data Mesh",
      "Targets": {"S3Targets": [{"Path": "s3://bucket/orders/"}]},
      "Schedule": "cron(15 12 * * ? *)",
      "SchemaChangePolicy": {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
      "RecrawlPolicy": {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
      "LineageConfiguration": {"CrawlerLineageSettings": "ENABLE"},
      "Tags": {
  "Solution" : "DataMeshUtils"}})json"));
  json update = update_crawler_request(crawled_product(), "orders", "s3://bucket/orders/");
EXPECT_FALSE(update.contains("Tags"));
EXPECT_EQ(update["Name"], "sales-111122223333-orders");
}

TEST(GlueCrawlerTest, AProductWithoutScheduleIsCrawledEveryFourHours) {
  ProductRow product = crawled_product();
  product.sync_schedule.clear();
  EXPECT_EQ(create_crawler_request(product, "orders", "s3://b/o/")["Schedule"],
            "cron(0 */4 * * ? *)");
}

TEST(GlueCrawlerTest, ACrawlerAsAwsAnswersItMatchesItsRequest) {
  const json request = update_crawler_request(crawled_product(), "orders", "s3://bucket/orders/");
  json crawler = json::parse(R"json({
      "Name": "sales-111122223333-orders",
      "Role": "service/Crawler",
      "DatabaseName": "sales-111122223333",
      "Description": "S3 Crawler to sync structure of sales-111122223333.orders to Data Mesh",
      "Targets": {"S3Targets": [{"Path": "s3://bucket/orders/", "Exclusions": []}],
                  "JdbcTargets": [], "MongoDBTargets": [], "DynamoDBTargets": [],
                  "CatalogTargets": [], "DeltaTargets": []},
      "Schedule": {"ScheduleExpression": "cron(15 12 * * ? *)", "State": "SCHEDULED"
}
, "SchemaChangePolicy" : {"UpdateBehavior" : "LOG", "DeleteBehavior" : "LOG"},
                         "RecrawlPolicy" : {"RecrawlBehavior" : "CRAWL_NEW_FOLDERS_ONLY"},
                                           "LineageConfiguration"
    : {"CrawlerLineageSettings" : "ENABLE"},
      "State" : "READY",
                "Version" : 3
})json");
  EXPECT_TRUE(crawler_matches(crawler, request));
crawler["Role"] = request["Role"];
EXPECT_TRUE(crawler_matches(crawler, request));

json other_schedule = crawler;
other_schedule["Schedule"]["ScheduleExpression"] = "cron(0 */4 * * ? *)";
EXPECT_FALSE(crawler_matches(other_schedule, request));
json no_schedule = crawler;
no_schedule.erase("Schedule");
EXPECT_FALSE(crawler_matches(no_schedule, request));
json other_role = crawler;
other_role["Role"] = "Crawler2";
EXPECT_FALSE(crawler_matches(other_role, request));
json other_path = crawler;
other_path["Targets"]["S3Targets"][0]["Path"] = "s3://bucket/moved/";
EXPECT_FALSE(crawler_matches(other_path, request));
json original_policy = crawler;
original_policy["DatabaseName"] = "elsewhere";
EXPECT_FALSE(crawler_matches(original_policy, request));
}

}  // namespace
}  // namespace datamesh::store::aws
