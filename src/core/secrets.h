// Seam for sealing access-key secrets at rest (implemented in security/secret_box.h), so that
// the store file alone does not reveal them.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace datamesh::core {

class SecretSealer {
 public:
  virtual ~SecretSealer() = default;
  virtual absl::StatusOr<std::string> seal(std::string_view plain) const = 0;
  // DataLoss / Internal when the sealed value was tampered with or the key is wrong.
  virtual absl::StatusOr<std::string> unseal(std::string_view sealed) const = 0;
};

}  // namespace datamesh::core
