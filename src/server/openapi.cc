#include "server/openapi.h"

#include "api/routes.h"
#include "base/text.h"

namespace datamesh::server {
namespace {

nlohmann::json schema_of(api::ParamType type) {
  switch (type) {
    case api::ParamType::kString: return {{"type", "string"}};
    case api::ParamType::kBool: return {{"type", "boolean"}};
    case api::ParamType::kInt: return {{"type", "integer"}};
    case api::ParamType::kStringList:
    case api::ParamType::kPermissionList:
      return {{"type", "array"}, {"items", {{"type", "string"}}}};
    case api::ParamType::kJson: return {{"type", "object"}};
  }
  return {{"type", "string"}};
}

}  // namespace

nlohmann::json openapi_document() {
  nlohmann::json paths = nlohmann::json::object();
  const nlohmann::json error_response = {
      {"content",
       {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  for (const api::Route& route : api::routes()) {
    nlohmann::json properties = nlohmann::json::object();
    nlohmann::json required = nlohmann::json::array();
    for (const api::ParamSpec& spec : route.params) {
      nlohmann::json schema = schema_of(spec.type);
      schema["description"] = std::string(spec.help);
      properties[std::string(spec.name)] = schema;
      if (spec.required) required.push_back(std::string(spec.name));
    }
    nlohmann::json body_schema = {{"type", "object"},
                                  {"properties", properties},
                                  {"additionalProperties", false}};
    if (!required.empty()) body_schema["required"] = required;
    nlohmann::json operation = {
        {"operationId", base::cat(route.group, "_", route.method)},
        {"summary", std::string(route.summary)},
        {"tags", {std::string(route.group)}},
        {"requestBody",
         {{"required", !required.empty()},
          {"content", {{"application/json", {{"schema", body_schema}}}}}}},
        {"responses",
         {{"200", {{"description", "the method's answer, in the documents' JSON"},
                   {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}},
          {"400", error_response},
          {"401", error_response},
          {"403", error_response},
          {"404", error_response},
          {"409", error_response},
          {"503", error_response}}}};
    if (route.authenticated) {
      operation["security"] = nlohmann::json::array({{{"sigv4", nlohmann::json::array()}}});
    } else {
      operation["security"] = nlohmann::json::array();
    }
    paths[base::cat("/v1/", route.group, "/", api::dashed(route.method))] = {{"post", operation}};
  }
  const nlohmann::json plain_get = {
      {"get",
       {{"security", nlohmann::json::array()},
        {"responses", {{"200", {{"description", "ok"}}}}}}}};
  paths["/healthz"] = plain_get;
  paths["/metrics"] = plain_get;
  paths["/openapi.json"] = plain_get;
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "datamesh"},
        {"version", "0.1.0"},
        {"description",
         "Data mesh governance. Every /v1 route takes the method's parameters as a JSON object "
         "and is signed with AWS Signature Version 4 (service datamesh)."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"sigv4",
           {{"type", "apiKey"},
            {"in", "header"},
            {"name", "Authorization"},
            {"description", "AWS4-HMAC-SHA256 with an access key of the mesh, service datamesh"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"properties",
             {{"Error",
               {{"type", "object"},
                {"properties",
                 {{"Code", {{"type", "string"}}}, {"Message", {{"type", "string"}}}}}}}}}}}}}}}};
}

}  // namespace datamesh::server
