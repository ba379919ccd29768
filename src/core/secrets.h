// Seam for what the master key protects (implemented in security/secret_box.h): access-key
// secrets sealed at rest, so that the store file alone does not reveal them, and MACs that only a
// holder of the master key can make, such as the links of the audit log's hash chain.
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
  // A 32-byte MAC of `message` under a key derived from the master key for `purpose`, so that
  // MACs made for one purpose are useless for another.
  virtual absl::StatusOr<std::string> authenticate(std::string_view purpose,
                                                   std::string_view message) const = 0;
};

}  // namespace datamesh::core
