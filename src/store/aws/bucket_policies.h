// The producer-side S3 bucket-policy statement of the original library
// (ApiAutomator.add_bucket_policy_entry, reference §2.2 and §1.3): in the bucket of a published
// table, the statement with Sid `AwsDataMeshUtilsBucketPolicyStatement-<bucket>` lets the Lake
// Formation service-linked roles of the mesh account (publishing) and of each approved consumer
// account (approval) read the bucket: s3:Get* and s3:List* on the bucket and its objects.
//
// Merged into the bucket's policy without losing its other statements; a principal already
// there is not added again, and an unchanged policy is not written (the original writes it on
// every call). Written with the session of the account that owns the bucket (the producer's).
//
// Pure functions and one stateless step; thread-safe (AwsClient::call is).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "aws/client.h"
#include "nlohmann/json.hpp"

namespace datamesh::store::aws {

// The bucket of an S3 location ("s3://bucket/path/" -> "bucket"); "" when the location is not
// in S3 (s3://, s3a:// or s3n://) or names no bucket.
std::string bucket_of(std::string_view location);

// `policy` (the bucket's policy; null when it has none) with every one of `readers` (IAM ARNs)
// among the AWS principals of the statement `AwsDataMeshUtilsBucketPolicyStatement-<bucket>`,
// the statement appended as the original writes it when missing (Effect Allow, Action s3:Get*
// and s3:List*, Resource the bucket and its objects); a single-string principal or a
// single-object Statement becomes a list. nullopt when nothing changes.
std::optional<nlohmann::json> with_bucket_readers(const nlohmann::json& policy,
                                                  std::string_view bucket,
                                                  const std::vector<std::string>& readers);

// Makes `bucket`'s policy say with_bucket_readers: S3 GetBucketPolicy, then PutBucketPolicy only
// when that changes it. `s3` signs for the bucket's owner. A bucket that does not exist
// (NoSuchBucket) is left alone: there is nothing to read yet (docs/DECISIONS.md). Errors: S3's
// (AccessDenied for a bucket of another account, MalformedPolicy for a reader whose account has
// no Lake Formation service-linked role); FailedPrecondition for a policy that is not JSON.
absl::Status ensure_bucket_readers(const datamesh::aws::AwsClient& s3, std::string_view bucket,
                                   const std::vector<std::string>& readers);

}  // namespace datamesh::store::aws
