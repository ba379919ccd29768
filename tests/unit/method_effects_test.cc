// The method table says which methods write (api/methods.h, Effect), and the routes derive the
// client_token parameter from it: this test lists, by the documents' verbs, what must be a
// write, so that a new write method declared as a read (and so without client_token) fails
// here instead of acting twice on a retry.
#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

#include "api/client_token.h"
#include "api/routes.h"
#include "core/audit_filter.h"
#include "gtest/gtest.h"

namespace datamesh::api::method_effects_test {
namespace {

// The verbs of the methods that change the mesh (reconcile repairs grants with apply).
constexpr std::array<std::string_view, 13> kWriteVerbs = {
    "create_", "update_",     "delete_", "approve_",  "deny_",     "enable_",  "revoke_",
    "rotate_", "initialize_", "import_", "request_",  "finalize_", "reconcile"};

bool named_as_write(std::string_view method) {
  return std::any_of(kWriteVerbs.begin(), kWriteVerbs.end(),
                     [&](std::string_view verb) { return method.starts_with(verb); });
}

bool has_client_token(const Route& route) {
  return std::any_of(route.params.begin(), route.params.end(),
                     [](const ParamSpec& spec) { return spec.name == kClientTokenParam; });
}

TEST(MethodEffects, EveryAuthenticatedWriteTakesAClientTokenAndNoReadDoes) {
  int writes = 0;
  for (const Route& route : routes()) {
    const std::string where = std::string(route.group) + "/" + std::string(route.method);
    const bool expected = named_as_write(route.method) && route.authenticated;
    EXPECT_EQ(route.takes_client_token, expected) << where;
    EXPECT_EQ(has_client_token(route), expected) << where;
    writes += expected ? 1 : 0;
  }
  // 22 authenticated write methods; delete_subscription has a route per persona.
  EXPECT_EQ(writes, 23);
}

// Each write writes one audit event named for its method, and admin list_audit_events takes
// exactly those names as actions (core/audit_filter.h): a new write must be filterable.
TEST(MethodEffects, TheAuditFiltersActionsAreTheWriteMethods) {
  std::set<std::string_view> writes = {"initialize_mesh_account"};  // the one unsigned write
  for (const Route& route : routes()) {
    if (route.takes_client_token) writes.insert(route.method);
  }
  const std::set<std::string_view> actions(std::begin(core::kAuditedActions),
                                           std::end(core::kAuditedActions));
  EXPECT_EQ(actions, writes);
}

TEST(MethodEffects, InitializeMeshAccountTakesNoToken) {
  auto route = find_route("admin", "initialize_mesh_account");
  ASSERT_TRUE(route.ok()) << route.status();
  EXPECT_FALSE((*route)->takes_client_token);
  EXPECT_FALSE(has_client_token(**route));
}

TEST(MethodEffects, NewTokensAreThirtyTwoHexCharactersAndDiffer) {
  const std::string first = new_client_token();
  const std::string second = new_client_token();
  EXPECT_EQ(first.size(), 32u);
  EXPECT_TRUE(std::all_of(first.begin(), first.end(),
                          [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }));
  EXPECT_NE(first, second);
  EXPECT_TRUE(core::check_client_token(first).ok());
}

}  // namespace
}  // namespace datamesh::api::method_effects_test
