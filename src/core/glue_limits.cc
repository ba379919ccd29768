#include "core/glue_limits.h"

#include <cstdint>
#include <string>

#include "base/status_macros.h"
#include "base/text.h"
#include "core/names.h"

namespace datamesh::core {
using base::cat;
namespace {

bool allowed(uint32_t c, GlueCharset charset) {
  if (charset == GlueCharset::kAny) return true;
  if (c == '\t') return true;
  if (charset == GlueCharset::kMultiLine && (c == '\r' || c == '\n')) return true;
  return (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
}

// Adds up the text of one input, and (when `checking`) refuses a field that breaks its shape.
class LimitCheck {
 public:
  explicit LimitCheck(std::string_view whole, bool checking = true)
      : whole_(whole), checking_(checking) {}

  bool checking() const { return checking_; }
  std::size_t bytes() const { return bytes_; }

  absl::Status text(const std::string& path, std::string_view value, const GlueTextShape& shape) {
    bytes_ += value.size();
    if (!checking_) return absl::OkStatus();
    std::size_t characters = 0;
    for (std::size_t pos = 0; pos < value.size(); ++characters) {
      const std::size_t start = pos;
      uint32_t c = 0;
      if (!next_code_point(value, &pos, &c)) {
        return absl::InvalidArgumentError(
            cat(path, " is not valid UTF-8 (bad byte sequence at offset ", start, ")"));
      }
      if (!allowed(c, shape.charset)) {
        return absl::InvalidArgumentError(
            cat(path, " holds a character Glue does not allow in ", shape.name, " (U+", hex(c),
                " at offset ", start, "): ",
                shape.charset == GlueCharset::kLine ? "no control character but tab"
                                                    : "no control character but tab, CR and LF"));
      }
    }
    if (characters > shape.max_characters) {
      return absl::InvalidArgumentError(cat(path, " is ", characters,
                                            " characters long; Glue allows at most ",
                                            shape.max_characters, " (", shape.name, ")"));
    }
    return absl::OkStatus();
  }

  absl::Status parameters(const std::string& path, const Parameters& parameters) {
    for (const auto& [key, value] : parameters) {
      if (key.empty() && checking_) {
        return absl::InvalidArgumentError(cat(path, " has an empty key: Glue needs 1 to ",
                                              kKeyString.max_characters, " characters"));
      }
      DATAMESH_RETURN_IF_ERROR(text(cat(path, " key ", quote_value(key)), key, kKeyString));
      DATAMESH_RETURN_IF_ERROR(text(cat(path, ".", quote_value(key)), value, kParametersMapValue));
    }
    return absl::OkStatus();
  }

  absl::Status columns(const std::string& path, const std::vector<Column>& columns) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const std::string at = cat(path, "[", i, "]");
      DATAMESH_RETURN_IF_ERROR(text(cat(at, ".Name"), columns[i].name, kNameString));
      DATAMESH_RETURN_IF_ERROR(text(cat(at, ".Type"), columns[i].type, kColumnTypeString));
      DATAMESH_RETURN_IF_ERROR(text(cat(at, ".Comment"), columns[i].comment, kCommentString));
      DATAMESH_RETURN_IF_ERROR(parameters(cat(at, ".Parameters"), columns[i].parameters));
    }
    return absl::OkStatus();
  }

  // InvalidArgument when the whole input holds more than `max_bytes` of text.
  absl::Status total(std::size_t max_bytes) const {
    if (bytes_ <= max_bytes) return absl::OkStatus();
    return absl::InvalidArgumentError(cat(whole_, " holds ", bytes_,
                                          " bytes of text in all; at most ", max_bytes,
                                          " are allowed: move large values out of the catalog"));
  }

 private:
  static std::string hex(uint32_t c) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    for (int shift = c > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4)
      out += kDigits[(c >> shift) & 0xF];
    return out;
  }

  std::string_view whole_;
  bool checking_;
  std::size_t bytes_ = 0;
};

absl::Status check_storage(LimitCheck& check, const StorageDescriptor& sd) {
  const std::string at = "TableInput.StorageDescriptor";
  DATAMESH_RETURN_IF_ERROR(check.columns(cat(at, ".Columns"), sd.columns));
  DATAMESH_RETURN_IF_ERROR(check.text(cat(at, ".Location"), sd.location, kLocationString));
  DATAMESH_RETURN_IF_ERROR(check.text(cat(at, ".InputFormat"), sd.input_format, kFormatString));
  DATAMESH_RETURN_IF_ERROR(check.text(cat(at, ".OutputFormat"), sd.output_format, kFormatString));
  DATAMESH_RETURN_IF_ERROR(check.text(cat(at, ".SerdeInfo.Name"), sd.serde_info.name, kNameString));
  DATAMESH_RETURN_IF_ERROR(check.text(cat(at, ".SerdeInfo.SerializationLibrary"),
                                      sd.serde_info.serialization_library, kNameString));
  DATAMESH_RETURN_IF_ERROR(
      check.parameters(cat(at, ".SerdeInfo.Parameters"), sd.serde_info.parameters));
  for (std::size_t i = 0; i < sd.bucket_columns.size(); ++i) {
    DATAMESH_RETURN_IF_ERROR(
        check.text(cat(at, ".BucketColumns[", i, "]"), sd.bucket_columns[i], kNameString));
  }
  for (std::size_t i = 0; i < sd.sort_columns.size(); ++i) {
    const std::string sort = cat(at, ".SortColumns[", i, "]");
    DATAMESH_RETURN_IF_ERROR(
        check.text(cat(sort, ".Column"), sd.sort_columns[i].column, kNameString));
    // IntegerFlag: 0 (descending) or 1 (ascending).
    if (check.checking() && sd.sort_columns[i].sort_order != 0 &&
        sd.sort_columns[i].sort_order != 1) {
      return absl::InvalidArgumentError(
          cat(sort, ".SortOrder must be 0 or 1, not ", sd.sort_columns[i].sort_order));
    }
  }
  return check.parameters(cat(at, ".Parameters"), sd.parameters);
}

// Walks every text field of `input` through `check`.
absl::Status check_table(LimitCheck& check, const TableInput& input) {
  DATAMESH_RETURN_IF_ERROR(check.text("TableInput.Name", input.name, kNameString));
  DATAMESH_RETURN_IF_ERROR(
      check.text("TableInput.Description", input.description, kDescriptionString));
  DATAMESH_RETURN_IF_ERROR(check.text("TableInput.Owner", input.owner, kNameString));
  // NonNegativeInteger.
  if (check.checking() && input.retention < 0) {
    return absl::InvalidArgumentError(
        cat("TableInput.Retention must be from 0 to 2147483647, not ", input.retention));
  }
  if (input.storage_descriptor)
    DATAMESH_RETURN_IF_ERROR(check_storage(check, *input.storage_descriptor));
  DATAMESH_RETURN_IF_ERROR(check.columns("TableInput.PartitionKeys", input.partition_keys));
  DATAMESH_RETURN_IF_ERROR(
      check.text("TableInput.ViewOriginalText", input.view_original_text, kViewTextString));
  DATAMESH_RETURN_IF_ERROR(
      check.text("TableInput.ViewExpandedText", input.view_expanded_text, kViewTextString));
  DATAMESH_RETURN_IF_ERROR(check.text("TableInput.TableType", input.table_type, kTableTypeString));
  DATAMESH_RETURN_IF_ERROR(check.parameters("TableInput.Parameters", input.parameters));
  if (input.target_table) {
    const TableIdentifier& target = *input.target_table;
    DATAMESH_RETURN_IF_ERROR(
        check.text("TableInput.TargetTable.CatalogId", target.catalog_id, kCatalogIdString));
    DATAMESH_RETURN_IF_ERROR(
        check.text("TableInput.TargetTable.DatabaseName", target.database_name, kNameString));
    DATAMESH_RETURN_IF_ERROR(check.text("TableInput.TargetTable.Name", target.name, kNameString));
  }
  return absl::OkStatus();
}

absl::Status check_database(LimitCheck& check, const DatabaseInput& input) {
  DATAMESH_RETURN_IF_ERROR(check.text("DatabaseInput.Name", input.name, kNameString));
  DATAMESH_RETURN_IF_ERROR(
      check.text("DatabaseInput.Description", input.description, kDescriptionString));
  DATAMESH_RETURN_IF_ERROR(check.text("DatabaseInput.LocationUri", input.location_uri, kUri));
  DATAMESH_RETURN_IF_ERROR(check.parameters("DatabaseInput.Parameters", input.parameters));
  if (input.target_database) {
    const DatabaseIdentifier& target = *input.target_database;
    DATAMESH_RETURN_IF_ERROR(
        check.text("DatabaseInput.TargetDatabase.CatalogId", target.catalog_id, kCatalogIdString));
    DATAMESH_RETURN_IF_ERROR(
        check.text("DatabaseInput.TargetDatabase.DatabaseName", target.database_name, kNameString));
  }
  return absl::OkStatus();
}

template <typename Input>
using CheckInput = absl::Status (*)(LimitCheck&, const Input&);

// check_glue_limits of an input whose members check_input checks: each member, then the whole.
template <typename Input>
absl::Status check_input_and_total(std::string_view name, const Input& input,
                                   CheckInput<Input> check_input, std::size_t max_bytes) {
  LimitCheck check(name);
  DATAMESH_RETURN_IF_ERROR(check_input(check, input));
  return check.total(max_bytes);
}

// text_bytes of the same.
template <typename Input>
std::size_t input_bytes(std::string_view name, const Input& input, CheckInput<Input> check_input) {
  LimitCheck sizing(name, /*checking=*/false);
  (void)check_input(sizing, input);  // never fails when not checking
  return sizing.bytes();
}

}  // namespace

absl::Status check_glue_limits(const TableInput& input) {
  return check_input_and_total("TableInput", input, check_table, kMaxTableInputBytes);
}

std::size_t text_bytes(const TableInput& input) {
  return input_bytes("TableInput", input, check_table);
}

absl::Status check_glue_limits(const DatabaseInput& input) {
  return check_input_and_total("DatabaseInput", input, check_database, kMaxDatabaseInputBytes);
}

std::size_t text_bytes(const DatabaseInput& input) {
  return input_bytes("DatabaseInput", input, check_database);
}

}  // namespace datamesh::core
