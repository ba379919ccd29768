#include "store/aws/glue_crawler.h"

#include "base/text.h"

namespace datamesh::store::aws {

using base::cat;
using nlohmann::json;

std::string crawler_name(const ProductRow& product, std::string_view table_name) {
  return cat(product.mesh_database, "-", table_name);
}

json update_crawler_request(const ProductRow& product, std::string_view table_name,
                            std::string_view s3_path) {
  return {
      {"Name", crawler_name(product, table_name)},
      {"Role", product.crawler_role_arn},
      {"DatabaseName", product.mesh_database},
      {"Description", cat("S3 Crawler to sync structure of ", product.mesh_database, ".",
                          table_name, " to Data Mesh")},
      {"Targets", {{"S3Targets", json::array({{{"Path", s3_path}}})}}},
      {"Schedule", product.sync_schedule.empty() ? std::string(kDefaultCrawlerSchedule)
                                                 : product.sync_schedule},
      {"SchemaChangePolicy", {{"UpdateBehavior", "LOG"}, {"DeleteBehavior", "LOG"}}},
      {"RecrawlPolicy", {{"RecrawlBehavior", "CRAWL_NEW_FOLDERS_ONLY"}}},
      {"LineageConfiguration", {{"CrawlerLineageSettings", "ENABLE"}}},
  };
}

json create_crawler_request(const ProductRow& product, std::string_view table_name,
                            std::string_view s3_path) {
  json request = update_crawler_request(product, table_name, s3_path);
  request["Tags"] = {{"Solution", "DataMeshUtils"}};
  return request;
}

namespace {

// The S3 paths a crawler's Targets (or a request's) crawl. GetCrawler answers every kind of
// target, empty lists included, and each S3 target with its Exclusions: only the paths count.
json s3_paths(const json& targets) {
  json paths = json::array();
  if (!targets.is_object()) return paths;
  for (const json& target : targets.value("S3Targets", json::array())) {
    paths.push_back(target.value("Path", ""));
  }
  return paths;
}

// GetCrawler names the role as it was given: by ARN, or by name (with its path) for a role
// given so.
bool same_role(const std::string& answered, const std::string& requested) {
  return answered == requested || (!answered.empty() && requested.ends_with(cat("/", answered)));
}

}  // namespace

bool crawler_matches(const json& crawler, const json& request) {
  const auto member = [](const json& object, const json::json_pointer& pointer) {
    return object.contains(pointer) ? object.at(pointer) : json();
  };
  for (const char* pointer :
       {"/DatabaseName", "/Description", "/SchemaChangePolicy/UpdateBehavior",
        "/SchemaChangePolicy/DeleteBehavior", "/RecrawlPolicy/RecrawlBehavior",
        "/LineageConfiguration/CrawlerLineageSettings"}) {
    const json::json_pointer at(pointer);
    if (member(crawler, at) != member(request, at)) return false;
  }
  return same_role(crawler.value("Role", ""), request.value("Role", "")) &&
         member(crawler, json::json_pointer("/Schedule/ScheduleExpression")) ==
             request.value("Schedule", json()) &&
         s3_paths(crawler.value("Targets", json())) == s3_paths(request.value("Targets", json()));
}

}  // namespace datamesh::store::aws
