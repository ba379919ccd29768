// Producer methods: publishing data products and deciding on access requests.
#include <algorithm>
#include <optional>
#include <set>

#include "base/status_macros.h"
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
#include "core/subscription_status.h"

namespace datamesh::core {
using base::cat;
using base::join;
namespace {

using internal::kProducerRole;

// Tables between two calls of CreateDataProductsOptions::on_progress.
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
  const CreateDataProductsOptions& options = request.options;
  DATAMESH_RETURN_IF_ERROR(
      validate_catalog_name("source_database_name", request.source_database_name));
  if (!options.expose_data_mesh_db_name.empty()) {
    DATAMESH_RETURN_IF_ERROR(
        validate_catalog_name("expose_data_mesh_db_name", options.expose_data_mesh_db_name));
  }
  DATAMESH_RETURN_IF_ERROR(validate_link_suffix("expose_table_references_with_suffix",
                                                options.expose_table_references_with_suffix));
  DATAMESH_RETURN_IF_ERROR(validate_text("domain", options.domain));
  DATAMESH_RETURN_IF_ERROR(validate_text("data_product_name", options.data_product_name));
  if (!options.sync_mesh_catalog_schedule.empty()) {
    DATAMESH_RETURN_IF_ERROR(
        validate_glue_cron("sync_mesh_catalog_schedule", options.sync_mesh_catalog_schedule));
    if (options.sync_mesh_crawler_role_arn.empty()) {
      return absl::InvalidArgumentError(
          "sync_mesh_catalog_schedule needs sync_mesh_crawler_role_arn: the crawler that keeps "
          "the mesh catalog in sync runs as that role");
    }
  }
  if (!options.sync_mesh_crawler_role_arn.empty()) {
    DATAMESH_RETURN_IF_ERROR(
        validate_role_arn("sync_mesh_crawler_role_arn", options.sync_mesh_crawler_role_arn));
  }
  return absl::OkStatus();
}

// Names of `names` selected by `selection` (all when there is none).
absl::StatusOr<std::vector<std::string>> select_tables(const std::vector<std::string>& names,
                                                       std::optional<NameSelection>& selection,
                                                       MatchBudget& budget) {
  if (!selection) return names;
  return selection->select(names, budget);
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
    DATAMESH_RETURN_IF_ERROR(put(kAllTables, permission));
  }
  for (Permission permission : kOwnerDatabasePermissions) {
    DATAMESH_RETURN_IF_ERROR(put("", permission));
  }
  return absl::OkStatus();
}

// InvalidArgument unless `granted` is within what the subscription requested (DESCRIBE is
// always allowed): a producer may grant less than was asked, never more. `remedy` ends the
// message.
absl::Status require_requested(const Subscription& sub, const PermissionSet& requested,
                               const PermissionSet& granted, std::string_view remedy) {
  PermissionSet allowed = requested;
  allowed.add(Permission::kDescribe);
  if (allowed.covers(granted)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      cat("grant_permissions ", join(granted.minus(allowed).names(), ", "), " of subscription ",
          sub.subscription_id, " were not requested (requested: ",
          join(sub.requested_grants, ", "), ")", remedy));
}

// The grantable_permissions a producer names; InvalidArgument unless each of them is granted
// itself: a consumer may only pass on what it holds, and a grant row is grantable or not as a
// whole (ALL granted makes ALL grantable, not SELECT: Lake Formation's grant option is per
// permission listed).
absl::StatusOr<PermissionSet> parse_grantable(const std::vector<std::string>& names,
                                              const PermissionSet& granted) {
  DATAMESH_ASSIGN_OR_RETURN(
      const PermissionSet grantable,
      parse_subscription_permissions("grantable_permissions", names, /*allow_empty=*/true));
  const std::vector<std::string> missing = grantable.minus(granted).names();
  if (!missing.empty()) {
    const std::string listed = join(missing, ", ");
    return absl::InvalidArgumentError(cat(
        "grantable_permissions ", listed, " are not granted (granted: ",
        join(granted.names(), ", "), ")",
        granted.contains(Permission::kAll)
            ? cat(": ALL is granted as a permission of its own, and only ALL itself can be "
                  "made grantable; to let the consumer pass on ", listed, ", grant ",
                  missing.size() == 1 ? "it" : "them", " too (grant_permissions ALL, ",
                  listed, ")")
            : std::string()));
  }
  return grantable;
}

}  // namespace

absl::StatusOr<DataProduct> Engine::create_data_products(
    const Caller& caller, const CreateDataProductsRequest& request) const {
  const CreateDataProductsOptions& options = request.options;
  DATAMESH_RETURN_IF_ERROR(require_producer(caller, "create data products"));
  DATAMESH_RETURN_IF_ERROR(validate_request(request));
  const std::string& producer = caller.account.account_id;
  const std::string mesh_db = options.expose_data_mesh_db_name.empty()
                                  ? cat(request.source_database_name, "-", producer)
                                  : options.expose_data_mesh_db_name;
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("mesh database name", mesh_db));
  const std::string& suffix = options.expose_table_references_with_suffix;
  if (suffix.empty() && mesh_db == request.source_database_name) {
    return absl::InvalidArgumentError(cat(
        "the mesh database has the source database's name (", mesh_db,
        "), so the links back into it need a suffix: expose_table_references_with_suffix must "
        "not be empty"));
  }
  // A product published with a pattern keeps it when a later call gives none: publishing again
  // to change an option, or to add the source's new tables, must not widen it to every table
  // (and so widen its whole-database subscriptions). ".*" publishes every table on purpose.
  std::string regex = options.table_name_regex;
  if (regex.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(
        const std::optional<store::ProductRow> published,
        read([&](store::Transaction& tx) { return tx.get_product(mesh_db); }));
    if (published && published->producer_account == producer &&
        published->source_database == request.source_database_name) {
      regex = published->table_name_regex;
    }
  }
  std::optional<Pattern> pattern;
  if (!regex.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(pattern, Pattern::compile("table_name_regex", regex));
  }
  const std::string schedule =
      options.sync_mesh_catalog_schedule.empty() && !options.sync_mesh_crawler_role_arn.empty()
          ? std::string(kDefaultSyncSchedule)
          : options.sync_mesh_catalog_schedule;
  // The pattern is matched against the source tables before the write transaction, so that a
  // costly one fails on its budget without holding the write lock; inside the write only the
  // tables created since are matched. The names are read a page at a time, each page in a read
  // transaction of its own and matched after it ends: a reader held open for the matching would
  // keep SQLite's checkpoints from resetting the log, which every other account's commits
  // would pay for, and a costly pattern stops at its budget without reading every name.
  MatchBudget budget;
  std::optional<NameSelection> selection;
  if (pattern) {
    selection.emplace(*pattern);
    DATAMESH_RETURN_IF_ERROR(internal::walk_name_pages(
        "",
        [&](const store::Page& page) {
          return read([&](store::Transaction& tx) {
            return tx.list_table_names_page(producer, request.source_database_name, page);
          });
        },
        [&](const std::vector<std::string>& names) -> absl::StatusOr<bool> {
          DATAMESH_RETURN_IF_ERROR(selection->select(names, budget).status());
          return true;
        }));
  }

  return write([&](store::Transaction& tx) -> absl::StatusOr<DataProduct> {
    DataProduct result{.database_name = mesh_db};
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    const std::string date = now();
    const std::string actor = actor_arn(caller, kProducerRole);

    DATAMESH_ASSIGN_OR_RETURN(const std::optional<Database> source_db,
                              tx.get_database(producer, request.source_database_name));
    if (!source_db) {
      return absl::NotFoundError(cat("database ", request.source_database_name,
                                              " not found in the catalog of account ", producer));
    }
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> names,
                              tx.list_table_names(producer, request.source_database_name));
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> selected,
                              select_tables(names, selection, budget));
    if (selected.empty()) {
      return absl::NotFoundError(cat(
          "no table of database ", request.source_database_name,
          pattern ? cat(" matches ", quote_value(regex), lower_case_hint(regex))
                  : std::string(" exists")));
    }
    // Glue allows names the mesh's do not (upper case, dots): said of the source table, before
    // anything is copied, rather than of the link it would get.
    for (const std::string& name : selected) {
      if (absl::Status valid = validate_catalog_name("table name", name); !valid.ok()) {
        return absl::InvalidArgumentError(
            cat("table ", quote_value(name), " of database ", request.source_database_name,
                " cannot be published: ", valid.message(),
                "; leave it out with table_name_regex"));
      }
    }

    // The product record: a mesh database belongs to one producer and one source database.
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<store::ProductRow> existing,
                              tx.get_product(mesh_db));
    store::ProductRow product;
    if (existing) {
      product = *existing;
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
      DATAMESH_ASSIGN_OR_RETURN(const std::optional<Database> taken,
                                tx.get_database(mesh, mesh_db));
      if (taken) {
        return absl::AlreadyExistsError(
            cat("mesh database ", mesh_db, " already exists"));
      }
      product.creation_date = date;
    }
    product.mesh_database = mesh_db;
    product.producer_account = producer;
    product.source_database = request.source_database_name;
    product.table_name_regex = regex;
    // Tags a call does not give stay as the product has them (AWS mode never removes an LF
    // tag either). PublicMetadata is set by every call, as the original sets it: its default
    // is true.
    if (!options.domain.empty()) product.domain = options.domain;
    if (!options.data_product_name.empty()) product.data_product_name = options.data_product_name;
    product.public_metadata = options.create_public_metadata;
    // The crawler's role and schedule stay too: publishing again to add the source's new
    // tables must not leave the record saying there is no crawler while the product's crawlers
    // (which AWS mode never deletes) go on running.
    if (!schedule.empty()) product.sync_schedule = schedule;
    if (!options.sync_mesh_crawler_role_arn.empty()) {
      product.crawler_role_arn = options.sync_mesh_crawler_role_arn;
    }
    product.link_suffix = suffix;
    product.updated_date = date;
    DATAMESH_RETURN_IF_ERROR(tx.put_product(product));

    // The mesh database, tagged like the reference's LF tags.
    Database mesh_database{
        .input = {.name = mesh_db,
                  .description = cat("Database to contain objects from Source Database ",
                                              producer, ".", request.source_database_name)},
        .catalog_id = mesh,
        .create_time = date};
    if (!product.domain.empty()) mesh_database.input.parameters["Domain"] = product.domain;
    if (!product.data_product_name.empty()) {
      mesh_database.input.parameters["DataProduct"] = product.data_product_name;
    }
    if (existing) {
      DATAMESH_ASSIGN_OR_RETURN(const std::optional<Database> current,
                                tx.get_database(mesh, mesh_db));
      if (current) mesh_database.create_time = current->create_time;
    }
    DATAMESH_RETURN_IF_ERROR(tx.put_database(mesh_database));

    // The producer-side database that holds the links back (the source database itself when
    // the mesh database is exposed under the source's name).
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<Database> link_db,
                              tx.get_database(producer, mesh_db));
    // In a database made by this call there is nothing to look up: no copy, no link yet.
    const bool new_mesh_db = !existing;
    const bool new_link_db = !link_db;
    if (!link_db) {
      Database created{
          .input = {.name = mesh_db,
                    .description =
                        "Database to contain objects shared with the Data Mesh Account"},
          .catalog_id = producer,
          .create_time = date};
      DATAMESH_RETURN_IF_ERROR(tx.put_database(created));
    }

    const uint64_t total = selected.size();
    uint64_t done = 0;
    for (const std::string& name : selected) {
      if (options.on_progress && done % kProgressEvery == 0) options.on_progress(done, total);
      ++done;
      DATAMESH_ASSIGN_OR_RETURN(const std::optional<Table> source,
                                tx.get_table(producer, request.source_database_name, name));
      if (!source) continue;  // listed a moment ago in this transaction
      // A link has no data of its own: publishing one (the links database that publishing
      // made, say) would make a product of links to the mesh.
      if (source->input.target_table) {
        const TableIdentifier& target = *source->input.target_table;
        return absl::InvalidArgumentError(cat(
            "table ", request.source_database_name, ".", name, " is a resource link to ",
            target.database_name, ".", target.name, ", not a table with data: publish the "
            "database that holds the data (a product's links database is not one)"));
      }
      TableInput input = source->input;
      input.owner = producer;
      std::optional<Table> current;
      if (!new_mesh_db) {
        DATAMESH_ASSIGN_OR_RETURN(current, tx.get_table(mesh, mesh_db, name));
      }
      Table copy{.input = input, .database_name = mesh_db, .catalog_id = mesh,
                 .create_time = date, .update_time = date, .created_by = actor};
      bool changed = true;
      if (current) {
        changed = current->input != input;
        copy.create_time = current->create_time;
        copy.created_by = current->created_by;
        copy.version_id = current->version_id + (changed ? 1 : 0);
        if (!changed) copy.update_time = current->update_time;
      }
      DATAMESH_RETURN_IF_ERROR(changed ? tx.put_table(copy) : tx.republish_table(copy));

      const std::string link_name = name + suffix;
      DATAMESH_RETURN_IF_ERROR(validate_catalog_name("link table name", link_name));
      std::optional<Table> link;
      if (!new_link_db) {
        DATAMESH_ASSIGN_OR_RETURN(link, tx.get_table(producer, mesh_db, link_name));
      }
      if (link && !link->input.target_table) {
        return absl::FailedPreconditionError(cat(
            "table ", mesh_db, ".", link_name, " of account ", producer,
            " is not a resource link; choose another expose_table_references_with_suffix"));
      }
      if (!link) {
        Table link_table{
            .input = {.name = link_name,
                      .target_table =
                          TableIdentifier{.catalog_id = mesh, .database_name = mesh_db,
                                          .name = name}},
            .database_name = mesh_db,
            .catalog_id = producer,
            .create_time = date,
            .update_time = date,
            .created_by = actor};
        DATAMESH_RETURN_IF_ERROR(tx.put_table(link_table));
      }
      result.tables.push_back(ProductTable{.source_table = name, .link_table = link_name});
    }
    if (options.on_progress) options.on_progress(total, total);
    DATAMESH_RETURN_IF_ERROR(put_owner_grants(tx, producer, mesh, mesh_db));
    nlohmann::json tables = nlohmann::json::array();
    for (const ProductTable& table : result.tables) tables.push_back(table.source_table);
    DATAMESH_RETURN_IF_ERROR(
        append_audit(tx, sealer_, caller,
                     {.date = date, .actor_role = kProducerRole,
                      .action = "create_data_products",
                      .resource = cat("database/", mesh_db),
                      .details = {{"SourceDatabase", request.source_database_name},
                                  {"Tables", tables},
                                  {"Domain", product.domain},
                                  {"DataProduct", product.data_product_name},
                                  {"PublicMetadata", options.create_public_metadata},
                                  {"SyncSchedule", product.sync_schedule},
                                  {"CrawlerRoleArn", product.crawler_role_arn}}}));
    return result;
  });
}

absl::StatusOr<SubscriptionPage> Engine::list_pending_access_requests(
    const Caller& caller, const PagedRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_producer(caller, "list pending access requests"));
  return subscription_page(
      request.page, {.owner = caller.account.account_id, .status = SubscriptionStatus::kPending},
      {SubscriptionStatus::kPending});
}

namespace {

// The caller's product named `name`: the mesh database itself or "<name>-<producer>".
absl::StatusOr<std::string> own_product(store::Transaction& tx, const Caller& caller,
                                        const std::string& name) {
  const std::string& producer = caller.account.account_id;
  bool owned_by_another = false;
  for (const std::string& candidate : {name, cat(name, "-", producer)}) {
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<store::ProductRow> found,
                              tx.get_product(candidate));
    if (!found) continue;
    if (found->producer_account == producer) return found->mesh_database;
    owned_by_another = true;
  }
  if (owned_by_another) {
    return absl::PermissionDeniedError(cat("account ", producer,
                                           " cannot list the subscriptions of data product ", name,
                                           ": it belongs to another producer"));
  }
  return absl::NotFoundError(cat("account ", producer, " has no data product in mesh database ",
                                 name, " or ", name, "-", producer));
}

}  // namespace

absl::StatusOr<SubscriptionPage> Engine::list_subscriptions(
    const Caller& caller, const ListSubscriptionsRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_producer(caller, "list subscriptions"));
  DATAMESH_ASSIGN_OR_RETURN(const internal::StatusSelection selection,
                            internal::select_statuses(request.status));
  if (!request.database_name.empty()) {
    DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  }
  if (!request.consumer_account_id.empty()) {
    DATAMESH_RETURN_IF_ERROR(
        validate_account_id("consumer_account_id", request.consumer_account_id));
  }
  store::SubscriptionFilter filter = selection.filter;
  filter.owner = caller.account.account_id;
  if (!request.consumer_account_id.empty()) filter.subscriber = request.consumer_account_id;
  DATAMESH_RETURN_IF_ERROR(internal::check_page(request.page));
  return read([&](store::Transaction& tx) -> absl::StatusOr<SubscriptionPage> {
    store::SubscriptionFilter query = filter;
    if (!request.database_name.empty()) {
      DATAMESH_ASSIGN_OR_RETURN(query.database_name,
                                own_product(tx, caller, request.database_name));
    }
    return internal::subscription_page(tx, request.page, query, selection.statuses);
  });
}

absl::Status Engine::approve_access_request(const Caller& caller,
                                            const ApproveAccessRequestRequest& request) const {
  const ApproveOptions& options = request.options;
  DATAMESH_RETURN_IF_ERROR(require_producer(caller, "approve access requests"));
  DATAMESH_RETURN_IF_ERROR(validate_text("decision_notes", options.decision_notes));
  if (options.grant_permissions && options.grant_permissions->empty()) {
    return absl::InvalidArgumentError(
        "grant_permissions is an empty list: omit it to grant what was requested, or deny the "
        "request");
  }
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(
        Subscription sub,
        internal::load_as_party(tx, caller, Persona::kProducer, request.request_id, "approve"));
    if (sub.status == SubscriptionStatus::kActive) {
      return absl::FailedPreconditionError(
          cat("subscription ", sub.subscription_id, " is already Active"));
    }
    if (sub.status == SubscriptionStatus::kDeleted) {
      return absl::NotFoundError(cat("subscription ", sub.subscription_id,
                                              " was deleted; the consumer must request again"));
    }
    DATAMESH_ASSIGN_OR_RETURN(
        const PermissionSet requested,
        parse_subscription_permissions("RequestedGrants", sub.requested_grants));
    PermissionSet granted = requested;
    if (options.grant_permissions) {
      DATAMESH_ASSIGN_OR_RETURN(
          const PermissionSet parsed,
          parse_subscription_permissions("grant_permissions", *options.grant_permissions));
      DATAMESH_RETURN_IF_ERROR(require_requested(sub, requested, parsed,
                                                 "; a producer may grant less, not more"));
      granted = parsed;
    }
    granted.add(Permission::kDescribe);
    PermissionSet grantable = granted;
    if (options.grantable_permissions) {
      DATAMESH_ASSIGN_OR_RETURN(grantable,
                                parse_grantable(*options.grantable_permissions, granted));
    }
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    DATAMESH_ASSIGN_OR_RETURN(const std::set<std::string> existing,
                              tx.existing_tables(mesh, sub.database_name, sub.table_names));
    for (const std::string& table : sub.table_names) {
      if (!existing.contains(table)) {
        return absl::FailedPreconditionError(
            cat("table ", sub.database_name, ".", table, " of subscription ",
                         sub.subscription_id, " is no longer in the mesh"));
      }
    }
    const std::string date = now();
    DATAMESH_RETURN_IF_ERROR(internal::write_grants(tx, sub, mesh, granted, grantable));
    store::ShareRow share{
        .share_arn = cat("arn:", partition_, ":ram:", region_, ":", mesh, ":resource-share/",
                                  new_hex_id()),
        .subscription_id = sub.subscription_id,
        .owner_account = mesh,
        .recipient_account = sub.subscriber_principal,
        .status = "PENDING",
        .creation_date = date};
    DATAMESH_RETURN_IF_ERROR(tx.put_share(share));

    sub.status = SubscriptionStatus::kActive;
    sub.permitted_grants = granted.names();
    sub.grantable_grants = grantable.names();
    sub.ram_shares = {share.share_arn};
    sub.granted_table_arns = internal::granted_table_arns(sub, partition_, region_, mesh);
    return internal::commit_change(tx, sealer_, caller, sub,
                                   {.role = kProducerRole,
                                    .action = "approve_access_request",
                                    .date = date,
                                    .note = options.decision_notes,
                                    // What was asked beside what was granted: a narrower
                                    // approval reads as such in its own event.
                                    .details = {{"Status", "Active"},
                                                {"RequestedGrants", sub.requested_grants},
                                                {"PermittedGrants", sub.permitted_grants},
                                                {"GrantableGrants", sub.grantable_grants},
                                                {"RamShares", sub.ram_shares}}});
  });
}

absl::Status Engine::deny_access_request(const Caller& caller,
                                         const DenyAccessRequestRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_producer(caller, "deny access requests"));
  DATAMESH_RETURN_IF_ERROR(validate_text("decision_notes", request.decision_notes));
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(
        Subscription sub,
        internal::load_to_change(tx, caller, Persona::kProducer, request.request_id, "deny",
                                 {SubscriptionStatus::kPending}, "denied"));
    sub.status = SubscriptionStatus::kDenied;
    return internal::commit_change(tx, sealer_, caller, sub,
                                   {.role = kProducerRole,
                                    .action = "deny_access_request",
                                    .date = now(),
                                    .note = request.decision_notes,
                                    .details = {{"Status", "Denied"}}});
  });
}

absl::Status Engine::update_subscription_permissions(
    const Caller& caller, const UpdateSubscriptionPermissionsRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_producer(caller, "update subscription permissions"));
  DATAMESH_RETURN_IF_ERROR(validate_text("notes", request.notes));
  DATAMESH_ASSIGN_OR_RETURN(
      const PermissionSet parsed,
      parse_subscription_permissions("grant_permissions", request.grant_permissions));
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(
        Subscription sub,
        internal::load_to_change(tx, caller, Persona::kProducer, request.subscription_id,
                                 "update", {SubscriptionStatus::kActive}, "updated"));
    DATAMESH_ASSIGN_OR_RETURN(
        const PermissionSet requested,
        parse_subscription_permissions("RequestedGrants", sub.requested_grants));
    DATAMESH_RETURN_IF_ERROR(require_requested(sub, requested, parsed, ""));
    PermissionSet granted = parsed;
    granted.add(Permission::kDescribe);
    PermissionSet grantable;
    if (request.grantable_permissions) {
      DATAMESH_ASSIGN_OR_RETURN(grantable,
                                parse_grantable(*request.grantable_permissions, granted));
    } else {
      // Keep what was grantable, as far as it is still granted; never widen silently.
      DATAMESH_ASSIGN_OR_RETURN(
          const PermissionSet current,
          parse_subscription_permissions("GrantableGrants", sub.grantable_grants,
                                         /*allow_empty=*/true));
      grantable = current.intersect(granted);
    }
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    DATAMESH_RETURN_IF_ERROR(internal::write_grants(tx, sub, mesh, granted, grantable));
    const nlohmann::json before = {{"PermittedGrants", sub.permitted_grants},
                                   {"GrantableGrants", sub.grantable_grants}};
    sub.permitted_grants = granted.names();
    sub.grantable_grants = grantable.names();
    // The grants are now datamesh's on every table: also for a database-level subscription the
    // original approved with DESCRIBE alone (core/grants.h).
    sub.granted_table_arns = internal::granted_table_arns(sub, partition_, region_, mesh);
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

absl::Status Engine::get_data_product(const Caller& caller,
                                      const GetDataProductRequest& request,
                                      const Each<DataProductTable>& each) const {
  DATAMESH_RETURN_IF_ERROR(require_producer(caller, "read data products"));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  DATAMESH_ASSIGN_OR_RETURN(
      const Pattern pattern,
      Pattern::compile("table_name_regex",
                       request.table_name_regex.empty() ? ".*" : request.table_name_regex));
  const std::string& producer = caller.account.account_id;
  // What has been handed out so far. Unlike a transaction body's result, this is kept across
  // the store's runs of the body on purpose: entries given cannot be taken back, so a run after
  // a lost connection resumes after the last one, and a stop asked by `each` stays a stop.
  std::string last_given;
  absl::Status stopped;
  return read([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(stopped);
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    // The mesh database by its own name, or by its source name ("<source>-<producer>").
    std::optional<store::ProductRow> product;
    bool owned_by_another = false;
    for (const std::string& candidate :
         {request.database_name, cat(request.database_name, "-", producer)}) {
      DATAMESH_ASSIGN_OR_RETURN(std::optional<store::ProductRow> found,
                                tx.get_product(candidate));
      if (!found) continue;
      if (found->producer_account == producer) {
        product = std::move(*found);
        break;
      }
      owned_by_another = true;
    }
    if (!product && owned_by_another) {
      return absl::PermissionDeniedError(cat("account ", producer, " cannot read data product ",
                                             request.database_name,
                                             ": it belongs to another producer"));
    }
    if (!product) {
      return absl::NotFoundError(cat("account ", producer, " has no data product in mesh database ",
                                     request.database_name, " or ", request.database_name, "-",
                                     producer));
    }
    // Only the matching tables are loaded; names are read a chunk at a time, within the range
    // of the pattern's literal prefix.
    return internal::for_each_matching_name(
        tx, mesh, product->mesh_database, pattern, last_given,
        [&](const std::string& name) -> absl::StatusOr<bool> {
          DATAMESH_ASSIGN_OR_RETURN(const std::optional<Table> table,
                                    tx.get_table(mesh, product->mesh_database, name));
          if (!table) return true;
          const auto& descriptor = table->input.storage_descriptor;
          stopped = each(DataProductTable{.database_name = product->mesh_database,
                                          .table_name = name,
                                          .location = descriptor ? descriptor->location : ""});
          DATAMESH_RETURN_IF_ERROR(stopped);
          last_given = name;
          return true;
        });
  });
}

}  // namespace datamesh::core
