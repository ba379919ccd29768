// The field lists of the public value types (datamesh/types.h, datamesh/catalog_types.h): each
// JSON key once, with its member, presence and doc line. The JSON writers and readers
// (api/json_codec.h), OpenAPI schemas and the other front ends are derived from these lists; the
// mechanism is api/fields.h.
//
// The documents' shapes (Subscription, Account, ...) have PascalCase keys that are always
// written (empty lists as [], empty strings as ""), so that their shape is stable; Glue's shapes
// (TableInput, Table, ...) omit empty optional fields as Glue does, but keep Name (and a
// column's Type). The few members whose JSON form is not their C++ form have codecs, below.
//
// Pure constexpr data; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "api/fields.h"
#include "datamesh/types.h"

namespace datamesh::api {

// --- Codecs (defined in json_codec.cc) ---------------------------------------------------------

// A subscription's status as its exact name: Pending, Active, Denied or Deleted.
struct StatusName {
  static constexpr std::string_view json_type = "string";
  static nlohmann::json write(const SubscriptionStatus& value);
  static std::string read(const nlohmann::json& value, SubscriptionStatus& out);
};

// An audit event's details, kept as JSON text, written as the object it holds ({} when empty;
// the raw text if it does not parse).
struct DetailsObject {
  static constexpr std::string_view json_type = "object";
  static nlohmann::json write(const std::string& details_json);
  static std::string read(const nlohmann::json& value, std::string& details_json);
};

// A catalog time, "YYYY-MM-DD HH:MM:SS" UTC; read also from epoch seconds, as `aws glue` prints.
struct TimeText {
  static constexpr std::string_view json_type = "string";
  static nlohmann::json write(const std::string& value);
  static std::string read(const nlohmann::json& value, std::string& out);
};

// A table version: written as a string, as Glue does; read from a string of digits or a number.
struct VersionText {
  static constexpr std::string_view json_type = "string";
  static nlohmann::json write(const int64_t& value);
  static std::string read(const nlohmann::json& value, int64_t& out);
};

// --- The documents' shapes ---------------------------------------------------------------------

constexpr auto describe(TypeTag<Credentials>) {
  using T = Credentials;
  return fields<T>(
      "Credentials", "Access key credentials of one account",
      field("AccountId", &T::account_id, kAlways, "the account's 12-digit id"),
      field("AccessKeyId", &T::access_key_id, kAlways, "the access key id"),
      field("SecretAccessKey", &T::secret_access_key, kAlways, "the secret of the access key"),
      field("SessionToken", &T::session_token, kOptional, "accepted; unused by self-hosted modes"));
}

constexpr auto describe(TypeTag<AccountCredentials>) {
  using T = AccountCredentials;
  return fields<T>(
      "AccountCredentials", "A new account and its first access key, shown once",
      field("AccountId", &T::account_id, kAlways, "the account's 12-digit id"),
      field("AccountName", &T::account_name, kAlways, "display name"),
      field("AccessKeyId", &T::access_key_id, kAlways, "the access key id"),
      field("SecretAccessKey", &T::secret_access_key, kAlways, "the secret; not shown again"));
}

constexpr auto describe(TypeTag<Account>) {
  using T = Account;
  return fields<T>(
      "Account", "An account of the mesh",
      field("AccountId", &T::account_id, kAlways, "the account's 12-digit id"),
      field("AccountName", &T::name, kAlways, "display name"),
      field("IsMesh", &T::is_mesh, kAlways, "whether this is the mesh account"),
      field("ProducerEnabled", &T::producer_enabled, kAlways, "the mesh admin let it produce"),
      field("ConsumerEnabled", &T::consumer_enabled, kAlways, "the mesh admin let it consume"),
      field("ProducerInitialized", &T::producer_initialized, kAlways,
            "it ran initialize_producer_account"),
      field("ConsumerInitialized", &T::consumer_initialized, kAlways,
            "it ran initialize_consumer_account"),
      field("CreationDate", &T::creation_date, kAlways, "when it was created, UTC"));
}

constexpr auto describe(TypeTag<AccessKey>) {
  using T = AccessKey;
  return fields<T>(
      "AccessKey", "An access key of an account (never its secret)",
      field("AccessKeyId", &T::access_key_id, kAlways, "the access key id"),
      field("AccountId", &T::account_id, kAlways, "the account it belongs to"),
      field("Status", &T::status, kAlways, "Active or Revoked"),
      field("CreationDate", &T::creation_date, kAlways, "when it was created, UTC"),
      field("RevocationDate", &T::revocation_date, kOptional, "when it was revoked, UTC"));
}

constexpr auto describe(TypeTag<CallerIdentity>) {
  using T = CallerIdentity;
  return fields<T>(
      "CallerIdentity", "Who the signed-in access key is, and in which mesh",
      field("AccountId", &T::account_id, kAlways, "the caller's 12-digit account id"),
      field("AccountName", &T::account_name, kAlways, "its display name"),
      field("IsMeshAdmin", &T::is_mesh_admin, kAlways, "whether the caller is the mesh account"),
      field("ProducerEnabled", &T::producer_enabled, kAlways, "the mesh admin let it produce"),
      field("ConsumerEnabled", &T::consumer_enabled, kAlways, "the mesh admin let it consume"),
      field("ProducerInitialized", &T::producer_initialized, kAlways,
            "it ran initialize_producer_account"),
      field("ConsumerInitialized", &T::consumer_initialized, kAlways,
            "it ran initialize_consumer_account"),
      field("AccessKeyId", &T::access_key_id, kAlways, "the access key that signed the call"),
      field("DataMeshAccountId", &T::data_mesh_account_id, kAlways, "the mesh account"),
      field("RegionName", &T::region_name, kAlways, "the mesh's region"));
}

constexpr auto describe(TypeTag<TrackerEndpoints>) {
  using T = TrackerEndpoints;
  return fields<T>(
      "TrackerEndpoints", "Where the subscriptions' changes can be followed (AWS mode)",
      field("Table", &T::table, kAlways, "the tracker table's ARN; empty outside AWS mode"),
      field("Stream", &T::stream, kAlways, "its DynamoDB stream's ARN (new and old images)"));
}

constexpr auto describe(TypeTag<AccountRole>) {
  using T = AccountRole;
  return fields<T>(
      "AccountRole", "The principals an account acts through",
      field("RoleArn", &T::role_arn, kAlways, "the account's role"),
      field("UserArn", &T::user_arn, kAlways, "the account's user"),
      field("GroupArn", &T::group_arn, kAlways, "the account's group"));
}

constexpr auto describe(TypeTag<Subscription>) {
  using T = Subscription;
  return fields<T>(
      "Subscription", "A consumer's access to a data product, and its history",
      field("SubscriptionId", &T::subscription_id, kAlways, "the subscription id"),
      field("Status", &T::status, kAlways, "Pending, Active, Denied or Deleted")
          .codec<StatusName>(),
      field("Type", &T::type, kAlways, "TABLE or DATABASE"),
      field("DatabaseName", &T::database_name, kAlways, "the mesh database"),
      field("TableName", &T::table_names, kAlways, "the tables; empty for DATABASE"),
      field("RequestedGrants", &T::requested_grants, kAlways, "permissions asked for"),
      field("PermittedGrants", &T::permitted_grants, kAlways, "permissions granted"),
      field("GrantableGrants", &T::grantable_grants, kAlways,
            "permissions the consumer may grant on"),
      field("OwnerPrincipal", &T::owner_principal, kAlways, "the producer's account"),
      field("SubscriberPrincipal", &T::subscriber_principal, kAlways, "the consumer's account"),
      field("CreationDate", &T::creation_date, kAlways, "when it was requested, UTC"),
      field("CreatedBy", &T::created_by, kAlways, "who requested it"),
      field("UpdatedDate", &T::updated_date, kAlways, "when it last changed, UTC"),
      field("UpdatedBy", &T::updated_by, kAlways, "who changed it last"),
      field("Notes", &T::notes, kAlways, "notes, in the order they were made"),
      field("RamShares", &T::ram_shares, kAlways, "the shares that carry its grants"),
      field("GrantedTableARNs", &T::granted_table_arns, kAlways, "the tables granted"),
      field("ImportedToConsumer", &T::imported_to_consumer, kAlways,
            "the consumer ran finalize_subscription"),
      field("Version", &T::version, kAlways, "increases with every change"));
}

constexpr auto describe(TypeTag<SubscriptionPage>) {
  using T = SubscriptionPage;
  return fields<T>(
      "SubscriptionPage", "A page of subscriptions",
      field("Subscriptions", &T::subscriptions, kAlways, "the subscriptions of this page"),
      field("NextToken", &T::next_token, kOptional, "where the next page starts; none if last"));
}

constexpr auto describe(TypeTag<ProductTable>) {
  using T = ProductTable;
  return fields<T>(
      "ProductTable", "A table published in a data product",
      field("SourceTable", &T::source_table, kAlways, "the producer's table"),
      field("LinkTable", &T::link_table, kAlways, "its link back in the producer's catalog"));
}

constexpr auto describe(TypeTag<DataProduct>) {
  using T = DataProduct;
  return fields<T>(
      "DataProduct", "What create_data_products published",
      field("DatabaseName", &T::database_name, kAlways, "the mesh database"),
      field("Tables", &T::tables, kAlways, "the tables published"));
}

constexpr auto describe(TypeTag<DataProductTable>) {
  using T = DataProductTable;
  return fields<T>(
      "DataProductTable", "A table of a data product",
      field("DatabaseName", &T::database_name, kAlways, "the mesh database"),
      field("TableName", &T::table_name, kAlways, "the table"),
      field("Location", &T::location, kAlways, "where its data is"));
}

constexpr auto describe(TypeTag<AccessRequest>) {
  using T = AccessRequest;
  return fields<T>(
      "AccessRequest", "A request for access, as request_access_to_product made it",
      field("Type", &T::type, kAlways, "TABLE or DATABASE"),
      field("Database", &T::database, kAlways, "the mesh database"),
      field("Table", &T::tables, kAlways, "the tables the patterns resolved to; TABLE only")
          .written_only_if([](const T& v) { return v.type == "TABLE"; }),
      field("SubscriptionId", &T::subscription_id, kAlways, "the new subscription"));
}

constexpr auto describe(TypeTag<EffectiveGrant>) {
  using T = EffectiveGrant;
  return fields<T>(
      "EffectiveGrant", "Permissions a principal holds on one resource",
      field("Principal", &T::principal, kAlways, "who holds them"),
      field("CatalogId", &T::catalog_id, kAlways, "the catalog of the resource"),
      field("DatabaseName", &T::database_name, kAlways, "the database"),
      field("TableName", &T::table_name, kAlways, "the table; * for every table"),
      field("Permissions", &T::permissions, kAlways, "the permissions"),
      field("GrantablePermissions", &T::grantable_permissions, kAlways,
            "those the principal may grant on"),
      field("SubscriptionId", &T::subscription_id, kAlways,
            "the subscription it comes from; empty if none"));
}

constexpr auto describe(TypeTag<PermissionCheck>) {
  using T = PermissionCheck;
  return fields<T>(
      "PermissionCheck", "Whether a principal may use a permission on a resource, and why",
      field("Allowed", &T::allowed, kAlways, "it may"),
      field("Grantable", &T::grantable, kAlways, "it may also grant it"),
      field("Reason", &T::reason, kAlways, "why"));
}

constexpr auto describe(TypeTag<AuditEvent>) {
  using T = AuditEvent;
  return fields<T>(
      "AuditEvent", "One change, as the audit log recorded it",
      field("Sequence", &T::sequence, kAlways, "its place in the log, from 1"),
      field("EventDate", &T::event_date, kAlways, "when, UTC"),
      field("ActorAccount", &T::actor_account, kAlways, "the account that acted"),
      field("ActorPrincipal", &T::actor_principal, kAlways, "the principal that acted"),
      field("Action", &T::action, kAlways, "the method, e.g. approve_access_request"),
      field("SubscriptionId", &T::subscription_id, kAlways, "the subscription; empty if none"),
      field("Resource", &T::resource, kAlways, "what was changed"),
      field("Details", &T::details_json, kAlways, "the change, as an object")
          .codec<DetailsObject>(),
      field("Notes", &T::notes, kAlways, "the actor's notes"));
}

constexpr auto describe(TypeTag<AuditPage>) {
  using T = AuditPage;
  return fields<T>(
      "AuditPage", "A page of audit events, oldest first",
      field("Events", &T::events, kAlways, "the events of this page"),
      field("NextToken", &T::next_token, kOptional, "where the next page starts; none if last"));
}

constexpr auto describe(TypeTag<AuditProblem>) {
  using T = AuditProblem;
  return fields<T>(
      "AuditProblem", "One thing wrong with the audit log",
      field("Sequence", &T::sequence, kAlways, "the event it is at"),
      field("Problem", &T::problem, kAlways, "what is wrong"));
}

constexpr auto describe(TypeTag<AuditVerification>) {
  using T = AuditVerification;
  return fields<T>(
      "AuditVerification", "Whether the hash-chained audit log is intact",
      field("Intact", &T::intact, kAlways, "no event edited, removed or reordered"),
      field("EventsChecked", &T::events_checked, kAlways, "how many events were checked"),
      field("UnchainedEvents", &T::unchained_events, kAlways,
            "events written before the log was chained"),
      field("HeadSequence", &T::head_sequence, kAlways, "the newest event, as the head records"),
      field("HeadHash", &T::head_hash, kAlways, "keep it to detect a later rewind of the tail"),
      field("Problems", &T::problems, kAlways, "the first 1000 problems, in sequence order"));
}

constexpr auto describe(TypeTag<GrantDrift>) {
  using T = GrantDrift;
  return fields<T>(
      "GrantDrift", "A grant held or missing against what the Active subscriptions stand for",
      field("Drift", &T::drift, kAlways,
            "Missing (an Active subscription's grant is not held) or Stray (a grant to a "
            "subscriber that no Active subscription explains)"),
      field("Principal", &T::principal, kAlways, "who holds or should hold it"),
      field("DatabaseName", &T::database_name, kAlways, "the mesh database"),
      field("TableName", &T::table_name, kAlways,
            "the table; \"\" the database itself, \"*\" every table"),
      field("Permission", &T::permission, kAlways, "the permission"),
      field("Grantable", &T::grantable, kAlways, "with grant option"),
      field("SubscriptionId", &T::subscription_id, kOptional,
            "the subscription it is of (Missing), or was filed under (Stray)"),
      field("Repaired", &T::repaired, kAlways,
            "granted or revoked by this call, and read back as done (false in a dry run, when "
            "the drift was gone by its repair, and when the repair did not take)"));
}

constexpr auto describe(TypeTag<ReconcileReport>) {
  using T = ReconcileReport;
  return fields<T>(
      "ReconcileReport", "Drift between the grants held and the Active subscriptions",
      field("DryRun", &T::dry_run, kAlways, "nothing was changed"),
      field("Consistent", &T::consistent, kAlways,
            "no drift found is left: none was found, or each was repaired or gone by its "
            "repair"),
      field("DatabasesChecked", &T::databases_checked, kAlways, "mesh databases compared"),
      field("GrantsChecked", &T::grants_checked, kAlways, "grants held on them"),
      field("Drift", &T::drift, kAlways, "each difference found, by database and principal"));
}

// --- Glue's shapes -----------------------------------------------------------------------------

constexpr auto describe(TypeTag<Column>) {
  using T = Column;
  return fields<T>(
      "Column", "A column of a table",
      field("Name", &T::name, kRequired, "column name"),
      field("Type", &T::type, kAlways, "Hive type, e.g. bigint"),
      field("Comment", &T::comment, kOptional, "free text"),
      field("Parameters", &T::parameters, kOptional, "key-value properties"));
}

constexpr auto describe(TypeTag<SerDeInfo>) {
  using T = SerDeInfo;
  return fields<T>(
      "SerDeInfo", "How rows are serialized",
      field("Name", &T::name, kOptional, "serde name"),
      field("SerializationLibrary", &T::serialization_library, kOptional, "serde class"),
      field("Parameters", &T::parameters, kOptional, "serde properties"));
}

constexpr auto describe(TypeTag<SortColumn>) {
  using T = SortColumn;
  return fields<T>(
      "SortColumn", "A column the data is sorted on",
      field("Column", &T::column, kAlways, "column name"),
      field("SortOrder", &T::sort_order, kAlways, "1 ascending, 0 descending"));
}

constexpr auto describe(TypeTag<StorageDescriptor>) {
  using T = StorageDescriptor;
  return fields<T>(
      "StorageDescriptor", "Where and how a table's data is stored",
      field("Columns", &T::columns, kOptional, "the columns"),
      field("Location", &T::location, kOptional, "where the data is, e.g. s3://bucket/path/"),
      field("InputFormat", &T::input_format, kOptional, "input format class"),
      field("OutputFormat", &T::output_format, kOptional, "output format class"),
      field("Compressed", &T::compressed, kOptional, "the data is compressed"),
      field("NumberOfBuckets", &T::number_of_buckets, kOptional, "buckets; -1 or 0 for none"),
      field("SerdeInfo", &T::serde_info, kOptional, "how rows are serialized"),
      field("BucketColumns", &T::bucket_columns, kOptional, "the columns bucketed on"),
      field("SortColumns", &T::sort_columns, kOptional, "the columns sorted on"),
      field("Parameters", &T::parameters, kOptional, "key-value properties"),
      field("StoredAsSubDirectories", &T::stored_as_sub_directories, kOptional,
            "the data is in subdirectories"));
}

constexpr auto describe(TypeTag<TableIdentifier>) {
  using T = TableIdentifier;
  return fields<T>(
      "TableIdentifier", "The table a resource link stands for",
      field("CatalogId", &T::catalog_id, kOptional, "the catalog (account) of the table"),
      field("DatabaseName", &T::database_name, kAlways, "its database"),
      field("Name", &T::name, kAlways, "the table"));
}

constexpr auto describe(TypeTag<DatabaseIdentifier>) {
  using T = DatabaseIdentifier;
  return fields<T>(
      "DatabaseIdentifier", "The database a resource link stands for",
      field("CatalogId", &T::catalog_id, kOptional, "the catalog (account) of the database"),
      field("DatabaseName", &T::database_name, kAlways, "the database"));
}

constexpr auto describe(TypeTag<TableInput>) {
  using T = TableInput;
  return fields<T>(
      "TableInput", "What a caller gives to create or replace a table (Glue TableInput)",
      field("Name", &T::name, kRequired, "table name"),
      field("Description", &T::description, kOptional, "free text"),
      field("Owner", &T::owner, kOptional, "owner name"),
      field("Retention", &T::retention, kOptional, "retention time"),
      field("StorageDescriptor", &T::storage_descriptor, kOptional, "where the data is and how"),
      field("PartitionKeys", &T::partition_keys, kOptional, "the partition columns"),
      field("ViewOriginalText", &T::view_original_text, kOptional, "a view's original SQL"),
      field("ViewExpandedText", &T::view_expanded_text, kOptional, "a view's expanded SQL"),
      field("TableType", &T::table_type, kOptional, "e.g. EXTERNAL_TABLE"),
      field("Parameters", &T::parameters, kOptional, "key-value properties"),
      field("TargetTable", &T::target_table, kOptional, "for a resource link: its table"));
}

constexpr auto describe(TypeTag<Table>) {
  using T = Table;
  return fields<T>(
      "Table", "A stored table (Glue Table): its input and what the catalog adds",
      inline_fields(&T::input),
      field("DatabaseName", &T::database_name, kOptional, "its database"),
      field("CatalogId", &T::catalog_id, kOptional, "its catalog (account)"),
      field("CreateTime", &T::create_time, kOptional, "when it was created, UTC")
          .codec<TimeText>(),
      field("UpdateTime", &T::update_time, kOptional, "when it last changed, UTC")
          .codec<TimeText>(),
      field("CreatedBy", &T::created_by, kOptional, "who created it"),
      field("VersionId", &T::version_id, kAlways, "increases with every change")
          .codec<VersionText>());
}

constexpr auto describe(TypeTag<TablePage>) {
  using T = TablePage;
  return fields<T>(
      "TablePage", "A page of tables (Glue GetTables)",
      field("TableList", &T::tables, kAlways, "the tables of this page"),
      field("NextToken", &T::next_token, kOptional, "where the next page starts; none if last"));
}

constexpr auto describe(TypeTag<DatabaseInput>) {
  using T = DatabaseInput;
  return fields<T>(
      "DatabaseInput", "What a caller gives to create a database (Glue DatabaseInput)",
      field("Name", &T::name, kRequired, "database name"),
      field("Description", &T::description, kOptional, "free text"),
      field("LocationUri", &T::location_uri, kOptional, "where its data is"),
      field("Parameters", &T::parameters, kOptional, "key-value properties"),
      field("TargetDatabase", &T::target_database, kOptional,
            "for a resource link: its database"));
}

constexpr auto describe(TypeTag<Database>) {
  using T = Database;
  return fields<T>(
      "Database", "A stored database (Glue Database)",
      inline_fields(&T::input),
      field("CatalogId", &T::catalog_id, kOptional, "its catalog (account)"),
      field("CreateTime", &T::create_time, kOptional, "when it was created, UTC")
          .codec<TimeText>());
}

constexpr auto describe(TypeTag<DatabasePage>) {
  using T = DatabasePage;
  return fields<T>(
      "DatabasePage", "A page of databases (Glue GetDatabases)",
      field("DatabaseList", &T::databases, kAlways, "the databases of this page"),
      field("NextToken", &T::next_token, kOptional, "where the next page starts; none if last"));
}

constexpr auto describe(TypeTag<PublishedProduct>) {
  using T = PublishedProduct;
  return fields<T>("PublishedProduct", "A published data product, as consumers see it",
                   field("DatabaseName", &T::database_name, kRequired, "the mesh database"),
                   field("PublicMetadata", &T::public_metadata, kAlways,
                         "false: the product shows its name only"),
                   field("OwnerAccountId", &T::owner_account_id, kOptional, "the producer"),
                   field("Domain", &T::domain, kOptional, "domain tag"),
                   field("DataProductName", &T::data_product_name, kOptional,
                         "data product tag"),
                   field("Tables", &T::tables, kOptional, "table names"));
}

constexpr auto describe(TypeTag<PublishedProductPage>) {
  using T = PublishedProductPage;
  return fields<T>("PublishedProductPage", "A page of published data products",
                   field("DataProducts", &T::data_products, kAlways, "the products"),
                   field("NextToken", &T::next_token, kOptional, "token of the next page"));
}

}  // namespace datamesh::api
