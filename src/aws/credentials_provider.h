// Where AWS mode gets the keys it signs each call with. A provider answers the keys to use now:
// fixed keys, or temporary ones that it renews before they expire (assumed_role_provider.h).
// Callers ask for the keys again before each call rather than keep them.
//
// Thread-safety: every CredentialsProvider may be called from several threads at once.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "aws/sigv4.h"

namespace datamesh::aws {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;

  // The keys to sign with now. Errors are those of the source (a failed AssumeRole, ...),
  // with the role or source named in the message; never a secret.
  virtual absl::StatusOr<SigningKey> signing_key() = 0;
};

// Keys that do not change: explicit keys, environment variables, a profile's static keys.
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(SigningKey key) : key_(std::move(key)) {}
  absl::StatusOr<SigningKey> signing_key() override { return key_; }

 private:
  const SigningKey key_;
};

}  // namespace datamesh::aws
