#include "store/aws/lake_formation_grants.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/numbers.h"
#include "aws/aws_errors.h"
#include "aws/pagination.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/grants.h"
#include "core/permissions.h"
#include "store/aws/lake_formation_entries.h"

namespace datamesh::store::aws {
using base::cat;
using core::kAllTables;
using datamesh::aws::AwsClient;
using datamesh::aws::Service;
namespace {

// The rows of each catalog, catalogs in the order they first appear.
std::vector<std::pair<std::string, std::vector<GrantRow>>> rows_by_catalog(
    const std::vector<GrantRow>& rows) {
  std::vector<std::pair<std::string, std::vector<GrantRow>>> catalogs;
  for (const GrantRow& row : rows) {
    auto found = std::find_if(catalogs.begin(), catalogs.end(),
                              [&](const auto& catalog) { return catalog.first == row.catalog_id; });
    if (found == catalogs.end()) {
      catalogs.emplace_back(row.catalog_id, std::vector<GrantRow>{});
      found = std::prev(catalogs.end());
    }
    found->second.push_back(row);
  }
  return catalogs;
}

std::string failure_text(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return "";
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

enum class Operation { kGrant, kRevoke };

std::string_view operation_name(Operation operation) {
  return operation == Operation::kGrant ? "BatchGrantPermissions" : "BatchRevokePermissions";
}

// What a failed entry means for the operation: done already, to be revoked permission by
// permission, or an error.
enum class Outcome { kAlreadyDone, kNarrow, kError };

Outcome outcome_of(Operation operation, std::string_view code, std::string_view message) {
  if (operation == Operation::kGrant) {
    return code == "AlreadyExistsException" ? Outcome::kAlreadyDone : Outcome::kError;
  }
  // The resource is gone, and its permissions with it.
  if (code == "EntityNotFoundException") return Outcome::kAlreadyDone;
  // "No permissions revoked. Grantee does not have:[...]": nothing of the entry was revoked.
  if (code == "InvalidInputException" && message.starts_with("No permissions revoked")) {
    return Outcome::kNarrow;
  }
  return Outcome::kError;
}

// Sends `entries` to catalog_id's Lake Formation in calls of at most kMaxPermissionEntries, then
// (revoking) the narrower entries of those it revoked nothing of, until none are left. The calls
// go one after the other: cross-account grants to one account all change the one RAM share Lake
// Formation keeps for it, and concurrent changes of it risk ConcurrentModificationException.
absl::Status send_entries(const AwsClient& client, Operation operation, std::string_view catalog_id,
                          std::vector<PermissionEntry> entries) {
  const std::string_view name = operation_name(operation);
  while (!entries.empty()) {
    std::vector<PermissionEntry> again;
    for (std::size_t start = 0; start < entries.size(); start += kMaxPermissionEntries) {
      const std::size_t end = std::min(entries.size(), start + kMaxPermissionEntries);
      nlohmann::json batch = nlohmann::json::array();
      for (std::size_t i = start; i < end; ++i) {
        batch.push_back(entry_request(entries[i], std::to_string(i)));
      }
      DATAMESH_ASSIGN_OR_RETURN(
          const nlohmann::json answer,
          client.call(Service::kLakeFormation, name,
                      {{"CatalogId", catalog_id}, {"Entries", std::move(batch)}}));
      const auto failures = answer.find("Failures");
      if (failures == answer.end() || !failures->is_array()) continue;
      for (const nlohmann::json& failure : *failures) {
        const std::string id = failure_text(failure.value("RequestEntry", nlohmann::json()), "Id");
        const nlohmann::json error = failure.value("Error", nlohmann::json::object());
        const std::string code = failure_text(error, "ErrorCode");
        const std::string message = failure_text(error, "ErrorMessage");
        std::size_t index = 0;
        if (!absl::SimpleAtoi(id, &index) || index < start || index >= end) {
          return absl::InternalError(cat("lakeformation ", name, " in catalog ", catalog_id,
                                         ": a failure of no entry sent (Id \"", id, "\"): ", code,
                                         ": ", message));
        }
        switch (outcome_of(operation, code, message)) {
          case Outcome::kAlreadyDone:
            break;
          case Outcome::kNarrow:
            for (PermissionEntry& narrower : narrower_entries(entries[index])) {
              again.push_back(std::move(narrower));
            }
            break;
          case Outcome::kError:
            return absl::Status(
                datamesh::aws::status_code_for({.code = code, .message = message}),
                cat("lakeformation ", name, " in catalog ", catalog_id, ": ",
                    describe_entry(entries[index]), ": ", code.empty() ? "(no error code)" : code,
                    ": ", message.empty() ? "(no message)" : message));
        }
      }
    }
    entries = std::move(again);
  }
  return absl::OkStatus();
}

absl::Status send_rows(const AwsSessions& sessions, Operation operation,
                       const std::vector<GrantRow>& rows) {
  for (const auto& [catalog_id, catalog_rows] : rows_by_catalog(rows)) {
    DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions.client(catalog_id));
    DATAMESH_RETURN_IF_ERROR(
        send_entries(*client, operation, catalog_id, permission_entries(catalog_rows)));
  }
  return absl::OkStatus();
}

// The rows of every page of ListPermissions(request).
absl::StatusOr<std::vector<GrantRow>> list_permissions(const AwsClient& client,
                                                       std::string_view catalog_id,
                                                       nlohmann::json request) {
  request["CatalogId"] = catalog_id;
  const datamesh::aws::PageFetch fetch = [&](const nlohmann::json& page_request) {
    return client.call(Service::kLakeFormation, "ListPermissions", page_request);
  };
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json items,
      datamesh::aws::all_items(fetch, std::move(request), datamesh::aws::kNextToken,
                               "PrincipalResourcePermissions"));
  std::vector<GrantRow> rows;
  for (const nlohmann::json& item : items) {
    for (GrantRow& row : grant_rows_of(item, catalog_id)) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

absl::Status LakeFormationGrants::grant(const std::vector<GrantRow>& rows) const {
  return send_rows(sessions_, Operation::kGrant, rows);
}

absl::Status LakeFormationGrants::revoke(const std::vector<GrantRow>& rows) const {
  return send_rows(sessions_, Operation::kRevoke, rows);
}

absl::Status LakeFormationGrants::grant_data_locations(
    std::string_view catalog_id, std::string_view principal,
    const std::vector<std::string>& location_arns) const {
  if (location_arns.empty()) return absl::OkStatus();
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  std::vector<PermissionEntry> entries;
  for (const std::string& arn : location_arns) {
    entries.push_back(PermissionEntry{
        .principal = std::string(principal),
        .resource = {{"DataLocation", {{"CatalogId", catalog_id}, {"ResourceArn", arn}}}},
        .permissions = {"DATA_LOCATION_ACCESS"}});
  }
  return send_entries(*client, Operation::kGrant, catalog_id, std::move(entries));
}

absl::Status LakeFormationGrants::revoke_grant_options(const std::vector<GrantRow>& rows) const {
  for (const auto& [catalog_id, catalog_rows] : rows_by_catalog(rows)) {
    std::vector<GrantRow> grantable = catalog_rows;
    for (GrantRow& row : grantable) row.grantable = true;
    std::vector<PermissionEntry> entries = permission_entries(grantable);
    for (PermissionEntry& entry : entries) entry.permissions.clear();
    DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
    DATAMESH_RETURN_IF_ERROR(
        send_entries(*client, Operation::kRevoke, catalog_id, std::move(entries)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<GrantRow>> LakeFormationGrants::find_grants(
    std::string_view principal, std::string_view catalog_id, std::string_view database_name,
    std::string_view table_name) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  // The resources whose grants answer the check (grant_answers()): the database alone, or the
  // table and its database's "*".
  std::vector<nlohmann::json> resources;
  if (table_name.empty()) {
    resources.push_back(database_resource(catalog_id, database_name));
  } else {
    resources.push_back(table_resource(catalog_id, database_name, kAllTables));
    if (table_name != kAllTables) {
      resources.push_back(table_resource(catalog_id, database_name, table_name));
    }
  }
  std::vector<GrantRow> found;
  for (nlohmann::json& resource : resources) {
    DATAMESH_ASSIGN_OR_RETURN(
        std::vector<GrantRow> rows,
        list_permissions(*client, catalog_id,
                         {{"Principal", {{"DataLakePrincipalIdentifier", principal}}},
                          {"Resource", std::move(resource)}}));
    for (GrantRow& row : rows) {
      // The answer is filtered by the request; this only keeps out what a service would add.
      if (row.principal == principal && row.catalog_id == catalog_id &&
          row.database_name == database_name && grant_answers(row.table_name, table_name)) {
        found.push_back(std::move(row));
      }
    }
  }
  return merge_rows(std::move(found));
}

absl::StatusOr<std::vector<GrantRow>> LakeFormationGrants::list_database_grants(
    std::string_view database_name) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.mesh());
  const std::string& mesh = sessions_.mesh_account();
  std::vector<GrantRow> found;
  for (std::string_view type : {"DATABASE", "TABLE"}) {
    DATAMESH_ASSIGN_OR_RETURN(std::vector<GrantRow> rows,
                              list_permissions(*client, mesh, {{"ResourceType", type}}));
    for (GrantRow& row : rows) {
      if (row.catalog_id == mesh && row.database_name == database_name) {
        found.push_back(std::move(row));
      }
    }
  }
  return merge_rows(std::move(found));
}

std::vector<GrantRow> subscription_grants(const Subscription& s, std::string_view mesh_account) {
  return core::recorded_grant_rows(s, mesh_account);
}

std::vector<GrantRow> attribute_to_subscriptions(const std::vector<GrantRow>& rows,
                                                 const std::vector<Subscription>& subscriptions,
                                                 std::string_view mesh_account) {
  std::vector<GrantRow> held;
  for (const Subscription& subscription : subscriptions) {
    for (GrantRow& row : subscription_grants(subscription, mesh_account)) {
      held.push_back(std::move(row));
    }
  }
  const auto same_grant = [](const GrantRow& a, const GrantRow& b) {
    return std::tie(a.principal, a.catalog_id, a.database_name, a.table_name, a.permission) ==
           std::tie(b.principal, b.catalog_id, b.database_name, b.table_name, b.permission);
  };
  std::vector<GrantRow> out;
  for (const GrantRow& row : rows) {
    bool attributed = false;
    for (const GrantRow& own : held) {
      if (!same_grant(row, own)) continue;
      GrantRow copy = row;
      copy.subscription_id = own.subscription_id;
      copy.grantable = row.grantable && own.grantable;
      out.push_back(std::move(copy));
      attributed = true;
    }
    if (!attributed) out.push_back(row);
  }
  return out;
}

}  // namespace datamesh::store::aws
