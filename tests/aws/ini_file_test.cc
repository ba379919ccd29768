// The INI reader of the AWS shared files: botocore's rules (configparser, strict), and every
// malformed line refused with its file, line and reason, never its value.
#include <ostream>
#include <string_view>

#include "aws/ini_file.h"

#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

TEST(IniFileTest, ReadsSectionsKeysAndValues) {
  ASSERT_OK_AND_ASSIGN(const IniFile file, parse_ini("# comment\n"
                                                     "; other comment\n"
                                                     "\n"
                                                     "[default]\n"
                                                     "AWS_Access_Key_ID = AKIA1\r\n"
                                                     "region: eu-west-1\n"
                                                     "[profile dev]  \n"
                                                     "role_arn=arn:aws:iam::1:role/x\n",
                                                     "cfg"));
  ASSERT_EQ(file.sections.size(), 2u);
  const IniSection* section = file.find("default");
  ASSERT_NE(section, nullptr);
  EXPECT_EQ(section->line, 4);
  ASSERT_NE(section->find("aws_access_key_id"), nullptr);         // keys lower-cased
  EXPECT_EQ(section->find("aws_access_key_id")->value, "AKIA1");  // \r trimmed
  EXPECT_EQ(section->find("aws_access_key_id")->line, 5);
  EXPECT_EQ(section->find("region")->value, "eu-west-1");
  ASSERT_NE(file.find("profile dev"), nullptr);
  EXPECT_EQ(file.find("profile dev")->find("role_arn")->value, "arn:aws:iam::1:role/x");
}

TEST(IniFileTest, ValuesKeepHashesAndLaterDelimiters) {
  ASSERT_OK_AND_ASSIGN(const IniFile file,
                       parse_ini("[a]\nsecret = ab#cd;ef = gh: ij\nempty =\n", "f"));
  EXPECT_EQ(file.find("a")->find("secret")->value, "ab#cd;ef = gh: ij");
  EXPECT_EQ(file.find("a")->find("empty")->value, "");
}

TEST(IniFileTest, IndentedLinesContinueTheValue) {
  ASSERT_OK_AND_ASSIGN(const IniFile file, parse_ini("[default]\n"
                                                     "s3 =\n"
                                                     "  addressing_style = path\n"
                                                     "  # a comment inside\n"
                                                     "  signature_version = s3v4\n"
                                                     "region = us-east-1\n",
                                                     "f"));
  const IniSection* section = file.find("default");
  EXPECT_EQ(section->find("s3")->value, "\naddressing_style = path\nsignature_version = s3v4");
  EXPECT_EQ(section->find("region")->value, "us-east-1");
  EXPECT_EQ(section->find("addressing_style"), nullptr);
}

TEST(IniFileTest, ReadsALongSessionTokenWhole) {
  const std::string token(2000, 'T');
  ASSERT_OK_AND_ASSIGN(
      const IniFile file,
      parse_ini("[default]\naws_session_token = " + token + "\nregion = x\n", "f"));
  EXPECT_EQ(file.find("default")->find("aws_session_token")->value, token);
  EXPECT_EQ(file.find("default")->find("region")->value, "x");
}

TEST(IniFileTest, SectionHeaderMayEndWithAComment) {
  ASSERT_OK_AND_ASSIGN(const IniFile file, parse_ini("[dev] # work account\nk = v\n", "f"));
  EXPECT_NE(file.find("dev"), nullptr);
}

struct Malformed {
  const char* text;
  const char* message;
};

// The test's name in CTest (gtest_discover_tests prints the parameter): the reason, not the
// bytes of two pointers, which change from build to build.
void PrintTo(const Malformed& malformed, std::ostream* out) {
  *out << std::string_view(malformed.message).substr(sizeof("/home/u/.aws/credentials:") - 1);
}

class IniFileMalformedTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(IniFileMalformedTest, NamesFileLineAndReason) {
  const absl::StatusOr<IniFile> file = parse_ini(GetParam().text, "/home/u/.aws/credentials");
  EXPECT_STATUS(file, absl::StatusCode::kInvalidArgument, GetParam().message);
  // The value on the bad line (a secret, in a credentials file) is never quoted.
  EXPECT_EQ(file.status().message().find("SECRET"), absl::string_view::npos)
      << file.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Lines, IniFileMalformedTest,
    ::testing::Values(
        Malformed{"aws_secret_access_key = SECRET\n",
                  "/home/u/.aws/credentials:1: key = value before any [section] header"},
        Malformed{"[default]\nSECRET\n",
                  "/home/u/.aws/credentials:2: expected key = value, a [section] or a comment"},
        Malformed{"\n[default\nk = SECRET\n",
                  "/home/u/.aws/credentials:2: section header without a closing ']'"},
        Malformed{"[default] SECRET\n",
                  "/home/u/.aws/credentials:1: unexpected text after the section header"},
        Malformed{"[ ]\n", "/home/u/.aws/credentials:1: empty section name"},
        Malformed{"[a]\n = SECRET\n", "/home/u/.aws/credentials:2: empty key before '=' or ':'"},
        Malformed{"[a]\nk = 1\n[b]\n[a]\n",
                  "/home/u/.aws/credentials:4: section [a] repeats the one at line 1"},
        Malformed{"[a]\nk = SECRET\nK = SECRET\n",
                  "/home/u/.aws/credentials:3: key k repeats the one at line 2 in section [a]"}));

TEST(IniFileTest, LoadOfAMissingFileIsNoFile) {
  ASSERT_OK_AND_ASSIGN(const std::optional<IniFile> file,
                       load_ini("/nonexistent/datamesh/credentials"));
  EXPECT_FALSE(file.has_value());
}

TEST(IniFileTest, LoadOfAFolderIsAnError) {
  // A folder exists but is no file to read.
  EXPECT_STATUS(load_ini("/"), absl::StatusCode::kFailedPrecondition,
                "cannot read /: not a regular file");
}

}  // namespace
}  // namespace datamesh::aws
