// Where each AWS service's requests go and how they are signed: the URL, signing name and
// signing region botocore's endpoint rules (data/<service>/<version>/endpoint-rule-set-1.json)
// give for a region without FIPS or dual-stack, and the AWS SDKs' endpoint overrides:
//
//   AWS_ENDPOINT_URL_<SERVICE>  (GLUE, LAKEFORMATION, RAM, DYNAMODB, IAM, STS, S3) for one service
//   AWS_ENDPOINT_URL            for every service without its own
//   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true  ignores both
//
// The rules the services follow (tests/aws/endpoints_test.cc checks every region botocore knows):
//   glue, lakeformation, ram, dynamodb, sts: https://<service>.<region>.<partition DNS suffix>,
//     signed for the region; sts in `aws-global` is https://sts.amazonaws.com (us-east-1).
//   iam: one endpoint per partition: https://iam.amazonaws.com signed for us-east-1 in `aws`,
//     iam.cn-north-1.amazonaws.com.cn (cn-north-1), iam.us-gov.amazonaws.com (us-gov-west-1),
//     iam.<the partition's global region>.<suffix> in the others.
//   s3: https://s3.<region>.<suffix> (aws-global: s3.amazonaws.com, us-east-1); a bucket whose
//     name is a DNS label goes in the host (virtual-host style), any other in the path.
// An overridden endpoint is signed for the given region, and S3 buckets on it are addressed in
// the path (path style), which S3-compatible servers such as moto need.
//
// The environment is read through an injected lookup, so tests need no real variables.
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/environment.h"
#include "aws/services.h"

namespace datamesh::aws {

struct Endpoint {
  std::string url;  // scheme://host[:port][/path], without a trailing '/'
  std::string signing_name;
  std::string signing_region;
  bool overridden = false;  // from AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>
};

// The endpoint of `service` for `region`. InvalidArgument when the region is empty or not a DNS
// label (letters, digits and '-', at most 63), or when the override that applies is not an
// http:// or https:// URL with a host (the message names the variable and its value).
absl::StatusOr<Endpoint> resolve_endpoint(Service service, std::string_view region,
                                          const EnvironmentLookup& environment);

// Where an S3 request about `bucket` goes: `origin` (scheme://host[:port]) and the path of the
// bucket itself ("/" in virtual-host style, "[/endpoint path]/<bucket>" in path style).
struct BucketAddress {
  std::string origin;
  std::string path;
};
// Precondition: `s3` came from resolve_endpoint(Service::kS3, ...).
BucketAddress bucket_address(const Endpoint& s3, std::string_view bucket);

}  // namespace datamesh::aws
