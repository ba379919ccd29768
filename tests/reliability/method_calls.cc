#include "reliability/method_calls.h"

#include <algorithm>
#include <functional>
#include <map>

#include "base/text.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using nlohmann::json;
using test_support::kNoRoleAccount;
using test_support::kProducerAccount;
using test_support::kSalesProduct;

// {placeholders}: "$subscription" is replaced by the subscription's id, "$spare" by the id of
// P's spare key.
const std::map<std::string, json>& parameter_table() {
  static const std::map<std::string, json> table = {
      // admin
      {"admin initialize_mesh_account", {{"mesh_name", "second mesh"}}},
      {"admin create_account", {{"account_name", "new account"}, {"account_id", "888888888888"}}},
      {"admin initialize_producer_account", json::object()},
      {"admin initialize_consumer_account", json::object()},
      {"admin get_caller_identity", json::object()},
      {"admin get_endpoints", json::object()},
      {"admin enable_account_as_producer", {{"account_id", kNoRoleAccount}}},
      {"admin enable_account_as_consumer", {{"account_id", kNoRoleAccount}}},
      {"admin list_accounts", json::object()},
      {"admin describe_account", {{"account_id", kProducerAccount}}},
      {"admin create_access_key", {{"account_id", kProducerAccount}}},
      {"admin rotate_access_key", {{"key_id", "$spare"}}},
      {"admin revoke_access_key", {{"key_id", "$spare"}}},
      {"admin list_access_keys", {{"account_id", kProducerAccount}}},
      {"admin list_subscriptions", json::object()},
      {"admin get_subscription", {{"subscription_id", "$subscription"}}},
      {"admin list_audit_events", json::object()},
      {"admin verify_audit", json::object()},
      {"admin reconcile", {{"apply", true}}},
      // catalog: each account's own "scratch" database
      {"catalog create_database", {{"database_input", {{"Name", "newdb"}}}}},
      {"catalog get_database", {{"name", "scratch"}}},
      {"catalog get_databases", json::object()},
      {"catalog delete_database", {{"name", "scratch"}}},
      {"catalog create_table",
       {{"database_name", "scratch"}, {"table_input", {{"Name", "t2"}}}}},
      {"catalog update_table",
       {{"database_name", "scratch"},
        {"table_input", {{"Name", "t"}, {"Description", "changed"}}}}},
      {"catalog get_table", {{"database_name", "scratch"}, {"name", "t"}}},
      {"catalog get_tables", {{"database_name", "scratch"}}},
      {"catalog delete_table", {{"database_name", "scratch"}, {"name", "t"}}},
      {"catalog import_tables",
       {{"database_name", "imported"},
        {"get_tables_json", {{"TableList", {{{"Name", "x"}}, {{"Name", "y"}}}}}}}},
      // producer
      {"producer create_data_products", {{"source_database_name", "sales"}}},
      {"producer list_pending_access_requests", json::object()},
      {"producer list_subscriptions", {{"status", {"Active", "Deleted"}}}},
      {"producer approve_access_request", {{"request_id", "$subscription"}}},
      {"producer deny_access_request",
       {{"request_id", "$subscription"}, {"decision_notes", "no"}}},
      {"producer update_subscription_permissions",
       {{"subscription_id", "$subscription"}, {"grant_permissions", {"SELECT"}}}},
      {"producer get_data_product", {{"database_name", kSalesProduct}}},
      {"producer get_subscription", {{"request_id", "$subscription"}}},
      {"producer delete_subscription", {{"subscription_id", "$subscription"}, {"reason", "gone"}}},
      {"producer get_subscription_grants", {{"subscription_id", "$subscription"}}},
      {"producer get_subscription_history", {{"subscription_id", "$subscription"}}},
      // consumer
      {"consumer get_subscription", {{"request_id", "$subscription"}}},
      {"consumer delete_subscription", {{"subscription_id", "$subscription"}, {"reason", "gone"}}},
      {"consumer get_subscription_grants", {{"subscription_id", "$subscription"}}},
      {"consumer get_subscription_history", {{"subscription_id", "$subscription"}}},
      {"consumer request_access_to_product",
       {{"owner_account_id", kProducerAccount},
        {"database_name", kSalesProduct},
        {"request_permissions", {"SELECT"}},
        {"tables", {"refunds"}}}},
      {"consumer finalize_subscription", {{"subscription_id", "$subscription"}}},
      {"consumer get_table_info", {{"database_name", kSalesProduct}, {"table_name", "order_items"}}},
      {"consumer list_product_access", json::object()},
      {"consumer check_permission",
       {{"database_name", kSalesProduct}, {"table_name", "order_items"}, {"permission", "SELECT"}}},
      {"consumer list_data_products", json::object()},
      {"consumer get_published_table",
       {{"database_name", kSalesProduct}, {"table_name", "order_items"}}},
  };
  return table;
}

}  // namespace

bool takes_subscription(const api::Route& route) {
  return std::any_of(route.params.begin(), route.params.end(), [](const api::ParamSpec& spec) {
    return spec.required && (spec.name == "request_id" || spec.name == "subscription_id");
  });
}

std::string route_name(const api::Route& route) { return cat(route.group, " ", route.method); }

absl::StatusOr<json> params_for(const api::Route& route, const World& world,
                                std::optional<SubscriptionStatus> status) {
  const auto& table = parameter_table();
  auto found = table.find(route_name(route));
  if (found == table.end()) {
    return absl::NotFoundError(cat("no parameters for route ", route_name(route),
                                   ": add them to tests/reliability/method_calls.cc"));
  }
  std::string subscription;
  if (takes_subscription(route)) {
    if (!status) {
      return absl::InvalidArgumentError(cat(route_name(route), " needs a subscription status"));
    }
    subscription = world.subscriptions.at(*status);
  }
  json params = found->second;
  for (auto& [name, value] : params.items()) {
    if (value == "$subscription") value = subscription;
    if (value == "$spare") value = world.spare.access_key_id;
  }
  return params;
}

}  // namespace datamesh::reliability
