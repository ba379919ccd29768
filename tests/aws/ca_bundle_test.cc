// AWS_CA_BUNDLE, as botocore reads it: the AWS client's transport trusts the authorities of the
// PEM file it names instead of the system's (a proxy that inspects TLS, an endpoint override
// with a private certificate). Against a real TLS server: `datamesh serve --tls-cert` with a
// certificate of a private authority (testkit/tls_files.h).
#include <filesystem>
#include <memory>
#include <string>

#include "aws/client.h"
#include "aws/environment.h"
#include "aws/http_transport.h"
#include "aws/sts_client.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"
#include "testkit/scratch_dir.h"
#include "testkit/server_process.h"
#include "testkit/tls_files.h"

namespace datamesh::aws {
namespace {

using base::cat;

class AwsCaBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(tls_, testkit::write_tls_files(dir_.path()));
    ASSERT_OK_AND_ASSIGN(server_,
                         testkit::ServerProcess::start(
                             {.cli_path = DATAMESH_CLI_PATH,
                              .store = (dir_.path() / "mesh.db").string(),
                              .stderr_path = dir_.path() / "server.log",
                              .allow_initialize = true,
                              .extra_args = {"--tls-cert", tls_.server_cert.string(),
                                             "--tls-key", tls_.server_key.string()}}));
    healthz_ = HttpRequest{.method = "GET",
                           .path = "/healthz",
                           .headers = {{"Host", cat("127.0.0.1:", server_->port())}}};
  }

  // GET /healthz of the HTTPS server through default_transport(environment with `variables`).
  absl::StatusOr<HttpResponse> get_healthz(
      std::map<std::string, std::string, std::less<>> variables) {
    DATAMESH_ASSIGN_OR_RETURN(std::shared_ptr<HttpTransport> transport,
                              default_transport(environment_of(std::move(variables))));
    return transport->send(server_->endpoint(), healthz_);
  }

  testkit::ScratchDir dir_{"aws-ca-bundle"};
  testkit::TlsFiles tls_;
  std::unique_ptr<testkit::ServerProcess> server_;
  HttpRequest healthz_;
};

TEST_F(AwsCaBundleTest, TheAuthorityItNamesIsTrusted) {
  ASSERT_OK_AND_ASSIGN(HttpResponse answer,
                       get_healthz({{"AWS_CA_BUNDLE", tls_.authority_cert.string()}}));
  EXPECT_EQ(answer.status, 200) << answer.body;
}

TEST_F(AwsCaBundleTest, WithoutItAPrivateAuthorityIsNotTrustedAndTheErrorSaysSo) {
  EXPECT_STATUS(get_healthz({}), absl::StatusCode::kFailedPrecondition,
                "a certificate of a private authority is trusted once AWS_CA_BUNDLE names that "
                "authority's PEM file");
}

TEST_F(AwsCaBundleTest, AnotherAuthorityIsNotTrustedAndTheErrorNamesItsFile) {
  testkit::ScratchDir other_dir("aws-ca-bundle-other");
  ASSERT_OK_AND_ASSIGN(testkit::TlsFiles other, testkit::write_tls_files(other_dir.path()));
  EXPECT_STATUS(get_healthz({{"AWS_CA_BUNDLE", other.authority_cert.string()}}),
                absl::StatusCode::kFailedPrecondition,
                cat("; the authorities trusted are those of ", other.authority_cert.string(),
                    " (AWS_CA_BUNDLE)"));
}

TEST_F(AwsCaBundleTest, TheCaBundleOfTheProfileInUseIsTrusted) {
  dir_.write("home/.aws/config", "[profile mesh]\nca_bundle = ~/authority.pem\n[default]\n");
  std::filesystem::copy_file(tls_.authority_cert, dir_.path() / "home" / "authority.pem");
  const std::string home = (dir_.path() / "home").string();
  ASSERT_OK_AND_ASSIGN(HttpResponse answer,
                       get_healthz({{"HOME", home}, {"AWS_PROFILE", "mesh"}}));
  EXPECT_EQ(answer.status, 200) << answer.body;
  // Another profile's bundle is not this one's.
  EXPECT_STATUS(get_healthz({{"HOME", home}}), absl::StatusCode::kFailedPrecondition,
                "AWS_CA_BUNDLE names");
}

TEST_F(AwsCaBundleTest, AwsCaBundleWinsOverTheProfiles) {
  testkit::ScratchDir other_dir("aws-ca-bundle-other");
  ASSERT_OK_AND_ASSIGN(testkit::TlsFiles other, testkit::write_tls_files(other_dir.path()));
  const std::string config =
      dir_.write("config", cat("[default]\nca_bundle = ", tls_.authority_cert.string(), "\n"));
  EXPECT_STATUS(get_healthz({{"AWS_CONFIG_FILE", config},
                             {"AWS_CA_BUNDLE", other.authority_cert.string()}}),
                absl::StatusCode::kFailedPrecondition,
                cat("the authorities trusted are those of ", other.authority_cert.string()));
}

TEST_F(AwsCaBundleTest, AProfilesBundleThatCannotBeUsedIsNamedWithItsProfileAndLine) {
  const std::string missing = (dir_.path() / "missing.pem").string();
  const std::string config =
      dir_.write("config", cat("[profile mesh]\nregion = eu-west-1\nca_bundle = ", missing,
                               "\n"));
  EXPECT_STATUS(default_transport(environment_of({{"AWS_CONFIG_FILE", config},
                                                  {"AWS_PROFILE", "mesh"}})),
                absl::StatusCode::kNotFound,
                cat("cannot read the CA bundle ", missing, " (ca_bundle of the profile mesh at ",
                    config, ":3): No such file or directory"));
}

TEST_F(AwsCaBundleTest, ABundleThatCannotBeUsedStopsTheClientBeforeAnyCall) {
  const std::string missing = (dir_.path() / "missing.pem").string();
  EXPECT_STATUS(default_transport(environment_of({{"AWS_CA_BUNDLE", missing}})),
                absl::StatusCode::kNotFound,
                cat("cannot read the CA bundle ", missing,
                    " (AWS_CA_BUNDLE): No such file or directory"));
  EXPECT_STATUS(
      default_transport(environment_of({{"AWS_CA_BUNDLE", tls_.server_key.string()}})),
      absl::StatusCode::kInvalidArgument,
      cat("the CA bundle ", tls_.server_key.string(),
          " (AWS_CA_BUNDLE) holds no PEM certificate"));
  AwsClient::Options options;
  options.region = "us-east-1";
  options.credentials = fixed_credentials({"AKID", "secret", ""});
  options.environment = environment_of({{"AWS_CA_BUNDLE", missing}});
  EXPECT_STATUS(AwsClient::create(options), absl::StatusCode::kNotFound, "(AWS_CA_BUNDLE)");
  EXPECT_STATUS(sts_calls(options), absl::StatusCode::kNotFound, "(AWS_CA_BUNDLE)");
}

}  // namespace
}  // namespace datamesh::aws
