#include "store/aws/lake_formation_tags.h"

#include <algorithm>

#include "aws/aws_errors.h"
#include "aws/pagination.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::aws {

using base::cat;
using datamesh::aws::AwsClient;
using datamesh::aws::Service;
using nlohmann::json;

namespace {

std::vector<std::string> strings_of(const json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const json& item : list) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<std::map<std::string, std::vector<std::string>>>> list_lf_tag_keys(
    const AwsClient& lakeformation) {
  absl::StatusOr<json> items = datamesh::aws::all_items(
      [&](const json& request) {
        return lakeformation.call(Service::kLakeFormation, "ListLFTags", request);
      },
      json::object(), datamesh::aws::kNextToken, "LFTags");
  if (items.status().code() == absl::StatusCode::kPermissionDenied) return std::nullopt;
  DATAMESH_RETURN_IF_ERROR(items.status());
  std::map<std::string, std::vector<std::string>> keys;
  for (const json& tag : *items) keys[tag.value("TagKey", "")] = strings_of(tag.value("TagValues", json()));
  return keys;
}

absl::StatusOr<std::optional<std::vector<std::string>>> lf_tag_values(
    const AwsClient& lakeformation, std::string_view key) {
  absl::StatusOr<json> got =
      lakeformation.call(Service::kLakeFormation, "GetLFTag", {{"TagKey", key}});
  if (got.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  DATAMESH_RETURN_IF_ERROR(got.status());
  return strings_of(got->value("TagValues", json()));
}

absl::StatusOr<std::vector<LfTag>> table_lf_tags(const AwsClient& lakeformation,
                                                 std::string_view catalog_id,
                                                 std::string_view database,
                                                 std::string_view table) {
  DATAMESH_ASSIGN_OR_RETURN(
      const json got,
      lakeformation.call(Service::kLakeFormation, "GetResourceLFTags",
                         {{"CatalogId", catalog_id},
                          {"Resource",
                           {{"Table",
                             {{"CatalogId", catalog_id},
                              {"DatabaseName", database},
                              {"Name", table}}}}},
                          {"ShowAssignedLFTags", true}}));
  std::vector<LfTag> tags;
  for (const json& tag : got.value("LFTagsOnTable", json::array())) {
    tags.push_back({tag.value("TagKey", ""), strings_of(tag.value("TagValues", json()))});
  }
  return tags;
}

absl::Status ensure_lf_tag(const AwsClient& lakeformation, const LfTag& tag) {
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<std::vector<std::string>> allowed,
                            lf_tag_values(lakeformation, tag.key));
  if (!allowed) {
    absl::Status created = lakeformation
                               .call(Service::kLakeFormation, "CreateLFTag",
                                     {{"TagKey", tag.key}, {"TagValues", tag.values}})
                               .status();
    // Made meanwhile by another writer: add the values below, as for a key that was there.
    if (created.code() != absl::StatusCode::kAlreadyExists) return created;
    return ensure_lf_tag(lakeformation, tag);
  }
  std::vector<std::string> missing;
  for (const std::string& value : tag.values) {
    if (std::find(allowed->begin(), allowed->end(), value) == allowed->end() &&
        std::find(missing.begin(), missing.end(), value) == missing.end()) {
      missing.push_back(value);
    }
  }
  if (missing.empty()) return absl::OkStatus();
  return lakeformation
      .call(Service::kLakeFormation, "UpdateLFTag",
            {{"TagKey", tag.key}, {"TagValuesToAdd", missing}})
      .status();
}

absl::Status attach_lf_tags(const AwsClient& lakeformation, std::string_view catalog_id,
                            std::string_view database, std::string_view table,
                            const std::vector<LfTag>& tags) {
  if (tags.empty()) return absl::OkStatus();
  json lf_tags = json::array();
  for (const LfTag& tag : tags) {
    lf_tags.push_back({{"TagKey", tag.key}, {"TagValues", tag.values}});
  }
  DATAMESH_ASSIGN_OR_RETURN(
      const json answer,
      lakeformation.call(
          Service::kLakeFormation, "AddLFTagsToResource",
          {{"CatalogId", catalog_id},
           {"Resource",
            {{"Table", {{"CatalogId", catalog_id}, {"DatabaseName", database}, {"Name", table}}}}},
           {"LFTags", std::move(lf_tags)}}));
  for (const json& failure : answer.value("Failures", json::array())) {
    const json error = failure.value("Error", json::object());
    const std::string code = error.value("ErrorCode", "");
    return absl::Status(
        datamesh::aws::status_code_for({.code = code}),
        cat("lakeformation AddLFTagsToResource on table ", database, ".", table, " of catalog ",
            catalog_id, ": tag ", failure.value("LFTag", json::object()).value("TagKey", ""),
            ": ", code, ": ", error.value("ErrorMessage", "")));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::store::aws
