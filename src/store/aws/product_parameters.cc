#include "store/aws/product_parameters.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

#include "base/text.h"
#include "core/names.h"

namespace datamesh::store::aws {
namespace {

using base::cat;

// The text fields of a product and their parameter keys: the one list reading and writing use.
// public_metadata, the one field that is not text, is datamesh:PublicMetadata ("true"/"false").
struct TextField {
  const char* key;
  std::string ProductRow::*member;
};

constexpr std::array<TextField, 10> kTextFields{{
    {kProducerAccountParameter, &ProductRow::producer_account},
    {"datamesh:SourceDatabase", &ProductRow::source_database},
    {"datamesh:TableNameRegex", &ProductRow::table_name_regex},
    {"datamesh:Domain", &ProductRow::domain},
    {"datamesh:DataProductName", &ProductRow::data_product_name},
    {"datamesh:SyncSchedule", &ProductRow::sync_schedule},
    {"datamesh:CrawlerRoleArn", &ProductRow::crawler_role_arn},
    {"datamesh:LinkSuffix", &ProductRow::link_suffix},
    {"datamesh:CreationDate", &ProductRow::creation_date},
    {"datamesh:UpdatedDate", &ProductRow::updated_date},
}};
constexpr char kPublicMetadataParameter[] = "datamesh:PublicMetadata";

// The original's description of a mesh database (reference §2.5 create_data_products step 5).
constexpr std::string_view kOriginalDescription =
    "Database to contain objects from Source Database ";


// "<P>.<db>" of the original's description, or "<db>-<P>" of its naming, as {P, db}.
std::optional<std::pair<std::string, std::string>> original_source(const DatabaseInput& input) {
  std::string_view description = input.description;
  if (description.starts_with(kOriginalDescription)) {
    description.remove_prefix(kOriginalDescription.size());
    const size_t dot = description.find('.');
    if (dot != std::string_view::npos && dot + 1 < description.size() &&
        core::is_account_id(description.substr(0, dot))) {
      return std::pair{std::string(description.substr(0, dot)),
                       std::string(description.substr(dot + 1))};
    }
  }
  const std::string_view name = input.name;
  const size_t dash = name.rfind('-');
  if (dash != std::string_view::npos && dash > 0 && core::is_account_id(name.substr(dash + 1))) {
    return std::pair{std::string(name.substr(dash + 1)), std::string(name.substr(0, dash))};
  }
  return std::nullopt;
}

}  // namespace

bool is_store_parameter(std::string_view key) { return key.starts_with(kStoreParameterPrefix); }

Parameters without_store_parameters(Parameters parameters) {
  std::erase_if(parameters, [](const auto& entry) { return is_store_parameter(entry.first); });
  return parameters;
}

Parameters store_parameters_of(const Parameters& parameters) {
  Parameters out;
  for (const auto& [key, value] : parameters) {
    if (is_store_parameter(key)) out.emplace(key, value);
  }
  return out;
}

Parameters product_parameters(const ProductRow& product) {
  Parameters out;
  for (const TextField& field : kTextFields) out[field.key] = product.*field.member;
  out[kPublicMetadataParameter] = product.public_metadata ? "true" : "false";
  out[kManagedParameter] = "true";
  return out;
}

absl::StatusOr<std::optional<ProductRow>> product_of_database(const Database& database) {
  const DatabaseInput& input = database.input;
  if (input.target_database) return std::nullopt;
  ProductRow product;
  product.mesh_database = input.name;
  if (input.parameters.contains(kProducerAccountParameter)) {
    for (const TextField& field : kTextFields) {
      const auto found = input.parameters.find(field.key);
      if (found != input.parameters.end()) product.*field.member = found->second;
    }
    const auto found = input.parameters.find(kPublicMetadataParameter);
    const std::string public_metadata = found == input.parameters.end() ? "true" : found->second;
    if (public_metadata != "true" && public_metadata != "false") {
      return absl::InvalidArgumentError(cat("mesh database ", input.name, ": parameter ",
                                            kPublicMetadataParameter, " is \"", public_metadata,
                                            "\", not \"true\" or \"false\""));
    }
    product.public_metadata = public_metadata == "true";
    return product;
  }
  if (std::ranges::any_of(input.parameters,
                          [](const auto& entry) { return is_store_parameter(entry.first); })) {
    return std::nullopt;  // written by datamesh, its product not (yet)
  }
  std::optional<std::pair<std::string, std::string>> source = original_source(input);
  if (!source) return std::nullopt;
  product.producer_account = std::move(source->first);
  product.source_database = std::move(source->second);
  product.public_metadata = true;
  product.link_suffix = "_link";
  product.creation_date = database.create_time;
  product.updated_date = database.create_time;
  return product;
}

}  // namespace datamesh::store::aws
