// XML answers (query protocol, S3) read into JSON, so that callers of every protocol get the
// same kind of value. The conversion knows no service model, so it follows the XML's shape:
//  - an element with no child elements is its text, a string ("true", "42" stay strings);
//  - an element whose children are all <member> (the query protocol's lists) is an array;
//  - any other element is an object of its children, by name; a name that repeats (a flattened
//    list) gives an array. An empty list therefore reads as "" — callers test for both.
// Attributes and namespaces are ignored. Pure functions (pugixml); thread-safe.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace datamesh::aws {

// The whole document: {"<root name>": <root converted>}. InvalidArgument, with pugixml's
// description and offset, when `xml` is not well-formed, and when elements nest deeper than 64.
absl::StatusOr<nlohmann::json> xml_to_json(std::string_view xml);

}  // namespace datamesh::aws
