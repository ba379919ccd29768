// JSON Schema (as OpenAPI 3 components use it) of every described type (api/fields.h), derived
// from its field list: the same keys, docs and required fields the JSON reader and writer use.
//
//   nlohmann::json schemas = nlohmann::json::object();
//   add_json_schemas<Subscription>(schemas);  // Subscription and every type it holds
//   // schemas["Subscription"]["properties"]["Status"] == {"type": "string", "description": ...}
//
// A described member is a {"$ref": "#/components/schemas/<its type name>"}; a field with a codec
// has the codec's json_type; kRequired fields are listed under "required"; an integer field's
// range gives minimum and maximum.
//
// Templates over the field lists; pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/fields.h"

namespace datamesh::api {

inline constexpr std::string_view kSchemaRefPrefix = "#/components/schemas/";

template <Described T>
void add_json_schemas(nlohmann::json& schemas);

namespace field_schema_internal {

template <class T>
struct Unwrapped {
  using type = T;
};
template <class T>
struct Unwrapped<std::optional<T>> {
  using type = T;
};

// The schema of a member type; adds the schemas of the described types it holds to `schemas`.
template <class M>
nlohmann::json member_schema(nlohmann::json& schemas) {
  using V = typename Unwrapped<M>::type;
  if constexpr (std::is_same_v<V, nlohmann::json>) {
    return {{"type", "object"}};  // a document carried as it is
  } else if constexpr (std::is_same_v<V, std::string>) {
    return {{"type", "string"}};
  } else if constexpr (std::is_same_v<V, bool>) {
    return {{"type", "boolean"}};
  } else if constexpr (std::is_same_v<V, int>) {
    return {{"type", "integer"}, {"format", "int32"}};
  } else if constexpr (std::is_same_v<V, int64_t>) {
    return {{"type", "integer"}, {"format", "int64"}};
  } else if constexpr (std::is_same_v<V, std::map<std::string, std::string>>) {
    return {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
  } else if constexpr (Described<V>) {
    add_json_schemas<V>(schemas);
    return {{"$ref", std::string(kSchemaRefPrefix) + std::string(type_name<V>())}};
  } else {
    static_assert(kIsList<V>, "a field of this type needs a codec");
    return {{"type", "array"}, {"items", member_schema<typename V::value_type>(schemas)}};
  }
}

}  // namespace field_schema_internal

// Adds schemas[type_name<T>()] and the schemas of the described types T holds, once each.
template <Described T>
void add_json_schemas(nlohmann::json& schemas) {
  const std::string name(type_name<T>());
  if (schemas.contains(name)) return;
  schemas[name] = nlohmann::json::object();  // marks it while its members are added
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for_each_field<T>([&](const auto& f) {
    using F = std::remove_cvref_t<decltype(f)>;
    nlohmann::json schema;
    if constexpr (std::is_same_v<typename F::codec_type, Plain>) {
      schema = field_schema_internal::member_schema<typename F::member_type>(schemas);
    } else {
      schema = {{"type", std::string(F::codec_type::json_type)}};
    }
    if (schema.contains("$ref")) {  // $ref takes no siblings: wrap it
      nlohmann::json ref = std::move(schema);
      schema = nlohmann::json::object();
      schema["allOf"] = nlohmann::json::array();
      schema["allOf"].push_back(std::move(ref));
    }
    schema["description"] = std::string(f.doc);
    if (f.limits) {
      schema["minimum"] = f.limits->min;
      schema["maximum"] = f.limits->max;
    }
    properties[std::string(f.key)] = std::move(schema);
    if (f.presence == kRequired) required.push_back(std::string(f.key));
  });
  nlohmann::json schema = {{"type", "object"},
                           {"description", std::string(type_doc<T>())},
                           {"properties", std::move(properties)}};
  if (!required.empty()) schema["required"] = std::move(required);
  schemas[name] = std::move(schema);
}

}  // namespace datamesh::api
