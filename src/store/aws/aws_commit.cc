#include "store/aws/aws_commit.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <variant>

#include "aws/aws_errors.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/audit_chain.h"
#include "store/aws/audit_items.h"
#include "store/aws/client_token_items.h"
#include "store/aws/deferred_steps.h"
#include "store/aws/dynamodb_tables.h"
#include "absl/strings/escaping.h"
#include "store/aws/glue_json.h"
#include "store/aws/bucket_policies.h"
#include "store/aws/mesh_tables.h"
#include "store/aws/product_publication.h"
#include "store/aws/tracker_item.h"

namespace datamesh {
// JSON forms of the plain rows a plan carries (the journal's, nothing else reads them).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Account, account_id, name, is_mesh, producer_enabled,
                                   consumer_enabled, producer_initialized, consumer_initialized,
                                   creation_date)
namespace store {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProductRow, mesh_database, producer_account, source_database,
                                   table_name_regex, domain, data_product_name, public_metadata,
                                   sync_schedule, crawler_role_arn, link_suffix, creation_date,
                                   updated_date)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(GrantRow, principal, catalog_id, database_name, table_name,
                                   permission, grantable, subscription_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ShareRow, share_arn, subscription_id, owner_account,
                                   recipient_account, status, creation_date)
namespace aws {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BucketReader, owner_account, bucket, reader_account)
}  // namespace aws
}  // namespace store
}  // namespace datamesh

namespace datamesh::store::aws {

using base::cat;

namespace {

// One change of a Glue catalog, in the order the body made it.
struct CatalogStep {
  enum class Kind { kPutDatabase, kDeleteDatabase, kPutTable, kDeleteTable };
  Kind kind;
  std::optional<Database> database;  // kPutDatabase
  std::optional<Table> table;        // kPutTable
  std::string catalog_id, database_name, table_name;  // the deletes
  // kPutTable of a table published again unchanged: only its partitions are copied again.
  bool republished = false;
};

struct SubscriptionChange {
  std::optional<Subscription> stored;  // as the body read it; nullopt for a new one
  Subscription updated;
  bool written = false;         // the body inserted or updated it
  bool grants_written = false;  // the body replaced its grants: they follow `grants`
  std::vector<GrantRow> grants;
};

struct Plan {
  std::vector<CatalogStep> catalog;
  std::map<std::string, ProductRow> products;
  std::map<std::string, std::pair<std::optional<Account>, Account>> accounts;  // before, after
  std::map<std::string, AccessKeyRow> keys;
  std::map<std::string, SubscriptionChange> subscriptions;
  // Grants made as they are: those of no subscription (the producer's own), and a grant put
  // alone, without its subscription's grants being replaced (admin reconcile restoring one).
  std::vector<GrantRow> other_grants;
  std::vector<GrantRow> revoked_grants;  // grants deleted one by one (admin reconcile)
  // A consumer's process made the plan, whose mesh role may not revoke in M
  // (AwsSessions::revokes_grants): its subscriptions' lost rights stay granted in Lake
  // Formation, for admin reconcile to list as Stray and --apply to revoke. Recorded with the
  // plan, so that whoever finishes it does the same.
  bool keeps_revocations = false;
  std::vector<ShareRow> shares;
  // The consumers a new approval lets read the producer's buckets (made with the publication's
  // bucket statements; those of the mesh follow from `catalog`).
  std::vector<BucketReader> readers;
  // Products whose tags or crawler changed (domain, product name, crawler role or schedule):
  // every table of theirs gets them, not only the tables this plan copies.
  std::set<std::string> retagged_products;
  std::vector<ChainedAuditEvent> audit;
  std::vector<ClientTokenRow> client_tokens;  // written with the change they record
  // The persona of the process that made the plan (AwsSessions::persona): its steps in its own
  // account are that persona's to make (deferred_steps.h). Empty in plans of releases before
  // 2026-12-07, whose steps out of reach are not deferred.
  std::string persona;

  // Whether anything but DynamoDB changes.
  bool has_side_effects() const {
    if (!catalog.empty() || !products.empty() || !other_grants.empty() ||
        !revoked_grants.empty() || !shares.empty()) {
      return true;
    }
    for (const auto& [id, change] : accounts) {
      if (!change.first || change.first->is_mesh != change.second.is_mesh ||
          change.first->producer_enabled != change.second.producer_enabled ||
          change.first->consumer_enabled != change.second.consumer_enabled ||
          change.first->producer_initialized != change.second.producer_initialized ||
          change.first->consumer_initialized != change.second.consumer_initialized) {
        return true;
      }
    }
    return std::any_of(subscriptions.begin(), subscriptions.end(),
                       [](const auto& entry) { return entry.second.grants_written; });
  }
};

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // for compilers without aggregate deduction (clang 14)

// The plan of `writes`: rows collapsed (the last write of a row wins), each subscription and
// account with the state it had before the transaction, read through `reads`.
absl::StatusOr<Plan> make_plan(Transaction& reads, const std::vector<BufferedWrite>& writes) {
  Plan plan;
  const auto change_of = [&](const std::string& id) -> absl::StatusOr<SubscriptionChange*> {
    auto found = plan.subscriptions.find(id);
    if (found == plan.subscriptions.end()) {
      DATAMESH_ASSIGN_OR_RETURN(std::optional<Subscription> stored, reads.get_subscription(id));
      found = plan.subscriptions.emplace(id, SubscriptionChange{.stored = std::move(stored)}).first;
      if (found->second.stored) found->second.updated = *found->second.stored;
    }
    return &found->second;
  };
  for (const BufferedWrite& write : writes) {
    absl::Status status = std::visit(
        Overloaded{
            [&](const PutAccount& w) -> absl::Status {
              auto found = plan.accounts.find(w.account.account_id);
              if (found == plan.accounts.end()) {
                DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> before,
                                          reads.get_account(w.account.account_id));
                found = plan.accounts
                            .emplace(w.account.account_id,
                                     std::make_pair(std::move(before), w.account))
                            .first;
              } else {
                found->second.second = w.account;
              }
              // A step made again: the plan reads as if the row lacked the flag before, so
              // IamSetup makes the step (each of its steps is idempotent), and so does whoever
              // finishes the recorded plan.
              std::optional<Account>& before = found->second.first;
              if (w.reapplied != nullptr && before) (*before).*w.reapplied = false;
              return absl::OkStatus();
            },
            [&](const PutAccessKey& w) -> absl::Status {
              plan.keys[w.key.access_key_id] = w.key;
              return absl::OkStatus();
            },
            [&](const PutDatabase& w) -> absl::Status {
              plan.catalog.push_back({.kind = CatalogStep::Kind::kPutDatabase,
                                      .database = w.database});
              return absl::OkStatus();
            },
            [&](const DeleteDatabase& w) -> absl::Status {
              plan.catalog.push_back({.kind = CatalogStep::Kind::kDeleteDatabase,
                                      .catalog_id = w.catalog_id,
                                      .database_name = w.name});
              return absl::OkStatus();
            },
            [&](const PutTable& w) -> absl::Status {
              plan.catalog.push_back({.kind = CatalogStep::Kind::kPutTable,
                                      .table = w.table,
                                      .republished = w.republished});
              return absl::OkStatus();
            },
            [&](const DeleteTable& w) -> absl::Status {
              plan.catalog.push_back({.kind = CatalogStep::Kind::kDeleteTable,
                                      .catalog_id = w.catalog_id,
                                      .database_name = w.database_name,
                                      .table_name = w.name});
              return absl::OkStatus();
            },
            [&](const PutProduct& w) -> absl::Status {
              plan.products[w.product.mesh_database] = w.product;
              return absl::OkStatus();
            },
            [&](const PutGrant& w) -> absl::Status {
              const auto replaced = plan.subscriptions.find(w.grant.subscription_id);
              if (w.grant.subscription_id.empty() || replaced == plan.subscriptions.end() ||
                  !replaced->second.grants_written) {
                plan.other_grants.push_back(w.grant);
                return absl::OkStatus();
              }
              DATAMESH_ASSIGN_OR_RETURN(SubscriptionChange * change,
                                        change_of(w.grant.subscription_id));
              change->grants_written = true;
              change->grants.push_back(w.grant);
              return absl::OkStatus();
            },
            [&](const DeleteSubscriptionGrants& w) -> absl::Status {
              DATAMESH_ASSIGN_OR_RETURN(SubscriptionChange * change,
                                        change_of(w.subscription_id));
              change->grants_written = true;
              change->grants.clear();
              return absl::OkStatus();
            },
            [&](const DeleteGrant& w) -> absl::Status {
              plan.revoked_grants.push_back(w.grant);
              return absl::OkStatus();
            },
            [&](const PutShare& w) -> absl::Status {
              auto same = std::find_if(plan.shares.begin(), plan.shares.end(),
                                       [&](const ShareRow& s) { return s.share_arn == w.share.share_arn; });
              if (same != plan.shares.end()) {
                *same = w.share;
              } else {
                plan.shares.push_back(w.share);
              }
              return absl::OkStatus();
            },
            [&](const InsertSubscription& w) -> absl::Status {
              SubscriptionChange& change = plan.subscriptions[w.subscription.subscription_id];
              change.stored.reset();
              change.updated = w.subscription;
              change.written = true;
              return absl::OkStatus();
            },
            [&](const UpdateSubscription& w) -> absl::Status {
              DATAMESH_ASSIGN_OR_RETURN(SubscriptionChange * change,
                                        change_of(w.subscription.subscription_id));
              change->updated = w.subscription;
              change->written = true;
              return absl::OkStatus();
            },
            [&](const AppendAuditEvent& w) -> absl::Status {
              plan.audit.push_back(w.event);
              return absl::OkStatus();
            },
            [&](const PutClientToken& w) -> absl::Status {
              plan.client_tokens.push_back(w.row);
              return absl::OkStatus();
            },
            // DynamoDB's time to live removes expired records (client_token_items.h).
            [&](const DeleteExpiredClientTokens&) -> absl::Status { return absl::OkStatus(); },
        },
        write);
    DATAMESH_RETURN_IF_ERROR(status);
  }
  return plan;
}

// `consumer` is to read the bucket of `table`'s location, owned by `owner` (once per bucket).
void add_reader(Plan& plan, const std::string& owner, const Table& table,
                const std::string& consumer) {
  if (!table.input.storage_descriptor || table.input.target_table) return;
  BucketReader reader{.owner_account = owner,
                      .bucket = bucket_of(table.input.storage_descriptor->location),
                      .reader_account = consumer};
  if (reader.bucket.empty()) return;
  if (std::find(plan.readers.begin(), plan.readers.end(), reader) == plan.readers.end()) {
    plan.readers.push_back(std::move(reader));
  }
}

// The buckets Active subscriptions let their consumers read, as the original's
// approve_access_request writes them (the bucket of each table's location, owned by the
// producer), for what this plan changes:
//   - a subscription it approves: each of its tables; every table of the database for a
//     DATABASE subscription, which grants them all (the original's grants it none);
//   - a table a publication copies anew (new, or changed, perhaps to another bucket): each
//     Active subscription that covers it (DATABASE ones cover every table).
// The tables were read by the body (the read transaction keeps them).
absl::Status add_readers(Transaction& reads, const std::string& mesh, Plan& plan) {
  for (const auto& [id, change] : plan.subscriptions) {
    const Subscription& updated = change.updated;
    const bool approved = change.written && change.grants_written &&
                          updated.status == SubscriptionStatus::kActive &&
                          (!change.stored || change.stored->status != SubscriptionStatus::kActive);
    if (!approved) continue;
    std::vector<Table> tables;
    if (updated.table_names.empty()) {
      DATAMESH_ASSIGN_OR_RETURN(
          tables, reads.list_tables(mesh, updated.database_name,
                                    Page{.limit = std::numeric_limits<int>::max()}));
    }
    for (const std::string& name : updated.table_names) {
      DATAMESH_ASSIGN_OR_RETURN(const std::optional<Table> table,
                                reads.get_table(mesh, updated.database_name, name));
      if (table) tables.push_back(*table);
    }
    for (const Table& table : tables) {
      add_reader(plan, updated.owner_principal, table, updated.subscriber_principal);
    }
  }
  for (const auto& [name, product] : plan.products) {
    std::vector<const Table*> copied;
    for (const CatalogStep& step : plan.catalog) {
      if (step.kind == CatalogStep::Kind::kPutTable && !step.republished &&
          step.table->catalog_id == mesh && step.table->database_name == name) {
        copied.push_back(&*step.table);
      }
    }
    if (copied.empty()) continue;
    DATAMESH_ASSIGN_OR_RETURN(
        const std::vector<Subscription> active,
        reads.list_subscriptions({.owner = product.producer_account,
                                  .status = SubscriptionStatus::kActive,
                                  .database_name = name},
                                 Page{.limit = std::numeric_limits<int>::max()}));
    for (const Subscription& subscription : active) {
      for (const Table* table : copied) {
        const std::vector<std::string>& names = subscription.table_names;
        if (names.empty() ||
            std::find(names.begin(), names.end(), table->input.name) != names.end()) {
          add_reader(plan, product.producer_account, *table, subscription.subscriber_principal);
        }
      }
    }
  }
  return absl::OkStatus();
}

// The products of the plan whose tags or crawler differ from the stored product's (read by the
// body, so kept by the read transaction).
absl::Status add_retagged_products(Transaction& reads, Plan& plan) {
  for (const auto& [name, product] : plan.products) {
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<ProductRow> stored, reads.get_product(name));
    if (stored && (stored->domain != product.domain ||
                   stored->data_product_name != product.data_product_name ||
                   stored->crawler_role_arn != product.crawler_role_arn ||
                   stored->sync_schedule != product.sync_schedule)) {
      plan.retagged_products.insert(name);
    }
  }
  return absl::OkStatus();
}

// --- The plan as JSON, for the writer lock ------------------------------------------------

// A sealed secret is bytes: base64 in the plan's JSON.
nlohmann::json key_json(const AccessKeyRow& key) {
  return {{"AccessKeyId", key.access_key_id}, {"AccountId", key.account_id},
          {"SealedSecret", absl::Base64Escape(key.sealed_secret)}, {"Status", key.status},
          {"CreationDate", key.creation_date}, {"RevocationDate", key.revocation_date}};
}

AccessKeyRow key_from(const nlohmann::json& json) {
  AccessKeyRow key{.access_key_id = json.at("AccessKeyId"),
                   .account_id = json.at("AccountId"),
                   .status = json.at("Status"),
                   .creation_date = json.at("CreationDate"),
                   .revocation_date = json.at("RevocationDate")};
  absl::Base64Unescape(json.at("SealedSecret").get<std::string>(), &key.sealed_secret);
  return key;
}

nlohmann::json database_json(const Database& database) {
  nlohmann::json json = database_input_json(database.input);
  json["CatalogId"] = database.catalog_id;
  return json;
}

nlohmann::json table_json(const Table& table) {
  nlohmann::json json = table_input_json(table.input);
  json["CatalogId"] = table.catalog_id;
  json["DatabaseName"] = table.database_name;
  return json;
}

nlohmann::json subscription_json(const Subscription& subscription) {
  return encode_tracker_item(subscription);
}

absl::StatusOr<Subscription> subscription_from(const nlohmann::json& item) {
  DATAMESH_ASSIGN_OR_RETURN(TrackerItem decoded, decode_tracker_item(item));
  return std::move(decoded.subscription);
}

nlohmann::json plan_json(const Plan& plan) {
  nlohmann::json catalog = nlohmann::json::array();
  for (const CatalogStep& step : plan.catalog) {
    nlohmann::json out = {{"Kind", static_cast<int>(step.kind)},
                          {"CatalogId", step.catalog_id},
                          {"DatabaseName", step.database_name},
                          {"TableName", step.table_name}};
    if (step.database) out["Database"] = database_json(*step.database);
    if (step.table) out["Table"] = table_json(*step.table);
    if (step.republished) out["Republished"] = true;
    catalog.push_back(std::move(out));
  }
  nlohmann::json subscriptions = nlohmann::json::array();
  for (const auto& [id, change] : plan.subscriptions) {
    nlohmann::json out = {{"Updated", subscription_json(change.updated)},
                          {"Written", change.written},
                          {"GrantsWritten", change.grants_written},
                          {"Grants", change.grants}};
    if (change.stored) out["Stored"] = subscription_json(*change.stored);
    subscriptions.push_back(std::move(out));
  }
  nlohmann::json accounts = nlohmann::json::array();
  for (const auto& [id, change] : plan.accounts) {
    nlohmann::json out = {{"After", change.second}};
    if (change.first) out["Before"] = *change.first;
    accounts.push_back(std::move(out));
  }
  nlohmann::json products = nlohmann::json::array();
  for (const auto& [name, product] : plan.products) products.push_back(product);
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& [id, key] : plan.keys) keys.push_back(key_json(key));
  nlohmann::json audit = nlohmann::json::array();
  for (const ChainedAuditEvent& event : plan.audit) audit.push_back(encode_audit_event(event));
  nlohmann::json tokens = nlohmann::json::array();
  for (const ClientTokenRow& row : plan.client_tokens) tokens.push_back(client_token_element(row));
  // Version 2: a step published again unchanged (Republished), which a datamesh reading only
  // version 1 would write again whole; such a datamesh refuses the plan instead.
  const bool republishes = std::any_of(plan.catalog.begin(), plan.catalog.end(),
                                       [](const CatalogStep& step) { return step.republished; });
  return {{"Version", republishes ? 2 : 1}, {"Catalog", catalog}, {"Products", products},
          {"Persona", plan.persona},
          {"Accounts", accounts}, {"Keys", keys},         {"Subscriptions", subscriptions},
          {"OtherGrants", plan.other_grants}, {"RevokedGrants", plan.revoked_grants},
          {"KeepsRevocations", plan.keeps_revocations},
          {"Shares", plan.shares}, {"Audit", audit},
          {"ClientTokens", tokens}, {"BucketReaders", plan.readers},
          {"RetaggedProducts", plan.retagged_products}};
}

// `what`: where the text was kept, for the errors.
absl::StatusOr<Plan> plan_from(const std::string& text, std::string_view what) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const int version = json.is_object() ? json.value("Version", 0) : 0;
  if (version != 1 && version != 2) {
    return absl::DataLossError(cat(what, " (DynamoDB table ", journal::kTable,
                                   ") is not a plan this datamesh reads"));
  }
  try {
    Plan plan;
    for (const nlohmann::json& step : json.at("Catalog")) {
      CatalogStep out{.kind = static_cast<CatalogStep::Kind>(step.at("Kind").get<int>()),
                      .catalog_id = step.at("CatalogId"),
                      .database_name = step.at("DatabaseName"),
                      .table_name = step.at("TableName"),
                      .republished = step.value("Republished", false)};
      if (step.contains("Database")) {
        DATAMESH_ASSIGN_OR_RETURN(out.database, database_from_json(step["Database"]));
      }
      if (step.contains("Table")) {
        DATAMESH_ASSIGN_OR_RETURN(out.table, table_from_json(step["Table"]));
      }
      plan.catalog.push_back(std::move(out));
    }
    for (const nlohmann::json& product : json.at("Products")) {
      ProductRow row = product.get<ProductRow>();
      plan.products[row.mesh_database] = std::move(row);
    }
    for (const nlohmann::json& account : json.at("Accounts")) {
      Account after = account.at("After").get<Account>();
      std::optional<Account> before;
      if (account.contains("Before")) before = account["Before"].get<Account>();
      plan.accounts[after.account_id] = {std::move(before), std::move(after)};
    }
    for (const nlohmann::json& key : json.at("Keys")) {
      AccessKeyRow row = key_from(key);
      plan.keys[row.access_key_id] = std::move(row);
    }
    for (const nlohmann::json& change : json.at("Subscriptions")) {
      SubscriptionChange out{.written = change.at("Written"),
                             .grants_written = change.at("GrantsWritten"),
                             .grants = change.at("Grants").get<std::vector<GrantRow>>()};
      DATAMESH_ASSIGN_OR_RETURN(out.updated, subscription_from(change.at("Updated")));
      if (change.contains("Stored")) {
        DATAMESH_ASSIGN_OR_RETURN(out.stored, subscription_from(change["Stored"]));
      }
      plan.subscriptions[out.updated.subscription_id] = std::move(out);
    }
    plan.other_grants = json.at("OtherGrants").get<std::vector<GrantRow>>();
    plan.revoked_grants =
        json.value("RevokedGrants", nlohmann::json::array()).get<std::vector<GrantRow>>();
    plan.keeps_revocations = json.value("KeepsRevocations", false);
    plan.persona = json.value("Persona", "");
    plan.shares = json.at("Shares").get<std::vector<ShareRow>>();
    plan.readers =
        json.value("BucketReaders", nlohmann::json::array()).get<std::vector<BucketReader>>();
    plan.retagged_products = json.value("RetaggedProducts", nlohmann::json::array())
                                 .get<std::set<std::string>>();
    for (const nlohmann::json& element : json.value("ClientTokens", nlohmann::json::array())) {
      const nlohmann::json& item = element.at("Put").at("Item");
      const auto attribute = [&item](std::string_view name, const char* type) {
        return item.at(std::string(name)).at(type).get<std::string>();
      };
      ClientTokenRow row{.account_id = attribute(journal::kAccountId, "S"),
                         .client_token = attribute(journal::kClientToken, "S"),
                         .method = attribute(journal::kMethod, "S"),
                         .request_hash = attribute(journal::kRequestHash, "S"),
                         .expires_at = std::stoll(attribute(journal::kExpiresAt, "N"))};
      absl::Base64Unescape(attribute(journal::kAnswer, "B"), &row.answer);
      plan.client_tokens.push_back(std::move(row));
    }
    for (const nlohmann::json& event : json.at("Audit")) {
      DATAMESH_ASSIGN_OR_RETURN(ChainedAuditEvent decoded, decode_audit_event(event));
      plan.audit.push_back(std::move(decoded));
    }
    return plan;
  } catch (const nlohmann::json::exception& error) {
    return absl::DataLossError(cat(what, " is damaged: ", error.what()));
  }
}

// --- Making the plan ------------------------------------------------------------------------

using GrantKey = std::tuple<std::string, std::string, std::string, std::string, std::string, bool>;
GrantKey key_of(const GrantRow& row) {
  return {row.principal, row.catalog_id, row.database_name, row.table_name, row.permission,
          row.grantable};
}

// Rows of `a` not in `b`.
std::vector<GrantRow> minus(const std::vector<GrantRow>& a, const std::vector<GrantRow>& b) {
  std::set<GrantKey> in_b;
  for (const GrantRow& row : b) in_b.insert(key_of(row));
  std::vector<GrantRow> out;
  for (const GrantRow& row : a) {
    if (!in_b.contains(key_of(row))) out.push_back(row);
  }
  return out;
}

// What Lake Formation loses when a subscription's rows `before` give way to its new ones.
struct Revocation {
  std::vector<GrantRow> rows;           // revoked with their grant option
  std::vector<GrantRow> grant_options;  // the permission stays; only its grant option goes
};

// Lake Formation holds one grant per principal, resource and permission, whichever
// subscriptions stand for it: a row of `before` is revoked only when neither the subscription's
// new rows nor another Active subscription of the same principal on the same database (as the
// plan leaves it) stands for it, and its grant option only when none of them stands for it
// grantable. The other subscriptions are read from the tracker only when something would go.
absl::StatusOr<Revocation> revocation_of(const AwsParts& parts, const Plan& plan,
                                         const SubscriptionChange& change,
                                         std::vector<GrantRow> before) {
  using Held = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  const auto held_key = [](const GrantRow& row) -> Held {
    return {row.principal, row.catalog_id, row.database_name, row.table_name, row.permission};
  };
  std::map<Held, bool> held;  // -> grantable
  const auto hold = [&](const std::vector<GrantRow>& rows) {
    for (const GrantRow& row : rows) held[held_key(row)] |= row.grantable;
  };
  // The rows `before` loses against what `held` stands for.
  const auto lost = [&] {
    Revocation revocation;
    for (const GrantRow& row : before) {
      const auto found = held.find(held_key(row));
      if (found == held.end()) {
        revocation.rows.push_back(row);
      } else if (row.grantable && !found->second) {
        revocation.grant_options.push_back(row);
      }
    }
    return revocation;
  };
  hold(change.grants);
  Revocation revocation = lost();
  if (revocation.rows.empty() && revocation.grant_options.empty()) return revocation;

  const Subscription& self = *change.stored;
  const std::string& mesh = parts.sessions.mesh_account();
  for (const auto& [other_id, other] : plan.subscriptions) {
    if (other_id != self.subscription_id &&
        other.updated.subscriber_principal == self.subscriber_principal &&
        other.updated.database_name == self.database_name) {
      hold(subscription_grants(other.updated, mesh));
    }
  }
  const SubscriptionFilter filter{.subscriber = self.subscriber_principal,
                                  .status = SubscriptionStatus::kActive,
                                  .database_name = self.database_name};
  Page page{.limit = 500};
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<Subscription> others,
                              parts.subscriptions.list_subscriptions(filter, page));
    for (const Subscription& other : others) {
      // The plan's own subscriptions count as the plan leaves them (above).
      if (!plan.subscriptions.contains(other.subscription_id)) {
        hold(subscription_grants(other, mesh));
      }
    }
    if (static_cast<int>(others.size()) < page.limit) break;
    page.after = others.back().subscription_id;
  }
  return lost();
}

// An Active subscription that loses rights (deleted, left, narrowed) says so in the tracker
// after its new grants are made and before its old ones are revoked: a failure in between then
// leaves grants the tracker no longer names while the lock's plan names the subscription (in
// transition, finished by the next writer), never an Active subscription without the grants the
// tracker says it has. Its change is then written; the last transaction leaves it out
// (finish_plan, reading the plan, writes it again over what is stored).
absl::Status write_losing_rights(const AwsParts& parts, Plan& plan) {
  for (auto& [id, change] : plan.subscriptions) {
    if (!change.written || !change.grants_written || !change.stored ||
        change.stored->status != SubscriptionStatus::kActive) {
      continue;
    }
    DATAMESH_ASSIGN_OR_RETURN(nlohmann::json element,
                              parts.subscriptions.update_element(*change.stored, change.updated));
    DATAMESH_RETURN_IF_ERROR(transact_write(parts.sessions, {std::move(element)}, ""));
    change.written = false;
  }
  return absl::OkStatus();
}

// The Glue, IAM, Lake Formation and RAM steps, in their safe order (aws_commit.h). Updates the
// plan's subscriptions and shares with the share ARNs AWS made.
// Whether a catalog step adds to Glue (made first) rather than removes from it (made last).
bool adds(const CatalogStep& step) {
  return step.kind == CatalogStep::Kind::kPutDatabase || step.kind == CatalogStep::Kind::kPutTable;
}

// The Glue call of one catalog step.
absl::Status make_catalog_step(const GlueCatalog& glue, const CatalogStep& step) {
  switch (step.kind) {
    case CatalogStep::Kind::kPutDatabase:
      return glue.put_database(*step.database);
    case CatalogStep::Kind::kPutTable:
      // Published again unchanged: Glue holds it as it is (its partitions follow the step).
      if (step.republished) return absl::OkStatus();
      return glue.put_table(*step.table);
    case CatalogStep::Kind::kDeleteTable:
      return glue.delete_table(step.catalog_id, step.database_name, step.table_name);
    case CatalogStep::Kind::kDeleteDatabase:
      return glue.delete_database(step.catalog_id, step.database_name);
  }
  return absl::InternalError("a catalog step of no known kind");
}

// The body named each new share before Lake Formation made it, with a name of its own; the
// audit events that list the share (RamShares, in an approval's details) list the names AWS gave
// instead, so that the log names shares that exist, and are linked again from the first one
// renamed on (core/audit_chain.h). Without the mesh's sealer they stay as the body wrote them.
absl::Status rename_shares_in_audit(const AwsParts& parts,
                                    const std::map<std::string, std::vector<std::string>>& names,
                                    std::vector<ChainedAuditEvent>& events) {
  if (names.empty() || parts.audit_sealer == nullptr) return absl::OkStatus();
  bool relink = false;
  std::string previous_hash;
  for (ChainedAuditEvent& chained : events) {
    if (relink) chained.previous_hash = previous_hash;
    nlohmann::json details = nlohmann::json::parse(chained.event.details_json, nullptr, false);
    if (details.is_object() && details.contains("RamShares") && details["RamShares"].is_array()) {
      nlohmann::json renamed = nlohmann::json::array();
      bool changed = false;
      for (const nlohmann::json& arn : details["RamShares"]) {
        const auto named = arn.is_string() ? names.find(arn.get<std::string>()) : names.end();
        if (named == names.end()) {
          renamed.push_back(arn);
          continue;
        }
        for (const std::string& aws_arn : named->second) renamed.push_back(aws_arn);
        changed = true;
      }
      if (changed) {
        details["RamShares"] = std::move(renamed);
        chained.event.details_json = details.dump();
        relink = true;
      }
    }
    if (relink) {
      DATAMESH_ASSIGN_OR_RETURN(chained.hash, core::audit_link_hash(*parts.audit_sealer,
                                                                    chained.event,
                                                                    chained.previous_hash));
    }
    previous_hash = chained.hash;
  }
  return absl::OkStatus();
}

// Which run of a plan's steps make_side_effects makes.
enum class Run {
  kCommit,  // the commit's own
  kFinish,  // a left plan's, by the next writer (it writes the tracker only at the end)
  kDeferred,  // the steps a finisher kept for an account it could not reach (deferred_steps.h)
};

absl::Status make_side_effects(const AwsParts& parts, MeshWriterLock& lock, Plan& plan,
                               Run run) {
  const std::string& mesh = parts.sessions.mesh_account();
  // Glue: what is added, in the order made.
  for (const CatalogStep& step : plan.catalog) {
    if (!adds(step)) continue;
    DATAMESH_RETURN_IF_ERROR(lock.keep_alive());
    DATAMESH_RETURN_IF_ERROR(make_catalog_step(parts.glue, step));
    if (step.kind == CatalogStep::Kind::kPutTable) {
      const Table& table = *step.table;
      // A mesh table copied from its producer's source brings the source's partitions along;
      // one published again unchanged too, unless it has none to bring (no partition keys).
      const auto product = plan.products.find(table.database_name);
      const bool unpartitioned = step.republished && table.input.partition_keys.empty();
      if (table.catalog_id == mesh && !table.input.target_table && product != plan.products.end() &&
          !unpartitioned && parts.sessions.has(product->second.producer_account)) {
        const absl::Status copied = parts.glue.copy_partitions(
            TableIdentifier{.catalog_id = product->second.producer_account,
                            .database_name = product->second.source_database,
                            .name = table.input.name},
            TableIdentifier{.catalog_id = mesh,
                            .database_name = table.database_name,
                            .name = table.input.name},
            [&lock] { return lock.keep_alive(); });
        // A table published again unchanged had no copy before 2026-12-07: a mesh whose
        // producer policy predates glue:BatchUpdatePartition/BatchDeletePartition (until the
        // admin enables the producer again) publishes on without it. Deferred steps made later
        // find a source table dropped since: nothing left to copy.
        const bool tolerated = (step.republished && absl::IsPermissionDenied(copied)) ||
                               (run == Run::kDeferred && absl::IsNotFound(copied));
        if (!tolerated) DATAMESH_RETURN_IF_ERROR(copied);
      }
    }
  }
  for (const auto& [name, product] : plan.products) {
    DATAMESH_RETURN_IF_ERROR(parts.glue.put_product(product));
  }
  // Accounts: their IAM and Lake Formation set-up; a new mesh gets its tracker table first.
  for (const auto& [id, change] : plan.accounts) {
    DATAMESH_RETURN_IF_ERROR(lock.keep_alive());
    if (change.second.is_mesh && (!change.first || !change.first->is_mesh)) {
      DATAMESH_RETURN_IF_ERROR(ensure_mesh_tables(parts.sessions));
    }
    DATAMESH_RETURN_IF_ERROR(parts.iam.apply(change.first, change.second));
  }
  // Publishing (product_publication.h): the data locations, LF tags and crawlers of the mesh
  // tables copied, then the bucket statements letting the mesh and newly approved consumers
  // read, all before the grants that make the data reachable.
  std::vector<BucketReader> readers = plan.readers;
  for (const auto& [name, product] : plan.products) {
    std::vector<PublishedTable> tables;
    for (const CatalogStep& step : plan.catalog) {
      // (A table published again unchanged was registered, tagged and crawled when copied.)
      if (step.kind != CatalogStep::Kind::kPutTable || step.republished) continue;
      const Table& table = *step.table;
      if (table.catalog_id != mesh || table.database_name != name || table.input.target_table) {
        continue;
      }
      const std::string location =
          table.input.storage_descriptor ? table.input.storage_descriptor->location : "";
      tables.push_back({table.input.name, location});
      readers.push_back({product.producer_account, bucket_of(location), mesh});
    }
    if (plan.retagged_products.contains(name)) {
      DATAMESH_ASSIGN_OR_RETURN(
          const std::vector<Table> all,
          parts.glue.list_tables(mesh, name, Page{.limit = std::numeric_limits<int>::max()}));
      for (const Table& table : all) {
        const bool listed = std::any_of(tables.begin(), tables.end(), [&](const PublishedTable& t) {
          return t.name == table.input.name;
        });
        if (listed || table.input.target_table) continue;
        tables.push_back({table.input.name, table.input.storage_descriptor
                                                ? table.input.storage_descriptor->location
                                                : ""});
      }
    }
    DATAMESH_RETURN_IF_ERROR(lock.keep_alive());
    DATAMESH_RETURN_IF_ERROR(publish_tables(parts, product, tables));
  }
  DATAMESH_RETURN_IF_ERROR(let_read_buckets(parts, readers));
  // Grants: what is new first, then what went, so access never dips during a change.
  DATAMESH_RETURN_IF_ERROR(parts.grants.grant(plan.other_grants));
  for (auto& [id, change] : plan.subscriptions) {
    if (!change.grants_written) continue;
    DATAMESH_RETURN_IF_ERROR(lock.keep_alive());
    std::vector<GrantRow> before;
    if (change.stored && change.stored->status == SubscriptionStatus::kActive) {
      before = subscription_grants(*change.stored, mesh);
    }
    DATAMESH_RETURN_IF_ERROR(parts.grants.grant(minus(change.grants, before)));
  }
  if (run == Run::kCommit) DATAMESH_RETURN_IF_ERROR(write_losing_rights(parts, plan));
  // Plan::keeps_revocations: a consumer's own plan revokes nothing. Another party's plan that
  // a consumer's process finishes is made whole or not at all (explain_unfinished), never
  // finished without the revocations it names.
  for (auto& [id, change] : plan.subscriptions) {
    if (!change.grants_written || plan.keeps_revocations) continue;
    std::vector<GrantRow> before;
    if (change.stored && change.stored->status == SubscriptionStatus::kActive) {
      before = subscription_grants(*change.stored, mesh);
    }
    DATAMESH_ASSIGN_OR_RETURN(const Revocation revocation,
                              revocation_of(parts, plan, change, std::move(before)));
    DATAMESH_RETURN_IF_ERROR(parts.grants.revoke(revocation.rows));
    DATAMESH_RETURN_IF_ERROR(parts.grants.revoke_grant_options(revocation.grant_options));
  }
  DATAMESH_RETURN_IF_ERROR(parts.grants.revoke(plan.revoked_grants));
  // RAM: the shares of a new approval are the ones Lake Formation just made; a consumer's
  // acceptance or departure is made on its side.
  std::vector<ShareRow> shares;
  std::map<std::string, std::vector<std::string>> share_names;  // the body's -> AWS's
  for (const ShareRow& share : plan.shares) {
    DATAMESH_RETURN_IF_ERROR(lock.keep_alive());
    auto change = plan.subscriptions.find(share.subscription_id);
    if (share.status == "PENDING" && change != plan.subscriptions.end() &&
        change->second.updated.status == SubscriptionStatus::kActive) {
      // The engine names a new share; on AWS, Lake Formation made it with the grants: the
      // subscription records the ARNs AWS gave.
      DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> arns,
                                parts.shares.shares_of(change->second.updated));
      change->second.updated.ram_shares = arns;
      share_names[share.share_arn] = arns;
      for (const std::string& arn : arns) {
        ShareRow made = share;
        made.share_arn = arn;
        shares.push_back(std::move(made));
      }
      continue;
    }
    shares.push_back(share);
    if (share.status == "ACCEPTED") {
      // A finisher leaves a recipient out of reach to its own next write (take_out_of_reach,
      // for plans that record their persona).
      if (run == Run::kFinish && !plan.persona.empty() &&
          !parts.sessions.has(share.recipient_account)) {
        continue;
      }
      const absl::Status accepted =
          parts.shares.accept(share.recipient_account, {share.share_arn});
      // Deferred steps run after later writes: a share deleted meanwhile (its last grant
      // revoked) has no invitation left to accept. An invitation expired or rejected is an
      // error still: the subscription says ACCEPTED and its consumer has no access.
      if (run == Run::kDeferred && absl::IsNotFound(accepted)) continue;
      DATAMESH_RETURN_IF_ERROR(accepted);
    } else if (share.status == "DISASSOCIATED") {
      // The subscription leaves the share; the account leaves it only when the grants revoked
      // above took the last resource out of it, for it serves the account's other
      // subscriptions too (one share per grantor and recipient).
      DATAMESH_ASSIGN_OR_RETURN(const bool serves_others,
                                parts.shares.holds_resources(share.share_arn));
      if (!serves_others) {
        DATAMESH_RETURN_IF_ERROR(
            parts.shares.disassociate(share.recipient_account, {share.share_arn}));
      }
    }
  }
  plan.shares = std::move(shares);
  DATAMESH_RETURN_IF_ERROR(rename_shares_in_audit(parts, share_names, plan.audit));
  // Glue: what is removed, last.
  for (const CatalogStep& step : plan.catalog) {
    if (adds(step)) continue;
    DATAMESH_RETURN_IF_ERROR(make_catalog_step(parts.glue, step));
  }
  return absl::OkStatus();
}

// The last TransactWriteItems: tracker items, account rows, the audit events and `endings` (the
// element that frees the lock or ends its plan, and the steps kept for accounts out of reach).
// When `force`, tracker items are written over whatever they hold now (finishing a left plan:
// its changes are already made in AWS).
absl::Status write_records(const AwsParts& parts, Plan& plan,
                           std::vector<nlohmann::json> endings, bool force) {
  std::vector<nlohmann::json> elements;
  for (auto& [id, change] : plan.subscriptions) {
    if (!change.stored) {
      if (force) {
        DATAMESH_ASSIGN_OR_RETURN(std::optional<Subscription> now,
                                  parts.subscriptions.get_subscription(id));
        if (now) change.stored = std::move(now);
      }
    } else if (force) {
      DATAMESH_ASSIGN_OR_RETURN(std::optional<Subscription> now,
                                parts.subscriptions.get_subscription(id));
      change.stored = std::move(now);
    }
    if (!change.stored) {
      DATAMESH_ASSIGN_OR_RETURN(nlohmann::json element,
                                parts.subscriptions.insert_element(change.updated));
      elements.push_back(std::move(element));
    } else if (change.written) {
      Subscription updated = change.updated;
      if (updated.version <= change.stored->version) updated.version = change.stored->version + 1;
      DATAMESH_ASSIGN_OR_RETURN(nlohmann::json element,
                                parts.subscriptions.update_element(*change.stored, updated));
      elements.push_back(std::move(element));
    }
  }
  if (!plan.accounts.empty() || !plan.keys.empty()) {
    DATAMESH_RETURN_IF_ERROR(parts.accounts.ensure_tables());
  }
  for (const auto& [id, change] : plan.accounts) {
    DATAMESH_ASSIGN_OR_RETURN(nlohmann::json element,
                              parts.accounts.put_account_element(change.second));
    elements.push_back(std::move(element));
  }
  for (const auto& [id, key] : plan.keys) {
    elements.push_back(parts.accounts.put_access_key_element(key));
  }
  for (const ChainedAuditEvent& event : plan.audit) {
    DATAMESH_ASSIGN_OR_RETURN(std::vector<nlohmann::json> appended,
                              parts.audit.append_elements(event));
    for (nlohmann::json& element : appended) elements.push_back(std::move(element));
  }
  for (const ClientTokenRow& row : plan.client_tokens) {
    elements.push_back(client_token_element(row));
  }
  for (nlohmann::json& ending : endings) elements.push_back(std::move(ending));
  // Shares live in their subscription's tracker item, which the transaction below also
  // writes (one item, one write per transaction): they go first, alone; they change nothing
  // the transaction's conditions look at.
  for (const ShareRow& share : plan.shares) {
    DATAMESH_RETURN_IF_ERROR(parts.subscriptions.put_share(share));
  }
  return transact_write(parts.sessions, std::move(elements), "");
}

// Where a subscription's tracker item stands against a plan that names it. Compared on what an
// update's condition compares: version, status and updated date.
enum class Standing {
  kAsRead,            // as the plan read it (none, for a new one)
  kWrittenByPlan,     // as the plan itself wrote it part-way (write_losing_rights)
  kChangedByAnother,  // changed by another writer meanwhile: the original library, which takes
                      // no lock, or a person with the AWS console
};

Standing standing_of(const std::optional<Subscription>& now, const SubscriptionChange& change) {
  const auto same = [&](const Subscription& expected) {
    return now && now->version == expected.version && now->status == expected.status &&
           now->updated_date == expected.updated_date;
  };
  if (!change.stored) return now ? Standing::kChangedByAnother : Standing::kAsRead;
  if (same(*change.stored)) return Standing::kAsRead;
  return same(change.updated) ? Standing::kWrittenByPlan : Standing::kChangedByAnother;
}

// A plan whose subscriptions another writer changed since it read them is stale: its decision
// was made on a state that is gone. Finishing it would write over that writer's change (its
// status, its notes), so it is dropped instead, as a transaction that lost its race: no tracker
// item, audit event or client token of it is written, and the grants it made that the
// subscriptions as they stand now do not stand for are revoked (PermissionDenied, dropping
// nothing, in a consumer's process, which may not revoke: the producer's drops it). What else
// it made (tables, bucket statements, shares) a new call's plan makes again. A plan that
// already wrote a subscription part-way has made that change, and is finished as before (over
// another subscription's change, if one was made too: a plan names one subscription in the
// methods that write one part-way). `ending` frees the lock or ends its plan. Answers whether
// the plan was dropped.
absl::StatusOr<bool> drop_if_stale(const AwsParts& parts, const Plan& plan,
                                   nlohmann::json ending) {
  Plan now = plan;  // the plan's subscriptions as they stand, for revocation_of's view
  std::map<std::string, std::optional<Subscription>> current;
  bool changed_by_another = false;
  for (const auto& [id, change] : plan.subscriptions) {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Subscription> read,
                              parts.subscriptions.get_subscription(id));
    switch (standing_of(read, change)) {
      case Standing::kAsRead: break;
      case Standing::kWrittenByPlan: return false;
      case Standing::kChangedByAnother: changed_by_another = true; break;
    }
    if (read) {
      now.subscriptions[id].updated = *read;
    } else {
      now.subscriptions.erase(id);
    }
    current[id] = std::move(read);
  }
  if (!changed_by_another) return false;
  const std::string& mesh = parts.sessions.mesh_account();
  std::vector<Revocation> revocations;
  for (const auto& [id, change] : plan.subscriptions) {
    if (!change.grants_written) continue;
    // What the subscription stands for now: its grants if it is Active, else nothing.
    const std::optional<Subscription>& read = current.at(id);
    SubscriptionChange standing{.stored = read.value_or(change.updated)};
    if (read && read->status == SubscriptionStatus::kActive) {
      standing.grants = subscription_grants(*read, mesh);
    }
    DATAMESH_ASSIGN_OR_RETURN(Revocation revocation,
                              revocation_of(parts, now, standing, change.grants));
    if (revocation.rows.empty() && revocation.grant_options.empty()) continue;
    // A consumer's mesh role may not revoke in M: dropping the plan there would leave its
    // grants to a denied subscription. Whoever made the plan (its producer) drops it.
    if (!parts.sessions.revokes_grants()) {
      return absl::PermissionDeniedError(cat(
          "subscription ", id, " was changed by another writer (the original library?) while "
          "an earlier write's plan, left in the mesh's writer lock, was being made; the plan is "
          "dropped by revoking the grants it made, which this process's mesh role may not do. "
          "Run a datamesh write with the credentials of account ", change.updated.owner_principal,
          " (its producer) to drop it"));
    }
    revocations.push_back(std::move(revocation));
  }
  for (const Revocation& revocation : revocations) {
    DATAMESH_RETURN_IF_ERROR(parts.grants.revoke(revocation.rows));
    DATAMESH_RETURN_IF_ERROR(parts.grants.revoke_grant_options(revocation.grant_options));
  }
  DATAMESH_RETURN_IF_ERROR(transact_write(parts.sessions, {std::move(ending)}, ""));
  return true;
}

}  // namespace

absl::Status commit_writes(const AwsParts& parts, MeshWriterLock& lock, Transaction& reads,
                           const std::vector<BufferedWrite>& writes) {
  DATAMESH_ASSIGN_OR_RETURN(Plan plan, make_plan(reads, writes));
  plan.keeps_revocations = !parts.sessions.revokes_grants();
  plan.persona = parts.sessions.persona();
  if (plan.has_side_effects()) {
    DATAMESH_RETURN_IF_ERROR(add_readers(reads, parts.sessions.mesh_account(), plan));
    DATAMESH_RETURN_IF_ERROR(add_retagged_products(reads, plan));
    DATAMESH_RETURN_IF_ERROR(lock.record_plan(plan_json(plan).dump()));
    absl::Status made = make_side_effects(parts, lock, plan, Run::kCommit);
    if (made.ok()) made = write_records(parts, plan, {lock.release_element()}, /*force=*/false);
    // Aborted: a tracker item changed since the body read it. The plan is dropped (the store
    // runs the body again on what is stored now), not left to be finished over the change.
    // Left in the lock when it is not stale (the next writer finishes it); Aborted either way.
    if (absl::IsAborted(made)) {
      DATAMESH_RETURN_IF_ERROR(drop_if_stale(parts, plan, lock.clear_plan_element()).status());
    }
    return made;
  }
  return write_records(parts, plan, {lock.release_element()}, /*force=*/false);
}

absl::Status commit_outside_mesh(const AwsParts& parts, Transaction& reads,
                                 const std::vector<BufferedWrite>& writes) {
  DATAMESH_ASSIGN_OR_RETURN(const Plan plan, make_plan(reads, writes));
  if (!plan.products.empty() || !plan.keys.empty() || !plan.subscriptions.empty() ||
      !plan.other_grants.empty() || !plan.revoked_grants.empty() || !plan.shares.empty()) {
    return absl::FailedPreconditionError(cat(
        "this step changes the mesh, and this process holds no session for the mesh account ",
        parts.sessions.mesh_account(), ": run it with credentials that reach the mesh"));
  }
  for (const auto& [id, change] : plan.accounts) {
    DATAMESH_RETURN_IF_ERROR(parts.iam.apply(change.first, change.second));
  }
  // The account's own catalog (its admin's create_database, create_table, ...).
  for (const CatalogStep& step : plan.catalog) {
    DATAMESH_RETURN_IF_ERROR(make_catalog_step(parts.glue, step));
  }
  return absl::OkStatus();
}

namespace {

// Why this process's write waits on a plan it could not finish, and who can: the plan's methods
// and their accounts (from its audit events), around the failure itself.
absl::Status explain_unfinished(const Plan& plan, const absl::Status& failure) {
  std::set<std::string> methods;
  std::set<std::string> accounts;
  for (const ChainedAuditEvent& chained : plan.audit) {
    methods.insert(chained.event.action);
    accounts.insert(chained.event.actor_account);
  }
  const std::string who = accounts.empty() ? std::string("the account that began it")
                                           : cat("account ", base::join(accounts, " or "));
  const std::string what =
      methods.empty() ? std::string("an earlier write")
                      : cat("an earlier ", base::join(methods, ", "), " of ",
                            base::join(accounts, ", "));
  return absl::Status(
      failure.code(),
      cat(what, " failed half-way and left its plan in the mesh's writer lock; it must be "
          "finished before any other write, and this process could not finish it: ",
          failure.message(), ". Run a datamesh write with the credentials of ", who,
          " (its own command again) to finish it"));
}

const std::string& account_of(const CatalogStep& step) {
  switch (step.kind) {
    case CatalogStep::Kind::kPutDatabase:
      return step.database->catalog_id;
    case CatalogStep::Kind::kPutTable:
      return step.table->catalog_id;
    default:
      return step.catalog_id;
  }
}

// Moves the elements of `from` that `out_of_reach` picks to `kept`, by the account it names.
template <class T, class Account>
void move_out(std::vector<T>& from, std::map<std::string, Plan>& kept,
              std::vector<T> Plan::*into, const Account& out_of_reach) {
  std::vector<T> staying;
  for (T& element : from) {
    if (const std::optional<std::string> account = out_of_reach(element)) {
      (kept[*account].*into).push_back(std::move(element));
    } else {
      staying.push_back(std::move(element));
    }
  }
  from = std::move(staying);
}

// The steps of a left plan in accounts this process holds no session for, by account
// (deferred_steps.h). Taken out of the plan: catalog steps, grants and bucket statements there.
// Copied, as the finisher makes what it can reach of them: a publication by a producer out of
// reach (its mesh tables, for the producer's partitions, LF tags, crawlers and bucket
// statements, which the finisher leaves out) and a share accepted by a consumer out of reach
// (whose tracker record the finisher writes). An account's set-up (IAM) is not deferred: a plan
// needing one out of reach still cannot be finished (explain_unfinished).
std::map<std::string, Plan> take_out_of_reach(Plan& plan, const AwsSessions& sessions) {
  std::map<std::string, Plan> kept;
  const auto beyond = [&](const std::string& account) -> std::optional<std::string> {
    if (sessions.has(account)) return std::nullopt;
    return account;
  };
  const std::string& mesh = sessions.mesh_account();
  for (const CatalogStep& step : plan.catalog) {
    if (step.kind != CatalogStep::Kind::kPutTable || account_of(step) != mesh) continue;
    const auto product = plan.products.find(step.table->database_name);
    if (product == plan.products.end() || sessions.has(product->second.producer_account)) {
      continue;
    }
    kept[product->second.producer_account].catalog.push_back(step);
  }
  for (const auto& [name, product] : plan.products) {
    const auto steps = kept.find(product.producer_account);
    const bool retagged = plan.retagged_products.contains(name);
    if (sessions.has(product.producer_account) || (steps == kept.end() && !retagged)) continue;
    Plan& deferred = kept[product.producer_account];
    deferred.products[name] = product;
    if (retagged) deferred.retagged_products.insert(name);
  }
  move_out(plan.catalog, kept, &Plan::catalog,
           [&](const CatalogStep& step) { return beyond(account_of(step)); });
  move_out(plan.readers, kept, &Plan::readers,
           [&](const BucketReader& reader) { return beyond(reader.owner_account); });
  move_out(plan.other_grants, kept, &Plan::other_grants,
           [&](const GrantRow& grant) { return beyond(grant.catalog_id); });
  move_out(plan.revoked_grants, kept, &Plan::revoked_grants,
           [&](const GrantRow& grant) { return beyond(grant.catalog_id); });
  for (const ShareRow& share : plan.shares) {
    if (share.status == "ACCEPTED" && !sessions.has(share.recipient_account)) {
      kept[share.recipient_account].shares.push_back(share);
    }
  }
  return kept;
}

// Steps kept for one account by several finishers. make_side_effects makes every addition
// before every removal, so of two steps on one catalog resource only the later one is kept.
void append(Plan& into, Plan from) {
  const auto append_all = [](auto& to, auto& more) {
    to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  };
  const auto resource = [](const CatalogStep& step) {
    using Kind = CatalogStep::Kind;
    const bool table = step.kind == Kind::kPutTable || step.kind == Kind::kDeleteTable;
    const std::string& database = step.kind == Kind::kPutDatabase ? step.database->input.name
                                  : step.kind == Kind::kPutTable  ? step.table->database_name
                                                                  : step.database_name;
    const std::string& name = !table                           ? database
                              : step.kind == Kind::kPutTable   ? step.table->input.name
                                                               : step.table_name;
    return std::make_tuple(account_of(step), database, table, name);
  };
  std::erase_if(into.catalog, [&](const CatalogStep& earlier) {
    return std::any_of(from.catalog.begin(), from.catalog.end(), [&](const CatalogStep& later) {
      return resource(later) == resource(earlier);
    });
  });
  append_all(into.catalog, from.catalog);
  append_all(into.readers, from.readers);
  append_all(into.other_grants, from.other_grants);
  append_all(into.revoked_grants, from.revoked_grants);
  append_all(into.shares, from.shares);
  for (auto& [name, product] : from.products) into.products[name] = std::move(product);
  into.retagged_products.merge(from.retagged_products);
}

std::string deferred_what(const deferred_steps::Keeper& keeper) {
  return cat("the steps kept for ", deferred_steps::describe(keeper));
}

// The element that keeps `steps` for `keeper`, after what earlier finishers kept for it.
absl::StatusOr<nlohmann::json> keep_for(const AwsParts& parts,
                                        const deferred_steps::Keeper& keeper, Plan steps) {
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<std::string> earlier,
                            deferred_steps::read(parts.sessions, keeper));
  if (earlier) {
    DATAMESH_ASSIGN_OR_RETURN(Plan all, plan_from(*earlier, deferred_what(keeper)));
    append(all, std::move(steps));
    steps = std::move(all);
  }
  steps.persona = keeper.persona;
  return deferred_steps::keep_element(keeper, plan_json(steps).dump());
}

}  // namespace

absl::Status finish_plan(const AwsParts& parts, MeshWriterLock& lock, const std::string& text) {
  DATAMESH_ASSIGN_OR_RETURN(Plan plan, plan_from(text, "the plan left in the mesh's writer lock"));
  // A plan whose subscriptions another writer changed meanwhile is dropped, not finished over
  // the change (drop_if_stale).
  DATAMESH_ASSIGN_OR_RETURN(const bool dropped,
                            drop_if_stale(parts, plan, lock.clear_plan_element()));
  if (dropped) return absl::OkStatus();
  // Its steps in accounts out of reach wait for those accounts' own next writes, kept in the
  // transaction that finishes the rest: one account's failed write does not stop the others'.
  // (A plan of a release that did not record its persona is finished whole or not at all.)
  std::vector<nlohmann::json> endings = {lock.clear_plan_element()};
  if (!plan.persona.empty()) {
    for (auto& [account, steps] : take_out_of_reach(plan, parts.sessions)) {
      absl::StatusOr<nlohmann::json> kept =
          keep_for(parts, {.account = account, .persona = plan.persona}, std::move(steps));
      if (!kept.ok()) return explain_unfinished(plan, kept.status());
      endings.push_back(*std::move(kept));
    }
  }
  if (absl::Status made = make_side_effects(parts, lock, plan, Run::kFinish); !made.ok()) {
    return explain_unfinished(plan, made);
  }
  return write_records(parts, plan, std::move(endings), /*force=*/true);
}

absl::Status make_deferred_steps(const AwsParts& parts, MeshWriterLock& lock) {
  const std::string& persona = parts.sessions.persona();
  if (persona.empty()) return absl::OkStatus();  // an admin's process: steps of no persona
  for (const std::string& account : parts.sessions.accounts()) {
    if (account == parts.sessions.mesh_account()) continue;
    const deferred_steps::Keeper keeper{.account = account, .persona = persona};
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<std::string> text,
                              deferred_steps::read(parts.sessions, keeper));
    if (!text) continue;
    DATAMESH_ASSIGN_OR_RETURN(Plan steps, plan_from(*text, deferred_what(keeper)));
    if (absl::Status made = make_side_effects(parts, lock, steps, Run::kDeferred); !made.ok()) {
      return absl::Status(
          made.code(),
          cat("an earlier write that failed half-way was finished by another account's process, "
              "which left its steps in account ", account, " to this account's next write as ",
              persona, "; making them failed, and they must be made before its own writes as ",
              persona, ": ", made.message(),
              ". Mend the cause (a missing right?) and run the command again"));
    }
    DATAMESH_RETURN_IF_ERROR(transact_write(
        parts.sessions, {deferred_steps::clear_element(keeper), lock.clear_plan_element()}, ""));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::store::aws
