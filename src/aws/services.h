// The AWS services datamesh calls, and what each one's botocore model (data/<service>/<version>/
// service-2.json) says about how to call it: the wire protocol (metadata.protocol), the JSON
// version and target prefix of the json protocol, the signing name, and the name of its
// endpoint override variable (AWS_ENDPOINT_URL_<NAME>, the SDKs' upper-cased serviceId).
//
// One table (services.cc) holds these facts; everything else asks it. Immutable; thread-safe.
#pragma once

#include <array>
#include <string_view>

#include "absl/status/statusor.h"

namespace datamesh::aws {

enum class Service { kGlue, kLakeFormation, kRam, kDynamoDb, kIam, kSts, kS3 };

// metadata.protocol of the service's model.
enum class Protocol {
  kJson,      // POST "/", X-Amz-Target: <target prefix>.<operation>, JSON body and answer
  kRestJson,  // the operation's method and requestUri, JSON body and answer
  kQuery,     // POST form Action=<operation>&Version=<api version>&..., XML answer
  kRestXml,   // S3: REST paths and methods, XML (or raw) bodies and answers
};

struct ServiceInfo {
  Service service;
  std::string_view endpoint_prefix;  // "glue": the first label of its host name
  std::string_view signing_name;     // the service of the SigV4 credential scope
  std::string_view env_name;         // "GLUE": AWS_ENDPOINT_URL_GLUE
  Protocol protocol;
  std::string_view api_version;    // "2010-05-08": the Version of a query request
  std::string_view json_version;   // "1.1": application/x-amz-json-<version> (json only)
  std::string_view target_prefix;  // "AWSGlue": X-Amz-Target's prefix (json only)
};

// Every service, in the order of the enum.
const std::array<ServiceInfo, 7>& all_services();
const ServiceInfo& info(Service service);
// "glue", "lakeformation", ... (the endpoint prefix), for messages.
std::string_view name(Service service);
// The service whose endpoint prefix is `name`; InvalidArgument naming it otherwise.
absl::StatusOr<Service> service_named(std::string_view name);

}  // namespace datamesh::aws
