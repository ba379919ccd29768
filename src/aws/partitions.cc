#include "aws/partitions.h"

#include <array>
#include <regex>

namespace datamesh::aws {

namespace {

struct PartitionRow {
  Partition partition;
  const char* region_regex;
  std::string_view regions;  // the names of its regions, separated by single spaces
};

// botocore 1.43 data/partitions.json: id, outputs.dnsSuffix, outputs.implicitGlobalRegion,
// regionRegex and the region names, in the file's order (which is the order of lookup).
const std::array<PartitionRow, 8> kPartitions = {{
    {{"aws", "amazonaws.com", "us-east-1"},
     R"(^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$)",
     "af-south-1 ap-east-1 ap-east-2 ap-northeast-1 ap-northeast-2 ap-northeast-3 ap-south-1 "
     "ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 ap-southeast-5 "
     "ap-southeast-6 ap-southeast-7 aws-global ca-central-1 ca-west-1 eu-central-1 eu-central-2 "
     "eu-north-1 eu-south-1 eu-south-2 eu-west-1 eu-west-2 eu-west-3 il-central-1 me-central-1 "
     "me-south-1 mx-central-1 sa-east-1 us-east-1 us-east-2 us-west-1 us-west-2"},
    {{"aws-cn", "amazonaws.com.cn", "cn-northwest-1"},
     R"(^cn\-\w+\-\d+$)",
     "aws-cn-global cn-north-1 cn-northwest-1"},
    {{"aws-eusc", "amazonaws.eu", "eusc-de-east-1"}, R"(^eusc\-(de)\-\w+\-\d+$)", "eusc-de-east-1"},
    {{"aws-iso", "c2s.ic.gov", "us-iso-east-1"},
     R"(^us\-iso\-\w+\-\d+$)",
     "aws-iso-global us-iso-east-1 us-iso-west-1"},
    {{"aws-iso-b", "sc2s.sgov.gov", "us-isob-east-1"},
     R"(^us\-isob\-\w+\-\d+$)",
     "aws-iso-b-global us-isob-east-1 us-isob-west-1"},
    {{"aws-iso-e", "cloud.adc-e.uk", "eu-isoe-west-1"},
     R"(^eu\-isoe\-\w+\-\d+$)",
     "aws-iso-e-global eu-isoe-west-1"},
    {{"aws-iso-f", "csp.hci.ic.gov", "us-isof-south-1"},
     R"(^us\-isof\-\w+\-\d+$)",
     "aws-iso-f-global us-isof-east-1 us-isof-south-1"},
    {{"aws-us-gov", "amazonaws.com", "us-gov-west-1"},
     R"(^us\-gov\-\w+\-\d+$)",
     "aws-us-gov-global us-gov-east-1 us-gov-west-1"},
}};

bool matches(const PartitionRow& row, std::string_view region) {
  // ECMAScript grammar, as the rule files' patterns are written; compiled once per partition.
  static const std::array<std::regex, kPartitions.size()> patterns = [] {
    std::array<std::regex, kPartitions.size()> compiled;
    for (std::size_t i = 0; i < kPartitions.size(); ++i) {
      compiled[i] = std::regex(kPartitions[i].region_regex);
    }
    return compiled;
  }();
  const std::size_t index = static_cast<std::size_t>(&row - kPartitions.data());
  return std::regex_match(region.begin(), region.end(), patterns[index]);
}

}  // namespace

const Partition& partition_of(std::string_view region) {
  for (const PartitionRow& row : kPartitions) {
    for (std::size_t at = 0; at < row.regions.size();) {
      std::size_t end = row.regions.find(' ', at);
      if (end == std::string_view::npos) end = row.regions.size();
      if (row.regions.substr(at, end - at) == region) return row.partition;
      at = end + 1;
    }
  }
  for (const PartitionRow& row : kPartitions) {
    if (matches(row, region)) return row.partition;
  }
  return kPartitions.front().partition;
}

}  // namespace datamesh::aws
