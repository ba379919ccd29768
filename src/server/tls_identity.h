// What `datamesh serve` answers HTTPS with: its certificate and private key, read and checked
// once before the server starts, so that a wrong file is named at start-up instead of failing
// every client's handshake with a message only the client sees.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/server_config.h"

namespace datamesh::server {

struct TlsIdentity {
  std::string certificate_pem;  // the server's certificate, then the rest of its chain
  std::string key_pem;          // its private key, unencrypted
  std::string subject;          // of the server's certificate, for the log ("CN=mesh.internal")
  std::string not_after;        // its expiry, as OpenSSL prints it ("Dec  7 00:00:00 2027 GMT")
  int64_t not_after_unix = 0;   // the same, in seconds since the Unix epoch (for /metrics)
  // What should be fixed but does not stop the server: an expired or not yet valid
  // certificate, a key file that others may read.
  std::vector<std::string> warnings;
};

// The identity config.tls_cert_file and config.tls_key_file name; nullopt when they name
// neither (plain HTTP).
// Errors: InvalidArgument when only one of them is given, when the certificate file holds no
// PEM certificate, the key file no PEM private key or an encrypted one, when the key does not
// belong to the certificate, or when hsts_max_age_seconds is set without them (browsers ignore
// the header over plain HTTP); NotFound when a file cannot be read. Each names the file and the
// option (--tls-cert / --tls-key, or the config keys tls_cert_file / tls_key_file).
absl::StatusOr<std::optional<TlsIdentity>> load_tls_identity(const ServerConfig& config);

}  // namespace datamesh::server
