// The DynamoDB tables of an AWS-mode mesh, all in the mesh account: every table, index, key and
// attribute name the AWS store reads or writes, in one place, as the SQL stores' migrations hold
// their schemas. The tracker is the original library's, kept name for name and type for type
// (shared/spec/reference-original.md §4) so that the Python library and datamesh read each
// other's items; the other tables are datamesh's own (docs/AWS.md). The module named above each
// table says what its items hold and reads and writes them.
#pragma once

#include <string_view>

namespace datamesh::store::aws {

// AwsDataMeshSubscriptions, the subscription tracker: tracker_item.h (items), tracker_requests.h
// (the original's CreateTable, queries), tracker_shares.h (DatameshShares).
namespace tracker {
inline constexpr std::string_view kTable = "AwsDataMeshSubscriptions";
inline constexpr std::string_view kOwnerIndex = "AwsDataMeshSubscriptions-Owner";
inline constexpr std::string_view kSubscriberIndex = "AwsDataMeshSubscriptions-Subscriber";

inline constexpr std::string_view kSubscriptionId = "SubscriptionId";
inline constexpr std::string_view kOwnerPrincipal = "OwnerPrincipal";
inline constexpr std::string_view kSubscriberPrincipal = "SubscriberPrincipal";
inline constexpr std::string_view kStatus = "Status";
inline constexpr std::string_view kRequestedGrants = "RequestedGrants";
inline constexpr std::string_view kDatabaseName = "DatabaseName";
inline constexpr std::string_view kTableName = "TableName";
inline constexpr std::string_view kDomain = "Domain";
inline constexpr std::string_view kDataProduct = "DataProduct";
inline constexpr std::string_view kCreationDate = "CreationDate";
inline constexpr std::string_view kCreatedBy = "CreatedBy";
inline constexpr std::string_view kUpdatedDate = "UpdatedDate";
inline constexpr std::string_view kUpdatedBy = "UpdatedBy";
inline constexpr std::string_view kPermittedGrants = "PermittedGrants";
inline constexpr std::string_view kGrantableGrants = "GrantableGrants";
inline constexpr std::string_view kGrantedTableArns = "GrantedTableARNs";
inline constexpr std::string_view kRamShares = "RamShares";
inline constexpr std::string_view kNotes = "Notes";
inline constexpr std::string_view kImportedToConsumer = "ImportedToConsumer";
// Ours, beside the original's.
inline constexpr std::string_view kVersion = "DatameshVersion";
inline constexpr std::string_view kNoteOrder = "DatameshNotes";
inline constexpr std::string_view kShareStates = "DatameshShares";
}  // namespace tracker

// DatameshAccounts and DatameshAccessKeys, the accounts and datamesh's access keys:
// account_registry.h.
namespace account_table {
inline constexpr std::string_view kTable = "DatameshAccounts";
inline constexpr std::string_view kAccountId = "AccountId";
inline constexpr std::string_view kName = "Name";
inline constexpr std::string_view kIsMesh = "IsMesh";
inline constexpr std::string_view kProducerEnabled = "ProducerEnabled";
inline constexpr std::string_view kConsumerEnabled = "ConsumerEnabled";
inline constexpr std::string_view kProducerInitialized = "ProducerInitialized";
inline constexpr std::string_view kConsumerInitialized = "ConsumerInitialized";
inline constexpr std::string_view kCreationDate = "CreationDate";
}  // namespace account_table

namespace access_key_table {
inline constexpr std::string_view kTable = "DatameshAccessKeys";
inline constexpr std::string_view kAccessKeyId = "AccessKeyId";
inline constexpr std::string_view kAccountId = "AccountId";
inline constexpr std::string_view kSealedSecret = "SealedSecret";
inline constexpr std::string_view kStatus = "Status";
inline constexpr std::string_view kCreationDate = "CreationDate";
inline constexpr std::string_view kRevocationDate = "RevocationDate";
}  // namespace access_key_table

// DatameshAuditLog, the audit chain: audit_items.h (items and requests), audit_table.h (reads
// and appends).
namespace audit_log {
inline constexpr std::string_view kTable = "DatameshAuditLog";
inline constexpr std::string_view kSubscriptionIndex = "DatameshAuditLog-Subscription";
inline constexpr std::string_view kChainValue = "mesh";  // the Chain of every item

inline constexpr std::string_view kChain = "Chain";
inline constexpr std::string_view kSequence = "Sequence";
inline constexpr std::string_view kHeadSequence = "HeadSequence";
inline constexpr std::string_view kHeadHash = "HeadHash";
inline constexpr std::string_view kEventDate = "EventDate";
inline constexpr std::string_view kActorAccount = "ActorAccount";
inline constexpr std::string_view kActorPrincipal = "ActorPrincipal";
inline constexpr std::string_view kAction = "Action";
inline constexpr std::string_view kSubscriptionId = "SubscriptionId";
inline constexpr std::string_view kResource = "Resource";
inline constexpr std::string_view kDetails = "Details";
inline constexpr std::string_view kNotes = "Notes";
inline constexpr std::string_view kPreviousHash = "PreviousHash";
inline constexpr std::string_view kHash = "Hash";
}  // namespace audit_log

// DatameshJournal, items of several kinds by JournalId: the mesh's writer lock
// (mesh_writer_lock.h), the mesh key (mesh_key.h) and client-token records
// (client_token_items.h). mesh_tables.h creates it, with DynamoDB's time to live on ExpiresAt.
namespace journal {
inline constexpr std::string_view kTable = "DatameshJournal";
inline constexpr std::string_view kJournalId = "JournalId";
// The writer lock's item: its id, attributes and the values of State.
inline constexpr std::string_view kLockId = "mesh-writer";
inline constexpr std::string_view kOwner = "Owner";
inline constexpr std::string_view kLeaseUntil = "LeaseUntil";
inline constexpr std::string_view kState = "State";
inline constexpr std::string_view kPlan = "Plan";
// A plan too large for the lock's item: deflated, in items "mesh-writer/plan/<i>" (attribute
// Part), PlanParts of them, inflating to PlanBytes.
inline constexpr std::string_view kPlanParts = "PlanParts";
inline constexpr std::string_view kPlanBytes = "PlanBytes";
inline constexpr std::string_view kPlanPartIdPrefix = "mesh-writer/plan/";
inline constexpr std::string_view kPart = "Part";
// Steps a left plan's finisher could not make (an account it holds no session for), kept for
// that account: item "mesh-writer/deferred/<account>", deflated in Steps, inflating to
// StepsBytes (deferred_steps.h).
inline constexpr std::string_view kDeferredIdPrefix = "mesh-writer/deferred/";
inline constexpr std::string_view kSteps = "Steps";
inline constexpr std::string_view kStepsBytes = "StepsBytes";
inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kApplying = "applying";
// The mesh key's item: its id and the attribute holding the key.
inline constexpr std::string_view kMeshKeyId = "mesh-key";
inline constexpr std::string_view kMeshKey = "Key";
// A client-token record's attributes; its id is "client-token/<account id>/<token>".
inline constexpr std::string_view kAccountId = "AccountId";
inline constexpr std::string_view kClientToken = "ClientToken";
inline constexpr std::string_view kMethod = "Method";
inline constexpr std::string_view kRequestHash = "RequestHash";
inline constexpr std::string_view kAnswer = "Answer";
inline constexpr std::string_view kExpiresAt = "ExpiresAt";
}  // namespace journal

}  // namespace datamesh::store::aws
