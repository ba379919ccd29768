#include "testkit/tls_files.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include "base/text.h"

namespace datamesh::testkit {
namespace {

using base::cat;
using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;

Key new_key() { return Key(EVP_EC_gen("P-256"), &EVP_PKEY_free); }

bool is_ip_address(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

bool add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) return false;
  const bool added = X509_add_ext(certificate, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

// A certificate of `key` named `common_name`, signed by `issuer_key` (issuer == nullptr:
// self-signed, an authority).
Certificate new_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                            EVP_PKEY* issuer_key, long serial, const TlsFileOptions& options,
                            const std::string& alt_names) {
  Certificate certificate(X509_new(), &X509_free);
  X509* cert = certificate.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), 86400L * options.valid_from_days);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * options.valid_until_days);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer != nullptr ? issuer : cert;
  // Key identifiers as real authorities write them: a client then looks an issuer up by its
  // key, and one of another authority with the same name is "unable to get local issuer
  // certificate", not a signature that fails to verify.
  const bool extended =
      add_extension(cert, signer, NID_subject_key_identifier, "hash") &&
      add_extension(cert, signer, NID_authority_key_identifier, "keyid:always") &&
      (issuer == nullptr
           ? add_extension(cert, signer, NID_basic_constraints, "critical,CA:TRUE") &&
                 add_extension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign")
           : add_extension(cert, signer, NID_basic_constraints, "CA:FALSE") &&
                 add_extension(cert, signer, NID_subject_alt_name, alt_names) &&
                 add_extension(cert, signer, NID_ext_key_usage, "serverAuth"));
  if (!extended || X509_sign(cert, issuer_key, EVP_sha256()) == 0) {
    return Certificate(nullptr, &X509_free);
  }
  return certificate;
}

template <typename Write>
bool write_pem(const std::filesystem::path& path, Write write) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return false;
  const bool written = write(file) == 1;
  const bool closed = std::fclose(file) == 0;
  return written && closed && ::chmod(path.c_str(), 0600) == 0;
}

// Unencrypted, or with `passphrase`.
bool write_key(const std::filesystem::path& path, EVP_PKEY* key, std::string passphrase = "") {
  return write_pem(path, [&](std::FILE* file) {
    if (passphrase.empty()) {
      return PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
    }
    return PEM_write_PKCS8PrivateKey(file, key, EVP_aes_256_cbc(), passphrase.data(),
                                     static_cast<int>(passphrase.size()), nullptr, nullptr);
  });
}

bool write_certificate(const std::filesystem::path& path, X509* certificate) {
  return write_pem(path, [&](std::FILE* file) { return PEM_write_X509(file, certificate); });
}

}  // namespace

absl::StatusOr<TlsFiles> write_tls_files(const std::filesystem::path& folder,
                                         const TlsFileOptions& options) {
  std::string alt_names;
  for (const std::string& host : options.hosts) {
    alt_names += cat(alt_names.empty() ? "" : ",", is_ip_address(host) ? "IP:" : "DNS:", host);
  }
  const Key authority_key = new_key();
  const Key server_key = new_key();
  const Key other_key = new_key();
  if (!authority_key || !server_key || !other_key) {
    return absl::InternalError("OpenSSL could not make a P-256 key");
  }
  const Certificate authority =
      new_certificate(authority_key.get(), "datamesh test authority", nullptr,
                      authority_key.get(), 1, options, "");
  if (!authority) return absl::InternalError("OpenSSL could not make the authority");
  const Certificate server = new_certificate(server_key.get(), options.hosts.front(),
                                             authority.get(), authority_key.get(), 2, options,
                                             alt_names);
  if (!server) return absl::InternalError("OpenSSL could not make the server certificate");
  TlsFiles files{.authority_cert = folder / "authority.pem",
                 .server_cert = folder / "server.pem",
                 .server_key = folder / "server-key.pem",
                 .other_key = folder / "other-key.pem",
                 .encrypted_key = folder / "encrypted-key.pem"};
  if (!write_certificate(files.authority_cert, authority.get()) ||
      !write_certificate(files.server_cert, server.get()) ||
      !write_key(files.server_key, server_key.get()) ||
      !write_key(files.other_key, other_key.get()) ||
      !write_key(files.encrypted_key, server_key.get(), "secret")) {
    return absl::InternalError(cat("cannot write the TLS files into ", folder.string()));
  }
  return files;
}

}  // namespace datamesh::testkit
