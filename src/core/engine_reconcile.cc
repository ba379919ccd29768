// Engine::reconcile: the drift of every mesh database (core/reconcile.h), repaired on request.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "base/status_macros.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/client_token.h"
#include "core/engine.h"
#include "core/engine_internal.h"
#include "core/reconcile.h"

namespace datamesh::core {
using base::cat;

namespace {

constexpr int kPageSize = 500;

// Every product of the mesh, page after page.
absl::StatusOr<std::vector<store::ProductRow>> all_products(store::Transaction& tx) {
  std::vector<store::ProductRow> products;
  store::Page page{.limit = kPageSize};
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(std::vector<store::ProductRow> rows,
                              tx.list_products(store::ProductFilter{}, page));
    const bool last = static_cast<int>(rows.size()) < page.limit;
    if (!rows.empty()) page.after = rows.back().mesh_database;
    for (store::ProductRow& row : rows) products.push_back(std::move(row));
    if (last) return products;
  }
}

// Every subscription to `database`, Deleted ones included.
absl::StatusOr<std::vector<Subscription>> all_subscriptions(store::Transaction& tx,
                                                            const std::string& database) {
  const store::SubscriptionFilter filter{.include_deleted = true, .database_name = database};
  std::vector<Subscription> subscriptions;
  store::Page page{.limit = kPageSize};
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(std::vector<Subscription> rows,
                              tx.list_subscriptions(filter, page));
    const bool last = static_cast<int>(rows.size()) < page.limit;
    if (!rows.empty()) page.after = rows.back().subscription_id;
    for (Subscription& row : rows) subscriptions.push_back(std::move(row));
    if (last) return subscriptions;
  }
}

// The drift of one mesh database as the store holds it now.
absl::StatusOr<std::vector<GrantRepair>> database_drift(store::Transaction& tx,
                                                        const std::string& mesh,
                                                        const store::ProductRow& product,
                                                        int64_t& grants_checked) {
  DATAMESH_ASSIGN_OR_RETURN(const std::vector<Subscription> subscriptions,
                            all_subscriptions(tx, product.mesh_database));
  DATAMESH_ASSIGN_OR_RETURN(const std::vector<store::GrantRow> held,
                            tx.list_database_grants(mesh, product.mesh_database));
  grants_checked += static_cast<int64_t>(held.size());
  return find_grant_drift(mesh, product.producer_account, subscriptions, held);
}

bool same_drift(const GrantDrift& a, const GrantDrift& b) {
  return a.drift == b.drift && a.principal == b.principal && a.database_name == b.database_name &&
         a.table_name == b.table_name && a.permission == b.permission &&
         a.grantable == b.grantable && a.subscription_id == b.subscription_id;
}

bool holds_drift(const std::vector<GrantDrift>& drifts, const GrantDrift& drift) {
  return std::any_of(drifts.begin(), drifts.end(),
                     [&](const GrantDrift& other) { return same_drift(other, drift); });
}

// The drift of every mesh database.
absl::StatusOr<ReconcileReport> scan_drift(store::Transaction& tx, const std::string& mesh,
                                           bool dry_run) {
  ReconcileReport found{.dry_run = dry_run};
  DATAMESH_ASSIGN_OR_RETURN(const std::vector<store::ProductRow> products, all_products(tx));
  for (const store::ProductRow& product : products) {
    DATAMESH_ASSIGN_OR_RETURN(std::vector<GrantRepair> repairs,
                              database_drift(tx, mesh, product, found.grants_checked));
    ++found.databases_checked;
    for (GrantRepair& repair : repairs) found.drift.push_back(std::move(repair.drift));
  }
  found.consistent = found.drift.empty();
  return found;
}

// The audit event of a repair of `drift`: `repair` says what was done.
AuditRecord repair_event(const GrantDrift& drift, const std::string& date,
                         std::string_view repair) {
  return {.date = date,
          .actor_role = internal::kMeshManagerRole,
          .action = "reconcile",
          .subscription_id = drift.subscription_id,
          .resource = cat("database/", drift.database_name),
          .details = {{"Drift", drift.drift},
                      {"Repair", std::string(repair)},
                      {"Principal", drift.principal},
                      {"TableName", drift.table_name},
                      {"Permission", drift.permission},
                      {"Grantable", drift.grantable}}};
}

}  // namespace

absl::StatusOr<ReconcileReport> Engine::reconcile(const Caller& caller,
                                                  const ReconcileRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_mesh_admin(caller, "reconcile the grants of the mesh"));
  // With apply, the scan runs as a write that writes nothing: it waits for the mesh's other
  // writers, and in AWS mode finishes first a change a failed writer left half made (its plan in
  // the writer lock), so that the drift found is not a change in transition, and a repair whose
  // answer was lost is complete when the call is made again.
  DATAMESH_ASSIGN_OR_RETURN(
      ReconcileReport report,
      store_.run(request.apply ? store::TxMode::kWrite : store::TxMode::kRead,
                 [&](store::Transaction& tx) -> absl::StatusOr<ReconcileReport> {
        DATAMESH_RETURN_IF_ERROR(confirm_in(tx));
        DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
        return scan_drift(tx, mesh, !request.apply);
      }));
  if (!request.apply) return report;
  // A retry with the client token of a finished call answers that call's report.
  if (client_token_) {
    DATAMESH_ASSIGN_OR_RETURN(
        const std::optional<store::ClientTokenRow> recorded,
        read([&](store::Transaction& tx) { return live_token_record(tx); }));
    if (recorded) return decode_answer(AnswerOf<ReconcileReport>{}, recorded->answer, sealer_);
  }

  // Each repair is a change of its own, made with its audit event in one write transaction (an
  // AWS commit carries one audit event), once the transaction has seen that the drift is still
  // there: a change since the read may have repaired it, or made the repair wrong.
  const std::string date = now();
  // The repair `drift` stands for, if the store holds that drift now.
  const auto held_repair =
      [&](store::Transaction& tx,
          const GrantDrift& drift) -> absl::StatusOr<std::optional<GrantRepair>> {
    DATAMESH_RETURN_IF_ERROR(confirm_in(tx));
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<store::ProductRow> product,
                              tx.get_product(drift.database_name));
    if (!product) return std::nullopt;
    int64_t ignored = 0;
    DATAMESH_ASSIGN_OR_RETURN(std::vector<GrantRepair> repairs,
                              database_drift(tx, mesh, *product, ignored));
    for (GrantRepair& repair : repairs) {
      if (same_drift(repair.drift, drift)) return std::optional<GrantRepair>(std::move(repair));
    }
    return std::nullopt;
  };
  for (GrantDrift& drift : report.drift) {
    DATAMESH_ASSIGN_OR_RETURN(
        drift.repaired,
        store_.run(store::TxMode::kWrite, [&](store::Transaction& tx) -> absl::StatusOr<bool> {
          DATAMESH_ASSIGN_OR_RETURN(const std::optional<GrantRepair> still,
                                    held_repair(tx, drift));
          if (!still) return false;
          const bool missing = drift.drift == "Missing";
          DATAMESH_RETURN_IF_ERROR(missing ? tx.put_grant(still->row)
                                           : tx.delete_grant(still->row));
          DATAMESH_RETURN_IF_ERROR(append_audit(
              tx, sealer_, caller, repair_event(drift, date, missing ? "granted" : "revoked")));
          return true;
        }));
  }
  // The repairs read back: a store may answer a repair made that did not take (Lake Formation
  // answers a revoke of a grant held in another form than the one revoked without failure). The
  // scan is a write that writes nothing, as the first one, so that it waits for other writers
  // and reads no change in transition; a drift it still finds is checked once more in the write
  // that records, after the attempt's event, that the repair did not take.
  DATAMESH_ASSIGN_OR_RETURN(
      const ReconcileReport after,
      store_.run(store::TxMode::kWrite,
                 [&](store::Transaction& tx) -> absl::StatusOr<ReconcileReport> {
                   DATAMESH_RETURN_IF_ERROR(confirm_in(tx));
                   DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
                   return scan_drift(tx, mesh, /*dry_run=*/false);
                 }));
  report.consistent = true;
  for (GrantDrift& drift : report.drift) {
    if (!drift.repaired || !holds_drift(after.drift, drift)) continue;
    DATAMESH_ASSIGN_OR_RETURN(
        const bool not_taken,
        store_.run(store::TxMode::kWrite, [&](store::Transaction& tx) -> absl::StatusOr<bool> {
          DATAMESH_ASSIGN_OR_RETURN(const std::optional<GrantRepair> still,
                                    held_repair(tx, drift));
          if (!still) return false;
          DATAMESH_RETURN_IF_ERROR(append_audit(
              tx, sealer_, caller,
              repair_event(drift, date,
                           drift.drift == "Missing" ? "made, but the grant is still missing"
                                                    : "made, but the grant is still held")));
          return true;
        }));
    if (not_taken) {
      drift.repaired = false;
      report.consistent = false;
    }
  }
  if (client_token_) {
    DATAMESH_RETURN_IF_ERROR(store_.run(store::TxMode::kWrite, [&](store::Transaction& tx) {
      DATAMESH_RETURN_IF_ERROR(confirm_in(tx));
      return record_token(tx, encode_answer(report, sealer_));
    }));
  }
  return report;
}

}  // namespace datamesh::core
