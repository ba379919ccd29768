// `datamesh serve --tls-cert --tls-key` and https:// clients: the C++ client and the datamesh
// command reach an HTTPS server whose certificate a private authority signed when they are
// given that authority (ClientOptions::ca_bundle, --ca-bundle, DATAMESH_CA_BUNDLE), and are told
// what is wrong, without retrying, when they cannot trust it; a wrong scheme is named; serve
// refuses wrong TLS files before it creates anything.
#include <curl/curl.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "base/files.h"
#include "base/text.h"
#include "datamesh/admin.h"
#include "gtest/gtest.h"
#include "server/server_harness.h"
#include "support/status_matchers.h"
#include "testkit/mesh_setup.h"
#include "testkit/shell_command.h"
#include "testkit/tls_files.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using testkit::CommandRun;
using testkit::run_shell_command;
using testkit::TlsFiles;

std::string quoted(const std::string& text) { return cat("'", text, "'"); }

// GET /healthz over a TLS connection of a version from `lowest` to `highest` (libcurl's
// CURL_SSLVERSION_* and CURL_SSLVERSION_MAX_*), trusting `authority`; libcurl's result. The
// client allows every cipher and signature of those versions (OpenSSL's @SECLEVEL=0), so that
// only the server can refuse an old version.
CURLcode get_healthz(const std::string& endpoint, const std::string& authority, long lowest,
                     long highest) {
  CURL* curl = curl_easy_init();
  const std::string url = cat(endpoint, "/healthz");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, authority.c_str());
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, lowest | highest);
  curl_easy_setopt(curl, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION,
                   +[](char*, size_t size, size_t count, void*) { return size * count; });
  const CURLcode result = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return result;
}

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(tls_, testkit::write_tls_files(dir_.path()));
    ASSERT_OK_AND_ASSIGN(
        server_, start_server_process(dir_.path() / "mesh.db", dir_.path() / "server.log",
                                      {"--tls-cert", tls_.server_cert.string(), "--tls-key",
                                       tls_.server_key.string()}));
    ASSERT_TRUE(server_->endpoint().starts_with("https://127.0.0.1:")) << server_->endpoint();
  }

  ClientOptions options(const std::string& endpoint, const std::string& ca_bundle) const {
    return ClientOptions{.data_mesh_account_id = mesh_account_,
                         .log_level = "WARNING",
                         .use_credentials = admin_,
                         .endpoint = endpoint,
                         .ca_bundle = ca_bundle};
  }

  // Initializes the served mesh through an https:// client that trusts the authority.
  void initialize() {
    ClientOptions bootstrap = options(server_->endpoint(), tls_.authority_cert.string());
    bootstrap.use_credentials.reset();
    ASSERT_OK_AND_ASSIGN(AccountCredentials mesh,
                         DataMeshAdmin(bootstrap).initialize_mesh_account("tls"));
    admin_ = testkit::credentials_of(mesh);
    mesh_account_ = mesh.account_id;
  }

  ScratchDir dir_{"https"};
  TlsFiles tls_;
  std::unique_ptr<ServerProcess> server_;
  std::optional<Credentials> admin_;
  std::string mesh_account_;
};

TEST_F(HttpsTest, AClientThatTrustsTheAuthorityReadsAndWrites) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  DataMeshAdmin admin(options(server_->endpoint(), tls_.authority_cert.string()));
  ASSERT_OK(admin.create_account("sales", "111111111111"));
  ASSERT_OK_AND_ASSIGN(std::vector<Account> accounts, admin.list_accounts());
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_TRUE(accounts[0].name == "sales" || accounts[1].name == "sales");
}

// One GET over `curl` (a handle of the caller's, so that it may keep its connection),
// trusting `authority`: libcurl's result, the answer's header lines and body, and how many
// connections it opened for it (0 when it reused one).
struct Fetched {
  CURLcode result = CURLE_OK;
  std::string head;
  std::string body;
  long new_connections = 0;
};
Fetched fetch(CURL* curl, const std::string& url, const std::string& authority) {
  Fetched fetched;
  const auto append = +[](char* data, size_t size, size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
  };
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, authority.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &fetched.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &fetched.head);
  fetched.result = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &fetched.new_connections);
  return fetched;
}

// The same on a connection of its own.
Fetched fetch(const std::string& url, const std::string& authority) {
  CURL* curl = curl_easy_init();
  Fetched fetched = fetch(curl, url, authority);
  curl_easy_cleanup(curl);
  return fetched;
}

// The value of the Strict-Transport-Security header of GET /healthz at `endpoint` ("" when
// there is none), trusting `authority`.
std::string strict_transport_security(const std::string& endpoint, const std::string& authority) {
  const Fetched fetched = fetch(cat(endpoint, "/healthz"), authority);
  if (fetched.result != CURLE_OK) {
    return cat("(no answer: ", curl_easy_strerror(fetched.result), ")");
  }
  constexpr std::string_view kName = "\r\nstrict-transport-security: ";
  const size_t at = base::ascii_lower(fetched.head).find(kName);
  if (at == std::string::npos) return "";
  const size_t begin = at + kName.size();
  return fetched.head.substr(begin, fetched.head.find("\r\n", begin) - begin);
}

TEST_F(HttpsTest, StrictTransportSecurityOnlyWhenConfigured) {
  EXPECT_EQ(strict_transport_security(server_->endpoint(), tls_.authority_cert.string()), "");
  const std::filesystem::path config = dir_.path() / "hsts.json";
  std::ofstream(config) << R"({"hsts_max_age_seconds": 31536000})";
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServerProcess> hsts,
      start_server_process(dir_.path() / "mesh.db", dir_.path() / "hsts.log",
                           {"--config", config.string(), "--tls-cert", tls_.server_cert.string(),
                            "--tls-key", tls_.server_key.string()}));
  EXPECT_EQ(strict_transport_security(hsts->endpoint(), tls_.authority_cert.string()),
            "max-age=31536000");
}

TEST_F(HttpsTest, OnlyTls12AndTls13AreSpoken) {
  const std::string authority = tls_.authority_cert.string();
  EXPECT_EQ(get_healthz(server_->endpoint(), authority,
                        CURL_SSLVERSION_TLSv1_3, CURL_SSLVERSION_MAX_TLSv1_3),
            CURLE_OK);
  EXPECT_EQ(get_healthz(server_->endpoint(), authority,
                        CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_2),
            CURLE_OK);
  EXPECT_EQ(get_healthz(server_->endpoint(), authority,
                        CURL_SSLVERSION_TLSv1_0, CURL_SSLVERSION_MAX_TLSv1_1),
            CURLE_SSL_CONNECT_ERROR);
}

TEST_F(HttpsTest, AClientWithoutTheAuthorityIsToldToGiveIt) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  DataMeshAdmin admin(options(server_->endpoint(), ""));
  EXPECT_STATUS(admin.list_accounts(), absl::StatusCode::kFailedPrecondition,
                cat("cannot trust the mesh server at ", server_->endpoint(), ": "));
  EXPECT_STATUS(admin.list_accounts(), absl::StatusCode::kFailedPrecondition,
                "if a private authority signed its certificate, give that authority's PEM file "
                "with --ca-bundle or DATAMESH_CA_BUNDLE");
}

TEST_F(HttpsTest, ACertificateForAnotherHostIsNotTrusted) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  ScratchDir other_dir("https-other-host");
  ASSERT_OK_AND_ASSIGN(TlsFiles other,
                       testkit::write_tls_files(other_dir.path(), {.hosts = {"mesh.example.com"}}));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServerProcess> misnamed,
      start_server_process(other_dir.path() / "mesh.db", other_dir.path() / "server.log",
                           {"--tls-cert", other.server_cert.string(), "--tls-key",
                            other.server_key.string()}));
  DataMeshAdmin admin(options(misnamed->endpoint(), other.authority_cert.string()));
  EXPECT_STATUS(admin.list_accounts(), absl::StatusCode::kFailedPrecondition,
                cat("; the authorities trusted are those of ", other.authority_cert.string(),
                    " (--ca-bundle or DATAMESH_CA_BUNDLE), and the certificate must name the "
                    "endpoint's host"));
}

TEST_F(HttpsTest, PlainHttpToTheHttpsPortIsToldToUseHttps) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  DataMeshAdmin admin(
      options(cat("http://127.0.0.1:", server_->port()), tls_.authority_cert.string()));
  EXPECT_STATUS(admin.list_accounts(), absl::StatusCode::kUnavailable, "try https://");
}

TEST_F(HttpsTest, HttpsToAPlainHttpServerAsksWhetherThePortServesHttps) {
  ScratchDir plain_dir("https-plain");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServerProcess> plain,
                       start_server_process(plain_dir.path() / "mesh.db",
                                            plain_dir.path() / "server.log"));
  // Unsigned, so that nothing stops the call before it is sent.
  DataMeshAdmin admin(
      options(cat("https://127.0.0.1:", plain->port()), tls_.authority_cert.string()));
  EXPECT_STATUS(admin.initialize_mesh_account(), absl::StatusCode::kUnavailable,
                "is that port served with HTTPS (datamesh serve --tls-cert)?");
}

TEST_F(HttpsTest, ABundleThatCannotBeUsedIsRefusedBeforeAnyCall) {
  const std::string missing = (dir_.path() / "missing.pem").string();
  EXPECT_STATUS(DataMeshAdmin(options(server_->endpoint(), missing)).list_accounts(),
                absl::StatusCode::kNotFound,
                cat("cannot read the CA bundle ", missing, " (--ca-bundle or DATAMESH_CA_BUNDLE)"));
  EXPECT_STATUS(
      DataMeshAdmin(options(server_->endpoint(), tls_.server_key.string())).list_accounts(),
      absl::StatusCode::kInvalidArgument,
      cat("the CA bundle ", tls_.server_key.string(),
          " (--ca-bundle or DATAMESH_CA_BUNDLE) holds no PEM certificate"));
}

TEST_F(HttpsTest, TheCommandTakesTheBundleFromItsOptionOrTheEnvironment) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  const std::string command = cat(
      quoted(DATAMESH_CLI_PATH), " --endpoint ", server_->endpoint(), " --access-key-id ",
      admin_->access_key_id, " --secret-access-key ", admin_->secret_access_key);
  const CommandRun with_option = run_shell_command(
      cat(command, " --ca-bundle ", quoted(tls_.authority_cert), " admin list-accounts"));
  EXPECT_EQ(with_option.exit_code, 0) << with_option.output;
  EXPECT_NE(with_option.output.find(cat("\"AccountId\": \"", mesh_account_, "\"")),
            std::string::npos)
      << with_option.output;

  const CommandRun with_environment = run_shell_command(cat(
      "DATAMESH_CA_BUNDLE=", quoted(tls_.authority_cert), " ", command, " admin list-accounts"));
  EXPECT_EQ(with_environment.exit_code, 0) << with_environment.output;

  const CommandRun without = run_shell_command(cat("env -u DATAMESH_CA_BUNDLE ", command,
                                             " admin list-accounts"));
  EXPECT_EQ(without.exit_code, 7) << without.output;  // FailedPrecondition
  EXPECT_NE(without.output.find("error (FailedPrecondition): cannot trust the mesh server at"),
            std::string::npos)
      << without.output;
}

TEST_F(HttpsTest, ServeRefusesAWrongKeyBeforeItCreatesTheMesh) {
  const std::filesystem::path mesh = dir_.path() / "never" / "mesh.db";
  const CommandRun run = run_shell_command(cat(
      quoted(DATAMESH_CLI_PATH), " serve --allow-initialize --listen 127.0.0.1:0 --store ",
      quoted("sqlite://" + mesh.string()), " --tls-cert ", quoted(tls_.server_cert),
      " --tls-key ", quoted(tls_.other_key)));
  EXPECT_EQ(run.exit_code, 2) << run.output;  // InvalidArgument
  EXPECT_NE(run.output.find(cat("error (InvalidArgument): the key in ", tls_.other_key.string(),
                                " does not belong to the certificate in ",
                                tls_.server_cert.string())),
            std::string::npos)
      << run.output;
  EXPECT_FALSE(std::filesystem::exists(mesh.parent_path()));
}

// Waits up to 10 s for `text` to appear in the file at `path` (a server's log); whether it did.
bool wait_for_line(const std::filesystem::path& path, std::string_view text) {
  for (int tries = 0; tries < 200; ++tries) {
    if (base::read_whole_file(path).value_or("").find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// SIGHUP reads the certificate and key files again: new connections get the renewed
// certificate (here from another authority, so that a client can tell which one it got), a
// connection kept open before keeps working, and /metrics shows the new expiry.
TEST_F(HttpsTest, SighupServesTheRenewedCertificateWithoutARestart) {
  const std::string url = cat(server_->endpoint(), "/healthz");
  const std::string old_authority = tls_.authority_cert.string();
  CURL* kept = curl_easy_init();
  ASSERT_EQ(fetch(kept, url, old_authority).result, CURLE_OK);

  ScratchDir renewal_dir("https-renewal");
  ASSERT_OK_AND_ASSIGN(TlsFiles renewed,
                       testkit::write_tls_files(renewal_dir.path(), {.valid_until_days = 90}));
  const std::string new_authority = renewed.authority_cert.string();
  EXPECT_EQ(fetch(url, new_authority).result, CURLE_PEER_FAILED_VERIFICATION);
  std::filesystem::copy_file(renewed.server_cert, tls_.server_cert,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(renewed.server_key, tls_.server_key,
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_OK(server_->send_signal(SIGHUP));
  ASSERT_TRUE(wait_for_line(dir_.path() / "server.log",
                            "SIGHUP: HTTPS with the certificate of CN=127.0.0.1"))
      << base::read_whole_file(dir_.path() / "server.log").value_or("");

  EXPECT_EQ(fetch(url, new_authority).result, CURLE_OK);
  EXPECT_EQ(fetch(url, old_authority).result, CURLE_PEER_FAILED_VERIFICATION);
  const Fetched on_kept = fetch(kept, url, old_authority);
  EXPECT_EQ(on_kept.result, CURLE_OK);
  EXPECT_EQ(on_kept.new_connections, 0) << "the kept connection was not reused";
  curl_easy_cleanup(kept);

  const Fetched metrics = fetch(cat(server_->endpoint(), "/metrics"), new_authority);
  ASSERT_EQ(metrics.result, CURLE_OK);
  EXPECT_EQ(metric_value(metrics.body, "datamesh_tls_reloads_total{result=\"ok\"}"), 1);
  EXPECT_EQ(metric_value(metrics.body, "datamesh_tls_reloads_total{result=\"failed\"}"), 0);
  const std::optional<double> expiry =
      metric_value(metrics.body, "datamesh_tls_certificate_expiry_timestamp_seconds");
  ASSERT_TRUE(expiry.has_value()) << metrics.body;
  const int64_t in_90_days = std::time(nullptr) + 90 * 86400;
  EXPECT_NEAR(*expiry, in_90_days, 3600);
}

// A renewal that cannot be used (here a key of another certificate) is logged and counted, and
// the server goes on with the certificate it had.
TEST_F(HttpsTest, ASighupWithAWrongKeyKeepsTheCertificateItHad) {
  std::filesystem::copy_file(tls_.other_key, tls_.server_key,
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_OK(server_->send_signal(SIGHUP));
  ASSERT_TRUE(wait_for_line(
      dir_.path() / "server.log",
      cat("SIGHUP: the TLS certificate was not reloaded, the server keeps the one it had: the "
          "key in ", tls_.server_key.string(), " does not belong to the certificate in ",
          tls_.server_cert.string())))
      << base::read_whole_file(dir_.path() / "server.log").value_or("");

  const Fetched metrics =
      fetch(cat(server_->endpoint(), "/metrics"), tls_.authority_cert.string());
  ASSERT_EQ(metrics.result, CURLE_OK);
  EXPECT_EQ(metric_value(metrics.body, "datamesh_tls_reloads_total{result=\"ok\"}"), 0);
  EXPECT_EQ(metric_value(metrics.body, "datamesh_tls_reloads_total{result=\"failed\"}"), 1);
  ASSERT_NO_FATAL_FAILURE(initialize());  // a new connection, with the old certificate
}

// Over plain HTTP, SIGHUP has nothing to reload: it is logged, and the server goes on.
TEST_F(HttpsTest, ASighupToAPlainHttpServerIsLoggedAndChangesNothing) {
  ScratchDir plain_dir("https-plain-sighup");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServerProcess> plain,
                       start_server_process(plain_dir.path() / "mesh.db",
                                            plain_dir.path() / "server.log"));
  ASSERT_OK(plain->send_signal(SIGHUP));
  EXPECT_TRUE(wait_for_line(plain_dir.path() / "server.log",
                            "[warning] SIGHUP: the server serves plain HTTP: there is no "
                            "certificate to reload"))
      << base::read_whole_file(plain_dir.path() / "server.log").value_or("");
  const Fetched healthz = fetch(cat(plain->endpoint(), "/healthz"), "");
  EXPECT_EQ(healthz.result, CURLE_OK);
  const Fetched metrics = fetch(cat(plain->endpoint(), "/metrics"), "");
  EXPECT_EQ(metrics.body.find("datamesh_tls_"), std::string::npos);
}

}  // namespace
}  // namespace datamesh::server_test
