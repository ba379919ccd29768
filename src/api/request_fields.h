// The field list of every request type (datamesh/requests.h), in the field-list mechanism of
// api/fields.h: each parameter once, with its wire key (the documents' snake_case name), whether
// it is required, and its help line.
//
// From these lists come a route's parameter specs (hence check_params, the CLI's options and
// help, the OpenAPI schema) and the parameters' JSON form in both directions: read_request for
// a route's checked parameters, write_request for the remote client. Parameter forms by member
// type: std::string a string, bool a boolean, int an integer, a string list a list (comma-
// separated on the command line when the field is comma_separated()), a described Glue input a
// JSON object read strictly, a field with the JsonText codec any JSON document kept as text.
// Reading: an absent key (or null) keeps the request's default; an alias key is read as its
// field; an optional list keeps absent (nullopt) apart from empty. Writing follows Presence:
// kRequired and kAlways always, kOptional only when set (an engaged empty list is set).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/fields.h"
#include "api/json_codec.h"
#include "api/params.h"
#include "base/status_macros.h"
#include "datamesh/requests.h"

namespace datamesh::api {

// A parameter that is any JSON document, kept in the request as its text (import_tables'
// get_tables_json). Text that is not JSON is written as a string, which a server refuses.
struct JsonText {
  static constexpr std::string_view json_type = "object";
  static nlohmann::json write(const std::string& text) {
    auto parsed = parse_json(text);
    return parsed.ok() ? *parsed : nlohmann::json(text);
  }
  static std::string read(const nlohmann::json& value, std::string& out) {
    out = value.dump();
    return "";
  }
};

// --- the lists ---------------------------------------------------------------------------------

constexpr auto describe(TypeTag<PageRequest>) {
  using T = PageRequest;
  return fields<T>("PageRequest", "Paging of a listing",
                   field("max_results", &T::max_results, kAlways,
                         "page size, 1 to 1000 (default 100)")
                       .between(1, 1000),
                   field("next_token", &T::next_token, kOptional,
                         "the NextToken of the previous page"));
}

constexpr auto describe(TypeTag<EmptyRequest>) {
  return fields<EmptyRequest>("EmptyRequest", "No parameters");
}

constexpr auto describe(TypeTag<InitializeMeshAccountRequest>) {
  using T = InitializeMeshAccountRequest;
  return fields<T>("InitializeMeshAccountRequest", "The new mesh",
                   field("mesh_name", &T::mesh_name, kAlways,
                         "display name of the mesh (default mesh)"));
}

constexpr auto describe(TypeTag<CreateAccountRequest>) {
  using T = CreateAccountRequest;
  return fields<T>("CreateAccountRequest", "A new account",
                   field("account_name", &T::account_name, kRequired, "display name"),
                   field("account_id", &T::account_id, kOptional,
                         "12 digits; generated when omitted"));
}

constexpr auto describe(TypeTag<AccountIdRequest>) {
  using T = AccountIdRequest;
  return fields<T>("AccountIdRequest", "One account",
                   field("account_id", &T::account_id, kRequired, "the account"));
}

constexpr auto describe(TypeTag<AccessKeyRequest>) {
  using T = AccessKeyRequest;
  return fields<T>("AccessKeyRequest", "One access key",
                   field("key_id", &T::key_id, kRequired, "the access key"));
}

constexpr auto describe(TypeTag<VerifyAuditRequest>) {
  using T = VerifyAuditRequest;
  return fields<T>(
      "VerifyAuditRequest", "What to check the audit log against",
      field("recorded_head_sequence", &T::recorded_head_sequence, kOptional,
            "HeadSequence of an earlier verification, kept outside the mesh"),
      field("recorded_head_hash", &T::recorded_head_hash, kOptional,
            "HeadHash of the same verification"));
}

constexpr auto describe(TypeTag<ListAuditEventsRequest>) {
  using T = ListAuditEventsRequest;
  return fields<T>(
      "ListAuditEventsRequest", "A page of the audit log",
      field("subscription_id", &T::subscription_id, kOptional, "only this subscription's events"),
      field("action", &T::action, kOptional,
            "only these methods' events (approve_access_request, ...)")
          .comma_separated(),
      field("actor_account_id", &T::actor_account_id, kOptional, "only the events of this account"),
      field("since", &T::since, kOptional,
            "only events from this UTC date or instant on (YYYY-MM-DD[ HH:MM:SS])"),
      field("until", &T::until, kOptional, "only events before this UTC date or instant"),
      inline_fields(&T::page));
}

constexpr auto describe(TypeTag<ReconcileRequest>) {
  using T = ReconcileRequest;
  return fields<T>("ReconcileRequest", "Which drift to repair",
                   field("apply", &T::apply, kOptional,
                         "repair the drift found; without it a dry run that changes nothing"));
}

constexpr auto describe(TypeTag<CreateDatabaseRequest>) {
  using T = CreateDatabaseRequest;
  return fields<T>("CreateDatabaseRequest", "A new database",
                   field("database_input", &T::database_input, kRequired, "Glue DatabaseInput"));
}

constexpr auto describe(TypeTag<DatabaseNameRequest>) {
  using T = DatabaseNameRequest;
  return fields<T>("DatabaseNameRequest", "One database",
                   field("name", &T::name, kRequired, "database name"));
}

constexpr auto describe(TypeTag<TableInputRequest>) {
  using T = TableInputRequest;
  return fields<T>("TableInputRequest", "A table definition",
                   field("database_name", &T::database_name, kRequired, "database name"),
                   field("table_input", &T::table_input, kRequired, "Glue TableInput"));
}

constexpr auto describe(TypeTag<TableNameRequest>) {
  using T = TableNameRequest;
  return fields<T>("TableNameRequest", "One table",
                   field("database_name", &T::database_name, kRequired, "database name"),
                   field("name", &T::name, kRequired, "table name"));
}

constexpr auto describe(TypeTag<GetTablesRequest>) {
  using T = GetTablesRequest;
  return fields<T>("GetTablesRequest", "A page of a database's tables",
                   field("database_name", &T::database_name, kRequired, "database name"),
                   field("expression", &T::expression, kOptional,
                         "full-match regular expression"),
                   inline_fields(&T::page));
}

constexpr auto describe(TypeTag<ImportTablesRequest>) {
  using T = ImportTablesRequest;
  return fields<T>("ImportTablesRequest", "Tables to import",
                   field("database_name", &T::database_name, kRequired,
                         "database to import into (created when missing)"),
                   field("get_tables_json", &T::get_tables_json, kRequired,
                         "the get-tables output ({\"TableList\": [...]})")
                       .codec<JsonText>());
}

constexpr auto describe(TypeTag<CreateDataProductsOptions>) {
  using T = CreateDataProductsOptions;
  return fields<T>(
      "CreateDataProductsOptions", "How to publish a data product",
      field("create_public_metadata", &T::create_public_metadata, kAlways,
            "let every mesh member DESCRIBE the tables (default true)"),
      field("table_name_regex", &T::table_name_regex, kOptional,
            "table name or full-match regular expression (default: every table; for a "
            "product published before with one, that pattern)"),
      field("domain", &T::domain, kOptional, "domain tag"),
      field("data_product_name", &T::data_product_name, kOptional, "data product tag"),
      field("sync_mesh_catalog_schedule", &T::sync_mesh_catalog_schedule, kOptional,
            "Glue cron, e.g. cron(0 */4 * * ? *)"),
      field("sync_mesh_crawler_role_arn", &T::sync_mesh_crawler_role_arn, kOptional,
            "role the sync crawler runs as"),
      field("expose_data_mesh_db_name", &T::expose_data_mesh_db_name, kOptional,
            "mesh database name (default <source>-<account>)"),
      field("expose_table_references_with_suffix", &T::expose_table_references_with_suffix,
            kAlways, "suffix of the links back in the producer's catalog (default _link)"));
}

constexpr auto describe(TypeTag<CreateDataProductsRequest>) {
  using T = CreateDataProductsRequest;
  return fields<T>("CreateDataProductsRequest", "Tables to publish as a data product",
                   field("source_database_name", &T::source_database_name, kRequired,
                         "database of the caller's catalog"),
                   inline_fields(&T::options));
}

constexpr auto describe(TypeTag<PagedRequest>) {
  using T = PagedRequest;
  return fields<T>("PagedRequest", "A page of a listing", inline_fields(&T::page));
}

// The status filter of the subscription listings (core's select_statuses reads it).
template <class T>
constexpr auto status_filter_field() {
  return field("status", &T::status, kOptional,
               "Pending, Active, Denied and/or Deleted (default: all but Deleted)")
      .comma_separated();
}

constexpr auto describe(TypeTag<ListProductAccessRequest>) {
  using T = ListProductAccessRequest;
  return fields<T>("ListProductAccessRequest", "Filters of the consumer's subscriptions",
                   status_filter_field<T>(), inline_fields(&T::page));
}

constexpr auto describe(TypeTag<ListMeshSubscriptionsRequest>) {
  using T = ListMeshSubscriptionsRequest;
  return fields<T>(
      "ListMeshSubscriptionsRequest", "Filters of the mesh's subscriptions",
      status_filter_field<T>(),
      field("database_name", &T::database_name, kOptional, "only this product's mesh database"),
      field("producer_account_id", &T::producer_account_id, kOptional,
            "only this producer's products"),
      field("consumer_account_id", &T::consumer_account_id, kOptional,
            "only this consumer's subscriptions"),
      inline_fields(&T::page));
}

constexpr auto describe(TypeTag<ListSubscriptionsRequest>) {
  using T = ListSubscriptionsRequest;
  return fields<T>(
      "ListSubscriptionsRequest", "Filters of the producer's subscriptions",
      status_filter_field<T>(),
      field("database_name", &T::database_name, kOptional,
            "only this product: its mesh database or source database"),
      field("consumer_account_id", &T::consumer_account_id, kOptional,
            "only this consumer's subscriptions"),
      inline_fields(&T::page));
}

constexpr auto describe(TypeTag<ApproveOptions>) {
  using T = ApproveOptions;
  return fields<T>("ApproveOptions", "How to approve",
                   field("grant_permissions", &T::grant_permissions, kOptional,
                         "permissions to grant (default: what was requested)")
                       .comma_separated(),
                   field("grantable_permissions", &T::grantable_permissions, kOptional,
                         "permissions the consumer may grant on (default: all granted)")
                       .comma_separated(),
                   field("decision_notes", &T::decision_notes, kOptional,
                         "notes on the decision"));
}

constexpr auto describe(TypeTag<ApproveAccessRequestRequest>) {
  using T = ApproveAccessRequestRequest;
  return fields<T>("ApproveAccessRequestRequest", "A decision to approve",
                   field("subscription_id", &T::request_id, kRequired, "the subscription id")
                       .also_accepts("request_id"),
                   inline_fields(&T::options));
}

constexpr auto describe(TypeTag<DenyAccessRequestRequest>) {
  using T = DenyAccessRequestRequest;
  return fields<T>("DenyAccessRequestRequest", "A decision to deny",
                   field("subscription_id", &T::request_id, kRequired, "the subscription id")
                       .also_accepts("request_id"),
                   field("decision_notes", &T::decision_notes, kAlways, "why it was denied"));
}

constexpr auto describe(TypeTag<UpdateSubscriptionPermissionsRequest>) {
  using T = UpdateSubscriptionPermissionsRequest;
  return fields<T>(
      "UpdateSubscriptionPermissionsRequest", "New permissions of an Active subscription",
      field("subscription_id", &T::subscription_id, kRequired, "the subscription id")
          .also_accepts("request_id"),
      field("grant_permissions", &T::grant_permissions, kRequired, "the new permissions")
          .comma_separated(),
      field("notes", &T::notes, kAlways, "why they changed"),
      field("grantable_permissions", &T::grantable_permissions, kOptional,
            "grantable permissions (default: those grantable before, still granted)")
          .comma_separated());
}

constexpr auto describe(TypeTag<GetDataProductRequest>) {
  using T = GetDataProductRequest;
  return fields<T>("GetDataProductRequest", "Tables of one data product",
                   field("database_name", &T::database_name, kRequired,
                         "mesh database, or the source database name"),
                   field("table_name_regex", &T::table_name_regex, kAlways,
                         "full-match regular expression (default .*)"));
}

constexpr auto describe(TypeTag<GetSubscriptionRequest>) {
  using T = GetSubscriptionRequest;
  return fields<T>("GetSubscriptionRequest", "One subscription",
                   field("subscription_id", &T::request_id, kRequired, "the subscription id")
                       .also_accepts("request_id"));
}

constexpr auto describe(TypeTag<SubscriptionIdRequest>) {
  using T = SubscriptionIdRequest;
  return fields<T>("SubscriptionIdRequest", "One subscription",
                   field("subscription_id", &T::subscription_id, kRequired,
                         "the subscription id")
                       .also_accepts("request_id"));
}

constexpr auto describe(TypeTag<DeleteSubscriptionRequest>) {
  using T = DeleteSubscriptionRequest;
  return fields<T>("DeleteSubscriptionRequest", "A subscription to end",
                   field("subscription_id", &T::subscription_id, kRequired,
                         "the subscription id")
                       .also_accepts("request_id"),
                   field("reason", &T::reason, kOptional, "why it is deleted, added to its notes"));
}

constexpr auto describe(TypeTag<GetSubscriptionHistoryRequest>) {
  using T = GetSubscriptionHistoryRequest;
  return fields<T>("GetSubscriptionHistoryRequest", "A page of a subscription's audit events",
                   field("subscription_id", &T::subscription_id, kRequired,
                         "the subscription id")
                       .also_accepts("request_id"),
                   inline_fields(&T::page));
}

constexpr auto describe(TypeTag<RequestAccessToProductRequest>) {
  using T = RequestAccessToProductRequest;
  return fields<T>(
      "RequestAccessToProductRequest", "Permissions asked on a data product",
      field("owner_account_id", &T::owner_account_id, kRequired, "the producer's account"),
      field("database_name", &T::database_name, kRequired, "the mesh database"),
      field("request_permissions", &T::request_permissions, kRequired, "e.g. SELECT DESCRIBE")
          .comma_separated()
          .also_accepts("request_permission"),
      field("tables", &T::tables, kOptional,
            "table names or full-match patterns (default: the whole database)"));
}

constexpr auto describe(TypeTag<GetTableInfoRequest>) {
  using T = GetTableInfoRequest;
  return fields<T>("GetTableInfoRequest", "One table of the consumer's catalog",
                   field("database_name", &T::database_name, kRequired,
                         "database of the consumer's catalog"),
                   field("table_name", &T::table_name, kRequired, "table name"));
}

constexpr auto describe(TypeTag<PublishedTableRequest>) {
  using T = PublishedTableRequest;
  return fields<T>("PublishedTableRequest", "A table of a published data product",
                   field("database_name", &T::database_name, kRequired,
                         "the mesh database, as list_data_products names it"),
                   field("table_name", &T::table_name, kRequired, "table name"));
}

constexpr auto describe(TypeTag<ListDataProductsRequest>) {
  using T = ListDataProductsRequest;
  return fields<T>("ListDataProductsRequest", "Filters of the published products",
                   field("domain", &T::domain, kOptional,
                         "only products with this domain tag (and public metadata)"),
                   field("owner_account_id", &T::owner_account_id, kOptional,
                         "only this producer's products"),
                   inline_fields(&T::page));
}

constexpr auto describe(TypeTag<CheckPermissionRequest>) {
  using T = CheckPermissionRequest;
  return fields<T>("CheckPermissionRequest", "A permission to check",
                   field("database_name", &T::database_name, kRequired, "the mesh database"),
                   field("table_name", &T::table_name, kOptional,
                         "table (omit for the database)"),
                   field("permission", &T::permission, kRequired, "e.g. SELECT"));
}

// --- the parameters' forms, derived ------------------------------------------------------------

namespace request_internal {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class F>
constexpr ParamType param_type() {
  using M = typename F::member_type;
  if constexpr (!std::is_same_v<typename F::codec_type, Plain>) {
    return ParamType::kJson;
  } else if constexpr (std::is_same_v<M, std::string>) {
    return ParamType::kString;
  } else if constexpr (std::is_same_v<M, bool>) {
    return ParamType::kBool;
  } else if constexpr (std::is_same_v<M, int>) {
    return ParamType::kInt;
  } else if constexpr (std::is_same_v<M, std::vector<std::string>> ||
                       std::is_same_v<M, std::optional<std::vector<std::string>>>) {
    return ParamType::kStringList;  // kPermissionList when comma_separated(), see below
  } else {
    static_assert(Described<M>, "a request field of another type needs a codec");
    return ParamType::kJson;
  }
}

template <class F>
ParamSpec spec_of(const F& f) {
  ParamType type = param_type<F>();
  if (type == ParamType::kStringList && f.split_commas) type = ParamType::kPermissionList;
  return ParamSpec{f.key, type, f.presence == Presence::kRequired, f.doc, f.alias};
}

inline absl::Status read_glue(const nlohmann::json& value, TableInput& out) {
  DATAMESH_ASSIGN_OR_RETURN(out, table_input_from_json(value, Strictness::kStrict));
  return absl::OkStatus();
}
inline absl::Status read_glue(const nlohmann::json& value, DatabaseInput& out) {
  DATAMESH_ASSIGN_OR_RETURN(out, database_input_from_json(value, Strictness::kStrict));
  return absl::OkStatus();
}

}  // namespace request_internal

template <class T>
std::vector<ParamSpec> param_specs() {
  std::vector<ParamSpec> specs;
  for_each_field<T>([&](const auto& f) { specs.push_back(request_internal::spec_of(f)); });
  return specs;
}

// Reads parameters already checked against param_specs<T>() (check_params).
template <class T>
absl::StatusOr<T> read_request(const Params& params) {
  T request;
  absl::Status status;
  for_each_field<T>([&](const auto& f) {
    using F = std::remove_cvref_t<decltype(f)>;
    using M = typename F::member_type;
    if (!status.ok()) return;
    // check_params has made sure that at most one of the key and its alias is given.
    const std::string_view key =
        !params.has(f.key) && !f.alias.empty() && params.has(f.alias) ? f.alias : f.key;
    if (!params.has(key)) return;
    auto& member = f.get(request);
    if constexpr (!std::is_same_v<typename F::codec_type, Plain>) {
      const std::string problem = F::codec_type::read(params.json(key), member);
      if (!problem.empty()) status = absl::InvalidArgumentError(base::cat(key, " ", problem));
    } else if constexpr (std::is_same_v<M, std::string>) {
      member = params.string(key);
    } else if constexpr (std::is_same_v<M, bool>) {
      member = params.boolean(key, member);
    } else if constexpr (std::is_same_v<M, int>) {
      // Refused, never wrapped: 4294967297 is not 1. The range is the field's when it has one.
      const IntRange range = f.limits.value_or(
          IntRange{std::numeric_limits<int>::min(), std::numeric_limits<int>::max()});
      const nlohmann::json& value = params.json(key);
      if (!field_json_internal::within(value, range)) {
        status = absl::InvalidArgumentError(base::cat(key, " must be between ", range.min,
                                                      " and ", range.max, ", not ", value.dump()));
        return;
      }
      member = params.integer(key);
    } else if constexpr (request_internal::IsOptional<M>::value ||
                         std::is_same_v<M, std::vector<std::string>>) {
      member = params.list(key);
    } else {
      status = request_internal::read_glue(params.json(key), member);
    }
  });
  DATAMESH_RETURN_IF_ERROR(status);
  return request;
}

template <class T>
nlohmann::json write_request(const T& request) {
  nlohmann::json params = nlohmann::json::object();
  for_each_field<T>([&](const auto& f) {
    using F = std::remove_cvref_t<decltype(f)>;
    using M = typename F::member_type;
    const auto& member = f.get(request);
    const std::string key(f.key);
    if constexpr (!std::is_same_v<typename F::codec_type, Plain>) {
      params[key] = F::codec_type::write(member);
    } else if constexpr (request_internal::IsOptional<M>::value) {
      if (member) params[key] = *member;
    } else if constexpr (Described<M>) {
      params[key] = to_json_value(member);
    } else {
      if (f.presence == Presence::kOptional && member == M{}) return;
      params[key] = member;
    }
  });
  return params;
}

}  // namespace datamesh::api
