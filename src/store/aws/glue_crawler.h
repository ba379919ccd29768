// The Glue crawler that keeps a data product's table in step with its data in S3, as the
// original library's create_data_products makes it (reference §2.5 step 11 and
// ApiAutomator.create_crawler), without its bugs: named `<mesh database>-<table>` (the original
// passed a (table, link) tuple and got `<db>-('t', 't_link')`), tagged Solution=DataMeshUtils
// (the original's tags were `Key` and `Value`), brought up to date when the product's role or
// schedule change (the original only created it), and made with the documented default
// schedule, every 4 hours, when the product names none.
//
// As in the original, the crawler lives in the producer account (a crawler passes a role of its
// own account, and the producer persona may CreateCrawler), writes to the producer-side database
// of the mesh database's name, crawls the table's S3 location, and, crawling new folders only,
// logs schema changes and deletions (Glue allows incremental crawls with LOG policies only).
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/store.h"
#include "nlohmann/json.hpp"

namespace datamesh::store::aws {

// The schedule of a product that names none: every 4 hours (the original's documents).
inline constexpr char kDefaultCrawlerSchedule[] = "cron(0 */4 * * ? *)";

// "<mesh database>-<table>".
std::string crawler_name(const ProductRow& product, std::string_view table_name);

// The CreateCrawler request of the crawler of `table_name` of `product`, whose data is at
// `s3_path`.
nlohmann::json create_crawler_request(const ProductRow& product, std::string_view table_name,
                                      std::string_view s3_path);

// The UpdateCrawler request that makes an existing crawler what create_crawler_request would
// make (every member but the tags, which UpdateCrawler does not take).
nlohmann::json update_crawler_request(const ProductRow& product, std::string_view table_name,
                                      std::string_view s3_path);

// Whether `crawler` (GetCrawler's Crawler) is already configured as `request` (a CreateCrawler
// or UpdateCrawler request) says.
bool crawler_matches(const nlohmann::json& crawler, const nlohmann::json& request);

}  // namespace datamesh::store::aws
