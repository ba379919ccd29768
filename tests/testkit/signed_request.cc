#include "testkit/signed_request.h"

#include "base/status_macros.h"

namespace datamesh::testkit {

absl::StatusOr<aws::HttpRequest> signed_post(const std::string& host, const std::string& path,
                                             const std::string& body, const Credentials& key,
                                             const SigningOptions& options) {
  aws::HttpRequest request{.method = "POST", .path = path, .body = body};
  request.headers = {{"Host", host}, {"Content-Type", "application/json"}};
  request.headers.insert(request.headers.end(), options.extra.begin(), options.extra.end());
  DATAMESH_RETURN_IF_ERROR(aws::sign(
      request,
      aws::SigningKey{.access_key_id = key.access_key_id,
                      .secret_access_key = key.secret_access_key},
      options.scope, options.when.value_or(std::chrono::system_clock::now()), options.keys));
  return request;
}

}  // namespace datamesh::testkit
