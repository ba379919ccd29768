// Credentials files (api/credentials.h): the JSON file with one credentials object or named
// blocks, the INI profile file, and what their errors may say. Fuzzing
// (fuzz/credentials_fuzzer.cc) found a malformed JSON file's secret quoted in the error; the
// input is fuzz/corpus/credentials_fuzzer/regression-json-error-quotes-secret.
#include <filesystem>
#include <string>

#include "api/credentials.h"
#include "api/json_codec.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"
#include "testkit/scratch_dir.h"

namespace datamesh::api {
namespace {

using absl::StatusCode;
using test_support::message_of;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYCANARYKEY";
const std::vector<std::string> kBlocks = {"Producer", "Mesh"};

std::string with_secret(std::string text) {
  for (size_t at = text.find("$S"); at != std::string::npos; at = text.find("$S")) {
    text.replace(at, 2, kSecret);
  }
  return text;
}

TEST(CredentialsFile, ReadsOneCredentialsObject) {
  ASSERT_OK_AND_ASSIGN(
      const Credentials credentials,
      parse_credentials_file(with_secret(R"({"AccountId": "111111111111", "AccountName": "x",
                                             "AccessKeyId": "AKIA1", "SecretAccessKey": "$S"})"),
                             "c.json", kBlocks));
  EXPECT_EQ(credentials.account_id, "111111111111");
  EXPECT_EQ(credentials.access_key_id, "AKIA1");
  EXPECT_EQ(credentials.secret_access_key, kSecret);
}

TEST(CredentialsFile, ReadsTheFirstOfTheBlocksPresent) {
  ASSERT_OK_AND_ASSIGN(
      const Credentials credentials,
      parse_credentials_file(R"({"Consumer": {"AccessKeyId": "C", "SecretAccessKey": "c"},
                                 "Mesh": {"AccessKeyId": "M", "SecretAccessKey": "m"}})",
                             "c.json", kBlocks));
  EXPECT_EQ(credentials.access_key_id, "M");
}

TEST(CredentialsFile, NamesTheBlocksPresentWhenNoneAsked) {
  EXPECT_STATUS(parse_credentials_file(
                    with_secret(R"({"Consumer": {"AccessKeyId": "C", "SecretAccessKey": "$S"}})"),
                    "c.json", kBlocks),
                StatusCode::kInvalidArgument,
                "credentials file c.json has no block Producer or Mesh; blocks: Consumer");
}

TEST(CredentialsFile, RefusesCredentialsWithoutASecretOrOfTheWrongType) {
  EXPECT_STATUS(parse_credentials_file(R"({"AccessKeyId": "A"})", "c.json", kBlocks),
                StatusCode::kInvalidArgument, "missing AccessKeyId or SecretAccessKey");
  const auto wrong = parse_credentials_file(
      with_secret(R"({"AccessKeyId": 5, "SecretAccessKey": "$S"})"), "c.json", kBlocks);
  EXPECT_STATUS(wrong, StatusCode::kInvalidArgument, "AccessKeyId must be a string");
  EXPECT_EQ(message_of(wrong.status()).find(kSecret), std::string::npos);
}

TEST(CredentialsFile, MalformedJsonErrorsNeverQuoteTheTextWhereParsingStopped) {
  // The fuzzer's input: a stray byte after the object. nlohmann's message ends with
  // "last read: '<the secret string and the byte>'".
  for (const std::string& text :
       {with_secret("{\"AccessKeyId\": 5, \"SecretAccessKey\": \"$S\"}\xb2"),
        with_secret(R"({"AccessKeyId": "A", "SecretAccessKey": "$S)"),
        with_secret("{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"$S\x01\"}"),
        with_secret(R"({"AccessKeyId": "A", "SecretAccessKey": $S})")}) {
    const auto credentials = parse_credentials_file(text, "c.json", kBlocks);
    EXPECT_STATUS(credentials, StatusCode::kInvalidArgument,
                  "credentials file c.json: malformed JSON: parse error at line 1, column ");
    EXPECT_EQ(message_of(credentials.status()).find("wJalrXUtnFEMI"), std::string::npos)
        << credentials.status();
  }
}

TEST(ParseSecretJson, SaysWhereAndWhyButNotWhat) {
  const std::string text = R"({"SecretAccessKey": "abc)";
  // parse_json quotes the token, which helps with request bodies...
  EXPECT_STATUS(parse_json(text), StatusCode::kInvalidArgument, "last read: '\"abc'");
  // ...but not with files holding secrets.
  const auto quiet = parse_secret_json(text);
  EXPECT_EQ(message_of(quiet.status()),
            "malformed JSON: parse error at line 1, column 25: syntax error while parsing value - "
            "invalid string: missing closing quote");
  ASSERT_OK_AND_ASSIGN(const nlohmann::json parsed, parse_secret_json(R"({"a": 1})"));
  EXPECT_EQ(parsed["a"], 1);
}

TEST(ProfileFile, ReadsTheNamedSection) {
  ASSERT_OK_AND_ASSIGN(const std::optional<Credentials> credentials,
                       parse_profile(with_secret("# comment\n[other]\naccess_key_id = O\n\n"
                                                 "[ default ]\r\naccess_key_id = AKIA1\r\n"
                                                 "secret_access_key=$S\n; note\n"
                                                 "account_id = 111111111111\nregion = x\n"),
                                     "credentials", "default"));
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->access_key_id, "AKIA1");
  EXPECT_EQ(credentials->secret_access_key, kSecret);
  EXPECT_EQ(credentials->account_id, "111111111111");
}

TEST(ProfileFile, AnAbsentSectionIsNoCredentials) {
  ASSERT_OK_AND_ASSIGN(const std::optional<Credentials> credentials,
                       parse_profile("[other]\naccess_key_id = O\n", "credentials", "default"));
  EXPECT_FALSE(credentials.has_value());
}

TEST(ProfileFile, ErrorsNameTheLineButNeverAValue) {
  const auto no_equals =
      parse_profile(with_secret("[default]\nsecret_access_key $S\n"), "credentials", "default");
  EXPECT_STATUS(no_equals, StatusCode::kInvalidArgument, "credentials:2: expected key = value");
  EXPECT_EQ(message_of(no_equals.status()).find(kSecret), std::string::npos);
  const auto unknown =
      parse_profile(with_secret("[default]\nsecret = $S\n"), "credentials", "default");
  EXPECT_STATUS(unknown, StatusCode::kInvalidArgument, "credentials:2: unknown key \"secret\"");
  EXPECT_EQ(message_of(unknown.status()).find(kSecret), std::string::npos);
  EXPECT_STATUS(parse_profile("[default\n", "credentials", "default"),
                StatusCode::kInvalidArgument, "credentials:1: malformed section header");
  EXPECT_STATUS(parse_profile("[default]\naccess_key_id = A\n", "credentials", "default"),
                StatusCode::kInvalidArgument,
                "profile default of credentials needs access_key_id and secret_access_key");
}

TEST(CredentialsFile, LoadReadsTheFileAndReportsAMissingOne) {
  const testkit::ScratchDir dir;
  const std::string path = dir.write(
      "credentials.json", with_secret(R"({"AccessKeyId": "AKIA1", "SecretAccessKey": "$S"})"));
  ASSERT_OK_AND_ASSIGN(const Credentials credentials, load_credentials_file(path, kBlocks));
  EXPECT_EQ(credentials.secret_access_key, kSecret);
  ASSERT_OK_AND_ASSIGN(const std::optional<Credentials> none, load_profile(path, "default"));
  EXPECT_FALSE(none.has_value());
  std::filesystem::remove(path);
  EXPECT_STATUS(load_credentials_file(path, kBlocks), StatusCode::kNotFound,
                "cannot read credentials file");
  ASSERT_OK_AND_ASSIGN(const std::optional<Credentials> missing, load_profile(path, "default"));
  EXPECT_FALSE(missing.has_value());
}

TEST(CredentialsFile, TheMeshAccountIsTheMeshBlocksAccountId) {
  const testkit::ScratchDir dir;
  const std::string reference = dir.write(
      "reference.json",
      with_secret(R"({"AWS_REGION": "us-east-1",
                      "Mesh": {"AccountId": "111111111111", "AccessKeyId": "A", "SecretAccessKey": "$S"},
                      "Producer": {"AccountId": "222222222222", "AccessKeyId": "B", "SecretAccessKey": "$S"}})"));
  EXPECT_EQ(mesh_account_in_credentials_file({.credentials_file = reference}), "111111111111");
  const std::string single = dir.write(
      "single.json", with_secret(R"({"AccountId": "222222222222", "AccessKeyId": "B",
                                     "SecretAccessKey": "$S"})"));
  EXPECT_EQ(mesh_account_in_credentials_file({.credentials_file = single}), "");
  EXPECT_EQ(mesh_account_in_credentials_file({.credentials_file = dir.path() / "missing.json"}),
            "");
}

}  // namespace
}  // namespace datamesh::api
