// Secrets never leave where they belong. The `datamesh` command runs a whole workflow, every
// call at --log-level DEBUG: keys created, rotated and revoked, requests signed with them, and
// requests failing for a wrong secret, a revoked key and a malformed credentials file holding a
// secret. Against `datamesh serve` (also at DEBUG, with its access log) and against an embedded
// mesh file. Everything that comes out is kept: each command's stdout and stderr, the server's
// stdout and stderr, /metrics, and the mesh file itself. Then no secret access key may appear
// anywhere but on the stdout of the one command that created it, and the master key nowhere.
//
// Each secret is searched whole and by its first and last 16 characters. The test also checks
// that the capture works (the access log, the debug lines and the errors are really there), so
// it cannot pass by capturing nothing.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/text.h"
#include "gtest/gtest.h"
#include "server/server_harness.h"
#include "support/status_matchers.h"
#include "support/files.h"

extern char** environ;

namespace datamesh::server_test {
namespace {

using base::cat;
namespace fs = std::filesystem;

constexpr char kMeshId[] = "999999999999";
constexpr char kProducerId[] = "111111111111";
constexpr char kConsumerId[] = "222222222222";
// The master key sealing secrets at rest, given to whatever opens the mesh file.
constexpr char kMasterKey[] = "6d61737465726b65796d61737465726b65796d61737465726b65796d61737465";
// Secrets a user types that are no key's: they must not be echoed either.
constexpr char kWrongSecret[] = "TypedWrongSecretTypedWrongSecretTyped000";

// The environment of a child: ours without any DATAMESH_* setting or CredentialsFile (so the
// caller's shell cannot change the test), HOME in the scratch directory (no profile file), and
// `extra`.
std::vector<std::string> child_environment(const fs::path& home,
                                           const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    if (variable.starts_with("DATAMESH_") || variable.starts_with("CredentialsFile=") ||
        variable.starts_with("HOME=")) {
      continue;
    }
    out.emplace_back(variable);
  }
  out.push_back(cat("HOME=", home.string()));
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// One run of the command and everything it printed.
struct CommandRun {
  std::string command;
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `datamesh serve` at DEBUG with its access log on, as a child process.
class DebugServer {
 public:
  ~DebugServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
  }

  absl::Status start(const fs::path& dir) {
    stderr_path_ = dir / "server.stderr";
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> args = {DATAMESH_CLI_PATH, "--log-level",  "DEBUG",
                                     "serve",           "--store",      cat("sqlite://", (dir / "mesh.db").string()),
                                     "--listen",        "127.0.0.1:0", "--allow-initialize"};
    std::vector<std::string> environment =
        child_environment(dir, {cat("DATAMESH_MASTER_KEY=", kMasterKey)});
    const int spawned = posix_spawn(&pid_, DATAMESH_CLI_PATH, &actions, nullptr,
                                    pointers(args).data(), pointers(environment).data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    stdout_fd_ = fds[0];
    if (spawned != 0) {
      pid_ = -1;
      return absl::InternalError(cat("cannot start the server: ", std::strerror(spawned)));
    }
    // "datamesh serving sqlite://... on http://127.0.0.1:PORT"; a deadline only against a hang.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (first_line_.empty() || first_line_.back() != '\n') {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return absl::DeadlineExceededError("the server printed no line");
      pollfd readable{.fd = stdout_fd_, .events = POLLIN, .revents = 0};
      if (::poll(&readable, 1, static_cast<int>(left.count())) <= 0) continue;
      char c = 0;
      const ssize_t got = ::read(stdout_fd_, &c, 1);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        return absl::InternalError(cat("the server exited: ", read_file(stderr_path_)));
      }
      first_line_.push_back(c);
    }
    const size_t on = first_line_.rfind(" on http://");
    if (on == std::string::npos) return absl::InternalError(cat("unexpected: ", first_line_));
    endpoint_ = first_line_.substr(on + 4, first_line_.size() - on - 5);
    port_ = std::stoi(endpoint_.substr(endpoint_.rfind(':') + 1));
    return absl::OkStatus();
  }

  // SIGTERM, wait for the exit; then what it printed.
  absl::Status stop(std::string& out, std::string& err) {
    if (pid_ <= 0) return absl::FailedPreconditionError("not running");
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    out = first_line_;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::read(stdout_fd_, buffer, sizeof buffer)) > 0) out.append(buffer, got);
    err = read_file(stderr_path_);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return absl::InternalError(cat("the server did not exit cleanly: status ", status));
    }
    return absl::OkStatus();
  }

  const std::string& endpoint() const { return endpoint_; }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  fs::path stderr_path_;
  std::string first_line_;
  std::string endpoint_;
  int port_ = 0;
};

enum class Mode { kServer, kEmbedded };
void PrintTo(Mode mode, std::ostream* out) {
  *out << (mode == Mode::kServer ? "server" : "embedded");
}

class SecretsHygieneTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    if (GetParam() == Mode::kServer) {
      ASSERT_OK(server_.start(scratch_.path()));
      endpoint_ = server_.endpoint();
    } else {
      endpoint_ = cat("sqlite://", (scratch_.path() / "mesh.db").string());
    }
  }

  fs::path file(const std::string& name) const { return scratch_.path() / name; }

  // `datamesh --log-level DEBUG --endpoint <endpoint> <args>`, with the credentials file `as`
  // when not empty. The master key goes to the command only when it opens the mesh itself.
  CommandRun datamesh(const std::vector<std::string>& args, const std::string& as = "") {
    std::vector<std::string> argv = {DATAMESH_CLI_PATH, "--log-level", "DEBUG", "--endpoint",
                                     endpoint_};
    if (!as.empty()) {
      argv.push_back("--credentials-file");
      argv.push_back(file(as).string());
    }
    argv.insert(argv.end(), args.begin(), args.end());
    CommandRun run;
    run.command = base::join(args, " ");
    const fs::path out = file("run.stdout");
    const fs::path err = file("run.stderr");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> environment = child_environment(
        scratch_.path(), GetParam() == Mode::kEmbedded
                             ? std::vector<std::string>{cat("DATAMESH_MASTER_KEY=", kMasterKey)}
                             : std::vector<std::string>{});
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, DATAMESH_CLI_PATH, &actions, nullptr,
                                    pointers(argv).data(), pointers(environment).data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      ADD_FAILURE() << "cannot run " << DATAMESH_CLI_PATH << ": " << std::strerror(spawned);
      return run;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.out = read_file(out);
    run.err = read_file(err);
    runs_.push_back(run);
    return run;
  }

  // Runs a command that must succeed; its stdout is saved as `save_as` when given.
  CommandRun ok(const std::vector<std::string>& args, const std::string& as = "",
         const std::string& save_as = "") {
    CommandRun run = datamesh(args, as);
    EXPECT_EQ(run.exit_code, 0) << run.command << "\n" << run.err;
    if (!save_as.empty()) std::ofstream(file(save_as)) << run.out;
    return run;
  }

  // Runs a command that creates a key: its secret may be on this run's stdout, nowhere else.
  std::string creates_key(const std::vector<std::string>& args, const std::string& as,
                          const std::string& save_as = "") {
    const CommandRun run = ok(args, as, save_as);
    const nlohmann::json answer = nlohmann::json::parse(run.out, nullptr, false);
    if (!answer.is_object() || !answer.contains("SecretAccessKey")) {
      ADD_FAILURE() << run.command << " printed no credentials: " << run.out;
      return "";
    }
    const std::string secret = answer["SecretAccessKey"].get<std::string>();
    created_.push_back({secret, runs_.size() - 1});
    return answer["AccessKeyId"].get<std::string>();
  }

  // A command that must fail with `exit_code`.
  CommandRun fails(const std::vector<std::string>& args, int exit_code, const std::string& as = "") {
    CommandRun run = datamesh(args, as);
    EXPECT_EQ(run.exit_code, exit_code) << run.command << "\n" << run.err;
    EXPECT_FALSE(run.err.empty()) << run.command << " failed without a message";
    return run;
  }

  // The secrets and where each may appear (the index of the run that printed it; none: nowhere).
  struct Secret {
    std::string value;
    std::optional<size_t> printed_by;
  };

  // The workflow of the file comment, as three accounts.
  void run_workflow() {
    const std::string admin_key = creates_key(
        {"--data-mesh-account-id", kMeshId, "admin", "initialize-mesh-account"}, "", "admin.json");
    creates_key({"admin", "create-account", "--account-name", "sales", "--account-id",
                 kProducerId},
                "admin.json", "producer.json");
    creates_key({"admin", "create-account", "--account-name", "analytics", "--account-id",
                 kConsumerId},
                "admin.json", "consumer.json");
    ok({"admin", "enable-account-as-producer", "--account-id", kProducerId}, "admin.json");
    ok({"admin", "enable-account-as-consumer", "--account-id", kConsumerId}, "admin.json");
    ok({"admin", "initialize-producer-account"}, "producer.json");
    ok({"admin", "initialize-consumer-account"}, "consumer.json");
    ok({"catalog", "create-database", "--database-input", R"({"Name": "sales"})"},
       "producer.json");
    ok({"catalog", "create-table", "--database-name", "sales", "--table-input",
        R"({"Name": "orders", "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "int"}],
            "Location": "s3://sales/orders/"}})"},
       "producer.json");
    ok({"producer", "create-data-products", "--source-database-name", "sales"}, "producer.json");
    const CommandRun requested = ok({"consumer", "request-access-to-product", "--owner-account-id",
                              kProducerId, "--database-name", "sales-111111111111",
                              "--request-permissions", "SELECT", "--tables", "orders"},
                             "consumer.json");
    const std::string id =
        nlohmann::json::parse(requested.out, nullptr, false).value("SubscriptionId", "");
    ASSERT_FALSE(id.empty()) << requested.out;
    ok({"producer", "approve-access-request", "--request-id", id}, "producer.json");
    ok({"consumer", "finalize-subscription", "--subscription-id", id}, "consumer.json");
    ok({"consumer", "get-table-info", "--database-name", "sales-111111111111", "--table-name",
        "orders"},
       "consumer.json");

    // Keys: a second key for the consumer, rotated (the new one is printed), the new one revoked.
    const std::string second =
        creates_key({"admin", "create-access-key", "--account-id", kConsumerId}, "admin.json",
                    "second.json");
    const std::string rotated =
        creates_key({"admin", "rotate-access-key", "--key-id", second}, "admin.json");
    ok({"admin", "revoke-access-key", "--key-id", rotated}, "admin.json");
    ok({"admin", "list-access-keys", "--account-id", kConsumerId}, "admin.json");
    ok({"admin", "describe-account", "--account-id", kConsumerId}, "consumer.json");
    ok({"admin", "list-audit-events"}, "admin.json");

    // Refusals: the rotated-away key, a wrong secret typed on the command line, a credentials
    // file cut short in the middle of its secret, and a call the caller may not make.
    fails({"consumer", "list-product-access"}, 6, "second.json");
    fails({"--access-key-id", admin_key, "--secret-access-key", kWrongSecret, "admin",
           "list-accounts"},
          6);
    const std::string producer_file = read_file(file("producer.json"));
    std::ofstream(file("truncated.json")) << producer_file.substr(0, producer_file.size() - 8);
    fails({"admin", "list-accounts"}, 2, "truncated.json");
    fails({"admin", "list-accounts"}, 5, "consumer.json");
  }

  // Every secret the workflow handled, with where it may be.
  std::vector<Secret> secrets() const {
    std::vector<Secret> all;
    for (const auto& [value, run] : created_) all.push_back({value, run});
    all.push_back({kWrongSecret, std::nullopt});
    all.push_back({kMasterKey, std::nullopt});
    return all;
  }

  // `text` (named `where`) holds no piece of `secret`.
  static void expect_no_secret(const std::string& text, const std::string& where,
                               const std::string& secret) {
    ASSERT_GE(secret.size(), 32u);
    for (const std::string& piece :
         {secret, secret.substr(0, 16), secret.substr(secret.size() - 16)}) {
      EXPECT_EQ(text.find(piece), std::string::npos)
          << where << " holds (part of) a secret: " << piece;
    }
  }

  // Checks every run's output against every secret.
  void expect_runs_clean() {
    ASSERT_EQ(created_.size(), 5u);  // admin, producer, consumer, second, rotated
    for (const Secret& secret : secrets()) {
      for (size_t i = 0; i < runs_.size(); ++i) {
        expect_no_secret(runs_[i].err, cat("stderr of `", runs_[i].command, "`"), secret.value);
        if (secret.printed_by == i) {
          EXPECT_NE(runs_[i].out.find(secret.value), std::string::npos);
        } else {
          expect_no_secret(runs_[i].out, cat("stdout of `", runs_[i].command, "`"),
                           secret.value);
        }
      }
    }
  }

  // The mesh file and its journal hold secrets only sealed.
  void expect_store_sealed() {
    std::string stored;
    for (const auto& entry : fs::directory_iterator(scratch_.path())) {
      if (entry.path().filename().string().starts_with("mesh.db")) {
        stored += read_file(entry.path());
      }
    }
    ASSERT_GT(stored.size(), 4096u) << "no mesh file was written";
    for (const Secret& secret : secrets()) expect_no_secret(stored, "the mesh file", secret.value);
  }

  // The runs whose output contains `text`.
  size_t runs_showing(const std::string& text, bool on_stdout) const {
    size_t count = 0;
    for (const CommandRun& run : runs_) count += (on_stdout ? run.out : run.err).find(text) != std::string::npos;
    return count;
  }

  ScratchDir scratch_;
  DebugServer server_;
  std::string endpoint_;
  std::vector<CommandRun> runs_;
  std::vector<std::pair<std::string, size_t>> created_;
};

TEST_P(SecretsHygieneTest, NoSecretInAnyOutputLogErrorMetricOrTheStore) {
  ASSERT_NO_FATAL_FAILURE(run_workflow());
  if (::testing::Test::HasFailure()) return;

  // The refusals said why, without the secret they were about.
  EXPECT_NE(runs_[runs_.size() - 3].err.find("Unauthenticated"), std::string::npos);
  EXPECT_NE(runs_[runs_.size() - 2].err.find("malformed JSON"), std::string::npos);
  ASSERT_NO_FATAL_FAILURE(expect_runs_clean());

  if (GetParam() == Mode::kServer) {
    const HttpAnswer metrics = http_get(server_.port(), "/metrics");
    ASSERT_EQ(metrics.status, 200);
    ASSERT_NE(metrics.body.find("datamesh_requests_total"), std::string::npos);
    std::string out, err;
    ASSERT_OK(server_.stop(out, err));
    // The capture works: the access log and the debug lines are in it.
    ASSERT_NE(err.find("\"path\":\"/v1/admin/rotate-access-key\""), std::string::npos) << err;
    ASSERT_NE(err.find("[debug]"), std::string::npos) << err;
    ASSERT_NE(err.find("Unauthenticated"), std::string::npos) << err;
    for (const Secret& secret : secrets()) {
      expect_no_secret(err, "the server's stderr (logs, access log)", secret.value);
      expect_no_secret(out, "the server's stdout", secret.value);
      expect_no_secret(metrics.body, "/metrics", secret.value);
    }
  } else {
    // At DEBUG an embedded command logs its method, account and key id.
    ASSERT_GT(runs_showing("[debug]", /*on_stdout=*/true) +
                  runs_showing("[debug]", /*on_stdout=*/false),
              10u);
  }
  expect_store_sealed();
}

INSTANTIATE_TEST_SUITE_P(Modes, SecretsHygieneTest, ::testing::Values(Mode::kServer, Mode::kEmbedded),
                         [](const ::testing::TestParamInfo<Mode>& info) {
                           return info.param == Mode::kServer ? "Server" : "Embedded";
                         });

}  // namespace
}  // namespace datamesh::server_test
