// What publishing a data product makes on AWS beside the Glue copies and the grants, as the
// original's create_data_products makes it for each table (reference §2.5 step 11) and its
// approve_access_request for each consumer (§2.5 step 7.4):
//   - Lake Formation in the mesh account: the table's S3 location registered with the
//     service-linked role (RegisterResource, UseServiceLinkedRole; one call per distinct
//     location), DATA_LOCATION_ACCESS on it for the producer's mesh role
//     DataMeshAdminProducer-<P> (one batch for every location);
//   - the LF tags of the mesh table (lake_formation_tags.h): copies of the producer table's
//     tags, then `Domain` and `DataProduct` when the product names them;
//   - in the producer account, the Glue crawler of each table when the product has a crawler
//     role (GlueCatalog::ensure_crawlers);
//   - in the producer's buckets, the statement AwsDataMeshUtilsBucketPolicyStatement-<bucket>
//     letting the Lake Formation service-linked role of the mesh (publishing) and of each
//     approved consumer (approval) read the bucket (bucket_policies.h): one read, and at most one
//     write, per bucket per commit.
// Every step is idempotent: the AWS store's commit (aws_commit.h) runs them after the Glue
// copies and before the subscriptions' grants, and again from the start after a failure.
//
// Steps on the producer account need its session: a process without one (another persona
// finishing a plan left in the writer lock) leaves them out. Thread-safe (stateless).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/store.h"
#include "store/aws/aws_parts.h"

namespace datamesh::store::aws {

// A mesh table of a product and the S3 location of its data ("" when it has none).
struct PublishedTable {
  std::string name;
  std::string location;
};

// The Lake Formation registration and grant, the LF tags and the crawlers of `tables` of
// `product` (all in the mesh database `product.mesh_database`). Errors: the AWS calls'.
absl::Status publish_tables(const AwsParts& parts, const ProductRow& product,
                            const std::vector<PublishedTable>& tables);

// An account whose Lake Formation service-linked role must read a bucket of another account.
struct BucketReader {
  std::string owner_account;   // the bucket's (the producer's)
  std::string bucket;
  std::string reader_account;  // the mesh, or an approved consumer

  bool operator==(const BucketReader&) const = default;
};

// The bucket-policy statements `readers` ask for, one GetBucketPolicy and at most one
// PutBucketPolicy per bucket, with the session of its owner (left out without one).
absl::Status let_read_buckets(const AwsParts& parts, const std::vector<BucketReader>& readers);

}  // namespace datamesh::store::aws
