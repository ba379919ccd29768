// Cross-checks the credential chain against botocore's, case by case: the keys resolved, every
// AssumeRole (role and signing keys, in order), the region, or the error's code.
//
// tests/aws/data/botocore_credential_cases.json was produced by botocore 1.43 with
// tests/aws/tools/botocore_credential_cases.py, which says how the cases were run and how to
// regenerate them. A case with a "datamesh" entry is one where datamesh decides otherwise on
// purpose ("why" says why); that entry is then what is expected.
#include <fstream>
#include <map>
#include <string>

#include "aws/credential_chain.h"
#include "aws/region.h"
#include "aws/shared_config.h"
#include "credentials_test_support.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using nlohmann::json;

json load_cases() {
  std::ifstream in(std::string(DATAMESH_TEST_DATA) + "/aws/data/botocore_credential_cases.json");
  EXPECT_TRUE(in.good()) << "cannot read botocore_credential_cases.json";
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

std::string replace_home(std::string text, const std::string& home) {
  for (auto at = text.find("{home}"); at != std::string::npos; at = text.find("{home}")) {
    text.replace(at, 6, home);
  }
  return text;
}

std::string code_name(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case absl::StatusCode::kNotFound:
      return "NotFound";
    default:
      return std::string(absl::StatusCodeToString(code));
  }
}

// What datamesh's chain does with the case: the same shape as the JSON's "botocore" entry.
json run_case(const json& test_case) {
  test::ScratchDir home;
  test::ManualTime time;
  test::FakeSts sts(time);
  if (test_case.contains("config"))
    home.write(".aws/config", test_case["config"].get<std::string>());
  if (test_case.contains("credentials")) {
    home.write(".aws/credentials", test_case["credentials"].get<std::string>());
  }
  const json files = test_case.value("files", json::object());
  for (const auto& [path, text] : files.items()) {
    home.write(path, text.get<std::string>());
  }
  std::map<std::string, std::string, std::less<>> variables = {{"HOME", home.path().string()}};
  const json env = test_case.value("env", json::object());
  for (const auto& [name, value] : env.items()) {
    variables[name] = replace_home(value.get<std::string>(), home.path().string());
  }
  const EnvironmentLookup environment = environment_of(variables);
  CredentialChainOptions options;
  options.profile = test_case.value("profile", "");

  json result;
  absl::StatusOr<SigningKey> key = absl::UnknownError("not resolved");
  absl::StatusOr<ResolvedCredentials> resolved =
      resolve_credential_chain(options, environment, sts.assume_role(), time.source());
  key = resolved.ok() ? resolved->provider->signing_key() : resolved.status();
  if (key.ok()) {
    result["access_key_id"] = key->access_key_id;
    result["session_token"] = key->session_token;
    absl::StatusOr<SharedConfig> config = load_shared_config(environment);
    absl::StatusOr<std::string> region =
        config.ok() ? resolve_region({.profile = resolved->profile}, environment, *config)
                    : config.status();
    result["region"] = region.ok() ? *region : std::string();
  } else {
    result["error"] = code_name(key.status().code());
    result["message"] = std::string(key.status().message());
  }
  result["assume_role_calls"] = json::array();
  for (const test::AssumeCall& call : sts.calls()) {
    result["assume_role_calls"].push_back({{"role_arn", call.role_arn},
                                           {"source_access_key_id", call.source_access_key_id},
                                           {"session_name", call.session_name}});
  }
  return result;
}

TEST(BotocoreCredentialsTest, ChainResolvesEveryCaseAsBotocoreDoes) {
  const json cases = load_cases();
  ASSERT_TRUE(cases.is_object() && cases.contains("cases"));
  ASSERT_GE(cases["cases"].size(), 39u);
  int deliberate = 0;
  for (const json& test_case : cases["cases"]) {
    SCOPED_TRACE(test_case["name"].get<std::string>());
    const bool differs = test_case.contains("datamesh");
    deliberate += differs ? 1 : 0;
    const json& expected = differs ? test_case["datamesh"] : test_case["botocore"];
    const json actual = run_case(test_case);
    if (expected.contains("error")) {
      EXPECT_EQ(actual.value("error", "(no error)"), expected["error"]) << actual.dump();
    } else {
      ASSERT_FALSE(actual.contains("error")) << actual.dump();
      EXPECT_EQ(actual["access_key_id"], expected["access_key_id"]);
      EXPECT_EQ(actual["session_token"], expected["session_token"]);
      EXPECT_EQ(actual["region"], expected["region"]);
    }
    if (!expected.contains("assume_role_calls")) continue;
    const json& calls = expected["assume_role_calls"];
    ASSERT_EQ(actual["assume_role_calls"].size(), calls.size()) << actual.dump();
    for (size_t i = 0; i < calls.size(); ++i) {
      EXPECT_EQ(actual["assume_role_calls"][i]["role_arn"], calls[i]["role_arn"]);
      EXPECT_EQ(actual["assume_role_calls"][i]["source_access_key_id"],
                calls[i]["source_access_key_id"]);
      // botocore's default session names (botocore-session-<time>) are recorded as "".
      if (!calls[i]["session_name"].get<std::string>().empty()) {
        EXPECT_EQ(actual["assume_role_calls"][i]["session_name"], calls[i]["session_name"]);
      }
    }
  }
  EXPECT_EQ(deliberate, 3);  // each listed, with its reason, in the generator
}

}  // namespace
}  // namespace datamesh::aws
