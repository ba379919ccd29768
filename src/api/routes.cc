#include "api/routes.h"

#include <algorithm>

#include "api/json_codec.h"
#include "api/progress_scope.h"
#include "base/text.h"

namespace datamesh::api {
namespace {

using base::cat;
using core::Caller;
using core::Engine;
using core::Persona;

constexpr ParamSpec kMaxResults{"max_results", ParamType::kInt, false,
                                "page size, 1 to 1000 (default 100)"};
constexpr ParamSpec kNextToken{"next_token", ParamType::kString, false,
                               "the NextToken of the previous page"};

// Converts an engine result into the route's JSON answer.
template <typename T>
absl::StatusOr<nlohmann::json> answer(absl::StatusOr<T> result) {
  if (!result.ok()) return result.status();
  return to_json_value(*result);
}
template <typename T>
absl::StatusOr<nlohmann::json> answer_list(absl::StatusOr<std::vector<T>> result) {
  if (!result.ok()) return result.status();
  return to_json_list(*result);
}
absl::StatusOr<nlohmann::json> answer(absl::Status status) {
  if (!status.ok()) return status;
  return nlohmann::json();  // the documents' methods that return None
}

// The documents' get_subscription answer: {"Subscriptions": [ {...} ]}.
absl::StatusOr<nlohmann::json> answer_subscription(absl::StatusOr<Subscription> result) {
  if (!result.ok()) return result.status();
  return nlohmann::json{{"Subscriptions", nlohmann::json::array({to_json_value(*result)})}};
}

std::vector<Route> make_routes() {
  std::vector<Route> r;
  // ---- admin ------------------------------------------------------------------------------
  r.push_back({"admin", "initialize_mesh_account",
               "Create the mesh account and its admin key (once, on an empty mesh); prints the "
               "credentials once",
               {{"mesh_name", ParamType::kString, false, "display name of the mesh (default mesh)"}},
               false,
               [](const Engine& e, const Caller*, const Params& p) {
                 return answer(e.initialize_mesh_account(p.string("data_mesh_account_id"),
                                                         p.string("mesh_name", "mesh")));
               }});
  r.push_back({"admin", "create_account", "Create an account with a first access key",
               {{"account_name", ParamType::kString, true, "display name"},
                {"account_id", ParamType::kString, false, "12 digits; generated when omitted"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(
                     e.create_account(*c, p.string("account_name"), p.string("account_id")));
               }});
  r.push_back({"admin", "initialize_producer_account",
               "The calling account opts in as a producer", {}, true,
               [](const Engine& e, const Caller* c, const Params&) {
                 return answer(e.initialize_account_as(*c, Persona::kProducer));
               }});
  r.push_back({"admin", "initialize_consumer_account",
               "The calling account opts in as a consumer", {}, true,
               [](const Engine& e, const Caller* c, const Params&) {
                 return answer(e.initialize_account_as(*c, Persona::kConsumer));
               }});
  r.push_back({"admin", "enable_account_as_producer", "Let an account act as a producer",
               {{"account_id", ParamType::kString, true, "the account to enable"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.enable_account_as(*c, p.string("account_id"), Persona::kProducer));
               }});
  r.push_back({"admin", "enable_account_as_consumer", "Let an account act as a consumer",
               {{"account_id", ParamType::kString, true, "the account to enable"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.enable_account_as(*c, p.string("account_id"), Persona::kConsumer));
               }});
  r.push_back({"admin", "list_accounts", "List every account of the mesh", {}, true,
               [](const Engine& e, const Caller* c, const Params&) {
                 return answer_list(e.list_accounts(*c));
               }});
  r.push_back({"admin", "describe_account", "Show one account",
               {{"account_id", ParamType::kString, true, "the account"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.describe_account(*c, p.string("account_id")));
               }});
  r.push_back({"admin", "create_access_key", "Create another access key for an account",
               {{"account_id", ParamType::kString, true, "the account"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.create_access_key(*c, p.string("account_id")));
               }});
  r.push_back({"admin", "rotate_access_key",
               "Replace an access key: a new key is created and the old one revoked",
               {{"key_id", ParamType::kString, true, "the access key to replace"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.rotate_access_key(*c, p.string("key_id")));
               }});
  r.push_back({"admin", "revoke_access_key", "Revoke an access key",
               {{"key_id", ParamType::kString, true, "the access key to revoke"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.revoke_access_key(*c, p.string("key_id")));
               }});
  r.push_back({"admin", "list_access_keys", "List the access keys of an account",
               {{"account_id", ParamType::kString, true, "the account"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer_list(e.list_access_keys(*c, p.string("account_id")));
               }});
  r.push_back({"admin", "list_audit_events", "The audit log, oldest first",
               {{"subscription_id", ParamType::kString, false, "only this subscription's events"},
                kMaxResults, kNextToken},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.list_audit_events(*c, p.string("subscription_id"), p.page()));
               }});
  r.push_back({"admin", "verify_audit",
               "Check the audit log's hash chain: every event unedited, none removed or reordered",
               {},
               true,
               [](const Engine& e, const Caller* c, const Params&) {
                 return answer(e.verify_audit(*c));
               },
               "Intact"});

  // ---- catalog ----------------------------------------------------------------------------
  r.push_back({"catalog", "create_database", "Create a database in the caller's catalog",
               {{"database_input", ParamType::kJson, true, "Glue DatabaseInput"}}, true,
               [](const Engine& e, const Caller* c, const Params& p)
                   -> absl::StatusOr<nlohmann::json> {
                 auto input = database_input_from_json(p.json("database_input"),
                                                       Strictness::kStrict);
                 if (!input.ok()) return input.status();
                 return answer(e.create_database(*c, *input));
               }});
  r.push_back({"catalog", "get_database", "Show a database of the caller's catalog",
               {{"name", ParamType::kString, true, "database name"}}, true,
               [](const Engine& e, const Caller* c, const Params& p)
                   -> absl::StatusOr<nlohmann::json> {
                 auto database = e.get_database(*c, p.string("name"));
                 if (!database.ok()) return database.status();
                 return nlohmann::json{{"Database", to_json_value(*database)}};
               }});
  r.push_back({"catalog", "get_databases", "List the databases of the caller's catalog",
               {kMaxResults, kNextToken}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.get_databases(*c, p.page()));
               }});
  r.push_back({"catalog", "delete_database", "Delete a database and its tables",
               {{"name", ParamType::kString, true, "database name"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.delete_database(*c, p.string("name")));
               }});
  for (std::string_view method : {"create_table", "update_table"}) {
    const bool create = method == "create_table";
    r.push_back({"catalog", method,
                 create ? "Create a table (Glue TableInput)"
                        : "Replace the definition of a table (Glue TableInput)",
                 {{"database_name", ParamType::kString, true, "database name"},
                  {"table_input", ParamType::kJson, true, "Glue TableInput"}},
                 true,
                 [create](const Engine& e, const Caller* c, const Params& p)
                     -> absl::StatusOr<nlohmann::json> {
                   auto input = table_input_from_json(p.json("table_input"), Strictness::kStrict);
                   if (!input.ok()) return input.status();
                   return answer(create ? e.create_table(*c, p.string("database_name"), *input)
                                        : e.update_table(*c, p.string("database_name"), *input));
                 }});
  }
  r.push_back({"catalog", "get_table", "Show a table (Glue GetTable shape)",
               {{"database_name", ParamType::kString, true, "database name"},
                {"name", ParamType::kString, true, "table name"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p)
                   -> absl::StatusOr<nlohmann::json> {
                 auto table = e.get_table(*c, p.string("database_name"), p.string("name"));
                 if (!table.ok()) return table.status();
                 return nlohmann::json{{"Table", to_json_value(*table)}};
               }});
  r.push_back({"catalog", "get_tables", "List tables (Glue GetTables shape)",
               {{"database_name", ParamType::kString, true, "database name"},
                {"expression", ParamType::kString, false, "full-match regular expression"},
                kMaxResults, kNextToken},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.get_tables(*c, p.string("database_name"),
                                            p.string("expression"), p.page()));
               }});
  r.push_back({"catalog", "delete_table", "Delete a table",
               {{"database_name", ParamType::kString, true, "database name"},
                {"name", ParamType::kString, true, "table name"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.delete_table(*c, p.string("database_name"), p.string("name")));
               }});
  r.push_back({"catalog", "import_tables",
               "Import the JSON that `aws glue get-tables` prints; existing tables are replaced",
               {{"database_name", ParamType::kString, true, "database to import into (created "
                                                            "when missing)"},
                {"get_tables_json", ParamType::kJson, true,
                 "the get-tables output ({\"TableList\": [...]})"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p)
                   -> absl::StatusOr<nlohmann::json> {
                 auto tables = import_table_list(p.json("get_tables_json").dump());
                 if (!tables.ok()) return tables.status();
                 auto names = e.import_tables(*c, p.string("database_name"), *tables);
                 if (!names.ok()) return names.status();
                 return nlohmann::json{{"DatabaseName", p.string("database_name")},
                                       {"Tables", *names}};
               }});

  // ---- producer ---------------------------------------------------------------------------
  r.push_back({"producer", "create_data_products",
               "Publish tables of a source database as a data product in the mesh",
               {{"source_database_name", ParamType::kString, true, "database of the caller's "
                                                                   "catalog"},
                {"create_public_metadata", ParamType::kBool, false,
                 "let every mesh member DESCRIBE the tables (default true)"},
                {"table_name_regex", ParamType::kString, false,
                 "table name or full-match regular expression (default: every table)"},
                {"domain", ParamType::kString, false, "domain tag"},
                {"data_product_name", ParamType::kString, false, "data product tag"},
                {"sync_mesh_catalog_schedule", ParamType::kString, false,
                 "Glue cron, e.g. cron(0 */4 * * ? *)"},
                {"sync_mesh_crawler_role_arn", ParamType::kString, false,
                 "role the sync crawler runs as"},
                {"expose_data_mesh_db_name", ParamType::kString, false,
                 "mesh database name (default <source>-<account>)"},
                {"expose_table_references_with_suffix", ParamType::kString, false,
                 "suffix of the links back in the producer's catalog (default _link)"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.create_data_products(
                     *c, core::CreateDataProductsRequest{
                             .source_database_name = p.string("source_database_name"),
                             .create_public_metadata = p.boolean("create_public_metadata", true),
                             .table_name_regex = p.string("table_name_regex"),
                             .domain = p.string("domain"),
                             .data_product_name = p.string("data_product_name"),
                             .sync_mesh_catalog_schedule = p.string("sync_mesh_catalog_schedule"),
                             .sync_mesh_crawler_role_arn = p.string("sync_mesh_crawler_role_arn"),
                             .expose_data_mesh_db_name = p.string("expose_data_mesh_db_name"),
                             .expose_table_references_with_suffix =
                                 p.string("expose_table_references_with_suffix", "_link"),
                             .progress = ProgressScope::current()}));
               }});
  r.push_back({"producer", "list_pending_access_requests",
               "Pending requests for the caller's data products, oldest first",
               {kMaxResults, kNextToken}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.list_pending_access_requests(*c, p.page()));
               }});
  r.push_back({"producer", "approve_access_request",
               "Approve a request, as asked or narrower, with grantable rights",
               {{"request_id", ParamType::kString, true, "the subscription id"},
                {"grant_permissions", ParamType::kPermissionList, false,
                 "permissions to grant (default: what was requested)"},
                {"grantable_permissions", ParamType::kPermissionList, false,
                 "permissions the consumer may grant on (default: all granted)"},
                {"decision_notes", ParamType::kString, false, "notes on the decision"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.approve_access_request(
                     *c, core::ApproveRequest{
                             .request_id = p.string("request_id"),
                             .grant_permissions = p.optional_list("grant_permissions"),
                             .grantable_permissions = p.optional_list("grantable_permissions"),
                             .decision_notes = p.string("decision_notes")}));
               }});
  r.push_back({"producer", "deny_access_request", "Deny a pending request",
               {{"request_id", ParamType::kString, true, "the subscription id"},
                {"decision_notes", ParamType::kString, false, "why it was denied"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.deny_access_request(*c, p.string("request_id"),
                                                     p.string("decision_notes")));
               }});
  r.push_back({"producer", "update_subscription_permissions",
               "Change the permissions of an Active subscription",
               {{"subscription_id", ParamType::kString, true, "the subscription id"},
                {"grant_permissions", ParamType::kPermissionList, true, "the new permissions"},
                {"notes", ParamType::kString, false, "why they changed"},
                {"grantable_permissions", ParamType::kPermissionList, false,
                 "grantable permissions (default: those grantable before, still granted)"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.update_subscription_permissions(
                     *c, core::UpdatePermissionsRequest{
                             .subscription_id = p.string("subscription_id"),
                             .grant_permissions = p.list("grant_permissions"),
                             .grantable_permissions = p.optional_list("grantable_permissions"),
                             .notes = p.string("notes")}));
               }});
  r.push_back({"producer", "get_data_product", "Tables of one of the caller's data products",
               {{"database_name", ParamType::kString, true,
                 "mesh database, or the source database name"},
                {"table_name_regex", ParamType::kString, false,
                 "full-match regular expression (default .*)"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer_list(e.get_data_product(*c, p.string("database_name"),
                                                       p.string("table_name_regex", ".*")));
               }});

  // ---- both sides of a subscription -------------------------------------------------------
  for (Persona persona : {Persona::kProducer, Persona::kConsumer}) {
    const std::string_view group = persona == Persona::kProducer ? "producer" : "consumer";
    r.push_back({group, "get_subscription", "Show a subscription",
                 {{"request_id", ParamType::kString, true, "the subscription id"}}, true,
                 [persona](const Engine& e, const Caller* c, const Params& p) {
                   return answer_subscription(
                       e.get_subscription(*c, persona, p.string("request_id")));
                 }});
    r.push_back({group, "delete_subscription",
                 persona == Persona::kProducer
                     ? "Tear down a subscription: grants revoked, record kept"
                     : "Leave (Active) or withdraw (Pending) a subscription",
                 {{"subscription_id", ParamType::kString, true, "the subscription id"},
                  {"reason", ParamType::kString, true, "why it is deleted"}},
                 true,
                 [persona](const Engine& e, const Caller* c, const Params& p) {
                   return answer(e.delete_subscription(*c, persona, p.string("subscription_id"),
                                                       p.string("reason")));
                 }});
    r.push_back({group, "get_subscription_grants", "Effective grants of a subscription",
                 {{"subscription_id", ParamType::kString, true, "the subscription id"}}, true,
                 [persona](const Engine& e, const Caller* c, const Params& p)
                     -> absl::StatusOr<nlohmann::json> {
                   auto grants =
                       e.get_subscription_grants(*c, persona, p.string("subscription_id"));
                   if (!grants.ok()) return grants.status();
                   return nlohmann::json{{"Grants", to_json_list(*grants)}};
                 }});
    r.push_back({group, "get_subscription_history", "Audit events of a subscription",
                 {{"subscription_id", ParamType::kString, true, "the subscription id"},
                  kMaxResults, kNextToken},
                 true,
                 [persona](const Engine& e, const Caller* c, const Params& p) {
                   return answer(e.get_subscription_history(
                       *c, persona, p.string("subscription_id"), p.page()));
                 }});
  }

  // ---- consumer ---------------------------------------------------------------------------
  r.push_back({"consumer", "request_access_to_product",
               "Request permissions on a data product (whole database, tables or patterns)",
               {{"owner_account_id", ParamType::kString, true, "the producer's account"},
                {"database_name", ParamType::kString, true, "the mesh database"},
                {"request_permissions", ParamType::kPermissionList, true,
                 "e.g. SELECT DESCRIBE"},
                {"tables", ParamType::kStringList, false,
                 "table names or full-match patterns (default: the whole database)"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.request_access_to_product(
                     *c, core::AccessRequestInput{
                             .owner_account_id = p.string("owner_account_id"),
                             .database_name = p.string("database_name"),
                             .request_permissions = p.list("request_permissions"),
                             .tables = p.optional_list("tables")}));
               }});
  r.push_back({"consumer", "finalize_subscription",
               "Import an Active subscription: accept its shares, create the links",
               {{"subscription_id", ParamType::kString, true, "the subscription id"}}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.finalize_subscription(*c, p.string("subscription_id")));
               }});
  r.push_back({"consumer", "get_table_info", "Glue GetTable through the consumer's links",
               {{"database_name", ParamType::kString, true, "database of the consumer's catalog"},
                {"table_name", ParamType::kString, true, "table name"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p)
                   -> absl::StatusOr<nlohmann::json> {
                 auto table =
                     e.get_table_info(*c, p.string("database_name"), p.string("table_name"));
                 if (!table.ok()) return table.status();
                 return nlohmann::json{{"Table", to_json_value(*table)}};
               }});
  r.push_back({"consumer", "list_product_access",
               "The caller's subscriptions that are not Deleted, oldest first",
               {kMaxResults, kNextToken}, true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.list_product_access(*c, p.page()));
               }});
  r.push_back({"consumer", "check_permission",
               "May the caller use a permission on a mesh table, and why",
               {{"database_name", ParamType::kString, true, "the mesh database"},
                {"table_name", ParamType::kString, false, "table (omit for the database)"},
                {"permission", ParamType::kString, true, "e.g. SELECT"}},
               true,
               [](const Engine& e, const Caller* c, const Params& p) {
                 return answer(e.check_permission(*c, p.string("database_name"),
                                                  p.string("table_name"),
                                                  p.string("permission")));
               }});
  return r;
}

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::kString: return "a string";
    case ParamType::kBool: return "a boolean";
    case ParamType::kInt: return "an integer";
    case ParamType::kStringList:
    case ParamType::kPermissionList: return "a list of strings";
    case ParamType::kJson: return "a JSON object";
  }
  return "?";
}

bool has_type(const nlohmann::json& value, ParamType type) {
  switch (type) {
    case ParamType::kString: return value.is_string();
    case ParamType::kBool: return value.is_boolean();
    case ParamType::kInt: return value.is_number_integer();
    case ParamType::kStringList:
    case ParamType::kPermissionList:
      return value.is_array() &&
             std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); });
    case ParamType::kJson: return value.is_object() || value.is_array();
  }
  return false;
}

}  // namespace

bool Params::has(std::string_view name) const {
  auto it = json_.find(name);
  return it != json_.end() && !it->is_null();
}

std::string Params::string(std::string_view name, std::string_view fallback) const {
  return has(name) ? json_.at(std::string(name)).get<std::string>() : std::string(fallback);
}

bool Params::boolean(std::string_view name, bool fallback) const {
  return has(name) ? json_.at(std::string(name)).get<bool>() : fallback;
}

std::vector<std::string> Params::list(std::string_view name) const {
  return has(name) ? json_.at(std::string(name)).get<std::vector<std::string>>()
                   : std::vector<std::string>{};
}

std::optional<std::vector<std::string>> Params::optional_list(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return list(name);
}

const nlohmann::json& Params::json(std::string_view name) const {
  return json_.at(std::string(name));
}

PageRequest Params::page() const {
  PageRequest page;
  if (has("max_results")) page.max_results = json_.at("max_results").get<int>();
  page.next_token = string("next_token");
  return page;
}

const std::vector<Route>& routes() {
  static const std::vector<Route> table = make_routes();
  return table;
}

std::string dashed(std::string_view snake_case) {
  std::string out(snake_case);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

absl::StatusOr<const Route*> find_route(std::string_view group, std::string_view method) {
  std::string wanted(method);
  std::replace(wanted.begin(), wanted.end(), '-', '_');
  std::vector<std::string> known;
  bool group_known = false;
  for (const Route& route : routes()) {
    if (route.group != group) continue;
    group_known = true;
    if (route.method == wanted) return &route;
    known.push_back(dashed(route.method));
  }
  if (!group_known) {
    return absl::NotFoundError(
        cat("unknown group \"", group, "\"; allowed: admin, catalog, producer, consumer"));
  }
  return absl::NotFoundError(cat("unknown ", group, " method \"", method,
                                 "\"; allowed: ", base::join(known, ", ")));
}

absl::Status check_params(const Route& route, const nlohmann::json& params) {
  const std::string where = cat(route.group, " ", dashed(route.method));
  if (!params.is_object()) {
    return absl::InvalidArgumentError(cat("the parameters of ", where, " must be a JSON object"));
  }
  for (const auto& [name, value] : params.items()) {
    // data_mesh_account_id is the constructor's, accepted by every route.
    if (name == "data_mesh_account_id") {
      if (!value.is_string() && !value.is_null()) {
        return absl::InvalidArgumentError("data_mesh_account_id must be a string");
      }
      continue;
    }
    auto spec = std::find_if(route.params.begin(), route.params.end(),
                             // clang before 16 cannot capture a structured binding.
                             [&name = name](const ParamSpec& s) { return s.name == name; });
    if (spec == route.params.end()) {
      std::vector<std::string_view> allowed;
      for (const ParamSpec& s : route.params) allowed.push_back(s.name);
      return absl::InvalidArgumentError(
          cat("unknown parameter \"", name, "\" for ", where, "; allowed: ",
              allowed.empty() ? std::string("none") : base::join(allowed, ", ")));
    }
    if (!value.is_null() && !has_type(value, spec->type)) {
      return absl::InvalidArgumentError(
          cat("parameter ", name, " of ", where, " must be ", type_name(spec->type)));
    }
  }
  for (const ParamSpec& spec : route.params) {
    if (!spec.required) continue;
    auto it = params.find(spec.name);
    if (it == params.end() || it->is_null()) {
      return absl::InvalidArgumentError(
          cat("missing parameter ", spec.name, " for ", where, " (", spec.help, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace datamesh::api
