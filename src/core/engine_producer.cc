// Producer methods: publishing data products and deciding on access requests.
#include <algorithm>
#include <optional>

#include "base/text.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/cron.h"
#include "core/engine.h"
#include "core/engine_internal.h"
#include "core/grants.h"
#include "core/ids.h"
#include "core/names.h"
#include "core/pattern.h"
#include "core/subscription_rules.h"

namespace datamesh::core {
using base::cat;
using base::join;
namespace {

using internal::kProducerRole;

// Tables between two calls of CreateDataProductsRequest::on_progress.
constexpr uint64_t kProgressEvery = 256;

// Glue's documented default when a crawler role is given without a schedule: every 4 hours.
constexpr std::string_view kDefaultSyncSchedule = "cron(0 */4 * * ? *)";

// What the producer account holds on each of its mesh databases: every table permission,
// grantable, on all tables, and CREATE_TABLE + DESCRIBE on the database.
constexpr Permission kOwnerTablePermissions[] = {Permission::kInsert, Permission::kSelect,
                                                 Permission::kAlter,  Permission::kDelete,
                                                 Permission::kDescribe, Permission::kDrop};
constexpr Permission kOwnerDatabasePermissions[] = {Permission::kCreateTable,
                                                    Permission::kDescribe};

absl::Status validate_request(const CreateDataProductsRequest& request) {
  if (absl::Status valid = validate_catalog_name("source_database_name",
                                                 request.source_database_name);
      !valid.ok()) {
    return valid;
  }
  if (!request.expose_data_mesh_db_name.empty()) {
    if (absl::Status valid =
            validate_catalog_name("expose_data_mesh_db_name", request.expose_data_mesh_db_name);
        !valid.ok()) {
      return valid;
    }
  }
  if (absl::Status valid = validate_link_suffix("expose_table_references_with_suffix",
                                                request.expose_table_references_with_suffix);
      !valid.ok()) {
    return valid;
  }
  if (absl::Status valid = validate_text("domain", request.domain); !valid.ok()) return valid;
  if (absl::Status valid = validate_text("data_product_name", request.data_product_name);
      !valid.ok()) {
    return valid;
  }
  if (!request.sync_mesh_catalog_schedule.empty()) {
    if (absl::Status valid =
            validate_glue_cron("sync_mesh_catalog_schedule", request.sync_mesh_catalog_schedule);
        !valid.ok()) {
      return valid;
    }
    if (request.sync_mesh_crawler_role_arn.empty()) {
      return absl::InvalidArgumentError(
          "sync_mesh_catalog_schedule needs sync_mesh_crawler_role_arn: the crawler that keeps "
          "the mesh catalog in sync runs as that role");
    }
  }
  if (!request.sync_mesh_crawler_role_arn.empty()) {
    if (absl::Status valid =
            validate_role_arn("sync_mesh_crawler_role_arn", request.sync_mesh_crawler_role_arn);
        !valid.ok()) {
      return valid;
    }
  }
  return absl::OkStatus();
}

// Names of `names` selected by `pattern` (all when it is empty).
absl::StatusOr<std::vector<std::string>> select_tables(const std::vector<std::string>& names,
                                                       const std::optional<Pattern>& pattern) {
  if (!pattern) return names;
  std::vector<std::string> selected;
  for (const std::string& name : names) {
    auto matched = pattern->full_match(name);
    if (!matched.ok()) return matched.status();
    if (*matched) selected.push_back(name);
  }
  return selected;
}

absl::Status put_owner_grants(store::Transaction& tx, std::string_view producer,
                              std::string_view mesh, std::string_view database) {
  auto put = [&](std::string_view table, Permission permission) {
    return tx.put_grant(store::GrantRow{.principal = std::string(producer),
                                        .catalog_id = std::string(mesh),
                                        .database_name = std::string(database),
                                        .table_name = std::string(table),
                                        .permission = std::string(permission_name(permission)),
                                        .grantable = true});
  };
  for (Permission permission : kOwnerTablePermissions) {
    if (absl::Status status = put(kAllTables, permission); !status.ok()) return status;
  }
  for (Permission permission : kOwnerDatabasePermissions) {
    if (absl::Status status = put("", permission); !status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DataProduct> Engine::create_data_products(
    const Caller& caller, const CreateDataProductsRequest& request) const {
  if (absl::Status allowed = require_producer(caller, "create data products"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_request(request); !valid.ok()) return valid;
  const std::string& producer = caller.account.account_id;
  const std::string mesh_db = request.expose_data_mesh_db_name.empty()
                                  ? cat(request.source_database_name, "-", producer)
                                  : request.expose_data_mesh_db_name;
  if (absl::Status valid = validate_catalog_name("mesh database name", mesh_db); !valid.ok()) {
    return valid;
  }
  const std::string& suffix = request.expose_table_references_with_suffix;
  if (suffix.empty() && mesh_db == request.source_database_name) {
    return absl::InvalidArgumentError(cat(
        "the mesh database has the source database's name (", mesh_db,
        "), so the links back into it need a suffix: expose_table_references_with_suffix must "
        "not be empty"));
  }
  std::optional<Pattern> pattern;
  if (!request.table_name_regex.empty()) {
    auto compiled = Pattern::compile("table_name_regex", request.table_name_regex);
    if (!compiled.ok()) return compiled.status();
    pattern = std::move(*compiled);
  }
  const std::string schedule =
      request.sync_mesh_catalog_schedule.empty() && !request.sync_mesh_crawler_role_arn.empty()
          ? std::string(kDefaultSyncSchedule)
          : request.sync_mesh_catalog_schedule;

  DataProduct result;
  absl::Status status = write([&](store::Transaction& tx) -> absl::Status {
    result = DataProduct{.database_name = mesh_db};
    auto mesh = internal::load_mesh_id(tx);
    if (!mesh.ok()) return mesh.status();
    const std::string date = now();
    const std::string actor = actor_arn(caller, kProducerRole);

    auto source_db = tx.get_database(producer, request.source_database_name);
    if (!source_db.ok()) return source_db.status();
    if (!source_db->has_value()) {
      return absl::NotFoundError(cat("database ", request.source_database_name,
                                              " not found in the catalog of account ", producer));
    }
    auto names = tx.list_table_names(producer, request.source_database_name);
    if (!names.ok()) return names.status();
    auto selected = select_tables(*names, pattern);
    if (!selected.ok()) return selected.status();
    if (selected->empty()) {
      return absl::NotFoundError(cat(
          "no table of database ", request.source_database_name,
          pattern ? cat(" matches \"", request.table_name_regex, "\"")
                  : std::string(" exists")));
    }

    // The product record: a mesh database belongs to one producer and one source database.
    auto existing = tx.get_product(mesh_db);
    if (!existing.ok()) return existing.status();
    store::ProductRow product;
    if (existing->has_value()) {
      product = **existing;
      if (product.producer_account != producer) {
        return absl::AlreadyExistsError(cat(
            "mesh database ", mesh_db, " belongs to another producer; choose another "
            "expose_data_mesh_db_name"));
      }
      if (product.source_database != request.source_database_name) {
        return absl::FailedPreconditionError(cat(
            "mesh database ", mesh_db, " publishes database ", product.source_database,
            ", not ", request.source_database_name));
      }
    } else {
      auto taken = tx.get_database(*mesh, mesh_db);
      if (!taken.ok()) return taken.status();
      if (taken->has_value()) {
        return absl::AlreadyExistsError(
            cat("mesh database ", mesh_db, " already exists"));
      }
      product.creation_date = date;
    }
    product.mesh_database = mesh_db;
    product.producer_account = producer;
    product.source_database = request.source_database_name;
    product.table_name_regex = request.table_name_regex;
    product.domain = request.domain;
    product.data_product_name = request.data_product_name;
    product.public_metadata = request.create_public_metadata;
    product.sync_schedule = schedule;
    product.crawler_role_arn = request.sync_mesh_crawler_role_arn;
    product.link_suffix = suffix;
    product.updated_date = date;
    if (absl::Status put = tx.put_product(product); !put.ok()) return put;

    // The mesh database, tagged like the reference's LF tags.
    Database mesh_database{
        .input = {.name = mesh_db,
                  .description = cat("Database to contain objects from Source Database ",
                                              producer, ".", request.source_database_name)},
        .catalog_id = *mesh,
        .create_time = date};
    if (!request.domain.empty()) mesh_database.input.parameters["Domain"] = request.domain;
    if (!request.data_product_name.empty()) {
      mesh_database.input.parameters["DataProduct"] = request.data_product_name;
    }
    if (existing->has_value()) {
      auto current = tx.get_database(*mesh, mesh_db);
      if (!current.ok()) return current.status();
      if (current->has_value()) mesh_database.create_time = (*current)->create_time;
    }
    if (absl::Status put = tx.put_database(mesh_database); !put.ok()) return put;

    // The producer-side database that holds the links back (the source database itself when
    // the mesh database is exposed under the source's name).
    auto link_db = tx.get_database(producer, mesh_db);
    if (!link_db.ok()) return link_db.status();
    // In a database made by this call there is nothing to look up: no copy, no link yet.
    const bool new_mesh_db = !existing->has_value();
    const bool new_link_db = !link_db->has_value();
    if (!link_db->has_value()) {
      Database created{
          .input = {.name = mesh_db,
                    .description =
                        "Database to contain objects shared with the Data Mesh Account"},
          .catalog_id = producer,
          .create_time = date};
      if (absl::Status put = tx.put_database(created); !put.ok()) return put;
    }

    const uint64_t total = selected->size();
    uint64_t done = 0;
    for (const std::string& name : *selected) {
      if (request.on_progress && done % kProgressEvery == 0) request.on_progress(done, total);
      ++done;
      auto source = tx.get_table(producer, request.source_database_name, name);
      if (!source.ok()) return source.status();
      if (!source->has_value()) continue;  // listed a moment ago in this transaction
      TableInput input = (*source)->input;
      input.owner = producer;
      absl::StatusOr<std::optional<Table>> current = std::nullopt;
      if (!new_mesh_db) current = tx.get_table(*mesh, mesh_db, name);
      if (!current.ok()) return current.status();
      Table copy{.input = input, .database_name = mesh_db, .catalog_id = *mesh,
                 .create_time = date, .update_time = date, .created_by = actor};
      bool changed = true;
      if (current->has_value()) {
        changed = (*current)->input != input;
        copy.create_time = (*current)->create_time;
        copy.created_by = (*current)->created_by;
        copy.version_id = (*current)->version_id + (changed ? 1 : 0);
        if (!changed) copy.update_time = (*current)->update_time;
      }
      if (changed) {
        if (absl::Status put = tx.put_table(copy); !put.ok()) return put;
      }

      const std::string link_name = name + suffix;
      if (absl::Status valid = validate_catalog_name("link table name", link_name); !valid.ok()) {
        return valid;
      }
      absl::StatusOr<std::optional<Table>> link = std::nullopt;
      if (!new_link_db) link = tx.get_table(producer, mesh_db, link_name);
      if (!link.ok()) return link.status();
      if (link->has_value() && !(*link)->input.target_table) {
        return absl::FailedPreconditionError(cat(
            "table ", mesh_db, ".", link_name, " of account ", producer,
            " is not a resource link; choose another expose_table_references_with_suffix"));
      }
      if (!link->has_value()) {
        Table link_table{
            .input = {.name = link_name,
                      .target_table =
                          TableIdentifier{.catalog_id = *mesh, .database_name = mesh_db,
                                          .name = name}},
            .database_name = mesh_db,
            .catalog_id = producer,
            .create_time = date,
            .update_time = date,
            .created_by = actor};
        if (absl::Status put = tx.put_table(link_table); !put.ok()) return put;
      }
      result.tables.push_back(ProductTable{.source_table = name, .link_table = link_name});
    }
    if (request.on_progress) request.on_progress(total, total);
    if (absl::Status granted = put_owner_grants(tx, producer, *mesh, mesh_db); !granted.ok()) {
      return granted;
    }
    nlohmann::json tables = nlohmann::json::array();
    for (const ProductTable& table : result.tables) tables.push_back(table.source_table);
    return append_audit(tx, sealer_, caller,
                        {.date = date, .actor_role = kProducerRole,
                         .action = "create_data_products",
                         .resource = cat("database/", mesh_db),
                         .details = {{"SourceDatabase", request.source_database_name},
                                     {"Tables", tables},
                                     {"Domain", request.domain},
                                     {"DataProduct", request.data_product_name},
                                     {"PublicMetadata", request.create_public_metadata},
                                     {"SyncSchedule", schedule}}});
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<SubscriptionPage> Engine::list_pending_access_requests(
    const Caller& caller, const PageRequest& page) const {
  if (absl::Status allowed = require_producer(caller, "list pending access requests");
      !allowed.ok()) {
    return allowed;
  }
  auto store_page = internal::store_page(page);
  if (!store_page.ok()) return store_page.status();
  SubscriptionPage result;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    auto listed = tx.list_subscriptions(
        {.owner = caller.account.account_id, .status = SubscriptionStatus::kPending},
        *store_page);
    if (!listed.ok()) return listed.status();
    result.subscriptions = std::move(*listed);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  result.next_token = internal::trim_page(result.subscriptions, page,
                                          [](const Subscription& s) { return s.subscription_id; });
  return result;
}

absl::Status Engine::approve_access_request(const Caller& caller,
                                            const ApproveAccessRequestRequest& request) const {
  if (absl::Status allowed = require_producer(caller, "approve access requests"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_text("decision_notes", request.decision_notes); !valid.ok()) {
    return valid;
  }
  if (request.grant_permissions && request.grant_permissions->empty()) {
    return absl::InvalidArgumentError(
        "grant_permissions is an empty list: omit it to grant what was requested, or deny the "
        "request");
  }
  return write([&](store::Transaction& tx) -> absl::Status {
    auto subscription =
        internal::load_as_party(tx, caller, Persona::kProducer, request.request_id, "approve");
    if (!subscription.ok()) return subscription.status();
    Subscription& sub = *subscription;
    if (sub.status == SubscriptionStatus::kActive) {
      return absl::FailedPreconditionError(
          cat("subscription ", sub.subscription_id, " is already Active"));
    }
    if (sub.status == SubscriptionStatus::kDeleted) {
      return absl::NotFoundError(cat("subscription ", sub.subscription_id,
                                              " was deleted; the consumer must request again"));
    }
    auto requested = parse_subscription_permissions("RequestedGrants", sub.requested_grants);
    if (!requested.ok()) return requested.status();
    PermissionSet granted = *requested;
    if (request.grant_permissions) {
      auto parsed = parse_subscription_permissions("grant_permissions", *request.grant_permissions);
      if (!parsed.ok()) return parsed.status();
      PermissionSet allowed = *requested;
      allowed.add(Permission::kDescribe);
      if (!allowed.covers(*parsed)) {
        return absl::InvalidArgumentError(cat(
            "grant_permissions ", join(parsed->minus(allowed).names(), ", "),
            " of subscription ", sub.subscription_id, " were not requested (requested: ",
            join(sub.requested_grants, ", "), "); a producer may grant less, not more"));
      }
      granted = *parsed;
    }
    granted.add(Permission::kDescribe);
    PermissionSet grantable = granted;
    if (request.grantable_permissions) {
      auto parsed = parse_subscription_permissions(
          "grantable_permissions", *request.grantable_permissions, /*allow_empty=*/true);
      if (!parsed.ok()) return parsed.status();
      if (!granted.covers(*parsed)) {
        return absl::InvalidArgumentError(cat(
            "grantable_permissions ", join(parsed->minus(granted).names(), ", "),
            " are not granted (granted: ", join(granted.names(), ", "), ")"));
      }
      grantable = *parsed;
    }
    auto mesh = internal::load_mesh_id(tx);
    if (!mesh.ok()) return mesh.status();
    for (const std::string& table : sub.table_names) {
      auto found = tx.get_table(*mesh, sub.database_name, table);
      if (!found.ok()) return found.status();
      if (!found->has_value()) {
        return absl::FailedPreconditionError(
            cat("table ", sub.database_name, ".", table, " of subscription ",
                         sub.subscription_id, " is no longer in the mesh"));
      }
    }
    const std::string date = now();
    if (absl::Status written = internal::write_grants(tx, sub, *mesh, granted, grantable);
        !written.ok()) {
      return written;
    }
    store::ShareRow share{
        .share_arn = cat("arn:datamesh:ram:", region_, ":", *mesh, ":resource-share/",
                                  new_hex_id()),
        .subscription_id = sub.subscription_id,
        .owner_account = *mesh,
        .recipient_account = sub.subscriber_principal,
        .status = "PENDING",
        .creation_date = date};
    if (absl::Status put = tx.put_share(share); !put.ok()) return put;

    sub.status = SubscriptionStatus::kActive;
    sub.permitted_grants = granted.names();
    sub.grantable_grants = grantable.names();
    sub.ram_shares = {share.share_arn};
    sub.granted_table_arns.clear();
    if (sub.table_names.empty()) {
      sub.granted_table_arns.push_back(
          internal::table_arn(region_, *mesh, sub.database_name, kAllTables));
    }
    for (const std::string& table : sub.table_names) {
      sub.granted_table_arns.push_back(
          internal::table_arn(region_, *mesh, sub.database_name, table));
    }
    return internal::commit_change(tx, sealer_, caller, sub,
                                   {.role = kProducerRole,
                                    .action = "approve_access_request",
                                    .date = date,
                                    .note = request.decision_notes,
                                    .details = {{"Status", "Active"},
                                                {"PermittedGrants", sub.permitted_grants},
                                                {"GrantableGrants", sub.grantable_grants},
                                                {"RamShares", sub.ram_shares}}});
  });
}

absl::Status Engine::deny_access_request(const Caller& caller, std::string_view request_id,
                                         std::string_view decision_notes) const {
  if (absl::Status allowed = require_producer(caller, "deny access requests"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_text("decision_notes", decision_notes); !valid.ok()) {
    return valid;
  }
  return write([&](store::Transaction& tx) -> absl::Status {
    auto subscription =
        internal::load_as_party(tx, caller, Persona::kProducer, request_id, "deny");
    if (!subscription.ok()) return subscription.status();
    Subscription& sub = *subscription;
    if (absl::Status state = internal::require_status(sub, {SubscriptionStatus::kPending},
                                                      "denied");
        !state.ok()) {
      return state;
    }
    sub.status = SubscriptionStatus::kDenied;
    return internal::commit_change(tx, sealer_, caller, sub,
                                   {.role = kProducerRole,
                                    .action = "deny_access_request",
                                    .date = now(),
                                    .note = decision_notes,
                                    .details = {{"Status", "Denied"}}});
  });
}

absl::Status Engine::update_subscription_permissions(
    const Caller& caller, const UpdateSubscriptionPermissionsRequest& request) const {
  if (absl::Status allowed = require_producer(caller, "update subscription permissions");
      !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_text("notes", request.notes); !valid.ok()) return valid;
  auto parsed = parse_subscription_permissions("grant_permissions", request.grant_permissions);
  if (!parsed.ok()) return parsed.status();
  return write([&](store::Transaction& tx) -> absl::Status {
    auto subscription = internal::load_as_party(tx, caller, Persona::kProducer,
                                                request.subscription_id, "update");
    if (!subscription.ok()) return subscription.status();
    Subscription& sub = *subscription;
    if (absl::Status state =
            internal::require_status(sub, {SubscriptionStatus::kActive}, "updated");
        !state.ok()) {
      return state;
    }
    auto requested = parse_subscription_permissions("RequestedGrants", sub.requested_grants);
    if (!requested.ok()) return requested.status();
    PermissionSet allowed = *requested;
    allowed.add(Permission::kDescribe);
    if (!allowed.covers(*parsed)) {
      return absl::InvalidArgumentError(cat(
          "grant_permissions ", join(parsed->minus(allowed).names(), ", "),
          " of subscription ", sub.subscription_id, " were not requested (requested: ",
          join(sub.requested_grants, ", "), ")"));
    }
    PermissionSet granted = *parsed;
    granted.add(Permission::kDescribe);
    PermissionSet grantable;
    if (request.grantable_permissions) {
      auto grantable_parsed = parse_subscription_permissions(
          "grantable_permissions", *request.grantable_permissions, /*allow_empty=*/true);
      if (!grantable_parsed.ok()) return grantable_parsed.status();
      if (!granted.covers(*grantable_parsed)) {
        return absl::InvalidArgumentError(cat(
            "grantable_permissions ",
            join(grantable_parsed->minus(granted).names(), ", "),
            " are not granted (granted: ", join(granted.names(), ", "), ")"));
      }
      grantable = *grantable_parsed;
    } else {
      // Keep what was grantable, as far as it is still granted; never widen silently.
      auto current = parse_subscription_permissions("GrantableGrants", sub.grantable_grants,
                                                    /*allow_empty=*/true);
      if (!current.ok()) return current.status();
      grantable = current->intersect(granted);
    }
    auto mesh = internal::load_mesh_id(tx);
    if (!mesh.ok()) return mesh.status();
    if (absl::Status written = internal::write_grants(tx, sub, *mesh, granted, grantable);
        !written.ok()) {
      return written;
    }
    const nlohmann::json before = {{"PermittedGrants", sub.permitted_grants},
                                   {"GrantableGrants", sub.grantable_grants}};
    sub.permitted_grants = granted.names();
    sub.grantable_grants = grantable.names();
    return internal::commit_change(tx, sealer_, caller, sub,
                                   {.role = kProducerRole,
                                    .action = "update_subscription_permissions",
                                    .date = now(),
                                    .note = request.notes,
                                    .details = {{"Before", before},
                                                {"PermittedGrants", sub.permitted_grants},
                                                {"GrantableGrants", sub.grantable_grants}}});
  });
}

absl::StatusOr<std::vector<DataProductTable>> Engine::get_data_product(
    const Caller& caller, std::string_view database_name,
    std::string_view table_name_regex) const {
  if (absl::Status allowed = require_producer(caller, "read data products"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_catalog_name("database_name", database_name); !valid.ok()) {
    return valid;
  }
  auto pattern = Pattern::compile("table_name_regex",
                                  table_name_regex.empty() ? ".*" : table_name_regex);
  if (!pattern.ok()) return pattern.status();
  const std::string& producer = caller.account.account_id;
  std::vector<DataProductTable> tables;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    auto mesh = internal::load_mesh_id(tx);
    if (!mesh.ok()) return mesh.status();
    // The mesh database by its own name, or by its source name ("<source>-<producer>").
    std::optional<store::ProductRow> product;
    bool owned_by_another = false;
    for (const std::string& candidate :
         {std::string(database_name), cat(database_name, "-", producer)}) {
      auto found = tx.get_product(candidate);
      if (!found.ok()) return found.status();
      if (!found->has_value()) continue;
      if ((*found)->producer_account == producer) {
        product = std::move(**found);
        break;
      }
      owned_by_another = true;
    }
    if (!product && owned_by_another) {
      return absl::PermissionDeniedError(cat("account ", producer, " cannot read data product ",
                                             database_name, ": it belongs to another producer"));
    }
    if (!product) {
      return absl::NotFoundError(cat("account ", producer,
                                              " has no data product in mesh database ",
                                              database_name, " or ", database_name, "-",
                                              producer));
    }
    // Only the matching tables are loaded; names are read a chunk at a time, within the range
    // of the pattern's literal prefix.
    return internal::for_each_matching_name(
        tx, *mesh, product->mesh_database, *pattern, "",
        [&](const std::string& name) -> absl::StatusOr<bool> {
          auto table = tx.get_table(*mesh, product->mesh_database, name);
          if (!table.ok()) return table.status();
          if (!table->has_value()) return true;
          const auto& descriptor = (*table)->input.storage_descriptor;
          tables.push_back(DataProductTable{.database_name = product->mesh_database,
                                            .table_name = name,
                                            .location = descriptor ? descriptor->location : ""});
          return true;
        });
  });
  if (!status.ok()) return status;
  return tables;
}

}  // namespace datamesh::core
