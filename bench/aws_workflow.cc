#include "aws_workflow.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>

#include "absl/strings/str_format.h"
#include "aws/client.h"
#include "aws/http_transport.h"
#include "aws/sts_client.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "client/aws_backend.h"
#include "datamesh/types.h"

namespace datamesh::bench {
namespace {

using base::cat;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The value of header `name` (case-insensitive), or "".
std::string header(const aws::HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (std::ranges::equal(key, name, [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return "";
}

// The service of a signed request: the fourth part of its credential scope
// (Credential=AKID/20261205/us-east-1/glue/aws4_request).
std::string service_of(const aws::HttpRequest& request) {
  const std::string authorization = header(request, "Authorization");
  const size_t credential = authorization.find("Credential=");
  if (credential == std::string::npos) return "?";
  std::string_view scope = std::string_view(authorization).substr(credential + 11);
  scope = scope.substr(0, scope.find(','));
  std::array<std::string_view, 5> parts{};
  for (std::string_view& part : parts) {
    const size_t slash = scope.find('/');
    part = scope.substr(0, slash);
    scope = slash == std::string_view::npos ? std::string_view() : scope.substr(slash + 1);
  }
  return std::string(parts[3]);
}

// The operation: X-Amz-Target's (JSON protocols), the query protocol's Action, or the REST
// method and the path's first segment (RAM's /createresourceshare, S3's bucket).
std::string operation_of(const aws::HttpRequest& request) {
  const std::string target = header(request, "X-Amz-Target");
  if (!target.empty()) return target.substr(target.rfind('.') + 1);
  const size_t action = request.body.find("Action=");
  if (action != std::string::npos) {
    const std::string_view rest = std::string_view(request.body).substr(action + 7);
    return std::string(rest.substr(0, rest.find('&')));
  }
  std::string_view path = request.path;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return cat(request.method, " /", path.substr(0, path.find('/')));
}

// A transport that counts every request by step, service and operation before passing it on.
class CountingTransport final : public aws::HttpTransport {
 public:
  explicit CountingTransport(std::shared_ptr<aws::HttpTransport> next) : next_(std::move(next)) {}

  absl::StatusOr<aws::HttpResponse> send(std::string_view origin,
                                         const aws::HttpRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      if (counting_ != nullptr) ++(*counting_)[service_of(request)][operation_of(request)];
    }
    return next_->send(origin, request);
  }

  // Counts into `calls` from now on (nullptr: stops counting).
  void count_into(std::map<std::string, std::map<std::string, long>>* calls) {
    std::lock_guard lock(mutex_);
    counting_ = calls;
  }

 private:
  std::shared_ptr<aws::HttpTransport> next_;
  std::mutex mutex_;
  std::map<std::string, std::map<std::string, long>>* counting_ = nullptr;  // guarded by mutex_
};

// A twelve-digit account id no earlier run used (moto keeps AssumeRole'd accounts apart).
std::string fresh_account() {
  static std::mt19937_64 random{std::random_device{}()};
  return std::to_string(100000000000ULL + random() % 800000000000ULL);
}

aws::EnvironmentLookup endpoint_environment(const std::string& url) {
  return [url](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return url;
    return std::nullopt;
  };
}

aws::AwsClient::Options moto_options(const std::string& url,
                                     std::shared_ptr<aws::HttpTransport> transport) {
  aws::AwsClient::Options options;
  options.region = "us-east-1";
  options.credentials = aws::fixed_credentials({"AKIDMOTOBENCH", "moto-bench-secret", ""});
  options.environment = endpoint_environment(url);
  options.transport = std::move(transport);
  return options;
}

class Moto {
 public:
  Moto(std::string script, std::string state) : script_(std::move(script)), state_(std::move(state)) {}
  ~Moto() {
    if (started_) run(cat("'", script_, "' stop '", state_, "' >/dev/null 2>&1"));
  }

  // Starts the server; NotFound with the script's line when moto is missing.
  absl::Status start() {
    const std::string out = cat(state_, ".start");
    started_ = true;
    if (run(cat("'", script_, "' start '", state_, "' >'", out, "' 2>&1")) != 0) {
      return absl::InternalError(cat("moto did not start: ", read_first_line(out)));
    }
    line_ = read_first_line(out);
    std::filesystem::remove(out);
    if (std::filesystem::exists(cat(state_, "/skipped"))) return absl::NotFoundError(line_);
    url_ = read_first_line(cat(state_, "/url"));
    if (url_.empty()) return absl::InternalError("moto wrote no URL");
    return absl::OkStatus();
  }
  const std::string& url() const { return url_; }
  // "moto 5.2.1" from "moto_server.sh: moto 5.2.1 at http://...".
  std::string version() const {
    const size_t at = line_.find("moto ");
    const size_t end = line_.find(" at ");
    return at == std::string::npos || end == std::string::npos ? line_
                                                                : line_.substr(at, end - at);
  }

 private:
  static int run(const std::string& command) { return std::system(command.c_str()); }
  static std::string read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
  }

  std::string script_, state_, url_, line_;
  bool started_ = false;
};

// Median of `count` STS GetCallerIdentity calls on moto: the floor of any one AWS call here.
absl::StatusOr<double> trivial_call_us(const std::string& url,
                                       std::shared_ptr<aws::HttpTransport> transport, int count) {
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<aws::AwsClient> client,
                            aws::AwsClient::create(moto_options(url, std::move(transport))));
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    const Clock::time_point start = Clock::now();
    DATAMESH_RETURN_IF_ERROR(client->call(aws::Service::kSts, "GetCallerIdentity", json::object()).status());
    times.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// One workflow with `tables` tables on fresh accounts.
class WorkflowRun {
 public:
  WorkflowRun(const std::string& url, std::shared_ptr<CountingTransport> counting,
              std::shared_ptr<aws::HttpTransport> plain, int tables)
      : url_(url), counting_(std::move(counting)), plain_(std::move(plain)) {
    run_.tables = tables;
    client::AwsBackend::Options options;
    options.environment = endpoint_environment(url);
    options.transport = counting_;
    backend_ = std::make_unique<client::AwsBackend>("us-east-1", std::move(options));
  }

  absl::StatusOr<AwsWorkflowRun> run() {
    for (std::string* account : {&mesh_, &producer_, &consumer_}) {
      *account = fresh_account();
      DATAMESH_ASSIGN_OR_RETURN(credentials_[*account], admin_credentials(*account));
    }
    const int n = run_.tables;
    DATAMESH_RETURN_IF_ERROR(step("initialize mesh", [&]() -> absl::Status {
      return call(mesh_, "admin", "initialize_mesh_account").status();
    }));
    DATAMESH_RETURN_IF_ERROR(step("initialize producer and consumer", [&]() -> absl::Status {
      DATAMESH_RETURN_IF_ERROR(call(producer_, "admin", "initialize_producer_account").status());
      return call(consumer_, "admin", "initialize_consumer_account").status();
    }));
    DATAMESH_RETURN_IF_ERROR(step("enable producer and consumer", [&]() -> absl::Status {
      DATAMESH_RETURN_IF_ERROR(
          call(mesh_, "admin", "enable_account_as_producer", {{"account_id", producer_}})
              .status());
      return call(mesh_, "admin", "enable_account_as_consumer", {{"account_id", consumer_}})
          .status();
    }));
    // The producer's source tables: the user's own, before datamesh publishes them.
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back(absl::StrFormat("t%03d", i));
    // The producer's bucket, where the tables' data lives (publishing writes its policy).
    const std::string bucket = cat("sales-", producer_);
    DATAMESH_RETURN_IF_ERROR(measured(run_.source_tables, "source tables (user's)", [&]() -> absl::Status {
      aws::AwsClient::Options options = moto_options(url_, counting_);
      const Credentials& admin = credentials_.at(producer_);
      options.credentials = aws::fixed_credentials(
          {admin.access_key_id, admin.secret_access_key, admin.session_token});
      DATAMESH_ASSIGN_OR_RETURN(const std::unique_ptr<aws::AwsClient> s3,
                                aws::AwsClient::create(std::move(options)));
      DATAMESH_RETURN_IF_ERROR(
          s3->call(aws::Service::kS3, "CreateBucket", {{"Bucket", bucket}}).status());
      DATAMESH_RETURN_IF_ERROR(
          call(producer_, "catalog", "create_database", {{"database_input", {{"Name", "sales"}}}})
              .status());
      for (const std::string& name : names) {
        const json table = {{"Name", name},
                            {"StorageDescriptor",
                             {{"Columns", {{{"Name", "id"}, {"Type", "int"}}}},
                              {"Location", cat("s3://", bucket, "/", name, "/")}}}};
        DATAMESH_RETURN_IF_ERROR(
            call(producer_, "catalog", "create_table",
                 {{"database_name", "sales"}, {"table_input", table}})
                .status());
      }
      return absl::OkStatus();
    }));
    const std::string mesh_database = cat("sales-", producer_);
    DATAMESH_RETURN_IF_ERROR(step("publish (create_data_products)", [&]() -> absl::Status {
      return call(producer_, "producer", "create_data_products",
                  {{"source_database_name", "sales"}, {"table_name_regex", "t.*"}})
          .status();
    }));
    std::string id;
    DATAMESH_RETURN_IF_ERROR(step("request", [&]() -> absl::Status {
      DATAMESH_ASSIGN_OR_RETURN(
          const json answer,
          call(consumer_, "consumer", "request_access_to_product",
               {{"owner_account_id", producer_},
                {"database_name", mesh_database},
                {"tables", names},
                {"request_permissions", {"SELECT", "DESCRIBE"}}}));
      id = answer.at("SubscriptionId").get<std::string>();
      return absl::OkStatus();
    }));
    DATAMESH_RETURN_IF_ERROR(step("approve", [&]() -> absl::Status {
      return call(producer_, "producer", "approve_access_request", {{"request_id", id}}).status();
    }));
    DATAMESH_RETURN_IF_ERROR(step("finalize", [&]() -> absl::Status {
      return call(consumer_, "consumer", "finalize_subscription", {{"subscription_id", id}})
          .status();
    }));
    DATAMESH_RETURN_IF_ERROR(step("narrow (update_subscription_permissions)", [&]() -> absl::Status {
      return call(producer_, "producer", "update_subscription_permissions",
                  {{"subscription_id", id}, {"grant_permissions", {"SELECT"}}, {"notes", "narrowed"}})
          .status();
    }));
    DATAMESH_RETURN_IF_ERROR(step("delete", [&]() -> absl::Status {
      return call(consumer_, "consumer", "delete_subscription",
                  {{"subscription_id", id}, {"reason", "done"}})
          .status();
    }));
    return run_;
  }

 private:
  absl::StatusOr<Credentials> admin_credentials(const std::string& account) {
    DATAMESH_ASSIGN_OR_RETURN(aws::StsCalls sts, aws::sts_calls(moto_options(url_, plain_)));
    DATAMESH_ASSIGN_OR_RETURN(
        aws::AssumedCredentials assumed,
        sts.assume_role(aws::SigningKey{"AKIDMOTOBENCH", "moto-bench-secret", ""},
                        cat("arn:aws:iam::", account, ":role/Admin"), "datamesh-bench-admin"));
    return Credentials{.account_id = account,
                       .access_key_id = assumed.key.access_key_id,
                       .secret_access_key = assumed.key.secret_access_key,
                       .session_token = assumed.key.session_token};
  }

  absl::StatusOr<json> call(const std::string& account, std::string_view group,
                            std::string_view method, const json& params = json::object()) {
    return backend_->call(group, method, params, credentials_.at(account), mesh_);
  }

  template <typename Body>
  absl::Status measured(AwsStepFigures& figures, std::string name, Body body) {
    figures.step = std::move(name);
    std::cerr << "bench: aws N=" << run_.tables << ": " << figures.step << " ..." << std::endl;
    counting_->count_into(&figures.calls);
    const Clock::time_point start = Clock::now();
    absl::Status status = body();
    figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    counting_->count_into(nullptr);
    // Internal whatever the code: NotFound is kept for "moto is not installed".
    if (!status.ok()) return absl::InternalError(cat(figures.step, ": ", status.ToString()));
    return absl::OkStatus();
  }

  template <typename Body>
  absl::Status step(std::string name, Body body) {
    run_.steps.emplace_back();
    return measured(run_.steps.back(), std::move(name), std::move(body));
  }

  const std::string url_;
  std::shared_ptr<CountingTransport> counting_;
  std::shared_ptr<aws::HttpTransport> plain_;
  std::unique_ptr<client::AwsBackend> backend_;
  std::string mesh_, producer_, consumer_;
  std::map<std::string, Credentials> credentials_;
  AwsWorkflowRun run_;
};

long target_calls(int tables) { return 14L * tables + 108; }
long original_calls(int tables) { return 28L * tables + 216; }

// service -> calls over every step of a run.
std::map<std::string, long> by_service(const AwsWorkflowRun& run) {
  std::map<std::string, long> out;
  for (const AwsStepFigures& step : run.steps) {
    for (const auto& [service, operations] : step.calls) {
      for (const auto& [operation, calls] : operations) out[service] += calls;
    }
  }
  return out;
}

}  // namespace

long AwsStepFigures::total() const {
  long total = 0;
  for (const auto& [service, operations] : calls) {
    for (const auto& [operation, count] : operations) total += count;
  }
  return total;
}

long AwsWorkflowRun::total_calls() const {
  long total = 0;
  for (const AwsStepFigures& step : steps) total += step.total();
  return total;
}

double AwsWorkflowRun::total_seconds() const {
  double total = 0;
  for (const AwsStepFigures& step : steps) total += step.seconds;
  return total;
}

absl::StatusOr<AwsWorkflowFigures> measure_aws_workflow(const AwsWorkflowSetup& setup) {
  Moto moto(setup.moto_script, setup.state_dir);
  DATAMESH_RETURN_IF_ERROR(moto.start());
  AwsWorkflowFigures figures;
  figures.moto_version = moto.version();
  auto plain = std::make_shared<aws::CurlTransport>();
  auto counting = std::make_shared<CountingTransport>(plain);
  DATAMESH_ASSIGN_OR_RETURN(figures.trivial_call_p50_us, trivial_call_us(moto.url(), plain, 200));
  for (int tables : setup.table_counts) {
    WorkflowRun run(moto.url(), counting, plain, tables);
    DATAMESH_ASSIGN_OR_RETURN(AwsWorkflowRun measured, run.run());
    figures.runs.push_back(std::move(measured));
  }
  return figures;
}

void print_aws_workflow(const AwsWorkflowFigures& figures) {
  std::printf("\nAWS mode on %s: the documented workflow, calls and seconds per step\n",
              figures.moto_version.c_str());
  std::printf("baseline: one trivial moto call (STS GetCallerIdentity), p50 %.0f us\n",
              figures.trivial_call_p50_us);
  for (const AwsWorkflowRun& run : figures.runs) {
    std::printf("\nN = %d tables\n", run.tables);
    std::printf("  %-42s %6s %9s  %s\n", "step", "calls", "seconds", "by service and operation");
    for (const AwsStepFigures& step : run.steps) {
      std::string detail;
      for (const auto& [service, operations] : step.calls) {
        for (const auto& [operation, calls] : operations) {
          detail += cat(service, ":", operation, "=", calls, " ");
        }
      }
      std::printf("  %-42s %6ld %9.2f  %s\n", step.step.c_str(), step.total(), step.seconds,
                  detail.c_str());
    }
    std::string services;
    for (const auto& [service, calls] : by_service(run)) services += cat(service, "=", calls, " ");
    const long target = target_calls(run.tables);
    std::printf("  %-42s %6ld %9.2f  %s\n", "total", run.total_calls(), run.total_seconds(),
                services.c_str());
    std::printf("  target <= %ld calls (original %ld): %s; calls x baseline = %.2f s",
                target, original_calls(run.tables), run.total_calls() <= target ? "met" : "NOT met",
                run.total_calls() * figures.trivial_call_p50_us / 1e6);
    if (run.tables == 100) {
      std::printf("; time target <= 24 s: %s", run.total_seconds() <= 24 ? "met" : "NOT met");
    }
    std::printf("\n  (the user's %ld source-table calls, %.2f s, are outside the totals)\n",
                run.source_tables.total(), run.source_tables.seconds);
  }
}

json aws_workflow_json(const AwsWorkflowFigures& figures) {
  json runs = json::array();
  auto step_json = [](const AwsStepFigures& step) {
    return json{{"step", step.step},
                {"seconds", step.seconds},
                {"calls", step.total()},
                {"by_operation", step.calls}};
  };
  for (const AwsWorkflowRun& run : figures.runs) {
    json steps = json::array();
    for (const AwsStepFigures& step : run.steps) steps.push_back(step_json(step));
    runs.push_back({{"tables", run.tables},
                    {"steps", steps},
                    {"source_tables", step_json(run.source_tables)},
                    {"calls", run.total_calls()},
                    {"calls_by_service", by_service(run)},
                    {"seconds", run.total_seconds()},
                    {"target_calls", target_calls(run.tables)},
                    {"original_calls", original_calls(run.tables)},
                    {"calls_target_met", run.total_calls() <= target_calls(run.tables)}});
    if (run.tables == 100) runs.back()["seconds_target_met"] = run.total_seconds() <= 24;
  }
  return {{"moto", figures.moto_version},
          {"baseline_trivial_call_p50_us", figures.trivial_call_p50_us},
          {"runs", runs}};
}

}  // namespace datamesh::bench
