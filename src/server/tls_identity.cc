#include "server/tls_identity.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "base/files.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::server {
namespace {

using base::cat;

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;
using PrivateKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Bio reader_of(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

// What `print` wrote into a memory BIO.
template <typename Print>
std::string printed(Print print) {
  Bio out(BIO_new(BIO_s_mem()), &BIO_free);
  print(out.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> read_pem_file(const std::string& path, std::string_view what) {
  std::optional<std::string> content = base::read_whole_file(path);
  if (!content) return absl::NotFoundError(cat("cannot read ", what, " ", path, ": ",
                                               std::strerror(errno)));
  return *std::move(content);
}

// A passphrase callback that has none to give: an encrypted key then fails to load instead of
// OpenSSL prompting on the terminal.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

absl::StatusOr<std::optional<TlsIdentity>> load_tls_identity(const ServerConfig& config) {
  const std::string& cert_file = config.tls_cert_file;
  const std::string& key_file = config.tls_key_file;
  if (cert_file.empty() && key_file.empty()) {
    if (config.hsts_max_age_seconds > 0) {
      return absl::InvalidArgumentError(
          "hsts_max_age_seconds is set, but the server serves plain HTTP, where browsers ignore "
          "Strict-Transport-Security: give --tls-cert and --tls-key too, or drop the key");
    }
    return std::nullopt;
  }
  if (cert_file.empty() || key_file.empty()) {
    return absl::InvalidArgumentError(
        cat("HTTPS needs both a certificate and its key: give --tls-cert and --tls-key (config "
            "keys tls_cert_file and tls_key_file), or neither to serve plain HTTP; only ",
            cert_file.empty() ? "the key" : "the certificate", " was given"));
  }
  TlsIdentity identity;
  DATAMESH_ASSIGN_OR_RETURN(identity.certificate_pem,
                            read_pem_file(cert_file, "the TLS certificate file"));
  DATAMESH_ASSIGN_OR_RETURN(identity.key_pem, read_pem_file(key_file, "the TLS key file"));
  ERR_clear_error();

  Certificate certificate(
      PEM_read_bio_X509(reader_of(identity.certificate_pem).get(), nullptr, nullptr, nullptr),
      &X509_free);
  if (certificate == nullptr) {
    return absl::InvalidArgumentError(
        cat("the TLS certificate file ", cert_file,
            " holds no PEM certificate (a block that begins -----BEGIN CERTIFICATE-----)"));
  }
  if (identity.key_pem.find("ENCRYPTED") != std::string::npos) {
    return absl::InvalidArgumentError(
        cat("the TLS key file ", key_file,
            " holds an encrypted key, and the server has no passphrase to give: keep the key "
            "unencrypted in a file only the server's user may read (openssl pkey -in ", key_file,
            " -out key.pem; chmod 600 key.pem)"));
  }
  PrivateKey key(PEM_read_bio_PrivateKey(reader_of(identity.key_pem).get(), nullptr,
                                         &no_passphrase, nullptr),
                 &EVP_PKEY_free);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        cat("the TLS key file ", key_file,
            " holds no PEM private key (a block that begins -----BEGIN PRIVATE KEY-----)"));
  }
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(cat("the key in ", key_file,
                                          " does not belong to the certificate in ", cert_file,
                                          " (the first certificate of that file is the server's)"));
  }

  identity.subject = printed([&](BIO* out) {
    X509_NAME_print_ex(out, X509_get_subject_name(certificate.get()), 0, XN_FLAG_RFC2253);
  });
  identity.not_after = printed(
      [&](BIO* out) { ASN1_TIME_print(out, X509_get0_notAfter(certificate.get())); });
  if (std::tm expiry{}; ASN1_TIME_to_tm(X509_get0_notAfter(certificate.get()), &expiry) == 1) {
    identity.not_after_unix = timegm(&expiry);
  }
  if (X509_cmp_current_time(X509_get0_notAfter(certificate.get())) < 0) {
    identity.warnings.push_back(cat("the TLS certificate in ", cert_file, " expired on ",
                                    identity.not_after, ": clients will refuse it"));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(certificate.get())) > 0) {
    identity.warnings.push_back(cat(
        "the TLS certificate in ", cert_file, " is not valid before ",
        printed([&](BIO* out) { ASN1_TIME_print(out, X509_get0_notBefore(certificate.get())); }),
        ": clients will refuse it until then"));
  }
  struct stat key_status{};
  if (::stat(key_file.c_str(), &key_status) == 0 && (key_status.st_mode & (S_IRWXG | S_IRWXO))) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", key_status.st_mode & 07777);
    identity.warnings.push_back(cat("the TLS key file ", key_file,
                                    " may be read by other users (mode ", mode, "): chmod 600 it"));
  }
  return std::optional<TlsIdentity>(std::move(identity));
}

}  // namespace datamesh::server
