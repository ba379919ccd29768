// The certificate and key `datamesh serve` answers TLS handshakes with, replaceable while it
// serves: a renewed certificate (SIGHUP, cli/serve.cc) takes effect without a restart, so no
// connection is dropped and no request is refused while it changes.
//
// libmicrohttpd asks for the certificate at each handshake (MHD_OPTION_HTTPS_CERT_CALLBACK, with
// retrieve() below) instead of being given it once at start. GnuTLS's callback carries no
// pointer of ours, so the transport attaches this object to each TLS session as it opens
// (attach(), from MHD_CONNECTION_NOTIFY_STARTED, before the session's first byte).
//
// A session keeps pointers to the certificate and key it was given until it ends, so replaced
// ones are kept until this object is destroyed, after the server: a few kilobytes a renewal.
// Thread-safe: handshakes on the event-loop threads, replace() from any other thread.
#pragma once

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "server/tls_identity.h"

namespace datamesh::server {

class TlsCredentials {
 public:
  // InvalidArgument when GnuTLS cannot read the identity's certificates or key (load_tls_identity
  // checked them with OpenSSL, so only a form one library takes and the other does not).
  static absl::StatusOr<std::shared_ptr<TlsCredentials>> create(TlsIdentity identity);
  ~TlsCredentials();
  TlsCredentials(const TlsCredentials&) = delete;
  TlsCredentials& operator=(const TlsCredentials&) = delete;

  // From the next handshake on, answers with `identity`; handshakes already past the
  // certificate keep the one they had. On error (as create()) nothing changes.
  absl::Status replace(TlsIdentity identity);

  // The identity new handshakes get (its PEM text, subject and expiry).
  TlsIdentity current() const;
  // Its certificate's expiry, seconds since the Unix epoch.
  int64_t not_after_unix() const;

  // Makes `session`'s handshake ask this object for its certificate.
  void attach(gnutls_session_t session);

  // The gnutls_certificate_retrieve_function2 for MHD_OPTION_HTTPS_CERT_CALLBACK: the current
  // certificate chain and key of the object attach() gave the session. A session attached to
  // none fails its handshake.
  static int retrieve(gnutls_session_t session, const gnutls_datum_t* requested_authorities,
                      int authority_count, const gnutls_pk_algorithm_t* key_algorithms,
                      int key_algorithm_count, gnutls_pcert_st** chain,
                      unsigned int* chain_length, gnutls_privkey_t* key);

 private:
  // One identity in GnuTLS's form.
  struct Loaded {
    TlsIdentity identity;
    std::vector<gnutls_pcert_st> chain;  // the server's certificate first
    gnutls_privkey_t key = nullptr;
    ~Loaded();
  };
  static absl::StatusOr<std::unique_ptr<Loaded>> load(TlsIdentity identity);

  TlsCredentials() = default;

  mutable std::mutex mutex_;
  // Every identity loaded, the current one last; guarded by mutex_ (see the top for why the
  // older ones are kept).
  std::vector<std::unique_ptr<Loaded>> loaded_;
};

}  // namespace datamesh::server
