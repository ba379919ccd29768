// TLS certificates for tests of `datamesh serve --tls-cert` and of https:// clients: a private
// certificate authority and a server certificate it signed, made with OpenSSL in the test
// itself (no `openssl` command needed), written as PEM files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace datamesh::testkit {

struct TlsFileOptions {
  // Names the server certificate is for: IP addresses or DNS names (subjectAltName).
  std::vector<std::string> hosts = {"127.0.0.1", "localhost"};
  // Its validity, in days from now.
  int valid_from_days = -1;
  int valid_until_days = 30;
};

struct TlsFiles {
  std::filesystem::path authority_cert;  // the private authority (a client's --ca-bundle)
  std::filesystem::path server_cert;     // signed by it (--tls-cert)
  std::filesystem::path server_key;      // unencrypted, mode 0600 (--tls-key)
  std::filesystem::path other_key;       // a key of no certificate here, mode 0600
  std::filesystem::path encrypted_key;   // server_key encrypted with the passphrase "secret"
};

// Writes authority.pem, server.pem, server-key.pem, other-key.pem and encrypted-key.pem into
// `folder`. Internal
// when OpenSSL fails or a file cannot be written.
absl::StatusOr<TlsFiles> write_tls_files(const std::filesystem::path& folder,
                                         const TlsFileOptions& options = {});

}  // namespace datamesh::testkit
