// server::TlsCredentials: the certificate and key handshakes get, replaced while serving
// (SIGHUP), and left as they were when the replacement cannot be read. The handshakes
// themselves are HttpsTest's (https_test.cc), against `datamesh serve`.
#include "server/tls_credentials.h"

#include "gtest/gtest.h"
#include "support/status_matchers.h"
#include "testkit/scratch_dir.h"
#include "testkit/tls_files.h"

namespace datamesh::server {
namespace {

using testkit::ScratchDir;
using testkit::TlsFiles;

// The identity of the TLS files written into `folder`, valid for `days`.
TlsIdentity identity_in(const std::filesystem::path& folder, int days) {
  absl::StatusOr<TlsFiles> files =
      testkit::write_tls_files(folder, {.valid_until_days = days});
  EXPECT_OK(files.status());
  ServerConfig config;
  config.tls_cert_file = files->server_cert.string();
  config.tls_key_file = files->server_key.string();
  absl::StatusOr<std::optional<TlsIdentity>> identity = load_tls_identity(config);
  EXPECT_OK(identity.status());
  return **identity;
}

TEST(TlsCredentialsTest, ServesTheIdentityItWasMadeWith) {
  ScratchDir dir("tls-credentials");
  const TlsIdentity identity = identity_in(dir.path(), 30);
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<TlsCredentials> credentials,
                       TlsCredentials::create(identity));
  EXPECT_EQ(credentials->current().certificate_pem, identity.certificate_pem);
  EXPECT_EQ(credentials->current().not_after_unix, identity.not_after_unix);
}

TEST(TlsCredentialsTest, AReplacementServesFromThenOn) {
  ScratchDir first("tls-credentials-first");
  ScratchDir second("tls-credentials-second");
  const TlsIdentity renewed = identity_in(second.path(), 90);
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<TlsCredentials> credentials,
                       TlsCredentials::create(identity_in(first.path(), 30)));
  ASSERT_OK(credentials->replace(renewed));
  EXPECT_EQ(credentials->current().certificate_pem, renewed.certificate_pem);
  EXPECT_EQ(credentials->not_after_unix(), renewed.not_after_unix);
}

TEST(TlsCredentialsTest, WhatGnuTlsCannotReadIsRefusedAndChangesNothing) {
  ScratchDir dir("tls-credentials-unreadable");
  const TlsIdentity identity = identity_in(dir.path(), 30);
  TlsIdentity no_certificate = identity;
  no_certificate.certificate_pem = "not a certificate";
  EXPECT_STATUS(TlsCredentials::create(no_certificate), absl::StatusCode::kInvalidArgument,
                "the TLS certificate file holds no PEM certificate");
  TlsIdentity broken_certificate = identity;
  broken_certificate.certificate_pem =
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  EXPECT_STATUS(TlsCredentials::create(broken_certificate), absl::StatusCode::kInvalidArgument,
                "GnuTLS cannot read the TLS certificate file: ");
  TlsIdentity broken_key = identity;
  broken_key.key_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  EXPECT_STATUS(TlsCredentials::create(broken_key), absl::StatusCode::kInvalidArgument,
                "GnuTLS cannot read the TLS key file: ");

  ASSERT_OK_AND_ASSIGN(std::shared_ptr<TlsCredentials> credentials,
                       TlsCredentials::create(identity));
  EXPECT_STATUS(credentials->replace(broken_key), absl::StatusCode::kInvalidArgument,
                "GnuTLS cannot read the TLS key file: ");
  EXPECT_EQ(credentials->current().key_pem, identity.key_pem);
}

}  // namespace
}  // namespace datamesh::server
