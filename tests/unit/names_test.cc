#include "core/names.h"

#include <string>

#include "absl/status/status.h"
#include "core/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::core {
namespace {

using ::testing::HasSubstr;

std::string message(const absl::Status& status) { return std::string(status.message()); }

// --- account ids

TEST(ValidateAccountId, AcceptsTwelveDigits) {
  EXPECT_TRUE(validate_account_id("owner_account_id", "123456789012").ok());
  EXPECT_TRUE(validate_account_id("owner_account_id", "000000000000").ok());
}

TEST(ValidateAccountId, RejectsOtherLengthsAndNonDigits) {
  for (const char* value : {"", "12345678901", "1234567890123", "12345678901a", " 23456789012",
                            "-12345678901", "１２３４５６７８９０１２"}) {
    const absl::Status status = validate_account_id("owner_account_id", value);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << value;
  }
}

TEST(ValidateAccountId, NamesParameterValueAndRule) {
  EXPECT_EQ(message(validate_account_id("owner_account_id", "12ab")),
            "invalid owner_account_id \"12ab\": use 12 decimal digits");
}

// --- catalog names

TEST(HasAccountSuffix, TrueForTheDefaultMeshDatabaseForm) {
  EXPECT_TRUE(has_account_suffix("sales-111111111111"));
  EXPECT_TRUE(has_account_suffix("a-b-222222222222"));
}

TEST(HasAccountSuffix, FalseForOtherNames) {
  EXPECT_FALSE(has_account_suffix("sales"));
  EXPECT_FALSE(has_account_suffix("-111111111111"));        // no name before the account
  EXPECT_FALSE(has_account_suffix("sales_111111111111"));   // not a dash
  EXPECT_FALSE(has_account_suffix("sales-11111111111"));    // 11 digits
  EXPECT_FALSE(has_account_suffix("sales-11111111111a"));
  EXPECT_FALSE(has_account_suffix("sales-1111111111111"));  // 13 digits: "1" and 12 digits
}

TEST(ValidateCatalogName, AcceptsLowerCaseDigitsUnderscoreAndDash) {
  EXPECT_TRUE(validate_catalog_name("database_name", "sales").ok());
  EXPECT_TRUE(validate_catalog_name("database_name", "sales_2024-eu").ok());
  EXPECT_TRUE(validate_catalog_name("database_name", "a").ok());
  EXPECT_TRUE(validate_catalog_name("database_name", std::string(255, 'x')).ok());
}

TEST(ValidateCatalogName, RejectsUpperCaseSpacesAndEmpty) {
  EXPECT_EQ(message(validate_catalog_name("database_name", "Sales DB")),
            "invalid database_name \"Sales DB\": use 1 to 255 characters of lower-case "
            "letters, digits, '_' and '-'");
  for (const char* value : {"", "Sales", "sales db", "sales.db", "sales/db", "ventes-été"}) {
    EXPECT_EQ(validate_catalog_name("name", value).code(), absl::StatusCode::kInvalidArgument)
        << value;
  }
}

TEST(ValidateCatalogName, RejectsMoreThan255Characters) {
  EXPECT_EQ(validate_catalog_name("name", std::string(256, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateCatalogName, EscapesControlBytesAndShortensLongValuesInMessages) {
  EXPECT_THAT(message(validate_catalog_name("name", std::string("a\nb\0c", 5))),
              HasSubstr("\"a\\nb\\x00c\""));
  const std::string long_message = message(validate_catalog_name("name", std::string(5000, 'X')));
  EXPECT_THAT(long_message, HasSubstr("(5000 bytes)"));
  EXPECT_LT(long_message.size(), 300u);
}

// --- quoting values in messages

TEST(QuoteValue, KeepsPrintableUtf8AsItIs) {
  EXPECT_EQ(quote_value("ventes-été 東京"), "\"ventes-été 東京\"");
  EXPECT_EQ(quote_value(""), "\"\"");
}

TEST(QuoteValue, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(quote_value("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(quote_value(std::string("a\n\t\r\0\x7f", 6)), "\"a\\n\\t\\r\\x00\\x7f\"");
  EXPECT_EQ(quote_value("c1\xc2\x85"), "\"c1\\xc2\\x85\"");  // U+0085, a C1 control
}

TEST(QuoteValue, EscapesBytesThatAreNotUtf8SoTheMessageIsValidUtf8) {
  EXPECT_EQ(quote_value("bad\xff\xc3"), "\"bad\\xff\\xc3\"");
  const std::string quoted = quote_value("x\xe2\x82y");
  EXPECT_EQ(quoted, "\"x\\xe2\\x82y\"");
  EXPECT_TRUE(validate_text("message", quoted).ok());
}

TEST(QuoteValue, CutsLongValuesAtACharacterBoundaryAndGivesTheLength) {
  EXPECT_EQ(quote_value("abcdef", 4), "\"abcd\"... (6 bytes)");
  EXPECT_EQ(quote_value("abcd", 4), "\"abcd\"");
  // "é" is two bytes: cutting at 4 bytes must not split the second one.
  EXPECT_EQ(quote_value("aééé", 4), "\"aé\"... (7 bytes)");
}

// --- display names

TEST(ValidateDisplayName, AcceptsPrintableTextIncludingNonAscii) {
  EXPECT_TRUE(validate_display_name("name", "Sales team (EU)").ok());
  EXPECT_TRUE(validate_display_name("name", "Équipe données 東京").ok());
  EXPECT_TRUE(validate_display_name("name", std::string(64, 'n')).ok());
}

TEST(ValidateDisplayName, CountsCharactersNotBytes) {
  std::string sixty_four_e_acute;
  for (int i = 0; i < 64; ++i) sixty_four_e_acute += "é";  // 128 bytes
  EXPECT_TRUE(validate_display_name("name", sixty_four_e_acute).ok());
  EXPECT_EQ(validate_display_name("name", sixty_four_e_acute + "é").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateDisplayName, RejectsEmptyTooLongControlCharactersAndBadUtf8) {
  EXPECT_EQ(message(validate_display_name("name", "")),
            "invalid name \"\": use 1 to 64 printable characters of valid UTF-8, without "
            "control characters");
  for (const std::string& value :
       {std::string(65, 'n'), std::string("tab\there"), std::string("new\nline"),
        std::string("nul\0", 4), std::string("del\x7f"), std::string("c1\xc2\x85"),
        std::string("bad\xff"), std::string("overlong\xc0\xaf"),
        std::string("surrogate\xed\xa0\x80"), std::string("truncated\xe2\x82")}) {
    EXPECT_EQ(validate_display_name("name", value).code(), absl::StatusCode::kInvalidArgument)
        << value;
  }
}

// --- subscription ids

TEST(ValidateSubscriptionId, AcceptsGeneratedIds) {
  for (int i = 0; i < 50; ++i) {
    const std::string id = new_subscription_id();
    EXPECT_TRUE(validate_subscription_id("subscription_id", id).ok()) << id;
  }
}

TEST(ValidateSubscriptionId, RejectsWrongLengthAndLookAlikeSymbols) {
  const std::string valid = "ABCDEFGHJKLMNPQRSTUVWX";
  ASSERT_TRUE(validate_subscription_id("subscription_id", valid).ok());
  for (const std::string& value :
       {std::string(), valid.substr(1), valid + "Y", "0" + valid.substr(1), "1" + valid.substr(1),
        "I" + valid.substr(1), "O" + valid.substr(1), "l" + valid.substr(1),
        "-" + valid.substr(1)}) {
    EXPECT_EQ(validate_subscription_id("subscription_id", value).code(),
              absl::StatusCode::kInvalidArgument)
        << value;
  }
}

TEST(ValidateSubscriptionId, MessageShowsTheAlphabet) {
  EXPECT_EQ(message(validate_subscription_id("subscription_id", "nope")),
            "invalid subscription_id \"nope\": use 22 characters of "
            "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");
}

// --- free text

TEST(ValidateText, AcceptsEmptyMultiLineAndUnicodeText) {
  EXPECT_TRUE(validate_text("notes", "").ok());
  EXPECT_TRUE(validate_text("notes", "line one\nline two\ttabbed").ok());
  EXPECT_TRUE(validate_text("notes", "approved ✓ 🎉").ok());
  EXPECT_TRUE(validate_text("notes", std::string(4096, 'x')).ok());
}

TEST(ValidateText, RejectsMoreThan4096Bytes) {
  EXPECT_EQ(message(validate_text("notes", std::string(4097, 'x'))),
            "notes is 4097 bytes long; at most 4096 are allowed");
}

TEST(ValidateText, RejectsANulCharacterNamingTheOffset) {
  // PostgreSQL text cannot hold it; every store refuses it the same way.
  EXPECT_EQ(message(validate_text("notes", std::string("ok\0", 3))),
            "notes contains a NUL character (at offset 2)");
}

TEST(ValidateText, RejectsInvalidUtf8NamingTheOffset) {
  EXPECT_EQ(message(validate_text("notes", "ok\xff")),
            "notes is not valid UTF-8 (bad byte sequence at offset 2)");
  for (const std::string& value :
       {std::string("\x80"), std::string("\xc0\x80"), std::string("\xe0\x80\x80"),
        std::string("\xf0\x80\x80\x80"), std::string("\xed\xbf\xbf"),
        std::string("\xf4\x90\x80\x80"), std::string("\xf8\x88\x80\x80\x80"),
        std::string("\xe2\x82"), std::string("\xe2\x28\xa1")}) {
    EXPECT_EQ(validate_text("notes", value).code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(ValidateText, AcceptsTheLargestCodePoint) {
  EXPECT_TRUE(validate_text("notes", "\xf4\x8f\xbf\xbf").ok());  // U+10FFFF
}

// --- link suffixes

TEST(ValidateLinkSuffix, AcceptsEmptyAndUpTo64NameCharacters) {
  EXPECT_TRUE(validate_link_suffix("link_suffix", "").ok());
  EXPECT_TRUE(validate_link_suffix("link_suffix", "_link").ok());
  EXPECT_TRUE(validate_link_suffix("link_suffix", "-v2_eu").ok());
  EXPECT_TRUE(validate_link_suffix("link_suffix", std::string(64, 'x')).ok());
}

TEST(ValidateLinkSuffix, RejectsOtherCharactersAndMoreThan64) {
  EXPECT_EQ(message(validate_link_suffix("link_suffix", "_Link")),
            "invalid link_suffix \"_Link\": use 0 to 64 characters of lower-case letters, "
            "digits, '_' and '-'");
  EXPECT_EQ(validate_link_suffix("link_suffix", std::string(65, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(validate_link_suffix("link_suffix", "a.b").code(), absl::StatusCode::kInvalidArgument);
}

// --- role ARNs

TEST(ValidateRoleArn, AcceptsAwsAndDatameshPartitionsWithAndWithoutPath) {
  for (const char* value : {"arn:aws:iam::123456789012:role/DataMeshAdmin",
                            "arn:datamesh:iam::123456789012:role/consumer",
                            "arn:aws:iam::123456789012:role/service-role/my.role+x=y,z@w_v-u"}) {
    EXPECT_TRUE(validate_role_arn("role_arn", value).ok()) << value;
  }
}

TEST(ValidateRoleArn, RejectsMalformedArns) {
  for (const std::string& value : {
           std::string(""),
           std::string("arn:aws:iam::123456789012:user/bob"),
           std::string("arn:aws-cn:iam::123456789012:role/r"),
           std::string("arn:aws:s3::123456789012:role/r"),
           std::string("arn:aws:iam:eu-west-1:123456789012:role/r"),
           std::string("arn:aws:iam::12345678901:role/r"),
           std::string("arn:aws:iam::1234567890123:role/r"),
           std::string("arn:aws:iam::12345678901a:role/r"),
           std::string("arn:aws:iam::123456789012:role/"),
           std::string("arn:aws:iam::123456789012:role//r"),
           std::string("arn:aws:iam::123456789012:role/path/"),
           std::string("arn:aws:iam::123456789012:role/has space"),
           std::string("arn:aws:iam::123456789012:role/") + std::string(65, 'r'),
           std::string("ARN:aws:iam::123456789012:role/r"),
       }) {
    EXPECT_EQ(validate_role_arn("role_arn", value).code(), absl::StatusCode::kInvalidArgument)
        << value;
  }
}

TEST(ValidateRoleArn, AcceptsA64CharacterName) {
  EXPECT_TRUE(
      validate_role_arn("role_arn", "arn:aws:iam::123456789012:role/" + std::string(64, 'r')).ok());
}

TEST(ValidateRoleArn, MessageNamesParameterValueAndForm) {
  const std::string text = message(validate_role_arn("role_arn", "arn:aws:iam::1:role/r"));
  EXPECT_THAT(text, HasSubstr("invalid role_arn \"arn:aws:iam::1:role/r\": use "
                              "arn:aws:iam::<12-digit account id>:role/<name>"));
}

}  // namespace
}  // namespace datamesh::core
