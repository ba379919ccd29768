#include "store/aws/bucket_policies.h"

#include <algorithm>

#include "aws/aws_errors.h"
#include "aws/mesh_names.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::aws {

using base::cat;
using datamesh::aws::Service;
using nlohmann::json;
namespace names = datamesh::aws::names;

std::string bucket_of(std::string_view location) {
  for (std::string_view scheme : {"s3://", "s3a://", "s3n://"}) {
    if (!location.starts_with(scheme)) continue;
    location.remove_prefix(scheme.size());
    return std::string(location.substr(0, location.find('/')));
  }
  return "";
}

std::optional<json> with_bucket_readers(const json& policy, std::string_view bucket,
                                        const std::vector<std::string>& readers) {
  const std::string sid = names::bucket_policy_sid(bucket);
  json updated = policy.is_object() ? policy : json{{"Version", "2012-10-17"}};
  json& statements = updated["Statement"];
  if (statements.is_object()) statements = json::array({statements});
  if (!statements.is_array()) statements = json::array();
  auto ours = std::find_if(statements.begin(), statements.end(), [&](const json& statement) {
    return statement.is_object() && statement.value("Sid", "") == sid;
  });
  bool changed = false;
  if (ours == statements.end()) {
    statements.push_back({{"Sid", sid},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", json::array()}}},
                          {"Action", {"s3:Get*", "s3:List*"}},
                          {"Resource", {cat("arn:aws:s3:::", bucket), cat("arn:aws:s3:::", bucket, "/*")}}});
    ours = std::prev(statements.end());
    changed = true;
  }
  json& principal = (*ours)["Principal"];
  if (!principal.is_object()) principal = json::object();
  json& aws = principal["AWS"];
  if (aws.is_string()) aws = json::array({aws});
  if (!aws.is_array()) aws = json::array();
  for (const std::string& reader : readers) {
    if (std::find(aws.begin(), aws.end(), json(reader)) != aws.end()) continue;
    aws.push_back(reader);
    changed = true;
  }
  if (!changed) return std::nullopt;
  return updated;
}

absl::Status ensure_bucket_readers(const datamesh::aws::AwsClient& s3, std::string_view bucket,
                                   const std::vector<std::string>& readers) {
  json policy;  // null: the bucket has none
  absl::StatusOr<json> got = s3.call(Service::kS3, "GetBucketPolicy", {{"Bucket", bucket}});
  if (got.ok()) {
    const std::string text = got->value("Policy", "");
    if (!text.empty()) {
      policy = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (policy.is_discarded() || !policy.is_object()) {
        return absl::FailedPreconditionError(
            cat("the policy of bucket ", bucket, " is not a JSON object; fix it by hand first: ",
                text.substr(0, 200)));
      }
    }
  } else if (datamesh::aws::aws_error_code(got.status()) == "NoSuchBucket") {
    return absl::OkStatus();
  } else if (datamesh::aws::aws_error_code(got.status()) != "NoSuchBucketPolicy") {
    return got.status();
  }
  const std::optional<json> updated = with_bucket_readers(policy, bucket, readers);
  if (!updated) return absl::OkStatus();
  return s3.call(Service::kS3, "PutBucketPolicy", {{"Bucket", bucket}, {"Policy", updated->dump()}})
      .status();
}

}  // namespace datamesh::store::aws
