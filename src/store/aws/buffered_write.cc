#include "store/aws/buffered_write.h"

#include "base/text.h"

namespace datamesh::store::aws {

namespace {

// One callable from a set of lambdas, for std::visit.
template <typename... Fs>
struct WriteCases : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
WriteCases(Fs...) -> WriteCases<Fs...>;  // for compilers without aggregate deduction (clang 14)

}  // namespace

const char* write_method(const BufferedWrite& write) {
  return std::visit(
      WriteCases{
          [](const PutAccount&) { return "put_account"; },
          [](const PutAccessKey&) { return "put_access_key"; },
          [](const PutDatabase&) { return "put_database"; },
          [](const DeleteDatabase&) { return "delete_database"; },
          [](const PutTable&) { return "put_table"; },
          [](const DeleteTable&) { return "delete_table"; },
          [](const PutProduct&) { return "put_product"; },
          [](const PutGrant&) { return "put_grant"; },
          [](const DeleteSubscriptionGrants&) { return "delete_subscription_grants"; },
          [](const DeleteGrant&) { return "delete_grant"; },
          [](const PutShare&) { return "put_share"; },
          [](const InsertSubscription&) { return "insert_subscription"; },
          [](const UpdateSubscription&) { return "update_subscription"; },
          [](const AppendAuditEvent&) { return "append_audit_event"; },
          [](const PutClientToken&) { return "put_client_token"; },
          [](const DeleteExpiredClientTokens&) { return "delete_expired_client_tokens"; },
      },
      write);
}

absl::Status apply_writes(const std::vector<BufferedWrite>& writes, Transaction& target) {
  for (size_t i = 0; i < writes.size(); ++i) {
    const absl::Status applied = std::visit(
        WriteCases{
            [&](const PutAccount& w) {
              return w.reapplied != nullptr ? target.reapply_account_step(w.account, w.reapplied)
                                            : target.put_account(w.account);
            },
            [&](const PutAccessKey& w) { return target.put_access_key(w.key); },
            [&](const PutDatabase& w) { return target.put_database(w.database); },
            [&](const DeleteDatabase& w) { return target.delete_database(w.catalog_id, w.name); },
            [&](const PutTable& w) {
              return w.republished ? target.republish_table(w.table) : target.put_table(w.table);
            },
            [&](const DeleteTable& w) {
              return target.delete_table(w.catalog_id, w.database_name, w.name);
            },
            [&](const PutProduct& w) { return target.put_product(w.product); },
            [&](const PutGrant& w) { return target.put_grant(w.grant); },
            [&](const DeleteSubscriptionGrants& w) {
              return target.delete_subscription_grants(w.subscription_id);
            },
            [&](const DeleteGrant& w) { return target.delete_grant(w.grant); },
            [&](const PutShare& w) { return target.put_share(w.share); },
            [&](const InsertSubscription& w) { return target.insert_subscription(w.subscription); },
            [&](const UpdateSubscription& w) {
              return target.update_subscription(w.subscription, w.expected_version);
            },
            [&](const AppendAuditEvent& w) { return target.append_audit_event(w.event); },
            [&](const PutClientToken& w) { return target.put_client_token(w.row); },
            [&](const DeleteExpiredClientTokens& w) {
              return target.delete_expired_client_tokens(w.now, w.limit);
            },
        },
        writes[i]);
    if (!applied.ok()) {
      return absl::Status(applied.code(),
                          base::cat("buffered write ", i + 1, " of ", writes.size(), " (",
                                    write_method(writes[i]), "): ", applied.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace datamesh::store::aws
