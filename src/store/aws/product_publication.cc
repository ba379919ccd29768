#include "store/aws/product_publication.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "aws/mesh_names.h"
#include "base/status_macros.h"
#include "store/aws/bucket_policies.h"
#include "store/aws/lake_formation_tags.h"

namespace datamesh::store::aws {

using datamesh::aws::AwsClient;
using datamesh::aws::Service;
namespace names = datamesh::aws::names;

namespace {

// RegisterResource of each distinct S3 location of `tables`, then DATA_LOCATION_ACCESS on them
// for the producer's mesh role.
absl::Status register_locations(const AwsParts& parts, const ProductRow& product,
                                const std::vector<PublishedTable>& tables) {
  std::vector<std::string> arns;
  for (const PublishedTable& table : tables) {
    if (bucket_of(table.location).empty()) continue;
    std::string arn = names::s3_arn(table.location);
    if (std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(std::move(arn));
  }
  if (arns.empty()) return absl::OkStatus();
  const std::string& mesh = parts.sessions.mesh_account();
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* lakeformation, parts.sessions.mesh());
  for (const std::string& arn : arns) {
    const absl::Status registered =
        lakeformation
            ->call(Service::kLakeFormation, "RegisterResource",
                   {{"ResourceArn", arn}, {"UseServiceLinkedRole", true}})
            .status();
    if (!registered.ok() && registered.code() != absl::StatusCode::kAlreadyExists) {
      return registered;
    }
  }
  return parts.grants.grant_data_locations(
      mesh, names::role_arn(mesh, names::mesh_producer_role(product.producer_account)), arns);
}

// The tags of each mesh table: the producer table's, then the product's Domain and DataProduct
// (which win over a producer tag of the same key, as the original attaches them last).
absl::Status tag_tables(const AwsParts& parts, const ProductRow& product,
                        const std::vector<PublishedTable>& tables) {
  std::vector<LfTag> product_tags;
  if (!product.domain.empty()) {
    product_tags.push_back({std::string(names::kDomainTagKey), {product.domain}});
  }
  if (!product.data_product_name.empty()) {
    product_tags.push_back({std::string(names::kDataProductTagKey), {product.data_product_name}});
  }
  std::map<std::string, std::vector<LfTag>> tags_of;  // by table
  std::map<std::string, std::vector<std::string>> allowed;  // what each key must allow in M
  const auto allow = [&](const std::string& key, const std::vector<std::string>& values) {
    std::vector<std::string>& into = allowed[key];
    for (const std::string& value : values) {
      if (std::find(into.begin(), into.end(), value) == into.end()) into.push_back(value);
    }
  };
  if (parts.sessions.has(product.producer_account)) {
    DATAMESH_ASSIGN_OR_RETURN(const AwsClient* producer,
                              parts.sessions.client(product.producer_account));
    // One listing tells whether the producer uses LF tags at all (most do not); without the
    // right to list, each table is asked.
    DATAMESH_ASSIGN_OR_RETURN(auto producer_keys, list_lf_tag_keys(*producer));
    if (!producer_keys || !producer_keys->empty()) {
      for (const PublishedTable& table : tables) {
        DATAMESH_ASSIGN_OR_RETURN(
            std::vector<LfTag> tags,
            table_lf_tags(*producer, product.producer_account, product.source_database,
                          table.name));
        for (const LfTag& tag : tags) {
          std::optional<std::vector<std::string>> values;
          if (producer_keys) {
            const auto found = producer_keys->find(tag.key);
            if (found != producer_keys->end()) values = found->second;
          } else if (!allowed.contains(tag.key)) {
            DATAMESH_ASSIGN_OR_RETURN(values, lf_tag_values(*producer, tag.key));
          }
          if (values) allow(tag.key, *values);
          allow(tag.key, tag.values);
        }
        tags_of[table.name] = std::move(tags);
      }
    }
  }
  for (const LfTag& tag : product_tags) allow(tag.key, tag.values);
  if (allowed.empty()) return absl::OkStatus();
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* lakeformation, parts.sessions.mesh());
  for (const auto& [key, values] : allowed) {
    DATAMESH_RETURN_IF_ERROR(ensure_lf_tag(*lakeformation, {key, values}));
  }
  for (const PublishedTable& table : tables) {
    std::vector<LfTag> tags = tags_of[table.name];
    for (const LfTag& tag : product_tags) {
      std::erase_if(tags, [&](const LfTag& other) { return other.key == tag.key; });
      tags.push_back(tag);
    }
    DATAMESH_RETURN_IF_ERROR(attach_lf_tags(*lakeformation, parts.sessions.mesh_account(),
                                            product.mesh_database, table.name, tags));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status publish_tables(const AwsParts& parts, const ProductRow& product,
                            const std::vector<PublishedTable>& tables) {
  if (tables.empty()) return absl::OkStatus();
  DATAMESH_RETURN_IF_ERROR(register_locations(parts, product, tables));
  DATAMESH_RETURN_IF_ERROR(tag_tables(parts, product, tables));
  if (product.crawler_role_arn.empty() || !parts.sessions.has(product.producer_account)) {
    return absl::OkStatus();
  }
  std::vector<GlueCatalog::CrawledTable> crawled;
  for (const PublishedTable& table : tables) {
    if (!bucket_of(table.location).empty()) crawled.push_back({table.name, table.location});
  }
  return parts.glue.ensure_crawlers(product, crawled);
}

absl::Status let_read_buckets(const AwsParts& parts, const std::vector<BucketReader>& readers) {
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_bucket;
  for (const BucketReader& reader : readers) {
    if (reader.bucket.empty() || !parts.sessions.has(reader.owner_account)) continue;
    std::vector<std::string>& roles = by_bucket[{reader.owner_account, reader.bucket}];
    std::string role = names::lake_formation_service_linked_role_arn(reader.reader_account);
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(std::move(role));
  }
  for (const auto& [where, roles] : by_bucket) {
    DATAMESH_ASSIGN_OR_RETURN(const AwsClient* s3, parts.sessions.client(where.first));
    DATAMESH_RETURN_IF_ERROR(ensure_bucket_readers(*s3, where.second, roles));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::store::aws
