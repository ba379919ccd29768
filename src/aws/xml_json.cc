#include "aws/xml_json.h"

#include <map>
#include <pugixml.hpp>
#include <string>

#include "base/text.h"

namespace datamesh::aws {

namespace {

// Names without a namespace prefix ("ns:Code" -> "Code").
std::string local_name(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const std::size_t colon = name.find(':');
  return std::string(colon == std::string_view::npos ? name : name.substr(colon + 1));
}

// AWS answers nest a few levels; a deeper document (a broken or hostile endpoint) is refused
// rather than converted by unbounded recursion.
constexpr int kMaxDepth = 64;

// `node` as described in xml_json.h; sets `too_deep` instead of going below kMaxDepth.
nlohmann::json convert(const pugi::xml_node& node, int depth, bool& too_deep) {
  if (depth > kMaxDepth) {
    too_deep = true;
    return nullptr;
  }
  bool has_elements = false;
  bool all_members = true;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    has_elements = true;
    all_members = all_members && local_name(child) == "member";
  }
  if (!has_elements) return std::string(node.text().as_string());
  if (all_members) {
    nlohmann::json list = nlohmann::json::array();
    for (const pugi::xml_node& child : node.children()) {
      if (child.type() == pugi::node_element) list.push_back(convert(child, depth + 1, too_deep));
    }
    return list;
  }
  std::map<std::string, int> counts;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_element) ++counts[local_name(child)];
  }
  nlohmann::json object = nlohmann::json::object();
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string key = local_name(child);
    if (counts[key] > 1) {
      object[key].push_back(
          convert(child, depth + 1, too_deep));  // a null becomes an array on the first push
    } else {
      object[key] = convert(child, depth + 1, too_deep);
    }
  }
  return object;
}

}  // namespace

absl::StatusOr<nlohmann::json> xml_to_json(std::string_view xml) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return absl::InvalidArgumentError(
        base::cat("answer is not well-formed XML: ", parsed.description(), " at offset ",
                  static_cast<long long>(parsed.offset)));
  }
  const pugi::xml_node root = document.document_element();
  nlohmann::json out = nlohmann::json::object();
  bool too_deep = false;
  out[local_name(root)] = convert(root, 1, too_deep);
  if (too_deep) {
    return absl::InvalidArgumentError(
        base::cat("answer nests XML elements deeper than ", kMaxDepth, " levels"));
  }
  return out;
}

}  // namespace datamesh::aws
