// SecretBox seals access-key secrets at rest with AES-256-GCM under one master key, so that a
// copy of the store alone does not reveal them. The master key comes from the environment
// (DATAMESH_MASTER_KEY) or from a key file that only its owner may read.
//
// Sealed form: 1 version byte (1), a 12-byte random nonce, the ciphertext, a 16-byte GCM tag;
// the version byte is authenticated too. A fresh nonce per seal keeps two seals of one secret
// different; with random 96-bit nonces one key is good for far more than 2^32 seals.
//
// Thread-safety: a SecretBox is immutable after construction; seal and unseal may be called
// from several threads at once. No error message ever contains key material or secrets.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/secrets.h"

namespace datamesh::security {

class SecretBox final : public datamesh::core::SecretSealer {
 public:
  static constexpr std::size_t kKeySize = 32;
  // Environment variable holding the master key as 64 hex characters.
  static constexpr std::string_view kKeyEnvironmentVariable = "DATAMESH_MASTER_KEY";

  // InvalidArgument when `key32` is not exactly 32 bytes.
  static absl::StatusOr<SecretBox> from_key(std::string_view key32);

  // Reads the key stored as 64 hex characters (surrounding whitespace allowed) in `path`.
  // When the file is missing and `create_if_missing`, writes a new random key there first,
  // with mode 0600 from the start; a file created concurrently by another process wins and is
  // read instead. Errors: NotFound when missing and not to be created; FailedPrecondition when
  // the file is readable or writable by group or others, is not a regular file, or does not
  // hold a well-formed key; PermissionDenied or Internal (from errno) when it cannot be read or
  // written.
  static absl::StatusOr<SecretBox> open_key_file(const std::string& path, bool create_if_missing);

  // Uses DATAMESH_MASTER_KEY when it is set (InvalidArgument unless it is 64 hex characters;
  // set but empty counts as malformed, so a typo never silently falls back to another key),
  // otherwise open_key_file(key_file_path, create_if_missing).
  static absl::StatusOr<SecretBox> from_environment_or_file(const std::string& key_file_path,
                                                            bool create_if_missing);
  // Whether DATAMESH_MASTER_KEY is set (even empty): from_environment_or_file then uses it.
  static bool key_in_environment();
  // The key from_environment_or_file uses, for messages: "DATAMESH_MASTER_KEY" or the file.
  static std::string key_source(const std::string& key_file_path);

  // Copies the key file `from` to a new file `to` (mode 0600 from the start, never a partial
  // or readable file, never over an existing file), after checking it as open_key_file does:
  // a backup's key. Errors: as open_key_file for `from`; AlreadyExists when `to` exists;
  // PermissionDenied or Internal (from errno) when `to` cannot be written.
  static absl::Status copy_key_file(const std::string& from, const std::string& to);

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox() override;

  // Internal only if OpenSSL fails (out of memory, no entropy).
  absl::StatusOr<std::string> seal(std::string_view plain) const override;
  // DataLoss when `sealed` is truncated, of an unknown version, altered, or sealed under
  // another key; Internal if OpenSSL fails otherwise.
  absl::StatusOr<std::string> unseal(std::string_view sealed) const override;
  // HMAC-SHA256(HMAC-SHA256(master key, purpose), message). Never an error: OpenSSL failing
  // to allocate stops the process (base/sha256.h).
  absl::StatusOr<std::string> authenticate(std::string_view purpose,
                                           std::string_view message) const override;

 private:
  explicit SecretBox(const std::array<uint8_t, kKeySize>& key) : key_(key) {}
  std::array<uint8_t, kKeySize> key_;  // wiped on destruction
};

}  // namespace datamesh::security
