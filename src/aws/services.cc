#include "aws/services.h"

#include "base/text.h"

namespace datamesh::aws {

namespace {

// From botocore 1.43's service-2.json metadata (protocol, apiVersion, jsonVersion, targetPrefix,
// endpointPrefix; signingName where given, else the endpoint prefix).
constexpr std::array<ServiceInfo, 7> kServices = {{
    {Service::kGlue, "glue", "glue", "GLUE", Protocol::kJson, "2017-03-31", "1.1", "AWSGlue"},
    {Service::kLakeFormation, "lakeformation", "lakeformation", "LAKEFORMATION",
     Protocol::kRestJson, "2017-03-31", "1.1", ""},
    {Service::kRam, "ram", "ram", "RAM", Protocol::kRestJson, "2018-01-04", "1.1", ""},
    {Service::kDynamoDb, "dynamodb", "dynamodb", "DYNAMODB", Protocol::kJson, "2012-08-10", "1.0",
     "DynamoDB_20120810"},
    {Service::kIam, "iam", "iam", "IAM", Protocol::kQuery, "2010-05-08", "", ""},
    {Service::kSts, "sts", "sts", "STS", Protocol::kQuery, "2011-06-15", "", ""},
    {Service::kS3, "s3", "s3", "S3", Protocol::kRestXml, "2006-03-01", "", ""},
}};

}  // namespace

const std::array<ServiceInfo, 7>& all_services() { return kServices; }

const ServiceInfo& info(Service service) { return kServices[static_cast<std::size_t>(service)]; }

std::string_view name(Service service) { return info(service).endpoint_prefix; }

absl::StatusOr<Service> service_named(std::string_view name) {
  for (const ServiceInfo& service : kServices) {
    if (service.endpoint_prefix == name) return service.service;
  }
  return absl::InvalidArgumentError(
      base::cat("unknown AWS service '", name,
                "'; expected glue, lakeformation, ram, dynamodb, iam, sts or s3"));
}

}  // namespace datamesh::aws
