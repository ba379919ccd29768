#include "client/client.h"

#include "api/credentials.h"
#include "api/logging.h"

namespace datamesh::client {

Client::Client(ClientOptions options, std::string_view block)
    : options_(std::move(options)),
      credentials_(api::resolve_credentials(api::CredentialSources{
          .explicit_credentials = options_.use_credentials, .blocks = {std::string(block)}})) {
  log_level_ = api::set_log_level(options_.log_level);
}

absl::Status Client::open(bool create_if_missing) {
  DATAMESH_RETURN_IF_ERROR(log_level_);
  DATAMESH_RETURN_IF_ERROR(credentials_.status());
  if (options_.region_name.empty()) {
    return absl::InvalidArgumentError("cannot reach a data mesh without a region: region_name "
                                      "is empty");
  }
  if (!backend_) {
    DATAMESH_ASSIGN_OR_RETURN(backend_, open_backend(options_, create_if_missing));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::client
