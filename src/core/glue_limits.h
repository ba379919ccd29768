// AWS Glue's documented limits on the fields of DatabaseInput and TableInput, as data, and the
// checks that apply them to what a caller gives (issue 15.5: a 1 MiB column comment used to be
// stored). The limits are the min/max/pattern of the shapes in botocore's
// data/glue/2017-03-31/service-2.json, each under its Glue shape name; kMaxTableInputBytes and
// kMaxDatabaseInputBytes bound a whole input, which Glue does not document.
//
// Lengths count Unicode characters (code points), as Glue's do; an empty string is as absent
// (datamesh stores no difference), so a minimum of 1 is never what refuses a value. The
// patterns of the shapes come down to: no control character but tab ("line" text), or also
// CR and LF ("multi-line" text); ParametersMapValue, ViewTextString and TableTypeString have
// no pattern. Names checked more strictly elsewhere (validate_catalog_name) are checked here too.
// datamesh has no partitions, so PartitionInput (Values 1..1024 characters each, and a
// StorageDescriptor and Parameters as a table's) has nothing to check yet.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "datamesh/catalog_types.h"

namespace datamesh::core {

// Which characters a Glue string shape allows (its `pattern`).
enum class GlueCharset {
  kLine,       // U+0020..U+D7FF, U+E000..U+FFFD, U+10000.., and tab
  kMultiLine,  // kLine, and CR and LF
  kAny,        // no pattern: any Unicode text
};

// One Glue string shape.
struct GlueTextShape {
  std::string_view name;  // the shape's name in Glue's API model
  std::size_t max_characters;
  GlueCharset charset;
};

inline constexpr GlueTextShape kNameString{"NameString", 255, GlueCharset::kLine};
inline constexpr GlueTextShape kCatalogIdString{"CatalogIdString", 255, GlueCharset::kLine};
inline constexpr GlueTextShape kDescriptionString{"DescriptionString", 2048,
                                                  GlueCharset::kMultiLine};
inline constexpr GlueTextShape kUri{"URI", 1024, GlueCharset::kMultiLine};
inline constexpr GlueTextShape kKeyString{"KeyString", 255, GlueCharset::kLine};
inline constexpr GlueTextShape kParametersMapValue{"ParametersMapValue", 512'000,
                                                   GlueCharset::kAny};
inline constexpr GlueTextShape kColumnTypeString{"ColumnTypeString", 131'072, GlueCharset::kLine};
inline constexpr GlueTextShape kCommentString{"CommentString", 255, GlueCharset::kLine};
inline constexpr GlueTextShape kLocationString{"LocationString", 2056, GlueCharset::kMultiLine};
inline constexpr GlueTextShape kFormatString{"FormatString", 128, GlueCharset::kLine};
inline constexpr GlueTextShape kViewTextString{"ViewTextString", 409'600, GlueCharset::kAny};
inline constexpr GlueTextShape kTableTypeString{"TableTypeString", 255, GlueCharset::kAny};

// The bytes of text (every string and parameter key and value) one TableInput or DatabaseInput
// may hold in all. Glue's field limits alone allow gigabytes (any number of 512,000-character
// parameters, of columns); a table of 1 MiB still holds thousands of columns with long types,
// and a listing of 1,000 such tables stays about a gigabyte smaller than before.
inline constexpr std::size_t kMaxTableInputBytes = 1 << 20;
inline constexpr std::size_t kMaxDatabaseInputBytes = 1 << 20;

// InvalidArgument naming the field by its path, its length and the limit, e.g.
// `TableInput.StorageDescriptor.Columns[3].Comment is 300 characters long; Glue allows at most
// 255 (CommentString)`, or the character that is not allowed, or the whole input's size.
absl::Status check_glue_limits(const TableInput& input);
absl::Status check_glue_limits(const DatabaseInput& input);

// The bytes of text `input` holds in all (what kMaxTableInputBytes bounds), checking nothing:
// what a listing adds up to bound its answer's size.
std::size_t text_bytes(const TableInput& input);
std::size_t text_bytes(const DatabaseInput& input);

}  // namespace datamesh::core
