// AWS partitions (aws, aws-cn, aws-us-gov, the isolated ones): which one a region belongs to and
// its DNS suffix, as botocore's data/partitions.json states them. A region is looked up by name
// among each partition's known regions first, then by each partition's region pattern, and
// falls back to `aws`, as the endpoint rules' aws.partition function does.
//
// Immutable tables; thread-safe.
#pragma once

#include <string_view>

namespace datamesh::aws {

struct Partition {
  std::string_view id;                      // "aws", "aws-cn", ...
  std::string_view dns_suffix;              // "amazonaws.com"
  std::string_view implicit_global_region;  // "us-east-1"
};

const Partition& partition_of(std::string_view region);

}  // namespace datamesh::aws
