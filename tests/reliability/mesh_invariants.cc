#include "reliability/mesh_invariants.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/audit_chain.h"
#include "core/subscription_status.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "reliability/mesh_file.h"
#include "security/secret_box.h"
#include "server/ledger.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::reliability {
namespace {

using base::cat;

// Everything the checks read, in one read transaction.
struct MeshContents {
  std::string mesh_account;
  std::vector<Subscription> subscriptions;
  std::map<std::string, std::vector<store::GrantRow>> grants;
  std::map<std::string, std::vector<store::ShareRow>> shares;
  std::vector<AuditEvent> events;
  // Link tables of each subscriber's catalog, by (subscriber, database): table -> target table.
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> links;
  // Tables of each mesh database a subscription is on.
  std::map<std::string, std::vector<std::string>> product_tables;
};

absl::Status read_contents(store::Transaction& tx, MeshContents& out) {
  auto mesh = tx.get_mesh_account();
  if (!mesh.ok()) return mesh.status();
  if (!mesh->has_value()) return absl::FailedPreconditionError("the mesh has no mesh account");
  out.mesh_account = (*mesh)->account_id;
  for (std::string after;;) {
    auto page = tx.list_subscriptions({.include_deleted = true}, {.after = after, .limit = 500});
    if (!page.ok()) return page.status();
    out.subscriptions.insert(out.subscriptions.end(), page->begin(), page->end());
    if (page->size() < 500) break;
    after = page->back().subscription_id;
  }
  for (const Subscription& sub : out.subscriptions) {
    auto grants = tx.list_subscription_grants(sub.subscription_id);
    if (!grants.ok()) return grants.status();
    out.grants[sub.subscription_id] = std::move(*grants);
    auto shares = tx.list_subscription_shares(sub.subscription_id);
    if (!shares.ok()) return shares.status();
    out.shares[sub.subscription_id] = std::move(*shares);
    if (!out.product_tables.contains(sub.database_name)) {
      auto names = tx.list_table_names(out.mesh_account, sub.database_name);
      if (!names.ok()) return names.status();
      out.product_tables[sub.database_name] = std::move(*names);
    }
    const auto key = std::make_pair(sub.subscriber_principal, sub.database_name);
    if (out.links.contains(key)) continue;
    auto& links = out.links[key];
    for (std::string after;;) {
      auto tables = tx.list_tables(sub.subscriber_principal, sub.database_name,
                                   {.after = after, .limit = 500});
      if (!tables.ok()) return tables.status();
      for (const Table& table : *tables) {
        const auto& target = table.input.target_table;
        links[table.input.name] =
            target ? cat(target->catalog_id, "/", target->database_name, "/", target->name) : "";
      }
      if (tables->size() < 500) break;
      after = tables->back().input.name;
    }
  }
  for (std::string after;;) {
    auto page = tx.list_audit_events("", {.after = after, .limit = 1000});
    if (!page.ok()) return page.status();
    out.events.insert(out.events.end(), page->begin(), page->end());
    if (page->size() < 1000) break;
    after = std::to_string(page->back().sequence);
  }
  return absl::OkStatus();
}

// The grant rows an Active subscription must have: (table, permission, grantable).
std::set<std::tuple<std::string, std::string, bool>> expected_grants(const Subscription& sub) {
  const std::set<std::string> grantable(sub.grantable_grants.begin(), sub.grantable_grants.end());
  std::set<std::tuple<std::string, std::string, bool>> rows;
  std::vector<std::string> tables = sub.table_names;
  if (tables.empty()) tables.push_back("*");
  for (const std::string& table : tables) {
    for (const std::string& permission : sub.permitted_grants) {
      rows.insert({table, permission, grantable.contains(permission)});
    }
  }
  rows.insert({"", "DESCRIBE", grantable.contains("DESCRIBE")});
  return rows;
}

void check_subscription(const MeshContents& mesh, const Subscription& sub, int events,
                        std::vector<std::string>& problems) {
  const std::string name = cat("subscription ", sub.subscription_id, " (",
                               core::status_name(sub.status), ")");
  const auto problem = [&](const std::string& what) { problems.push_back(cat(name, ": ", what)); };
  if (sub.version != events) {
    problem(cat("version ", sub.version, " but ", events, " audit events"));
  }
  const bool active = sub.status == SubscriptionStatus::kActive;
  const auto& grants = mesh.grants.at(sub.subscription_id);
  if (active) {
    std::set<std::tuple<std::string, std::string, bool>> actual;
    for (const store::GrantRow& row : grants) {
      actual.insert({row.table_name, row.permission, row.grantable});
      if (row.principal != sub.subscriber_principal || row.catalog_id != mesh.mesh_account ||
          row.database_name != sub.database_name) {
        problem(cat("a grant to ", row.principal, " on ", row.catalog_id, "/",
                    row.database_name));
      }
    }
    if (actual != expected_grants(sub) || actual.size() != grants.size()) {
      problem(cat(grants.size(), " grant rows that do not match PermittedGrants [",
                  base::join(sub.permitted_grants, ","), "] / GrantableGrants [",
                  base::join(sub.grantable_grants, ","), "]"));
    }
  } else if (!grants.empty()) {
    problem(cat(grants.size(), " grant rows left"));
  }

  std::vector<const store::ShareRow*> live;
  for (const store::ShareRow& share : mesh.shares.at(sub.subscription_id)) {
    if (share.status != "DISASSOCIATED") live.push_back(&share);
  }
  if (active && (live.size() != 1 || sub.ram_shares.size() != 1 ||
                 live.front()->share_arn != sub.ram_shares.front())) {
    problem(cat(live.size(), " live shares, RamShares [", base::join(sub.ram_shares, ","), "]"));
  }
  if (!active && !live.empty()) problem(cat(live.size(), " live shares left"));

  if (active && sub.imported_to_consumer) {
    if (live.size() == 1 && live.front()->status != "ACCEPTED") {
      problem(cat("imported, but its share is ", live.front()->status));
    }
    const auto& links = mesh.links.at({sub.subscriber_principal, sub.database_name});
    const std::vector<std::string>& tables =
        sub.table_names.empty() ? mesh.product_tables.at(sub.database_name) : sub.table_names;
    for (const std::string& table : tables) {
      auto link = links.find(table);
      const std::string target = cat(mesh.mesh_account, "/", sub.database_name, "/", table);
      if (link == links.end() || link->second != target) {
        problem(cat("imported, but the consumer has no link ", sub.database_name, ".", table));
      }
    }
  }
}

}  // namespace

absl::StatusOr<MeshReport> check_mesh(const std::filesystem::path& db, int64_t workload_from,
                                      const std::vector<LedgerEntry>& ledger) {
  MeshReport report;
  auto integrity = integrity_problems(db);
  if (!integrity.ok()) return integrity.status();
  report.problems = std::move(*integrity);

  MeshContents mesh;
  AuditVerification chain;
  {
    auto sealer = security::SecretBox::from_environment_or_file(db.string() + ".key", false);
    if (!sealer.ok()) return sealer.status();
    auto store = store::SqliteStore::open(db.string());
    if (!store.ok()) return store.status();
    // Read into values of the body's own: a store may run it more than once.
    auto read = (*store)->run(
        store::TxMode::kRead,
        [&](store::Transaction& tx) -> absl::StatusOr<std::pair<AuditVerification, MeshContents>> {
          DATAMESH_ASSIGN_OR_RETURN(AuditVerification verified,
                                    core::verify_audit_chain(tx, *sealer));
          MeshContents contents;
          DATAMESH_RETURN_IF_ERROR(read_contents(tx, contents));
          return std::make_pair(std::move(verified), std::move(contents));
        });
    if (!read.ok()) return read.status();
    chain = std::move(read->first);
    mesh = std::move(read->second);
  }
  for (const AuditProblem& problem : chain.problems) {
    report.problems.push_back(cat("audit chain at event ", problem.sequence, ": ",
                                  problem.problem));
  }
  if (!chain.intact && chain.problems.empty()) {
    report.problems.push_back("the audit chain is not intact");
  }
  report.events = static_cast<int64_t>(mesh.events.size());
  for (size_t i = 0; i < mesh.events.size(); ++i) {
    if (mesh.events[i].sequence != static_cast<int64_t>(i) + 1) {
      report.problems.push_back(cat("audit event ", i + 1, " has sequence number ",
                                    mesh.events[i].sequence));
      break;
    }
  }

  std::vector<AuditEvent> workload;    // for the ledger
  std::vector<AuditEvent> lifecycles;  // every subscription's events, set-up ones too
  std::map<std::string, int> events_of;
  for (const AuditEvent& event : mesh.events) {
    if (!event.subscription_id.empty()) {
      ++events_of[event.subscription_id];
      lifecycles.push_back(event);
    }
    if (event.sequence >= workload_from) workload.push_back(event);
  }
  const server_test::Replay replayed = server_test::replay(lifecycles);
  report.problems.insert(report.problems.end(), replayed.violations.begin(),
                         replayed.violations.end());
  for (std::string& problem : check_ledger(ledger, workload)) {
    report.problems.push_back(std::move(problem));
  }

  for (const Subscription& sub : mesh.subscriptions) {
    report.subscriptions.push_back({sub.subscription_id, sub.subscriber_principal, sub.status});
    ++report.statuses[sub.status];
    auto history = replayed.history.find(sub.subscription_id);
    if (history != replayed.history.end() && history->second.back().second != sub.status) {
      report.problems.push_back(
          cat("subscription ", sub.subscription_id, " is ", core::status_name(sub.status),
              " but its audit events end in ",
              core::status_name(history->second.back().second)));
    }
    check_subscription(mesh, sub, events_of[sub.subscription_id], report.problems);
  }
  return report;
}

}  // namespace datamesh::reliability
