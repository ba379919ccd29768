#include "server/tls_credentials.h"

#include <gnutls/x509.h>

#include <string_view>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::server {
namespace {

using base::cat;

gnutls_datum_t datum_of(const std::string& text) {
  return {reinterpret_cast<unsigned char*>(const_cast<char*>(text.data())),
          static_cast<unsigned int>(text.size())};
}

// How many PEM certificates `pem` holds: the room GnuTLS is given for the chain.
unsigned int certificates_in(std::string_view pem) {
  unsigned int count = 0;
  for (std::size_t at = pem.find("-----BEGIN CERTIFICATE-----"); at != std::string_view::npos;
       at = pem.find("-----BEGIN CERTIFICATE-----", at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

TlsCredentials::Loaded::~Loaded() {
  for (gnutls_pcert_st& certificate : chain) gnutls_pcert_deinit(&certificate);
  if (key != nullptr) gnutls_privkey_deinit(key);
}

absl::StatusOr<std::unique_ptr<TlsCredentials::Loaded>> TlsCredentials::load(
    TlsIdentity identity) {
  auto loaded = std::make_unique<Loaded>();
  unsigned int count = certificates_in(identity.certificate_pem);
  if (count == 0) {
    return absl::InvalidArgumentError("the TLS certificate file holds no PEM certificate");
  }
  loaded->chain.resize(count);
  const gnutls_datum_t certificates = datum_of(identity.certificate_pem);
  const int imported = gnutls_pcert_list_import_x509_raw(
      loaded->chain.data(), &count, &certificates, GNUTLS_X509_FMT_PEM,
      GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED);
  if (imported < 0) {
    loaded->chain.clear();  // nothing to deinit
    return absl::InvalidArgumentError(
        cat("GnuTLS cannot read the TLS certificate file: ", gnutls_strerror(imported)));
  }
  loaded->chain.resize(count);
  if (const int made = gnutls_privkey_init(&loaded->key); made < 0) {
    loaded->key = nullptr;
    return absl::InternalError(cat("GnuTLS cannot make a private key: ", gnutls_strerror(made)));
  }
  const gnutls_datum_t key = datum_of(identity.key_pem);
  if (const int read = gnutls_privkey_import_x509_raw(loaded->key, &key, GNUTLS_X509_FMT_PEM,
                                                      /*password=*/nullptr, 0);
      read < 0) {
    return absl::InvalidArgumentError(
        cat("GnuTLS cannot read the TLS key file: ", gnutls_strerror(read)));
  }
  loaded->identity = std::move(identity);
  return loaded;
}

absl::StatusOr<std::shared_ptr<TlsCredentials>> TlsCredentials::create(TlsIdentity identity) {
  std::shared_ptr<TlsCredentials> credentials(new TlsCredentials());
  DATAMESH_RETURN_IF_ERROR(credentials->replace(std::move(identity)));
  return credentials;
}

TlsCredentials::~TlsCredentials() = default;

absl::Status TlsCredentials::replace(TlsIdentity identity) {
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<Loaded> loaded, load(std::move(identity)));
  std::lock_guard lock(mutex_);
  loaded_.push_back(std::move(loaded));
  return absl::OkStatus();
}

TlsIdentity TlsCredentials::current() const {
  std::lock_guard lock(mutex_);
  return loaded_.back()->identity;
}

int64_t TlsCredentials::not_after_unix() const {
  std::lock_guard lock(mutex_);
  return loaded_.back()->identity.not_after_unix;
}

void TlsCredentials::attach(gnutls_session_t session) { gnutls_session_set_ptr(session, this); }

int TlsCredentials::retrieve(gnutls_session_t session, const gnutls_datum_t*, int,
                             const gnutls_pk_algorithm_t*, int, gnutls_pcert_st** chain,
                             unsigned int* chain_length, gnutls_privkey_t* key) {
  const auto* self = static_cast<const TlsCredentials*>(gnutls_session_get_ptr(session));
  if (self == nullptr) return -1;
  std::lock_guard lock(self->mutex_);
  Loaded& current = *self->loaded_.back();
  *chain = current.chain.data();
  *chain_length = static_cast<unsigned int>(current.chain.size());
  *key = current.key;
  return 0;
}

}  // namespace datamesh::server
