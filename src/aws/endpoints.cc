#include "aws/endpoints.h"

#include <algorithm>

#include "aws/partitions.h"
#include "base/text.h"

namespace datamesh::aws {

using base::cat;

namespace {

bool is_dns_label(std::string_view text) {
  if (text.empty() || text.size() > 63 || text.front() == '-') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// aws.isVirtualHostableS3Bucket(bucket, false): 3 to 63 lower-case letters, digits and '-',
// starting and ending with a letter or digit (no dots: TLS certificates cover one label).
bool is_virtual_hostable(std::string_view bucket) {
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (!alnum(bucket.front()) || !alnum(bucket.back())) return false;
  return std::all_of(bucket.begin(), bucket.end(), [&](char c) { return alnum(c) || c == '-'; });
}

bool is_true(std::string_view value) { return base::equals_ignoring_ascii_case(value, "true"); }

// The override URL that applies to `service`, if any, checked and without a trailing '/'.
absl::StatusOr<std::optional<std::string>> override_url(const ServiceInfo& service,
                                                        const EnvironmentLookup& environment) {
  const std::optional<std::string> ignore = environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (ignore && is_true(*ignore)) return std::nullopt;
  std::string variable = cat("AWS_ENDPOINT_URL_", service.env_name);
  std::optional<std::string> url = environment(variable);
  if (!url || url->empty()) {
    variable = "AWS_ENDPOINT_URL";
    url = environment(variable);
  }
  if (!url || url->empty()) return std::nullopt;
  std::string_view rest = *url;
  const bool http = rest.starts_with("http://");
  if (!http && !rest.starts_with("https://")) {
    return absl::InvalidArgumentError(
        cat(variable, "='", *url, "' is not an http:// or https:// URL"));
  }
  rest.remove_prefix(http ? 7 : 8);
  const std::string_view host = rest.substr(0, rest.find_first_of("/:?#"));
  if (host.empty() || rest.find_first_of("?#") != std::string_view::npos) {
    return absl::InvalidArgumentError(
        cat(variable, "='", *url, "' must be scheme://host[:port][/path], with no query"));
  }
  std::string trimmed = *url;
  while (trimmed.ends_with('/')) trimmed.pop_back();
  return trimmed;
}

Endpoint iam_endpoint(const Partition& partition) {
  if (partition.id == "aws") return {"https://iam.amazonaws.com", "iam", "us-east-1"};
  if (partition.id == "aws-cn") {
    return {"https://iam.cn-north-1.amazonaws.com.cn", "iam", "cn-north-1"};
  }
  if (partition.id == "aws-us-gov") {
    return {"https://iam.us-gov.amazonaws.com", "iam", "us-gov-west-1"};
  }
  const std::string region(partition.implicit_global_region);
  return {cat("https://iam.", region, ".", partition.dns_suffix), "iam", region};
}

}  // namespace

absl::StatusOr<Endpoint> resolve_endpoint(Service service, std::string_view region,
                                          const EnvironmentLookup& environment) {
  const ServiceInfo& about = info(service);
  if (region.empty()) {
    return absl::InvalidArgumentError(
        cat("no AWS region for ", about.endpoint_prefix, ": the region is empty"));
  }
  if (!is_dns_label(region)) {
    return absl::InvalidArgumentError(
        cat("AWS region '", region, "' is not a DNS label (letters, digits and '-')"));
  }
  absl::StatusOr<std::optional<std::string>> custom = override_url(about, environment);
  if (!custom.ok()) return custom.status();
  if (custom->has_value()) {
    return Endpoint{**custom, std::string(about.signing_name), std::string(region), true};
  }
  const Partition& partition = partition_of(region);
  if (service == Service::kIam) return iam_endpoint(partition);
  if (region == "aws-global" && (service == Service::kSts || service == Service::kS3)) {
    return Endpoint{cat("https://", about.endpoint_prefix, ".amazonaws.com"),
                    std::string(about.signing_name), "us-east-1"};
  }
  return Endpoint{cat("https://", about.endpoint_prefix, ".", region, ".", partition.dns_suffix),
                  std::string(about.signing_name), std::string(region)};
}

BucketAddress bucket_address(const Endpoint& s3, std::string_view bucket) {
  const std::size_t scheme_end = s3.url.find("://") + 3;
  const std::size_t path_start = std::min(s3.url.find('/', scheme_end), s3.url.size());
  const std::string origin = s3.url.substr(0, path_start);
  const std::string base_path = s3.url.substr(path_start);
  if (!s3.overridden && is_virtual_hostable(bucket)) {
    return {cat(origin.substr(0, scheme_end), bucket, ".", origin.substr(scheme_end)), "/"};
  }
  return {origin, cat(base_path, "/", bucket)};
}

}  // namespace datamesh::aws
