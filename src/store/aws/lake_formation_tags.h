// The Lake Formation tags of mesh tables, as the original's create_data_products attaches them
// (reference §2.5 step 11.7-11.9, ApiAutomator._validate_tag and attach_tag): `Domain` and
// `DataProduct` when the product names a domain or a product name, and a copy of each LF tag
// the producer's source table carries. A tag key is made in the mesh account when missing, with
// the values the producer's key allows (CreateLFTag), and given the values it lacks
// (UpdateLFTag); then the tags are attached to the mesh table (AddLFTagsToResource).
//
// Every step reads first and writes only what is missing, so it can run again after a failure.
// Errors are the AWS client's (aws_errors.h); a tag Lake Formation refuses to attach is the
// canonical code of its error, naming the tag and the table.
//
// Stateless functions; thread-safe (AwsClient::call is).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "aws/client.h"

namespace datamesh::store::aws {

// A tag key with values: the values assigned to a resource, or the values a key allows.
struct LfTag {
  std::string key;
  std::vector<std::string> values;
};

// The LF tag keys of the client's account and the values each allows (ListLFTags, every page).
// nullopt when the caller may not list them (the producer policy the original library writes
// allows GetResourceLFTags and GetLFTag only): the caller then reads each table's tags.
absl::StatusOr<std::optional<std::map<std::string, std::vector<std::string>>>> list_lf_tag_keys(
    const datamesh::aws::AwsClient& lakeformation);

// The values the key allows in the client's account (GetLFTag); nullopt when there is no such
// key.
absl::StatusOr<std::optional<std::vector<std::string>>> lf_tag_values(
    const datamesh::aws::AwsClient& lakeformation, std::string_view key);

// The LF tags assigned to table catalog_id.database.table itself (GetResourceLFTags,
// LFTagsOnTable; the database's and columns' tags are not the table's).
absl::StatusOr<std::vector<LfTag>> table_lf_tags(const datamesh::aws::AwsClient& lakeformation,
                                                 std::string_view catalog_id,
                                                 std::string_view database,
                                                 std::string_view table);

// The key `tag.key` in the client's account allowing every value of `tag.values`: CreateLFTag
// when missing, UpdateLFTag with the values it lacks, nothing when it allows them all.
absl::Status ensure_lf_tag(const datamesh::aws::AwsClient& lakeformation, const LfTag& tag);

// AddLFTagsToResource of `tags` (each key with one value) on table catalog_id.database.table.
// The keys must allow the values (ensure_lf_tag first).
absl::Status attach_lf_tags(const datamesh::aws::AwsClient& lakeformation,
                            std::string_view catalog_id, std::string_view database,
                            std::string_view table, const std::vector<LfTag>& tags);

}  // namespace datamesh::store::aws
