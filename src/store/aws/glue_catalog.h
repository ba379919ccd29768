// The catalogs and data products of the AWS store, straight on Glue: the store::Transaction
// methods of the same names (core/store.h), with the same semantics, each catalog id's calls
// signed by that account's session (aws_sessions.h; a catalog of an account without a session
// is PermissionDenied naming the account). Products live in the mesh catalog as parameters of
// their mesh database (product_parameters.h says how, and how a mesh database the original
// library made reads as a product).
//
// Listings read every page Glue gives (aws/pagination.h) and then order by name and cut at
// page.after (exclusive) and page.limit, as the SQLite store does: Glue neither orders its
// lists nor starts one after a name. Writes are idempotent, so that the AWS store's commit can
// run them again after a failure (docs/AWS.md, "Transactions"). Glue's errors come as the AWS
// client maps them (EntityNotFoundException NotFound, AlreadyExistsException AlreadyExists, ...),
// with the AWS code, message and request id in the text.
//
// Thread-safe: holds nothing but the sessions, which are.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store.h"
#include "datamesh/catalog_types.h"
#include "store/aws/aws_sessions.h"

namespace datamesh::store::aws {

class GlueCatalog {
 public:
  // `sessions` must outlive this.
  explicit GlueCatalog(const AwsSessions& sessions) : sessions_(sessions) {}

  // Catalogs --------------------------------------------------------------------------------
  // nullopt when the database is not there.
  absl::StatusOr<std::optional<Database>> get_database(std::string_view catalog_id,
                                                       std::string_view name) const;
  // CreateDatabase, or UpdateDatabase when it exists (keeping its CreateTableDefaultPermissions
  // and, in the mesh catalog, its product). InvalidArgument when the database's parameters hold
  // a key beginning with "datamesh:" (the store's own).
  absl::Status put_database(const Database& database) const;
  // Deletes the database and its tables (as Glue does); one already gone is OK.
  absl::Status delete_database(std::string_view catalog_id, std::string_view name) const;
  absl::StatusOr<std::vector<Database>> list_databases(std::string_view catalog_id,
                                                       const Page& page) const;
  // nullopt when the table or its database is not there.
  absl::StatusOr<std::optional<Table>> get_table(std::string_view catalog_id,
                                                 std::string_view database_name,
                                                 std::string_view name) const;
  // CreateTable, or UpdateTable when it exists. NotFound when its database is not there.
  absl::Status put_table(const Table& table) const;
  // One already gone (or whose database is) is OK.
  absl::Status delete_table(std::string_view catalog_id, std::string_view database_name,
                            std::string_view name) const;
  // Tables ordered by name; none when the database is not there.
  absl::StatusOr<std::vector<Table>> list_tables(std::string_view catalog_id,
                                                 std::string_view database_name,
                                                 const Page& page) const;
  absl::StatusOr<std::vector<std::string>> list_table_names(std::string_view catalog_id,
                                                            std::string_view database_name) const;
  absl::StatusOr<std::vector<std::string>> list_table_names_page(std::string_view catalog_id,
                                                                 std::string_view database_name,
                                                                 const Page& page) const;

  // Data products (in the mesh catalog) ---------------------------------------------------------
  absl::StatusOr<std::optional<ProductRow>> get_product(std::string_view mesh_database) const;
  // Writes the product into its mesh database's parameters (replacing the product there).
  // FailedPrecondition when the mesh database is not in the mesh catalog: the AWS store's
  // commit puts databases before products.
  absl::Status put_product(const ProductRow& product) const;
  // Products matching filter, ordered by mesh_database, after page.after, at most page.limit.
  absl::StatusOr<std::vector<ProductRow>> list_products(const ProductFilter& filter,
                                                        const Page& page) const;

  // Partitions ----------------------------------------------------------------------------------
  // Makes `target`'s partitions those of `source`: both read whole (GetPartitions, every page),
  // then in the target's account only what differs is written: a partition it lacks is created
  // (BatchCreatePartition, at most 100 at a time), one that differs updated to the source's
  // (BatchUpdatePartition, 100), one the source no longer has deleted (BatchDeletePartition,
  // 25), so a copy run again converges and one over an unchanged source writes nothing.
  // `between`, when given, runs before each batch (the writer lock's keep-alive). NotFound when
  // either table is not there; any other refused partition fails the copy, naming the
  // partition's values and Glue's error.
  absl::Status copy_partitions(const TableIdentifier& source, const TableIdentifier& target,
                               const std::function<absl::Status()>& between = {}) const;

  // Crawlers ------------------------------------------------------------------------------------
  // A table of a product and the S3 location of its data.
  struct CrawledTable {
    std::string name;
    std::string s3_path;
  };
  // Makes, in the producer account, the crawler of each table of a product with a crawler role
  // (glue_crawler.h: named `<mesh database>-<table>`), or brings an existing one up to date when
  // its role, schedule or path differ; nothing for a product without a crawler role. Errors:
  // PermissionDenied without a session for the producer account (or, from Glue, without
  // iam:PassRole on the role); Glue's, e.g. CrawlerRunningException for a crawler that must
  // change while it runs.
  absl::Status ensure_crawlers(const ProductRow& product,
                               const std::vector<CrawledTable>& tables) const;

 private:
  const AwsSessions& sessions_;
};

}  // namespace datamesh::store::aws
