#include "store/aws/buffered_transaction.h"

#include <algorithm>
#include <limits>

#include "base/status_macros.h"
#include "store/aws/merged_listing.h"

namespace datamesh::store::aws {

namespace {

constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

bool product_matches(const ProductFilter& filter, const ProductRow& product) {
  return (filter.producer_account.empty() || product.producer_account == filter.producer_account) &&
         (filter.domain.empty() || product.domain == filter.domain) &&
         (!filter.public_metadata_only || product.public_metadata);
}

// The grants' primary key order without the subscription (list_subscription_grants).
auto grant_listing_order(const GrantRow& g) {
  return std::tie(g.principal, g.catalog_id, g.database_name, g.table_name, g.permission);
}

}  // namespace

size_t BufferedTransaction::record(BufferedWrite write) {
  writes_.push_back(std::move(write));
  return writes_.size() - 1;
}

bool BufferedTransaction::database_cleared(std::string_view catalog_id,
                                           std::string_view database_name) const {
  return cleared_databases_.contains(std::tuple(catalog_id, database_name));
}

// Accounts and keys -------------------------------------------------------------------------

absl::StatusOr<std::optional<Account>> BufferedTransaction::get_account(
    std::string_view account_id) {
  if (auto it = accounts_.find(account_id); it != accounts_.end()) {
    return row_at(it->second, &PutAccount::account);
  }
  return base_.get_account(account_id);
}

absl::StatusOr<std::optional<Account>> BufferedTransaction::get_mesh_account() {
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> mesh, base_.get_mesh_account());
  if (accounts_.empty()) return mesh;
  if (mesh && accounts_.contains(mesh->account_id)) {
    // The base's first mesh account was rewritten; a later base mesh account is not known
    // without reading them all (accounts are few).
    DATAMESH_ASSIGN_OR_RETURN(std::vector<Account> accounts, list_accounts());
    for (Account& account : accounts) {
      if (account.is_mesh) return std::move(account);
    }
    return std::nullopt;
  }
  for (const auto& [id, write] : accounts_) {
    const Account& account = row_at(write, &PutAccount::account);
    if (!account.is_mesh) continue;
    if (!mesh || id < mesh->account_id) return account;
    break;
  }
  return mesh;
}

absl::Status BufferedTransaction::put_account(const Account& account) {
  accounts_.insert_or_assign(account.account_id, record(PutAccount{account}));
  return absl::OkStatus();
}

absl::Status BufferedTransaction::reapply_account_step(const Account& account,
                                                       bool Account::*flag) {
  accounts_.insert_or_assign(account.account_id,
                             record(PutAccount{.account = account, .reapplied = flag}));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Account>> BufferedTransaction::list_accounts() {
  DATAMESH_ASSIGN_OR_RETURN(std::vector<Account> base_rows, base_.list_accounts());
  std::vector<Account> overlay;
  for (const auto& [id, write] : accounts_) overlay.push_back(row_at(write, &PutAccount::account));
  std::vector<Account> out;
  merge_rows(
      std::move(base_rows), std::move(overlay),
      [](const Account& a) -> std::string_view { return a.account_id; },
      [&](std::string_view id) { return accounts_.contains(id); }, kNoLimit, out);
  return out;
}

absl::StatusOr<std::optional<AccessKeyRow>> BufferedTransaction::get_access_key(
    std::string_view key_id) {
  if (auto it = access_keys_.find(key_id); it != access_keys_.end()) {
    return row_at(it->second, &PutAccessKey::key);
  }
  return base_.get_access_key(key_id);
}

absl::Status BufferedTransaction::put_access_key(const AccessKeyRow& key) {
  access_keys_.insert_or_assign(key.access_key_id, record(PutAccessKey{key}));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ClientTokenRow>> BufferedTransaction::get_client_token(
    std::string_view account_id, std::string_view client_token) {
  const auto it = client_tokens_.find({std::string(account_id), std::string(client_token)});
  if (it != client_tokens_.end()) return row_at(it->second, &PutClientToken::row);
  return base_.get_client_token(account_id, client_token);
}

absl::Status BufferedTransaction::put_client_token(const ClientTokenRow& row) {
  client_tokens_.insert_or_assign({row.account_id, row.client_token}, record(PutClientToken{row}));
  return absl::OkStatus();
}

absl::Status BufferedTransaction::delete_expired_client_tokens(int64_t now, int limit) {
  record(DeleteExpiredClientTokens{now, limit});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AccessKeyRow>> BufferedTransaction::list_access_keys(
    std::string_view account_id) {
  DATAMESH_ASSIGN_OR_RETURN(std::vector<AccessKeyRow> keys, base_.list_access_keys(account_id));
  std::erase_if(keys,
                [&](const AccessKeyRow& k) { return access_keys_.contains(k.access_key_id); });
  // An account holds a few keys, and a body writes fewer: a scan of the overlay is enough.
  for (const auto& [id, write] : access_keys_) {
    const AccessKeyRow& key = row_at(write, &PutAccessKey::key);
    if (key.account_id == account_id) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end(), [](const AccessKeyRow& a, const AccessKeyRow& b) {
    return std::tie(a.creation_date, a.access_key_id) < std::tie(b.creation_date, b.access_key_id);
  });
  return keys;
}

// Catalogs -----------------------------------------------------------------------------------

absl::StatusOr<std::optional<Database>> BufferedTransaction::get_database(
    std::string_view catalog_id, std::string_view name) {
  if (auto it = databases_.find(std::tuple(catalog_id, name)); it != databases_.end()) {
    if (const auto* put = std::get_if<PutDatabase>(&writes_[it->second])) return put->database;
    return std::nullopt;
  }
  return base_.get_database(catalog_id, name);
}

absl::Status BufferedTransaction::put_database(const Database& database) {
  databases_.insert_or_assign(DatabaseKey(database.catalog_id, database.input.name),
                              record(PutDatabase{database}));
  return absl::OkStatus();
}

absl::Status BufferedTransaction::delete_database(std::string_view catalog_id,
                                                  std::string_view name) {
  DatabaseKey key(catalog_id, name);
  databases_.insert_or_assign(key,
                              record(DeleteDatabase{std::string(catalog_id), std::string(name)}));
  // Its tables go too: those the body wrote, and (cleared_databases_) those of the base.
  auto first = tables_.lower_bound(std::tuple(catalog_id, name, std::string_view()));
  auto last = first;
  while (last != tables_.end() && std::get<0>(last->first) == catalog_id &&
         std::get<1>(last->first) == name) {
    ++last;
  }
  tables_.erase(first, last);
  cleared_databases_.insert(std::move(key));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Database>> BufferedTransaction::list_databases(
    std::string_view catalog_id, const Page& page) {
  return merged_page<Database>(
      page, [&](const Page& p) { return base_.list_databases(catalog_id, p); },
      [](const Database& d) -> std::string_view { return d.input.name; },
      [&](std::string_view name) { return databases_.contains(std::tuple(catalog_id, name)); },
      [&](std::string_view after, const std::optional<std::string>& upto, size_t max,
          std::vector<Database>& out) {
        for (auto it = databases_.upper_bound(std::tuple(catalog_id, after));
             it != databases_.end() && std::get<0>(it->first) == catalog_id && out.size() < max;
             ++it) {
          if (upto && std::get<1>(it->first) > *upto) break;
          if (const auto* put = std::get_if<PutDatabase>(&writes_[it->second])) {
            out.push_back(put->database);
          }
        }
      });
}

absl::StatusOr<std::optional<Table>> BufferedTransaction::get_table(std::string_view catalog_id,
                                                                    std::string_view database_name,
                                                                    std::string_view name) {
  if (auto it = tables_.find(std::tuple(catalog_id, database_name, name)); it != tables_.end()) {
    if (const auto* put = std::get_if<PutTable>(&writes_[it->second])) return put->table;
    return std::nullopt;
  }
  if (database_cleared(catalog_id, database_name)) return std::nullopt;
  // A database link this body wrote reads as Glue reads it once made: with the target's tables
  // (glue_catalog.h), so that the body sees what a later one will.
  if (const std::optional<DatabaseIdentifier> target = written_link(catalog_id, database_name)) {
    return get_table(target->catalog_id, target->database_name, name);
  }
  return base_.get_table(catalog_id, database_name, name);
}

std::optional<DatabaseIdentifier> BufferedTransaction::written_link(
    std::string_view catalog_id, std::string_view database_name) const {
  const auto it = databases_.find(std::tuple(catalog_id, database_name));
  if (it == databases_.end()) return std::nullopt;
  const auto* put = std::get_if<PutDatabase>(&writes_[it->second]);
  if (put == nullptr || !put->database.input.target_database) return std::nullopt;
  const DatabaseIdentifier& target = *put->database.input.target_database;
  // A link to itself would be followed forever.
  if (target.catalog_id == catalog_id && target.database_name == database_name) {
    return std::nullopt;
  }
  return target;
}

absl::Status BufferedTransaction::put_table(const Table& table) {
  tables_.insert_or_assign(TableKey(table.catalog_id, table.database_name, table.input.name),
                           record(PutTable{table}));
  return absl::OkStatus();
}

absl::Status BufferedTransaction::republish_table(const Table& table) {
  // Only partitions are copied again: a table without partition keys has none to bring, and is
  // left out of the plan, which would otherwise grow with every unchanged table.
  if (table.input.partition_keys.empty()) return absl::OkStatus();
  tables_.insert_or_assign(TableKey(table.catalog_id, table.database_name, table.input.name),
                           record(PutTable{.table = table, .republished = true}));
  return absl::OkStatus();
}

absl::Status BufferedTransaction::delete_table(std::string_view catalog_id,
                                               std::string_view database_name,
                                               std::string_view name) {
  tables_.insert_or_assign(
      TableKey(catalog_id, database_name, name),
      record(DeleteTable{std::string(catalog_id), std::string(database_name), std::string(name)}));
  return absl::OkStatus();
}

// The tables of one database the overlay holds, deleted ones left out, with after < name <=
// *upto, at most max: each appended with as_row(const Table&).
template <typename Row, typename AsRow>
void BufferedTransaction::overlay_tables(std::string_view catalog_id,
                                         std::string_view database_name, std::string_view after,
                                         const std::optional<std::string>& upto, size_t max,
                                         AsRow as_row, std::vector<Row>& out) const {
  for (auto it = tables_.upper_bound(std::tuple(catalog_id, database_name, after));
       it != tables_.end() && out.size() < max; ++it) {
    const auto& [catalog, database, name] = it->first;
    if (catalog != catalog_id || database != database_name) break;
    if (upto && name > *upto) break;
    if (const auto* put = std::get_if<PutTable>(&writes_[it->second])) {
      out.push_back(as_row(put->table));
    }
  }
}

absl::StatusOr<std::vector<Table>> BufferedTransaction::list_tables(std::string_view catalog_id,
                                                                    std::string_view database_name,
                                                                    const Page& page) {
  const bool cleared = database_cleared(catalog_id, database_name);
  return merged_page<Table>(
      page,
      [&](const Page& p) -> absl::StatusOr<std::vector<Table>> {
        if (cleared) return std::vector<Table>();
        return base_.list_tables(catalog_id, database_name, p);
      },
      [](const Table& t) -> std::string_view { return t.input.name; },
      [&](std::string_view name) {
        return tables_.contains(std::tuple(catalog_id, database_name, name));
      },
      [&](std::string_view after, const std::optional<std::string>& upto, size_t max,
          std::vector<Table>& out) {
        overlay_tables(
            catalog_id, database_name, after, upto, max, [](const Table& t) { return t; }, out);
      });
}

absl::StatusOr<std::vector<std::string>> BufferedTransaction::list_table_names(
    std::string_view catalog_id, std::string_view database_name) {
  std::vector<std::string> base_names;
  if (!database_cleared(catalog_id, database_name)) {
    DATAMESH_ASSIGN_OR_RETURN(base_names, base_.list_table_names(catalog_id, database_name));
  }
  std::vector<std::string> overlay;
  overlay_tables(
      catalog_id, database_name, "", std::nullopt, kNoLimit,
      [](const Table& t) { return t.input.name; }, overlay);
  std::vector<std::string> out;
  out.reserve(base_names.size() + overlay.size());
  merge_rows(
      std::move(base_names), std::move(overlay),
      [](const std::string& name) -> std::string_view { return name; },
      [&](std::string_view name) {
        return tables_.contains(std::tuple(catalog_id, database_name, name));
      },
      kNoLimit, out);
  return out;
}

absl::StatusOr<std::vector<std::string>> BufferedTransaction::list_table_names_page(
    std::string_view catalog_id, std::string_view database_name, const Page& page) {
  const bool cleared = database_cleared(catalog_id, database_name);
  return merged_page<std::string>(
      page,
      [&](const Page& p) -> absl::StatusOr<std::vector<std::string>> {
        if (cleared) return std::vector<std::string>();
        return base_.list_table_names_page(catalog_id, database_name, p);
      },
      [](const std::string& name) -> std::string_view { return name; },
      [&](std::string_view name) {
        return tables_.contains(std::tuple(catalog_id, database_name, name));
      },
      [&](std::string_view after, const std::optional<std::string>& upto, size_t max,
          std::vector<std::string>& out) {
        overlay_tables(
            catalog_id, database_name, after, upto, max,
            [](const Table& t) { return t.input.name; }, out);
      });
}

// Data products ------------------------------------------------------------------------------

absl::StatusOr<std::optional<ProductRow>> BufferedTransaction::get_product(
    std::string_view mesh_database) {
  if (auto it = products_.find(mesh_database); it != products_.end()) {
    return row_at(it->second, &PutProduct::product);
  }
  return base_.get_product(mesh_database);
}

absl::Status BufferedTransaction::put_product(const ProductRow& product) {
  products_.insert_or_assign(product.mesh_database, record(PutProduct{product}));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ProductRow>> BufferedTransaction::list_products(
    const ProductFilter& filter, const Page& page) {
  return merged_page<ProductRow>(
      page, [&](const Page& p) { return base_.list_products(filter, p); },
      [](const ProductRow& p) -> std::string_view { return p.mesh_database; },
      [&](std::string_view name) { return products_.contains(name); },
      [&](std::string_view after, const std::optional<std::string>& upto, size_t max,
          std::vector<ProductRow>& out) {
        for (auto it = products_.upper_bound(after); it != products_.end() && out.size() < max;
             ++it) {
          if (upto && it->first > *upto) break;
          const ProductRow& product = row_at(it->second, &PutProduct::product);
          if (product_matches(filter, product)) out.push_back(product);
        }
      });
}

// Grants -------------------------------------------------------------------------------------

absl::Status BufferedTransaction::put_grant(const GrantRow& grant) {
  GrantKey key(grant.principal, grant.catalog_id, grant.database_name, grant.table_name,
               grant.permission, grant.subscription_id);
  const auto [it, added] = grants_.insert_or_assign(key, record(PutGrant{grant}));
  if (added) grant_keys_of_subscription_[grant.subscription_id].push_back(std::move(key));
  return absl::OkStatus();
}

absl::Status BufferedTransaction::delete_subscription_grants(std::string_view subscription_id) {
  if (subscription_id.empty()) {
    return absl::InvalidArgumentError(
        "delete_subscription_grants needs a subscription id; \"\" would delete every grant "
        "not made for a subscription");
  }
  record(DeleteSubscriptionGrants{std::string(subscription_id)});
  if (auto it = grant_keys_of_subscription_.find(subscription_id);
      it != grant_keys_of_subscription_.end()) {
    for (const GrantKey& key : it->second) grants_.erase(key);
    grant_keys_of_subscription_.erase(it);
  }
  cleared_grants_.emplace(subscription_id);
  return absl::OkStatus();
}

absl::Status BufferedTransaction::delete_grant(const GrantRow& grant) {
  GrantKey key(grant.principal, grant.catalog_id, grant.database_name, grant.table_name,
               grant.permission, grant.subscription_id);
  record(DeleteGrant{grant});
  if (grants_.erase(key) > 0) {
    std::erase(grant_keys_of_subscription_[grant.subscription_id], key);
  }
  deleted_grants_.insert(std::move(key));
  return absl::OkStatus();
}

bool BufferedTransaction::grant_overlaid(const GrantRow& g) const {
  const auto key = std::tie(g.principal, g.catalog_id, g.database_name, g.table_name,
                            g.permission, g.subscription_id);
  return cleared_grants_.contains(g.subscription_id) || grants_.contains(key) ||
         deleted_grants_.contains(key);
}

absl::StatusOr<std::vector<GrantRow>> BufferedTransaction::list_database_grants(
    std::string_view catalog_id, std::string_view database_name) {
  DATAMESH_ASSIGN_OR_RETURN(std::vector<GrantRow> grants,
                            base_.list_database_grants(catalog_id, database_name));
  std::erase_if(grants, [&](const GrantRow& g) { return grant_overlaid(g); });
  for (const auto& [key, write] : grants_) {
    const GrantRow& grant = row_at(write, &PutGrant::grant);
    if (grant.catalog_id == catalog_id && grant.database_name == database_name) {
      grants.push_back(grant);
    }
  }
  std::sort(grants.begin(), grants.end(), [](const GrantRow& a, const GrantRow& b) {
    return std::tie(a.principal, a.table_name, a.permission, a.subscription_id) <
           std::tie(b.principal, b.table_name, b.permission, b.subscription_id);
  });
  return grants;
}

absl::StatusOr<std::vector<GrantRow>> BufferedTransaction::list_subscription_grants(
    std::string_view subscription_id) {
  std::vector<GrantRow> grants;
  if (!cleared_grants_.contains(subscription_id)) {
    DATAMESH_ASSIGN_OR_RETURN(grants, base_.list_subscription_grants(subscription_id));
    std::erase_if(grants, [&](const GrantRow& g) { return grant_overlaid(g); });
  }
  if (auto it = grant_keys_of_subscription_.find(subscription_id);
      it != grant_keys_of_subscription_.end()) {
    for (const GrantKey& key : it->second) {
      grants.push_back(row_at(grants_.at(key), &PutGrant::grant));
    }
  }
  std::sort(grants.begin(), grants.end(), [](const GrantRow& a, const GrantRow& b) {
    return grant_listing_order(a) < grant_listing_order(b);
  });
  return grants;
}

absl::StatusOr<std::vector<GrantRow>> BufferedTransaction::find_grants(
    std::string_view principal, std::string_view catalog_id, std::string_view database_name,
    std::string_view table_name) {
  DATAMESH_ASSIGN_OR_RETURN(std::vector<GrantRow> grants,
                            base_.find_grants(principal, catalog_id, database_name, table_name));
  std::erase_if(grants, [&](const GrantRow& g) { return grant_overlaid(g); });
  std::set<std::string_view> tables = {table_name};
  if (grant_answers("*", table_name)) tables.insert("*");
  for (std::string_view table : tables) {
    const auto prefix = std::tuple(principal, catalog_id, database_name, table);
    for (auto it = grants_.lower_bound(std::tuple(principal, catalog_id, database_name, table,
                                                  std::string_view(), std::string_view()));
         it != grants_.end(); ++it) {
      const auto& [p, c, d, t, permission, subscription] = it->first;
      if (std::tie(p, c, d, t) != prefix) break;
      grants.push_back(row_at(it->second, &PutGrant::grant));
    }
  }
  std::sort(grants.begin(), grants.end(), [](const GrantRow& a, const GrantRow& b) {
    return std::tie(a.table_name, a.permission, a.subscription_id) <
           std::tie(b.table_name, b.permission, b.subscription_id);
  });
  return grants;
}

// Shares -------------------------------------------------------------------------------------

absl::Status BufferedTransaction::put_share(const ShareRow& share) {
  shares_.insert_or_assign(share.share_arn, record(PutShare{share}));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ShareRow>> BufferedTransaction::list_subscription_shares(
    std::string_view subscription_id) {
  DATAMESH_ASSIGN_OR_RETURN(std::vector<ShareRow> shares,
                            base_.list_subscription_shares(subscription_id));
  std::erase_if(shares, [&](const ShareRow& s) { return shares_.contains(s.share_arn); });
  // A subscription has a share or two, and a body writes no more: a scan of the overlay is enough.
  for (const auto& [arn, write] : shares_) {
    const ShareRow& share = row_at(write, &PutShare::share);
    if (share.subscription_id == subscription_id) shares.push_back(share);
  }
  std::sort(shares.begin(), shares.end(), [](const ShareRow& a, const ShareRow& b) {
    return std::tie(a.creation_date, a.share_arn) < std::tie(b.creation_date, b.share_arn);
  });
  return shares;
}

}  // namespace datamesh::store::aws
