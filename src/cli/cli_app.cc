#include "cli/cli_app.h"

#include <algorithm>
#include <cstdlib>
#include <cstdint>
#include <deque>
#include <iostream>
#include <map>
#include <optional>

#include "CLI/CLI.hpp"
#include "client/open_backend.h"
#include "api/credentials.h"
#include "api/json_codec.h"
#include "api/json_list.h"
#include "api/logging.h"
#include "api/methods.h"
#include "api/backup.h"
#include "api/migrate.h"
#include "api/routes.h"
#include "base/trimmed.h"
#include "cli/output.h"
#include "cli/progress_bar.h"
#include "cli/quickstart.h"
#include "cli/serve.h"
#include "cli/unknown_command.h"
#include "store/open/endpoint.h"
#include "base/files.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::cli {
namespace {

using base::cat;

// Storage for the value of one method parameter given on the command line. A parameter with an
// alias has a second ParamValue for the alias's options, so that the call names the parameter
// as the user spelled it.
struct ParamValue {
  const api::ParamSpec* spec = nullptr;
  std::string_view key;  // spec->name, or spec->alias
  CLI::Option* option = nullptr;
  std::string text;
  std::vector<std::string> list;
  bool flag = false;
  int64_t number = 0;  // wider than any field: the range check names the field's range
};

struct MethodCommand {
  const api::Route* route = nullptr;
  CLI::App* app = nullptr;
  std::deque<ParamValue> values;
};

struct GlobalOptions {
  std::string endpoint;
  std::string data_mesh_account_id;
  std::string region_name = "us-east-1";
  std::string log_level = "INFO";
  std::string access_key_id;
  std::string secret_access_key;
  std::string credentials_file;
  std::string credentials_block;
  std::string profile;
  std::string master_key_file;
  std::string ca_bundle;
  int timeout_seconds = 60;
  bool region_given = false;  // --region-name was given, not defaulted
};

std::string trim(std::string_view text) { return std::string(base::trimmed(text, " \t")); }

// A JSON parameter: inline JSON, or a file given as file://path or @path.
absl::StatusOr<nlohmann::json> json_argument(std::string_view name, const std::string& value) {
  std::string text = value;
  std::string_view path;
  if (value.starts_with("file://")) path = std::string_view(value).substr(7);
  if (value.starts_with("@")) path = std::string_view(value).substr(1);
  if (!path.empty()) {
    std::optional<std::string> content = base::read_whole_file(std::string(path));
    if (!content) {
      return absl::InvalidArgumentError(cat("--", api::dashed(name), ": cannot read ", path));
    }
    text = *std::move(content);
  }
  auto parsed = api::parse_json(text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(cat("--", api::dashed(name), ": ", parsed.status().message()));
  }
  return parsed;
}

absl::StatusOr<nlohmann::json> collect_params(const MethodCommand& command) {
  nlohmann::json params = nlohmann::json::object();
  for (const ParamValue& value : command.values) {
    if (value.option->count() == 0) continue;
    const std::string name(value.key);
    switch (value.spec->type) {
      case api::ParamType::kString: params[name] = value.text; break;
      case api::ParamType::kBool: params[name] = value.flag; break;
      case api::ParamType::kInt: params[name] = value.number; break;
      case api::ParamType::kStringList:
      case api::ParamType::kPermissionList: {
        // CLI11 gives one empty value for an option given without values: an empty list.
        // Permissions are trimmed so that "SELECT, INSERT" reads as two names.
        std::vector<std::string> list;
        for (const std::string& item : value.list) {
          std::string entry = value.spec->type == api::ParamType::kPermissionList ? trim(item)
                                                                                  : item;
          if (!entry.empty()) list.push_back(std::move(entry));
        }
        params[name] = list;
        break;
      }
      case api::ParamType::kJson: {
        DATAMESH_ASSIGN_OR_RETURN(params[name], json_argument(name, value.text));
        break;
      }
    }
  }
  return params;
}

// The blocks of a reference credentials file a command reads by default: the reference's
// account-set-up blocks for initialize-*-account, else the block of the command's persona.
std::vector<std::string> default_blocks(const api::Route& route) {
  if (route.method == api::methods::kInitializeProducerAccount.name) {
    return {"ProducerAdmin", "Producer"};
  }
  if (route.method == api::methods::kInitializeConsumerAccount.name) {
    return {"ConsumerAdmin", "Consumer"};
  }
  if (route.group == "admin") return {"Mesh"};
  if (route.group == "consumer") return {"Consumer"};
  return {"Producer"};
}

// The answer of a method that streams (api/routes.h Route::stream), printed as it comes: the
// same text print_answer gives the whole answer, in memory that does not grow with it. A call
// that fails before its first entry prints nothing; one that fails later leaves the answer
// unfinished (no closing bracket) before the error is reported.
absl::StatusOr<int> print_streamed(Backend& backend, const api::Route& route,
                                   const nlohmann::json& params,
                                   const std::optional<Credentials>& credentials,
                                   std::string_view data_mesh_account_id) {
  bool printed = false;
  api::JsonListWriter list(route.wrap, /*indent=*/2, [&printed](std::string_view text) {
    printed = true;
    std::cout << text;
    return std::cout ? absl::OkStatus() : absl::UnavailableError("cannot write to stdout");
  });
  absl::Status status = backend.stream(route.group, route.method, params, credentials,
                                       data_mesh_account_id,
                                       [&list](const nlohmann::json& entry) {
                                         return list.add(entry);
                                       });
  if (status.ok()) status = list.finish();
  if (printed) std::cout << std::endl;
  DATAMESH_RETURN_IF_ERROR(status);
  return kExitOk;
}

// Runs one method command and prints its answer; the exit code, or the error to report.
absl::StatusOr<int> call_method(const GlobalOptions& global, const MethodCommand& command) {
  DATAMESH_RETURN_IF_ERROR(api::set_log_level(global.log_level));
  DATAMESH_ASSIGN_OR_RETURN(const nlohmann::json params, collect_params(command));
  // In AWS mode --profile is the AWS profile, as for the aws command: AWS_PROFILE for this
  // process, before the AWS credential chain reads it. datamesh's own profiles hold datamesh
  // keys, which AWS does not take, and are not read there.
  const absl::StatusOr<store::Endpoint> endpoint = store::parse_endpoint(global.endpoint);
  const bool aws_mode = endpoint.ok() && endpoint->kind == store::Endpoint::Kind::kAws;
  if (aws_mode && !global.profile.empty()) ::setenv("AWS_PROFILE", global.profile.c_str(), 1);
  const api::CredentialSources sources{
      .credentials_file = global.credentials_file,
      .blocks = global.credentials_block.empty()
                    ? default_blocks(*command.route)
                    : std::vector<std::string>{global.credentials_block},
      .profile = global.profile,
      .datamesh_profiles = !aws_mode};
  // An AWS mesh is named by its account: the original's credentials file names it (its Mesh
  // block), and its scripts take it from there.
  std::string data_mesh_account_id = global.data_mesh_account_id;
  if (aws_mode && data_mesh_account_id.empty()) {
    data_mesh_account_id = api::mesh_account_in_credentials_file(sources);
  }
  const ClientOptions options{.data_mesh_account_id = data_mesh_account_id,
                              .region_name = global.region_name,
                              .log_level = global.log_level,
                              .endpoint = global.endpoint,
                              .master_key_file = global.master_key_file,
                              .ca_bundle = global.ca_bundle,
                              .timeout_seconds = global.timeout_seconds};
  std::optional<Credentials> explicit_credentials;
  if (!global.access_key_id.empty() || !global.secret_access_key.empty()) {
    if (global.access_key_id.empty() || global.secret_access_key.empty()) {
      return absl::InvalidArgumentError(
          "give both --access-key-id and --secret-access-key, or neither");
    }
    explicit_credentials = Credentials{.access_key_id = global.access_key_id,
                                       .secret_access_key = global.secret_access_key};
  }
  // An unauthenticated method (initialize-mesh-account) takes no datamesh key: the self-hosted
  // modes ignore keys given to it. In AWS mode it runs with AWS keys, found as the other
  // methods find theirs (the command line, the original's credentials file and its Mesh block,
  // else the AWS chain), so that the original's users initialize with the file they have.
  std::optional<Credentials> credentials = explicit_credentials;
  if (command.route->authenticated || aws_mode) {
    api::CredentialSources with_explicit = sources;
    with_explicit.explicit_credentials = explicit_credentials;
    DATAMESH_ASSIGN_OR_RETURN(credentials, api::resolve_credentials(with_explicit));
  }
  DATAMESH_ASSIGN_OR_RETURN(
      const std::shared_ptr<Backend> backend,
      open_backend(options, /*create_if_missing=*/!command.route->authenticated));
  // A bar on stderr for the one method that reports progress, only on a terminal (never in
  // pipes and scripts); it appears once the call has run for a second.
  std::optional<ProgressBar> bar;
  core::ProgressObserver on_progress;
  if (command.route->reports_progress && ProgressBar::stderr_is_terminal()) {
    bar.emplace(stderr, std::string(command.route->method));
    on_progress = [&bar](uint64_t done, uint64_t total) { bar->update(done, total); };
  }
  if (command.route->stream) {
    return print_streamed(*backend, *command.route, params, credentials, data_mesh_account_id);
  }
  absl::StatusOr<nlohmann::json> answer =
      backend->call(command.route->group, command.route->method, params, credentials,
                    data_mesh_account_id, on_progress);
  if (bar) bar->finish();
  DATAMESH_RETURN_IF_ERROR(answer.status());
  print_answer(*answer);
  const std::string_view verdict = command.route->verdict_field;
  if (!verdict.empty() && answer->value(std::string(verdict), true) == false) {
    return kExitCheckFailed;
  }
  return kExitOk;
}

// The exit code of a command that ran, or of the error it stopped at (reported on stderr).
int exit_code_of(const absl::StatusOr<int>& ran) {
  return ran.ok() ? *ran : report_error(ran.status());
}

absl::StatusOr<int> serve_mesh(const GlobalOptions& global, ServeOptions options) {
  DATAMESH_RETURN_IF_ERROR(api::set_log_level(global.log_level));
  if (options.store.empty() && !global.endpoint.empty()) {
    options.store = global.endpoint;
    options.store_from = "--endpoint or DATAMESH_ENDPOINT";
  }
  options.master_key_file = global.master_key_file;
  if (global.region_given) options.region = global.region_name;
  DATAMESH_RETURN_IF_ERROR(run_serve(options));
  return kExitOk;
}

absl::StatusOr<int> run_migrate(const GlobalOptions& global) {
  DATAMESH_RETURN_IF_ERROR(api::set_log_level(global.log_level));
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json migrated,
      api::migrate_store(resolve_endpoint(ClientOptions{.endpoint = global.endpoint})));
  print_answer(migrated);
  return kExitOk;
}

absl::StatusOr<int> run_backup(const GlobalOptions& global, const std::string& to) {
  DATAMESH_RETURN_IF_ERROR(api::set_log_level(global.log_level));
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json made,
      api::backup_store(resolve_endpoint(ClientOptions{.endpoint = global.endpoint}), to,
                        global.master_key_file));
  print_answer(made);
  return kExitOk;
}

// Checked before CLI11 converts a value (with CLI11's own conversion, so that the same values
// pass), since its message ("Could not convert: --x = ten") says nothing of what the option
// takes.
template <typename T>
CLI::Validator takes(std::string_view what) {
  return CLI::Validator(
      [what](std::string& text) -> std::string {
        T value{};  // of the option's own type
        return CLI::detail::lexical_cast(text, value) ? ""
                                                      : cat("takes ", what, ", not \"", text, "\"");
      },
      "");
}
const CLI::Validator kAnInteger = takes<std::int64_t>("a whole number");
const CLI::Validator kTrueOrFalse = takes<bool>("true or false");

// The options of one spelling of a parameter: --with-dashes and --with_underscores.
void add_param_option(MethodCommand& command, const api::ParamSpec& spec, std::string_view key) {
  ParamValue& value = command.values.emplace_back();
  value.spec = &spec;
  value.key = key;
  const std::string dashes = api::dashed(key);
  const std::string names = cat("--", dashes, dashes == key ? "" : cat(",--", key));
  const std::string help =
      key == spec.name ? cat(spec.help, spec.required ? " (required)" : "")
                       : cat("the same as --", api::dashed(spec.name));
  switch (spec.type) {
    case api::ParamType::kString:
      value.option = command.app->add_option(names, value.text, help);
      break;
    case api::ParamType::kJson:
      value.option = command.app->add_option(names, value.text,
                                             cat(help, "; inline JSON, file://PATH or @PATH"));
      break;
    case api::ParamType::kBool:
      value.option = command.app->add_option(names, value.flag, cat(help, "; true or false"))
                         ->check(kTrueOrFalse);
      break;
    case api::ParamType::kInt:
      value.option = command.app->add_option(names, value.number, help)->check(kAnInteger);
      break;
    case api::ParamType::kStringList:
      value.option = command.app->add_option(names, value.list,
                                             cat(help, "; several values, none for an empty list"))
                         ->expected(0, -1);
      break;
    case api::ParamType::kPermissionList:
      value.option =
          command.app
              ->add_option(names, value.list,
                           cat(help, "; several values or comma-separated, none for an empty list"))
              ->delimiter(',')
              ->expected(0, -1);
      break;
  }
  // A parameter with an alias is required by missing_required(), which takes either spelling.
  if (spec.required && spec.alias.empty()) value.option->required();
}

void add_param_options(MethodCommand& command, const api::ParamSpec& spec) {
  add_param_option(command, spec, spec.name);
  if (!spec.alias.empty()) add_param_option(command, spec, spec.alias);
}

// The first required parameter given under neither of its spellings, as CLI11 names a missing
// option ("--subscription-id"), or empty.
std::string missing_required(const MethodCommand& command) {
  for (const ParamValue& value : command.values) {
    if (!value.spec->required || value.spec->alias.empty() || value.key != value.spec->name) {
      continue;
    }
    const bool given = std::any_of(command.values.begin(), command.values.end(),
                                   [&](const ParamValue& other) {
                                     return other.spec == value.spec && other.option->count() > 0;
                                   });
    if (!given) return cat("--", api::dashed(value.spec->name));
  }
  return "";
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"datamesh: data mesh governance — publish data products, request, approve and "
               "audit access.\nEvery command prints JSON on stdout; errors go to stderr with a "
               "non-zero exit code (docs/CLI.md)."};
  app.name("datamesh");
  app.set_version_flag("--version", "datamesh 0.1.0");
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("--endpoint", global.endpoint,
                 "sqlite:///path/mesh.db, http://host:port, https://host[:port], "
                 "postgresql://user@host:port/db or aws://REGION (docs/AWS.md) (default: "
                 "$DATAMESH_ENDPOINT, else sqlite://$HOME/.datamesh/mesh.db)")
      ->envname("DATAMESH_ENDPOINT");
  app.add_option("--ca-bundle", global.ca_bundle,
                 "https:// endpoints: PEM file of the certificate authorities to trust instead "
                 "of the system's, for a server whose certificate a private authority signed "
                 "(default: $DATAMESH_CA_BUNDLE)")
      ->envname("DATAMESH_CA_BUNDLE");
  app.add_option("--timeout", global.timeout_seconds,
                 "http(s):// endpoints: seconds a call waits for the server's answer, 1 to 3600 "
                 "(default 60); a call without one by then is DeadlineExceeded, not sent again")
      ->check(CLI::Range(1, 3600));
  app.add_option("--master-key-file", global.master_key_file,
                 "file of the master key sealing the mesh's secrets: PostgreSQL meshes, shared "
                 "by every replica; SQLite meshes, instead of MESH.key beside the file "
                 "(default: $DATAMESH_MASTER_KEY_FILE; DATAMESH_MASTER_KEY wins over both)")
      ->envname("DATAMESH_MASTER_KEY_FILE");
  app.add_option("--data-mesh-account-id,--data_mesh_account_id", global.data_mesh_account_id,
                 "the mesh account id (checked against the mesh when given; required with "
                 "aws://REGION, where the Mesh block of the original's credentials file names "
                 "it too)")
      ->envname("DATAMESH_MESH_ACCOUNT_ID");
  CLI::Option* region_option = app.add_option("--region-name,--region_name", global.region_name,
                                              "region (default us-east-1)");
  app.add_option("--log-level,--log_level", global.log_level,
                 "DEBUG, INFO, WARNING, ERROR or CRITICAL (default INFO)");
  app.add_option("--access-key-id", global.access_key_id, "access key id of the caller");
  app.add_option("--secret-access-key", global.secret_access_key,
                 "secret of the access key (prefer the environment or a file)");
  app.add_option("--credentials-file,--credentials_file", global.credentials_file,
                 "JSON credentials: one object, or the reference's file with blocks");
  app.add_option("--credentials-block", global.credentials_block,
                 "block of a reference credentials file (default: Mesh, Producer or Consumer "
                 "after the command group)");
  app.add_option("--profile", global.profile,
                 "profile of $HOME/.datamesh/credentials (default: $DATAMESH_PROFILE or "
                 "default); with aws://REGION, the AWS profile of ~/.aws (as AWS_PROFILE)");

  std::deque<MethodCommand> commands;
  std::map<std::string_view, CLI::App*> groups;
  const std::map<std::string_view, std::string_view> group_help = {
      {"admin", "set up the mesh, its accounts and their keys"},
      {"catalog", "the caller's own catalog: databases and tables"},
      {"producer", "publish data products and decide on access requests"},
      {"consumer", "request access, import and leave data products"}};
  // A command's help lists its own options only (CLI11): it says where the others are.
  constexpr char kGlobalOptionsFooter[] =
      "Global options (--endpoint, --credentials-file, --profile, --access-key-id, "
      "--region-name, --timeout, --log-level, ...) go before or after the command: datamesh "
      "--help lists them.";
  for (const auto& [group, help] : group_help) {
    CLI::App* sub = app.add_subcommand(std::string(group), std::string(help));
    sub->require_subcommand(1);
    sub->fallthrough();
    sub->footer(kGlobalOptionsFooter);
    groups[group] = sub;
  }
  for (const api::Route& route : api::routes()) {
    MethodCommand& command = commands.emplace_back();
    command.route = &route;
    command.app = groups.at(route.group)
                      ->add_subcommand(api::dashed(route.method), std::string(route.summary));
    command.app->fallthrough();
    command.app->footer(kGlobalOptionsFooter);
    for (const api::ParamSpec& spec : route.params) add_param_options(command, spec);
  }
  CLI::App* migrate = groups.at("admin")->add_subcommand(
      "migrate",
      "Bring the schema of the mesh's database (--endpoint sqlite:///... or postgresql://...) up "
      "to this datamesh's version; stores also do it when opened, under a lock");
  migrate->fallthrough();
  std::string backup_to;
  CLI::App* backup = groups.at("admin")->add_subcommand(
      "backup",
      "Copy the mesh file (--endpoint sqlite:///...) and its key file while it is in use: a "
      "consistent snapshot, checked before it takes its name (PostgreSQL: pg_dump)");
  backup->add_option("--to", backup_to, "path of the new backup file; its key goes to PATH.key")
      ->required();
  backup->fallthrough();

  std::string quickstart_endpoint;
  CLI::App* quickstart = app.add_subcommand(
      "quickstart",
      "walk through the whole workflow on a fresh mesh, step by step (with --endpoint "
      "http://host:port or https://host[:port]: on a server started with --allow-initialize on "
      "an empty store)");
  quickstart->add_option("--mesh-file", quickstart_endpoint,
                         "mesh file to create (default: a new temporary file)");
  quickstart->fallthrough();  // global options may follow the command, as everywhere

  ServeOptions serve_options;
  CLI::App* serve = app.add_subcommand(
      "serve", "serve the mesh over HTTP (HTTPS with --tls-cert and --tls-key): one signed POST "
               "route per method, /healthz, /metrics, /openapi.json, the web console at /; stops "
               "gracefully on SIGTERM; SIGHUP reloads the TLS certificate and key");
  serve->add_option("--listen", serve_options.listen,
                    "host:port to listen on (default 127.0.0.1:8080; port 0 = any free port)");
  serve->add_option("--store", serve_options.store,
                    "sqlite:///path/mesh.db or postgresql://user@host:port/db[?pool_size=N] "
                    "(default: as --endpoint resolves)");
  serve->add_option("--config", serve_options.config_file, "JSON config file (docs/SERVER.md)");
  serve->add_option("--tls-cert", serve_options.tls_cert_file,
                    "serve HTTPS only, with the certificate of this PEM file (the server's first, "
                    "then its chain); needs --tls-key");
  serve->add_option("--tls-key", serve_options.tls_key_file,
                    "PEM file of that certificate's private key, unencrypted (mode 0600)");
  serve->add_option("--workers", serve_options.workers,
                    "threads running method calls, i.e. store work (default 2 x cores)");
  serve->add_flag("--allow-initialize", serve_options.allow_initialize,
                  "accept initialize-mesh-account over HTTP (and create a missing store)");
  serve->add_flag("--no-access-log", serve_options.no_access_log, "do not log each request");
  serve->fallthrough();

  try {
    app.parse(argc, argv);
    for (const MethodCommand& command : commands) {
      if (!command.app->parsed()) continue;
      if (std::string missing = missing_required(command); !missing.empty()) {
        throw CLI::RequiredError(missing);
      }
    }
  } catch (const CLI::ExtrasError& error) {
    app.exit(CLI::ValidationError(unexpected_arguments_message(app)));
    return kExitInvalidArgument;
  } catch (const CLI::RequiredError& error) {
    // A command missing, or an unknown word where one was expected: named, with the command
    // it may mean. (A required option missing is CLI11's message.)
    if (std::string_view(error.what()) == "A subcommand is required") {
      app.exit(CLI::ValidationError(unknown_command_message(app)));
    } else {
      app.exit(error);
    }
    return kExitInvalidArgument;
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitInvalidArgument;
  }
  global.region_given = region_option->count() > 0;
  if (quickstart->parsed()) {
    // A server's endpoint (http:// or https://, as the endpoint parser tells them); anything
    // else leaves the walkthrough on its own new mesh file.
    const absl::StatusOr<store::Endpoint> endpoint = store::parse_endpoint(global.endpoint);
    const bool remote = endpoint.ok() && endpoint->kind == store::Endpoint::Kind::kHttp;
    return run_quickstart(quickstart_endpoint, remote ? global.endpoint : "", global.ca_bundle);
  }
  if (serve->parsed()) return exit_code_of(serve_mesh(global, serve_options));
  if (migrate->parsed()) return exit_code_of(run_migrate(global));
  if (backup->parsed()) return exit_code_of(run_backup(global, backup_to));
  for (const MethodCommand& command : commands) {
    if (command.app->parsed()) return exit_code_of(call_method(global, command));
  }
  return report_error(absl::InvalidArgumentError("no command given; see datamesh --help"));
}

}  // namespace datamesh::cli
