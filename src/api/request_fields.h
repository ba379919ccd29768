// The field list of every request type (datamesh/requests.h): each parameter once, with its
// wire name, type, whether it is required and its help line.
//
// One list gives both directions of the JSON form (read_request / write_request), the checks of
// a call's parameters (route params), the CLI's options and help and the OpenAPI schema. Keys
// are the documents' snake_case parameter names. Reading: an absent key (or null) leaves the
// request's default; an optional list keeps absent (nullopt) apart from empty. Writing: every
// field, except an absent optional list and an empty next_token.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "api/json_codec.h"
#include "api/params.h"
#include "base/status_macros.h"
#include "datamesh/requests.h"

namespace datamesh::api {

// One parameter of request type T: its description, and how to read and write it.
template <class T>
struct Field {
  ParamSpec spec;
  std::function<absl::Status(T&, const Params&)> read;
  std::function<void(const T&, nlohmann::json&)> write;
};

template <class T>
using FieldList = std::vector<Field<T>>;

enum Need : bool { kOptional = false, kRequired = true };

// --- field builders ----------------------------------------------------------------------------

template <class T>
Field<T> text(std::string T::*member, std::string_view name, Need need, std::string_view help) {
  return {{name, ParamType::kString, need, help},
          [member, name](T& r, const Params& p) {
            r.*member = p.string(name, r.*member);
            return absl::OkStatus();
          },
          [member, name](const T& r, nlohmann::json& j) { j[std::string(name)] = r.*member; }};
}

template <class T>
Field<T> flag(bool T::*member, std::string_view name, std::string_view help) {
  return {{name, ParamType::kBool, kOptional, help},
          [member, name](T& r, const Params& p) {
            r.*member = p.boolean(name, r.*member);
            return absl::OkStatus();
          },
          [member, name](const T& r, nlohmann::json& j) { j[std::string(name)] = r.*member; }};
}

// A list of strings; kPermissionList for permissions (comma-separated on the command line).
template <class T>
Field<T> list(std::vector<std::string> T::*member, std::string_view name, Need need,
              std::string_view help, ParamType type = ParamType::kStringList) {
  return {{name, type, need, help},
          [member, name](T& r, const Params& p) {
            if (p.has(name)) r.*member = p.list(name);
            return absl::OkStatus();
          },
          [member, name](const T& r, nlohmann::json& j) { j[std::string(name)] = r.*member; }};
}

// A list that may be absent (nullopt), which means something else than empty.
template <class T>
Field<T> optional_list(std::optional<std::vector<std::string>> T::*member, std::string_view name,
                       std::string_view help, ParamType type = ParamType::kStringList) {
  return {{name, type, kOptional, help},
          [member, name](T& r, const Params& p) {
            r.*member = p.optional_list(name);
            return absl::OkStatus();
          },
          [member, name](const T& r, nlohmann::json& j) {
            if (r.*member) j[std::string(name)] = *(r.*member);
          }};
}

// A Glue input (DatabaseInput, TableInput) given as a JSON object, read strictly.
template <class T, class Input>
Field<T> glue_input(Input T::*member, std::string_view name, std::string_view help) {
  return {{name, ParamType::kJson, kRequired, help},
          [member, name](T& r, const Params& p) -> absl::Status {
            if (!p.has(name)) return absl::OkStatus();
            if constexpr (std::is_same_v<Input, TableInput>) {
              DATAMESH_ASSIGN_OR_RETURN(r.*member,
                                        table_input_from_json(p.json(name), Strictness::kStrict));
            } else {
              DATAMESH_ASSIGN_OR_RETURN(
                  r.*member, database_input_from_json(p.json(name), Strictness::kStrict));
            }
            return absl::OkStatus();
          },
          [member, name](const T& r, nlohmann::json& j) {
            j[std::string(name)] = to_json_value(r.*member);
          }};
}

// A JSON document kept as its text in the request (import_tables' get_tables_json).
template <class T>
Field<T> json_text(std::string T::*member, std::string_view name, std::string_view help) {
  return {{name, ParamType::kJson, kRequired, help},
          [member, name](T& r, const Params& p) {
            if (p.has(name)) r.*member = p.json(name).dump();
            return absl::OkStatus();
          },
          [member, name](const T& r, nlohmann::json& j) {
            auto parsed = parse_json(r.*member);
            // Text that is not JSON travels as a string, which the server refuses by type.
            j[std::string(name)] = parsed.ok() ? *parsed : nlohmann::json(r.*member);
          }};
}

// The two paging parameters of a listing, kept in a PageRequest member.
template <class T>
FieldList<T> page_fields(PageRequest T::*member) {
  return {{{"max_results", ParamType::kInt, kOptional, "page size, 1 to 1000 (default 100)"},
           [member](T& r, const Params& p) {
             if (p.has("max_results")) (r.*member).max_results = p.integer("max_results");
             return absl::OkStatus();
           },
           [member](const T& r, nlohmann::json& j) { j["max_results"] = (r.*member).max_results; }},
          {{"next_token", ParamType::kString, kOptional, "the NextToken of the previous page"},
           [member](T& r, const Params& p) {
             (r.*member).next_token = p.string("next_token");
             return absl::OkStatus();
           },
           [member](const T& r, nlohmann::json& j) {
             if (!(r.*member).next_token.empty()) j["next_token"] = (r.*member).next_token;
           }}};
}

template <class T>
FieldList<T> operator+(FieldList<T> first, const FieldList<T>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// --- the field lists ---------------------------------------------------------------------------

// fields_of(Tag<T>{}) is T's field list.
template <class T>
struct Tag {};

inline const FieldList<EmptyRequest>& fields_of(Tag<EmptyRequest>) {
  static const FieldList<EmptyRequest> fields;
  return fields;
}

inline const FieldList<InitializeMeshAccountRequest>& fields_of(
    Tag<InitializeMeshAccountRequest>) {
  using R = InitializeMeshAccountRequest;
  static const FieldList<R> fields = {
      text(&R::mesh_name, "mesh_name", kOptional, "display name of the mesh (default mesh)")};
  return fields;
}

inline const FieldList<CreateAccountRequest>& fields_of(Tag<CreateAccountRequest>) {
  using R = CreateAccountRequest;
  static const FieldList<R> fields = {
      text(&R::account_name, "account_name", kRequired, "display name"),
      text(&R::account_id, "account_id", kOptional, "12 digits; generated when omitted")};
  return fields;
}

inline const FieldList<AccountIdRequest>& fields_of(Tag<AccountIdRequest>) {
  using R = AccountIdRequest;
  static const FieldList<R> fields = {
      text(&R::account_id, "account_id", kRequired, "the account")};
  return fields;
}

inline const FieldList<AccessKeyRequest>& fields_of(Tag<AccessKeyRequest>) {
  using R = AccessKeyRequest;
  static const FieldList<R> fields = {text(&R::key_id, "key_id", kRequired, "the access key")};
  return fields;
}

inline const FieldList<ListAuditEventsRequest>& fields_of(Tag<ListAuditEventsRequest>) {
  using R = ListAuditEventsRequest;
  static const FieldList<R> fields =
      FieldList<R>{text(&R::subscription_id, "subscription_id", kOptional,
                        "only this subscription's events")} +
      page_fields(&R::page);
  return fields;
}

inline const FieldList<CreateDatabaseRequest>& fields_of(Tag<CreateDatabaseRequest>) {
  using R = CreateDatabaseRequest;
  static const FieldList<R> fields = {
      glue_input(&R::database_input, "database_input", "Glue DatabaseInput")};
  return fields;
}

inline const FieldList<DatabaseNameRequest>& fields_of(Tag<DatabaseNameRequest>) {
  using R = DatabaseNameRequest;
  static const FieldList<R> fields = {text(&R::name, "name", kRequired, "database name")};
  return fields;
}

inline const FieldList<TableInputRequest>& fields_of(Tag<TableInputRequest>) {
  using R = TableInputRequest;
  static const FieldList<R> fields = {
      text(&R::database_name, "database_name", kRequired, "database name"),
      glue_input(&R::table_input, "table_input", "Glue TableInput")};
  return fields;
}

inline const FieldList<TableNameRequest>& fields_of(Tag<TableNameRequest>) {
  using R = TableNameRequest;
  static const FieldList<R> fields = {
      text(&R::database_name, "database_name", kRequired, "database name"),
      text(&R::name, "name", kRequired, "table name")};
  return fields;
}

inline const FieldList<GetTablesRequest>& fields_of(Tag<GetTablesRequest>) {
  using R = GetTablesRequest;
  static const FieldList<R> fields =
      FieldList<R>{text(&R::database_name, "database_name", kRequired, "database name"),
                   text(&R::expression, "expression", kOptional,
                        "full-match regular expression")} +
      page_fields(&R::page);
  return fields;
}

inline const FieldList<ImportTablesRequest>& fields_of(Tag<ImportTablesRequest>) {
  using R = ImportTablesRequest;
  static const FieldList<R> fields = {
      text(&R::database_name, "database_name", kRequired,
           "database to import into (created when missing)"),
      json_text(&R::get_tables_json, "get_tables_json",
                "the get-tables output ({\"TableList\": [...]})")};
  return fields;
}

inline const FieldList<CreateDataProductsRequest>& fields_of(Tag<CreateDataProductsRequest>) {
  using R = CreateDataProductsRequest;
  static const FieldList<R> fields = {
      text(&R::source_database_name, "source_database_name", kRequired,
           "database of the caller's catalog"),
      flag(&R::create_public_metadata, "create_public_metadata",
           "let every mesh member DESCRIBE the tables (default true)"),
      text(&R::table_name_regex, "table_name_regex", kOptional,
           "table name or full-match regular expression (default: every table)"),
      text(&R::domain, "domain", kOptional, "domain tag"),
      text(&R::data_product_name, "data_product_name", kOptional, "data product tag"),
      text(&R::sync_mesh_catalog_schedule, "sync_mesh_catalog_schedule", kOptional,
           "Glue cron, e.g. cron(0 */4 * * ? *)"),
      text(&R::sync_mesh_crawler_role_arn, "sync_mesh_crawler_role_arn", kOptional,
           "role the sync crawler runs as"),
      text(&R::expose_data_mesh_db_name, "expose_data_mesh_db_name", kOptional,
           "mesh database name (default <source>-<account>)"),
      text(&R::expose_table_references_with_suffix, "expose_table_references_with_suffix",
           kOptional, "suffix of the links back in the producer's catalog (default _link)")};
  return fields;
}

inline const FieldList<PagedRequest>& fields_of(Tag<PagedRequest>) {
  static const FieldList<PagedRequest> fields = page_fields(&PagedRequest::page);
  return fields;
}

inline const FieldList<ApproveAccessRequestRequest>& fields_of(
    Tag<ApproveAccessRequestRequest>) {
  using R = ApproveAccessRequestRequest;
  static const FieldList<R> fields = {
      text(&R::request_id, "request_id", kRequired, "the subscription id"),
      optional_list(&R::grant_permissions, "grant_permissions",
                    "permissions to grant (default: what was requested)",
                    ParamType::kPermissionList),
      optional_list(&R::grantable_permissions, "grantable_permissions",
                    "permissions the consumer may grant on (default: all granted)",
                    ParamType::kPermissionList),
      text(&R::decision_notes, "decision_notes", kOptional, "notes on the decision")};
  return fields;
}

inline const FieldList<DenyAccessRequestRequest>& fields_of(Tag<DenyAccessRequestRequest>) {
  using R = DenyAccessRequestRequest;
  static const FieldList<R> fields = {
      text(&R::request_id, "request_id", kRequired, "the subscription id"),
      text(&R::decision_notes, "decision_notes", kOptional, "why it was denied")};
  return fields;
}

inline const FieldList<UpdateSubscriptionPermissionsRequest>& fields_of(
    Tag<UpdateSubscriptionPermissionsRequest>) {
  using R = UpdateSubscriptionPermissionsRequest;
  static const FieldList<R> fields = {
      text(&R::subscription_id, "subscription_id", kRequired, "the subscription id"),
      list(&R::grant_permissions, "grant_permissions", kRequired, "the new permissions",
           ParamType::kPermissionList),
      text(&R::notes, "notes", kOptional, "why they changed"),
      optional_list(&R::grantable_permissions, "grantable_permissions",
                    "grantable permissions (default: those grantable before, still granted)",
                    ParamType::kPermissionList)};
  return fields;
}

inline const FieldList<GetDataProductRequest>& fields_of(Tag<GetDataProductRequest>) {
  using R = GetDataProductRequest;
  static const FieldList<R> fields = {
      text(&R::database_name, "database_name", kRequired,
           "mesh database, or the source database name"),
      text(&R::table_name_regex, "table_name_regex", kOptional,
           "full-match regular expression (default .*)")};
  return fields;
}

inline const FieldList<GetSubscriptionRequest>& fields_of(Tag<GetSubscriptionRequest>) {
  using R = GetSubscriptionRequest;
  static const FieldList<R> fields = {
      text(&R::request_id, "request_id", kRequired, "the subscription id")};
  return fields;
}

inline const FieldList<SubscriptionIdRequest>& fields_of(Tag<SubscriptionIdRequest>) {
  using R = SubscriptionIdRequest;
  static const FieldList<R> fields = {
      text(&R::subscription_id, "subscription_id", kRequired, "the subscription id")};
  return fields;
}

inline const FieldList<DeleteSubscriptionRequest>& fields_of(Tag<DeleteSubscriptionRequest>) {
  using R = DeleteSubscriptionRequest;
  static const FieldList<R> fields = {
      text(&R::subscription_id, "subscription_id", kRequired, "the subscription id"),
      text(&R::reason, "reason", kRequired, "why it is deleted")};
  return fields;
}

inline const FieldList<GetSubscriptionHistoryRequest>& fields_of(
    Tag<GetSubscriptionHistoryRequest>) {
  using R = GetSubscriptionHistoryRequest;
  static const FieldList<R> fields =
      FieldList<R>{text(&R::subscription_id, "subscription_id", kRequired,
                        "the subscription id")} +
      page_fields(&R::page);
  return fields;
}

inline const FieldList<RequestAccessToProductRequest>& fields_of(
    Tag<RequestAccessToProductRequest>) {
  using R = RequestAccessToProductRequest;
  static const FieldList<R> fields = {
      text(&R::owner_account_id, "owner_account_id", kRequired, "the producer's account"),
      text(&R::database_name, "database_name", kRequired, "the mesh database"),
      list(&R::request_permissions, "request_permissions", kRequired, "e.g. SELECT DESCRIBE",
           ParamType::kPermissionList),
      optional_list(&R::tables, "tables",
                    "table names or full-match patterns (default: the whole database)")};
  return fields;
}

inline const FieldList<GetTableInfoRequest>& fields_of(Tag<GetTableInfoRequest>) {
  using R = GetTableInfoRequest;
  static const FieldList<R> fields = {
      text(&R::database_name, "database_name", kRequired, "database of the consumer's catalog"),
      text(&R::table_name, "table_name", kRequired, "table name")};
  return fields;
}

inline const FieldList<CheckPermissionRequest>& fields_of(Tag<CheckPermissionRequest>) {
  using R = CheckPermissionRequest;
  static const FieldList<R> fields = {
      text(&R::database_name, "database_name", kRequired, "the mesh database"),
      text(&R::table_name, "table_name", kOptional, "table (omit for the database)"),
      text(&R::permission, "permission", kRequired, "e.g. SELECT")};
  return fields;
}

// --- reading and writing -----------------------------------------------------------------------

template <class T>
const FieldList<T>& fields() {
  return fields_of(Tag<T>{});
}

template <class T>
std::vector<ParamSpec> param_specs() {
  std::vector<ParamSpec> specs;
  for (const Field<T>& field : fields<T>()) specs.push_back(field.spec);
  return specs;
}

// Reads parameters already checked against param_specs<T>() (check_params).
template <class T>
absl::StatusOr<T> read_request(const Params& params) {
  T request;
  for (const Field<T>& field : fields<T>()) DATAMESH_RETURN_IF_ERROR(field.read(request, params));
  return request;
}

template <class T>
nlohmann::json write_request(const T& request) {
  nlohmann::json params = nlohmann::json::object();
  for (const Field<T>& field : fields<T>()) field.write(request, params);
  return params;
}

}  // namespace datamesh::api
