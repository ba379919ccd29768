// server::load_tls_identity: what `datamesh serve --tls-cert --tls-key` accepts, and the message
// for each file it refuses, before the server starts.
#include "server/tls_identity.h"

#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "support/status_matchers.h"
#include "testkit/scratch_dir.h"
#include "testkit/tls_files.h"

namespace datamesh::server {
namespace {

using testkit::ScratchDir;
using testkit::TlsFiles;

class TlsIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(files_, testkit::write_tls_files(dir_.path()));
  }

  ServerConfig config(const std::filesystem::path& cert, const std::filesystem::path& key) {
    ServerConfig config;
    config.tls_cert_file = cert.string();
    config.tls_key_file = key.string();
    return config;
  }

  ScratchDir dir_{"tls-identity"};
  TlsFiles files_;
};

TEST_F(TlsIdentityTest, NeitherFileMeansPlainHttp) {
  ASSERT_OK_AND_ASSIGN(std::optional<TlsIdentity> identity, load_tls_identity(ServerConfig{}));
  EXPECT_FALSE(identity.has_value());
}

TEST_F(TlsIdentityTest, ACertificateAndItsKeyAreTheIdentity) {
  ASSERT_OK_AND_ASSIGN(std::optional<TlsIdentity> identity,
                       load_tls_identity(config(files_.server_cert, files_.server_key)));
  ASSERT_TRUE(identity.has_value());
  EXPECT_EQ(identity->subject, "CN=127.0.0.1");
  EXPECT_NE(identity->certificate_pem.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_NE(identity->key_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_NE(identity->not_after.find("GMT"), std::string::npos) << identity->not_after;
  // write_tls_files makes it valid for 30 days from now.
  const int64_t in_30_days = std::time(nullptr) + 30 * 86400;
  EXPECT_NEAR(identity->not_after_unix, in_30_days, 3600);
  EXPECT_TRUE(identity->warnings.empty()) << identity->warnings.front();
}

TEST_F(TlsIdentityTest, OneFileAloneIsRefused) {
  EXPECT_STATUS(load_tls_identity(config(files_.server_cert, "")),
                absl::StatusCode::kInvalidArgument,
                "give --tls-cert and --tls-key (config keys tls_cert_file and tls_key_file), or "
                "neither to serve plain HTTP; only the certificate was given");
  EXPECT_STATUS(load_tls_identity(config("", files_.server_key)),
                absl::StatusCode::kInvalidArgument, "only the key was given");
}

TEST_F(TlsIdentityTest, HstsWithoutACertificateIsRefused) {
  ServerConfig plain;
  plain.hsts_max_age_seconds = 60;
  EXPECT_STATUS(load_tls_identity(plain), absl::StatusCode::kInvalidArgument,
                "hsts_max_age_seconds is set, but the server serves plain HTTP, where browsers "
                "ignore Strict-Transport-Security: give --tls-cert and --tls-key too, or drop the "
                "key");
  ServerConfig https = config(files_.server_cert, files_.server_key);
  https.hsts_max_age_seconds = 60;
  EXPECT_OK(load_tls_identity(https));
}

TEST_F(TlsIdentityTest, AFileThatCannotBeReadIsNamed) {
  const std::filesystem::path missing = dir_.path() / "missing.pem";
  EXPECT_STATUS(load_tls_identity(config(missing, files_.server_key)),
                absl::StatusCode::kNotFound,
                "cannot read the TLS certificate file " + missing.string() +
                    ": No such file or directory");
  EXPECT_STATUS(load_tls_identity(config(files_.server_cert, missing)),
                absl::StatusCode::kNotFound, "cannot read the TLS key file " + missing.string());
}

TEST_F(TlsIdentityTest, FilesSwappedAreRefused) {
  EXPECT_STATUS(load_tls_identity(config(files_.server_key, files_.server_cert)),
                absl::StatusCode::kInvalidArgument,
                "the TLS certificate file " + files_.server_key.string() +
                    " holds no PEM certificate (a block that begins -----BEGIN CERTIFICATE-----)");
  EXPECT_STATUS(load_tls_identity(config(files_.server_cert, files_.authority_cert)),
                absl::StatusCode::kInvalidArgument,
                "the TLS key file " + files_.authority_cert.string() +
                    " holds no PEM private key");
}

TEST_F(TlsIdentityTest, AnEncryptedKeyIsRefusedWithHowToDecryptIt) {
  EXPECT_STATUS(load_tls_identity(config(files_.server_cert, files_.encrypted_key)),
                absl::StatusCode::kInvalidArgument,
                "holds an encrypted key, and the server has no passphrase to give");
}

TEST_F(TlsIdentityTest, AKeyOfAnotherCertificateIsRefused) {
  EXPECT_STATUS(load_tls_identity(config(files_.server_cert, files_.other_key)),
                absl::StatusCode::kInvalidArgument,
                "the key in " + files_.other_key.string() +
                    " does not belong to the certificate in " + files_.server_cert.string());
  // The authority's certificate comes first: the server's key does not belong to it.
  const std::filesystem::path reversed_chain = dir_.path() / "reversed-chain.pem";
  std::ofstream(reversed_chain) << std::ifstream(files_.authority_cert).rdbuf()
                                << std::ifstream(files_.server_cert).rdbuf();
  EXPECT_STATUS(load_tls_identity(config(reversed_chain, files_.server_key)),
                absl::StatusCode::kInvalidArgument,
                "(the first certificate of that file is the server's)");
}

TEST_F(TlsIdentityTest, TheChainAfterTheServersCertificateIsKept) {
  const std::filesystem::path chain = dir_.path() / "chain.pem";
  std::ofstream(chain) << std::ifstream(files_.server_cert).rdbuf()
                       << std::ifstream(files_.authority_cert).rdbuf();
  ASSERT_OK_AND_ASSIGN(std::optional<TlsIdentity> identity,
                       load_tls_identity(config(chain, files_.server_key)));
  ASSERT_TRUE(identity.has_value());
  const std::string& pem = identity->certificate_pem;
  EXPECT_NE(pem.find("-----BEGIN CERTIFICATE-----", pem.find("-----END CERTIFICATE-----")),
            std::string::npos);
}

TEST_F(TlsIdentityTest, AnExpiredCertificateAndAReadableKeyAreWarnedOf) {
  ScratchDir old_dir("tls-expired");
  ASSERT_OK_AND_ASSIGN(TlsFiles expired,
                       testkit::write_tls_files(old_dir.path(), {.valid_from_days = -30,
                                                                 .valid_until_days = -1}));
  ASSERT_EQ(::chmod(expired.server_key.c_str(), 0644), 0);
  ASSERT_OK_AND_ASSIGN(std::optional<TlsIdentity> identity,
                       load_tls_identity(config(expired.server_cert, expired.server_key)));
  ASSERT_TRUE(identity.has_value());
  ASSERT_EQ(identity->warnings.size(), 2u);
  EXPECT_NE(identity->warnings[0].find("expired on " + identity->not_after +
                                       ": clients will refuse it"),
            std::string::npos)
      << identity->warnings[0];
  EXPECT_EQ(identity->warnings[1], "the TLS key file " + expired.server_key.string() +
                                       " may be read by other users (mode 0644): chmod 600 it");
}

TEST_F(TlsIdentityTest, ACertificateNotYetValidIsWarnedOf) {
  ScratchDir future_dir("tls-future");
  ASSERT_OK_AND_ASSIGN(TlsFiles future,
                       testkit::write_tls_files(future_dir.path(), {.valid_from_days = 2,
                                                                    .valid_until_days = 30}));
  ASSERT_OK_AND_ASSIGN(std::optional<TlsIdentity> identity,
                       load_tls_identity(config(future.server_cert, future.server_key)));
  ASSERT_TRUE(identity.has_value());
  ASSERT_EQ(identity->warnings.size(), 1u);
  EXPECT_NE(identity->warnings[0].find("is not valid before"), std::string::npos)
      << identity->warnings[0];
}

}  // namespace
}  // namespace datamesh::server
