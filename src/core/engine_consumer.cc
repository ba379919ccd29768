// Consumer methods: requesting access, importing granted tables, reading them and checking
// what the consumer may do.
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_replace.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/authz.h"
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

using internal::kConsumerRole;

// The patterns among the entries of `tables` (what is neither empty nor literal), compiled, with
// what each has selected so far: matched once before the write transaction and only for the
// tables added since inside it (see NameSelection).
class TablePatterns {
 public:
  static absl::StatusOr<TablePatterns> compile(const std::vector<std::string>& entries) {
    TablePatterns patterns;
    for (const std::string& entry : entries) {
      if (entry.empty() || Pattern::is_literal(entry) || patterns.patterns_.contains(entry)) {
        continue;
      }
      DATAMESH_ASSIGN_OR_RETURN(Pattern pattern, Pattern::compile("tables", entry));
      patterns.patterns_.emplace(entry, std::make_unique<Pattern>(std::move(pattern)));
    }
    for (const auto& [entry, pattern] : patterns.patterns_) {
      patterns.selections_.emplace(entry, NameSelection(*pattern));
    }
    return patterns;
  }

  // What pattern `entry` selects of `names`; every pattern of the call shares one budget.
  absl::StatusOr<std::vector<std::string>> select(const std::string& entry,
                                                  const std::vector<std::string>& names) {
    return selections_.at(entry).select(names, budget_);
  }
  // Matches every pattern against `names` (ahead of the write transaction).
  absl::Status select_all(const std::vector<std::string>& names) {
    for (auto& [entry, selection] : selections_) {
      DATAMESH_RETURN_IF_ERROR(selection.select(names, budget_).status());
    }
    return absl::OkStatus();
  }
  bool empty() const { return patterns_.empty(); }

 private:
  std::map<std::string, std::unique_ptr<Pattern>> patterns_;  // stable addresses for selections_
  std::map<std::string, NameSelection> selections_;
  MatchBudget budget_;
};

// Resolves each entry of `tables` (a table name or a full-match pattern) against the tables of
// the mesh database; every entry must select at least one table. The names are looked up
// together (one read); the database's names are listed only for a pattern, and at most once.
absl::StatusOr<std::vector<std::string>> resolve_tables(store::Transaction& tx,
                                                        std::string_view mesh,
                                                        std::string_view database,
                                                        const std::vector<std::string>& entries,
                                                        TablePatterns& patterns) {
  std::vector<std::string> literals;
  for (const std::string& entry : entries) {
    if (!entry.empty() && Pattern::is_literal(entry)) literals.push_back(entry);
  }
  DATAMESH_ASSIGN_OR_RETURN(const std::set<std::string> existing,
                            tx.existing_tables(mesh, database, literals));
  std::set<std::string> resolved;
  std::optional<std::vector<std::string>> names;  // the database's tables, once a pattern asks
  for (const std::string& entry : entries) {
    if (entry.empty()) {
      return absl::InvalidArgumentError("tables has an empty entry: give a name or a pattern");
    }
    if (Pattern::is_literal(entry)) {
      if (existing.contains(entry)) {
        resolved.insert(entry);
        continue;
      }
      // "orders,order_items" is what the reference accepted: say how to give several tables.
      const bool listed = entry.find(',') != std::string::npos;
      return absl::NotFoundError(
          cat("table ", quote_value(entry), " not found in mesh database ", database,
              listed ? cat("; give tables as separate values (",
                           absl::StrReplaceAll(entry, {{",", " "}}),
                           "), not as one comma-separated value")
                     : lower_case_hint(entry)));
    }
    if (!names) {
      DATAMESH_ASSIGN_OR_RETURN(names, tx.list_table_names(mesh, database));
    }
    // A table may be named with characters a pattern gives meaning to ("orders.v1").
    if (std::ranges::find(*names, entry) != names->end()) {
      resolved.insert(entry);
      continue;
    }
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> matched,
                              patterns.select(entry, *names));
    if (matched.empty()) {
      return absl::NotFoundError(
          cat("no table of mesh database ", database, " matches ", quote_value(entry),
              lower_case_hint(entry)));
    }
    resolved.insert(matched.begin(), matched.end());
  }
  return std::vector<std::string>(resolved.begin(), resolved.end());
}

// The product a consumer asks `owner` for by `database`: the mesh database of that name, or
// else the one `owner` published from its source database `database` under the default name
// "<database>-<owner>" (as get_data_product accepts either). NotFound names every candidate.
absl::StatusOr<store::ProductRow> load_requested_product(store::Transaction& tx,
                                                         std::string_view database,
                                                         std::string_view owner) {
  DATAMESH_ASSIGN_OR_RETURN(std::optional<store::ProductRow> named, tx.get_product(database));
  if (named && named->producer_account == owner) return *std::move(named);
  const std::string default_name = cat(database, "-", owner);
  DATAMESH_ASSIGN_OR_RETURN(std::optional<store::ProductRow> from_source,
                            tx.get_product(default_name));
  if (from_source && from_source->producer_account == owner) return *std::move(from_source);
  if (named) {
    return absl::NotFoundError(
        cat("data product database ", database, " is not owned by account ", owner));
  }
  return absl::NotFoundError(cat("account ", owner, " has no data product in mesh database ",
                                 database, " or ", default_name));
}

}  // namespace

absl::StatusOr<AccessRequest> Engine::request_access_to_product(
    const Caller& caller, const RequestAccessToProductRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_consumer(caller, "request access"));
  DATAMESH_RETURN_IF_ERROR(validate_account_id("owner_account_id", request.owner_account_id));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  DATAMESH_ASSIGN_OR_RETURN(
      const PermissionSet permissions,
      parse_subscription_permissions("request_permissions", request.request_permissions));
  if (request.tables && request.tables->empty()) {
    return absl::InvalidArgumentError(
        "tables is an empty list: omit it to request the whole database, or name at least one "
        "table or pattern");
  }
  const std::string& consumer = caller.account.account_id;
  if (request.owner_account_id == consumer) {
    return absl::InvalidArgumentError(cat(
        "account ", consumer, " owns the data products it would request: a producer already "
        "holds every permission on its own products"));
  }
  // Table patterns are matched before the write transaction, so that a costly one fails on
  // its budget without holding the write lock; inside the write only tables added since are
  // matched.
  DATAMESH_ASSIGN_OR_RETURN(TablePatterns patterns,
                            TablePatterns::compile(request.tables.value_or(
                                std::vector<std::string>{})));
  if (!patterns.empty()) {
    DATAMESH_RETURN_IF_ERROR(read([&](store::Transaction& tx) -> absl::Status {
      DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
      DATAMESH_ASSIGN_OR_RETURN(
          const store::ProductRow product,
          load_requested_product(tx, request.database_name, request.owner_account_id));
      DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> names,
                                tx.list_table_names(mesh, product.mesh_database));
      return patterns.select_all(names);
    }));
  }
  return write([&](store::Transaction& tx) -> absl::StatusOr<AccessRequest> {
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    DATAMESH_ASSIGN_OR_RETURN(
        const store::ProductRow product,
        load_requested_product(tx, request.database_name, request.owner_account_id));
    const std::string& database = product.mesh_database;
    std::vector<std::string> tables;
    if (request.tables) {
      DATAMESH_ASSIGN_OR_RETURN(tables,
                                resolve_tables(tx, mesh, database, *request.tables, patterns));
    }
    const std::vector<std::string> requested = permissions.names();
    AccessRequest result{.type = tables.empty() ? "DATABASE" : "TABLE",
                         .database = database,
                         .tables = tables};

    // An identical live request (same tables, same permissions) is returned, not duplicated.
    const Subscription wanted{.database_name = database,
                              .table_names = tables,
                              .requested_grants = requested,
                              .owner_principal = request.owner_account_id,
                              .subscriber_principal = consumer};
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<Subscription> duplicates,
                              tx.find_live_duplicates(wanted));
    if (!duplicates.empty()) {
      result.subscription_id = duplicates.front().subscription_id;
      return result;
    }

    const std::string date = now();
    Subscription sub{.subscription_id = new_subscription_id(),
                     .status = SubscriptionStatus::kPending,
                     .type = result.type,
                     .database_name = database,
                     .table_names = tables,
                     .requested_grants = requested,
                     .owner_principal = request.owner_account_id,
                     .subscriber_principal = consumer,
                     .creation_date = date,
                     .created_by = actor_arn(caller, kConsumerRole),
                     .updated_date = date,
                     .updated_by = actor_arn(caller, kConsumerRole),
                     .version = 1};
    DATAMESH_RETURN_IF_ERROR(tx.insert_subscription(sub));
    result.subscription_id = sub.subscription_id;
    DATAMESH_RETURN_IF_ERROR(
        append_audit(tx, sealer_, caller,
                     {.date = date, .actor_role = kConsumerRole,
                      .action = "request_access_to_product",
                      .subscription_id = sub.subscription_id,
                      .resource = cat("database/", sub.database_name),
                      .details = {{"Status", "Pending"},
                                  {"Type", sub.type},
                                  {"TableName", sub.table_names},
                                  {"RequestedGrants", sub.requested_grants},
                                  {"OwnerPrincipal", sub.owner_principal}}}));
    return result;
  });
}

absl::Status Engine::finalize_subscription(const Caller& caller,
                                           const SubscriptionIdRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_consumer(caller, "finalize subscriptions"));
  const std::string& consumer = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(
        Subscription sub,
        internal::load_to_change(tx, caller, Persona::kConsumer, request.subscription_id,
                                 "finalize", {SubscriptionStatus::kActive}, "finalized"));
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    const std::string date = now();
    const std::string& database = sub.database_name;

    DATAMESH_ASSIGN_OR_RETURN(std::vector<store::ShareRow> shares,
                              tx.list_subscription_shares(sub.subscription_id));
    std::vector<std::string> accepted;
    for (store::ShareRow& share : shares) {
      if (share.status != "PENDING") continue;
      share.status = "ACCEPTED";
      DATAMESH_RETURN_IF_ERROR(tx.put_share(share));
      accepted.push_back(share.share_arn);
    }

    // Whether this finalize writes anything: one that finds every share accepted and every
    // link made (a repeat) changes nothing, and is neither recorded nor audited.
    bool changed = !accepted.empty();

    // The resource-link database, named like the mesh database.
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<Database> link_db,
                              tx.get_database(consumer, database));
    if (link_db) {
      const auto& target = link_db->input.target_database;
      if (!target || target->catalog_id != mesh || target->database_name != database) {
        return absl::FailedPreconditionError(cat(
            "the catalog of account ", consumer, " already has a database ", database,
            " that is not a link to the mesh; rename or delete it, then finalize again"));
      }
    } else {
      Database created{
          .input = {.name = database,
                    .target_database =
                        DatabaseIdentifier{.catalog_id = mesh, .database_name = database}},
          .catalog_id = consumer,
          .create_time = date};
      DATAMESH_RETURN_IF_ERROR(tx.put_database(created));
      changed = true;
    }

    std::vector<std::string> tables = sub.table_names;
    if (tables.empty()) {
      DATAMESH_ASSIGN_OR_RETURN(tables, tx.list_table_names(mesh, database));
    }
    for (const std::string& name : tables) {
      DATAMESH_ASSIGN_OR_RETURN(const std::optional<Table> existing,
                                tx.get_table(consumer, database, name));
      if (existing) {
        // The mesh's own table, read through the database link: the consumer's catalog shows
        // it already and needs no table link (the original library made the database link
        // only).
        if (internal::read_through_link(*existing, consumer)) continue;
        const auto& target = existing->input.target_table;
        if (!target || target->catalog_id != mesh) {
          return absl::FailedPreconditionError(cat(
              "table ", database, ".", name, " of account ", consumer,
              " is not a link to the mesh; rename or delete it, then finalize again"));
        }
        continue;
      }
      Table link{.input = {.name = name,
                           .target_table = TableIdentifier{.catalog_id = mesh,
                                                           .database_name = database,
                                                           .name = name}},
                 .database_name = database,
                 .catalog_id = consumer,
                 .create_time = date,
                 .update_time = date,
                 .created_by = actor_arn(caller, kConsumerRole)};
      DATAMESH_RETURN_IF_ERROR(tx.put_table(link));
      changed = true;
    }
    if (sub.imported_to_consumer && !changed) return absl::OkStatus();
    sub.imported_to_consumer = true;
    return internal::commit_change(
        tx, sealer_, caller, sub,
        {.role = kConsumerRole,
         .action = "finalize_subscription",
         .date = date,
         .details = {{"AcceptedShares", accepted}, {"LinkedTables", tables}}});
  });
}

absl::StatusOr<Table> Engine::get_table_info(const Caller& caller,
                                             const GetTableInfoRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_consumer(caller, "read table information"));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("table_name", request.table_name));
  const std::string& consumer = caller.account.account_id;
  return read([&](store::Transaction& tx) -> absl::StatusOr<Table> {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Table> local,
                              tx.get_table(consumer, request.database_name, request.table_name));
    if (!local) {
      return absl::NotFoundError(
          cat("table ", request.database_name, ".", request.table_name,
              " not found in the catalog of account ", consumer,
              " (finalize_subscription imports the tables of an Active subscription)"));
    }
    // One of the consumer's own tables is answered as it is. A table link, or the mesh's own
    // table read through the database link, is answered while a grant covers it: the same
    // answer whatever the store.
    const bool through_link = internal::read_through_link(*local, consumer);
    if (!through_link && !local->input.target_table) return std::move(*local);
    const TableIdentifier target =
        local->input.target_table ? *local->input.target_table
                                  : TableIdentifier{.catalog_id = local->catalog_id,
                                                    .database_name = local->database_name,
                                                    .name = local->input.name};
    DATAMESH_ASSIGN_OR_RETURN(
        const std::vector<store::GrantRow> rows,
        tx.find_grants(consumer, target.catalog_id, target.database_name, target.name));
    bool visible = false;
    for (const store::GrantRow& row : rows) {
      visible = visible || (row.database_name == target.database_name &&
                            (row.table_name == target.name || row.table_name == kAllTables));
    }
    if (!visible) {
      DATAMESH_ASSIGN_OR_RETURN(const std::optional<store::ProductRow> product,
                                tx.get_product(target.database_name));
      visible = product && product->public_metadata;
    }
    if (!visible) {
      return absl::PermissionDeniedError(cat(
          "account ", consumer, " holds no grant on ", target.database_name, ".", target.name,
          " and its data product does not publish public metadata"));
    }
    DATAMESH_ASSIGN_OR_RETURN(
        std::optional<Table> mesh_table,
        tx.get_table(target.catalog_id, target.database_name, target.name));
    if (!mesh_table) {
      return absl::NotFoundError(cat("the link ", request.database_name, ".", request.table_name,
                                     " points at ", target.database_name, ".", target.name,
                                     ", which is no longer in the mesh"));
    }
    return std::move(*mesh_table);
  });
}

absl::StatusOr<SubscriptionPage> Engine::list_product_access(
    const Caller& caller, const ListProductAccessRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_consumer(caller, "list product access"));
  DATAMESH_ASSIGN_OR_RETURN(internal::StatusSelection selection,
                            internal::select_statuses(request.status));
  selection.filter.subscriber = caller.account.account_id;
  return subscription_page(request.page, selection.filter, selection.statuses);
}

absl::StatusOr<PublishedProductPage> Engine::list_data_products(
    const Caller& caller, const ListDataProductsRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_consumer(caller, "list data products"));
  DATAMESH_RETURN_IF_ERROR(internal::check_page(request.page));
  // A product without public metadata shows its name only, so a domain filter, which would
  // tell its domain, never matches it.
  const store::ProductFilter filter{.producer_account = request.owner_account_id,
                                    .domain = request.domain,
                                    .public_metadata_only = !request.domain.empty()};
  return read([&](store::Transaction& tx) -> absl::StatusOr<PublishedProductPage> {
    PublishedProductPage result;
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    DATAMESH_ASSIGN_OR_RETURN(
        RowPage<store::ProductRow> page,
        read_page<store::ProductRow>(
            request.page,
            [&](const store::Page& chunk) { return tx.list_products(filter, chunk); },
            [](const store::ProductRow& row) { return row.mesh_database; }));
    // The page's byte budget counts what the answer holds, table names included: a product
    // may have 200,000 tables, so the product rows alone do not bound the answer. Products that
    // do not fit are left to the next page, which starts after the last one answered.
    PageFiller<PublishedProduct, std::string (*)(const PublishedProduct&)> answer(
        request.page, [](const PublishedProduct& product) { return product.database_name; });
    for (store::ProductRow& row : page.rows) {
      PublishedProduct product{.database_name = std::move(row.mesh_database),
                               .public_metadata = row.public_metadata};
      if (row.public_metadata) {
        product.owner_account_id = std::move(row.producer_account);
        product.domain = std::move(row.domain);
        product.data_product_name = std::move(row.data_product_name);
        DATAMESH_ASSIGN_OR_RETURN(product.tables,
                                  tx.list_table_names(mesh, product.database_name));
      }
      if (!answer.add(std::move(product))) break;
    }
    RowPage<PublishedProduct> filled = std::move(answer).take();
    result.data_products = std::move(filled.rows);
    result.next_token =
        filled.next_token.empty() ? std::move(page.next_token) : std::move(filled.next_token);
    return result;
  });
}

absl::StatusOr<Table> Engine::get_published_table(const Caller& caller,
                                                  const PublishedTableRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_consumer(caller, "read published tables"));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("table_name", request.table_name));
  return read([&](store::Transaction& tx) -> absl::StatusOr<Table> {
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<store::ProductRow> product,
                              tx.get_product(request.database_name));
    if (!product) {
      return absl::NotFoundError(cat("data product ", request.database_name,
                                     " not found in the mesh (list_data_products names the "
                                     "published products by their mesh database)"));
    }
    // Checked before the table is looked up, so that nothing tells which tables a product
    // without public metadata holds.
    if (!product->public_metadata) {
      return absl::PermissionDeniedError(
          cat("data product ", request.database_name,
              " does not publish public metadata: its tables' definitions show only to its "
              "subscribers (request_access_to_product, then get_table_info once finalized)"));
    }
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Table> table,
                              tx.get_table(mesh, request.database_name, request.table_name));
    if (!table) {
      return absl::NotFoundError(cat("table ", quote_value(request.table_name),
                                     " not found in data product ", request.database_name,
                                     lower_case_hint(request.table_name)));
    }
    return std::move(*table);
  });
}

absl::StatusOr<PermissionCheck> Engine::check_permission(
    const Caller& caller, const CheckPermissionRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_consumer(caller, "check permissions"));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  if (!request.table_name.empty()) {
    DATAMESH_RETURN_IF_ERROR(validate_catalog_name("table_name", request.table_name));
  }
  auto parsed = parse_permission(request.permission);
  if (!parsed) {
    std::vector<std::string_view> names;
    for (const PermissionInfo& info : permission_table()) names.push_back(info.name);
    return absl::InvalidArgumentError(cat("unknown permission ", quote_value(request.permission),
                                          "; allowed: ", join(names, ", ")));
  }
  // A denied check reads the product only when that can change the answer (DESCRIBE of a
  // product with public metadata) or when the name may be a source database's, to name the
  // mesh database instead. The default "<source>-<account>" names skip the read.
  const bool may_be_source_name = !has_account_suffix(request.database_name);
  return read([&](store::Transaction& tx) -> absl::StatusOr<PermissionCheck> {
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    DATAMESH_ASSIGN_OR_RETURN(
        const std::vector<store::GrantRow> rows,
        tx.find_grants(caller.account.account_id, mesh, request.database_name, request.table_name));
    // The product, read at most once, and only when the answer depends on it.
    std::optional<store::ProductRow> product;
    bool product_read = false;
    const auto read_product = [&]() -> absl::Status {
      if (product_read) return absl::OkStatus();
      DATAMESH_ASSIGN_OR_RETURN(product, tx.get_product(request.database_name));
      product_read = true;
      return absl::OkStatus();
    };
    // A grant of no subscription is the owner's (the caller produces the product too), or
    // one a consumer's leave left in Lake Formation: the product tells which.
    bool owner = true;
    if (std::any_of(rows.begin(), rows.end(),
                    [](const store::GrantRow& row) { return row.subscription_id.empty(); })) {
      DATAMESH_RETURN_IF_ERROR(read_product());
      owner = product && product->producer_account == caller.account.account_id;
    }
    PermissionCheck check =
        evaluate_grants(rows, *parsed, request.database_name, request.table_name, owner);
    if (!check.allowed && (*parsed == Permission::kDescribe || may_be_source_name)) {
      DATAMESH_RETURN_IF_ERROR(read_product());
      if (!product) {
        check.reason = cat(check.reason, ": ",
                           internal::no_product_named(request.database_name, "check_permission"));
      } else if (*parsed == Permission::kDescribe && product->public_metadata) {
        check = PermissionCheck{
            .allowed = true,
            .reason = cat("data product ", request.database_name, " publishes public metadata")};
      }
    }
    // A grant on database.* and public metadata cover the tables the product has, not any name:
    // a table no grant names is looked up (a grant on a table was made for a table that existed).
    const bool table_granted =
        std::any_of(rows.begin(), rows.end(), [&](const store::GrantRow& row) {
          return row.database_name == request.database_name && row.table_name == request.table_name;
        });
    if (!check.allowed || request.table_name.empty() || table_granted) return check;
    DATAMESH_ASSIGN_OR_RETURN(const bool exists,
                              tx.has_table(mesh, request.database_name, request.table_name));
    if (exists) return check;
    return PermissionCheck{.reason = cat("no table ", quote_value(request.table_name),
                                         " in data product ", request.database_name,
                                         "; get_data_product lists its tables")};
  });
}

}  // namespace datamesh::core
