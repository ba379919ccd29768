// The method table the console's API client is built from (server/console_methods.h): one entry
// per route, with the route's path, whether it takes a client_token and its fields, so that the
// console can call every method and nothing it calls is spelled by hand.
#include "server/console_methods.h"

#include "api/routes.h"
#include "base/text.h"
#include "gtest/gtest.h"

namespace datamesh::server {
namespace {

TEST(ConsoleMethodsTest, ListsEveryRouteWithItsPathTokenAndFields) {
  const nlohmann::json table = console_methods();
  const nlohmann::json& methods = table.at("Methods");
  ASSERT_EQ(methods.size(), api::routes().size());
  size_t i = 0;
  for (const api::Route& route : api::routes()) {
    const nlohmann::json& method = methods.at(i++);
    SCOPED_TRACE(route.method);
    EXPECT_EQ(method.at("Group"), std::string(route.group));
    EXPECT_EQ(method.at("Name"), std::string(route.method));
    EXPECT_EQ(method.at("Path"),
              base::cat("/v1/", route.group, "/", api::dashed(route.method)));
    EXPECT_EQ(method.at("TakesClientToken"), route.takes_client_token);
    EXPECT_EQ(method.at("Authenticated"), route.authenticated);
    ASSERT_EQ(method.at("Fields").size(), route.params.size());
    for (size_t f = 0; f < route.params.size(); ++f) {
      EXPECT_EQ(method.at("Fields").at(f).at("Name"), std::string(route.params[f].name));
      EXPECT_EQ(method.at("Fields").at(f).at("Required"), route.params[f].required);
    }
  }
}

TEST(ConsoleMethodsTest, SpellsTypesAndAliasesAsTheClientReadsThem) {
  const nlohmann::json table = console_methods();
  const auto find = [&](std::string_view group, std::string_view name) {
    for (const nlohmann::json& method : table.at("Methods")) {
      if (method.at("Group") == group && method.at("Name") == name) return method;
    }
    ADD_FAILURE() << group << "/" << name << " missing";
    return nlohmann::json();
  };
  const nlohmann::json approve = find("producer", "approve_access_request");
  EXPECT_TRUE(approve.at("TakesClientToken"));
  bool saw_alias = false, saw_permissions = false;
  for (const nlohmann::json& field : approve.at("Fields")) {
    if (field.at("Name") == "subscription_id") saw_alias = field.value("Alias", "") == "request_id";
    if (field.at("Name") == "grant_permissions") {
      saw_permissions = field.at("Type") == "permission_list";
    }
  }
  EXPECT_TRUE(saw_alias) << approve.dump();
  EXPECT_TRUE(saw_permissions) << approve.dump();
  EXPECT_FALSE(find("consumer", "list_data_products").at("TakesClientToken"));
}

}  // namespace
}  // namespace datamesh::server
