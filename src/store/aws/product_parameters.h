// How a data product (store::ProductRow) is kept in Glue: as Parameters "datamesh:<Field>" of
// its mesh database in the mesh catalog, beside the database's own parameters. The store keeps
// the keys beginning with "datamesh:" to itself: a caller's database may not hold them, and the
// databases it reads back come without them.
//
// A mesh database the original library made has no such parameter. It reads as a product when
// its description is the original's "Database to contain objects from Source Database
// <P>.<db>" or, since the original's set_default_db_permissions replaces the definition and
// loses that description, when its name is the original's `<db>-<P>` (P twelve digits). Only
// what Glue holds about it can be recovered:
//   mesh_database, producer_account, source_database   from the description or the name
//   creation_date, updated_date                        the database's CreateTime
//   public_metadata = true, link_suffix = "_link"      the original's defaults
//   table_name_regex, domain, data_product_name,       "" (the original keeps the domain and
//   sync_schedule, crawler_role_arn                    product name as LF tags, the rest nowhere)
// A resource link is never a product, nor is a database carrying "datamesh:Managed" (every
// database datamesh writes in the mesh catalog) without "datamesh:ProducerAccount": that is a
// database whose product is not written yet, which must not read as published.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/store.h"
#include "datamesh/catalog_types.h"

namespace datamesh::store::aws {

inline constexpr std::string_view kStoreParameterPrefix = "datamesh:";
// Set on every database datamesh writes in the mesh catalog.
inline constexpr char kManagedParameter[] = "datamesh:Managed";
// Present exactly when the database holds a product written by datamesh.
inline constexpr char kProducerAccountParameter[] = "datamesh:ProducerAccount";

bool is_store_parameter(std::string_view key);
// `parameters` without the store's keys.
Parameters without_store_parameters(Parameters parameters);
// Only the store's keys of `parameters`.
Parameters store_parameters_of(const Parameters& parameters);

// The datamesh:<Field> parameters that keep `product` (every field, empty ones too), with
// datamesh:Managed.
Parameters product_parameters(const ProductRow& product);

// The product `database` (as Glue holds it, store parameters included) keeps, or nullopt when it
// keeps none (see the top of this file). InvalidArgument naming the database and the parameter
// when datamesh:PublicMetadata is neither "true" nor "false".
absl::StatusOr<std::optional<ProductRow>> product_of_database(const Database& database);

}  // namespace datamesh::store::aws
