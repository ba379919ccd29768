// The subscription document of the SQL stores (store/sql/documents.h): written without a JSON
// DOM, it must be the very text nlohmann's dump() wrote before, so that rows written by older
// and newer binaries read alike, and it must read back to the same subscription. Reading skips
// unknown keys, leaves missing ones as they were and refuses a value of the wrong type.
#include "store/sql/documents.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::store::sql {
namespace {

// Every character class the writer escapes differently: quotes, backslashes, the five named
// control characters, other control characters, DEL, and multi-byte UTF-8.
const std::string kAwkward =
    std::string("q\"b\\s/ \b\f\n\r\t \x01\x1f \x7f é 日本 \xF0\x9F\x93\x8A") +
    std::string(1, '\0') + "end";

Subscription awkward_subscription(bool imported) {
  return Subscription{.subscription_id = "sub-1",
                      .type = "TABLE",
                      .table_names = {"orders", kAwkward},
                      .requested_grants = {"SELECT", "INSERT"},
                      .permitted_grants = {},
                      .grantable_grants = {"SELECT"},
                      .creation_date = "2026-01-02 03:04:05",
                      .created_by = "arn:aws:iam::222222222222:role/" + kAwkward,
                      .updated_date = "",
                      .updated_by = kAwkward,
                      .notes = {kAwkward, "", "second"},
                      .ram_shares = {"arn:aws:ram:eu-west-1:999999999999:resource-share/x"},
                      .granted_table_arns = {},
                      .imported_to_consumer = imported};
}

// What the stores wrote before: nlohmann's DOM of the same members, dumped.
std::string as_nlohmann_wrote(const Subscription& s) {
  const nlohmann::json document = {{"type", s.type},
                                   {"table_names", s.table_names},
                                   {"requested_grants", s.requested_grants},
                                   {"permitted_grants", s.permitted_grants},
                                   {"grantable_grants", s.grantable_grants},
                                   {"creation_date", s.creation_date},
                                   {"created_by", s.created_by},
                                   {"updated_date", s.updated_date},
                                   {"updated_by", s.updated_by},
                                   {"notes", s.notes},
                                   {"ram_shares", s.ram_shares},
                                   {"granted_table_arns", s.granted_table_arns},
                                   {"imported_to_consumer", s.imported_to_consumer}};
  return document.dump();
}

TEST(SubscriptionDocument, IsTheTextNlohmannsDumpWroteForTheSameMembers) {
  for (const bool imported : {false, true}) {
    const Subscription subscription = awkward_subscription(imported);
    ASSERT_OK_AND_ASSIGN(const std::string text, encode_subscription_document(subscription));
    EXPECT_EQ(text, as_nlohmann_wrote(subscription));
  }
  const Subscription empty{.subscription_id = "sub-2"};
  ASSERT_OK_AND_ASSIGN(const std::string text, encode_subscription_document(empty));
  EXPECT_EQ(text, as_nlohmann_wrote(empty));
}

TEST(SubscriptionDocument, ReadsBackToTheSameSubscription) {
  const Subscription written = awkward_subscription(true);
  ASSERT_OK_AND_ASSIGN(const std::string text, encode_subscription_document(written));
  Subscription read;
  ASSERT_OK(decode_subscription_document(text, "subscription sub-1", read));
  EXPECT_EQ(read.type, written.type);
  EXPECT_EQ(read.table_names, written.table_names);
  EXPECT_EQ(read.requested_grants, written.requested_grants);
  EXPECT_EQ(read.permitted_grants, written.permitted_grants);
  EXPECT_EQ(read.grantable_grants, written.grantable_grants);
  EXPECT_EQ(read.creation_date, written.creation_date);
  EXPECT_EQ(read.created_by, written.created_by);
  EXPECT_EQ(read.updated_date, written.updated_date);
  EXPECT_EQ(read.updated_by, written.updated_by);
  EXPECT_EQ(read.notes, written.notes);
  EXPECT_EQ(read.ram_shares, written.ram_shares);
  EXPECT_EQ(read.granted_table_arns, written.granted_table_arns);
  EXPECT_EQ(read.imported_to_consumer, written.imported_to_consumer);
}

TEST(SubscriptionDocument, ReadingSkipsUnknownKeysAndLeavesMissingOnesAsTheyWere) {
  Subscription read{.type = "before", .notes = {"kept?"}, .imported_to_consumer = true};
  ASSERT_OK(decode_subscription_document(
      R"({"zzz_later":{"a":[1]},"table_names":["t1","t2"],"type":"DATABASE"})", "subscription s",
      read));
  EXPECT_EQ(read.type, "DATABASE");
  EXPECT_EQ(read.table_names, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(read.notes, (std::vector<std::string>{"kept?"}));
  EXPECT_TRUE(read.imported_to_consumer);
}

TEST(SubscriptionDocument, AValueOfTheWrongTypeIsAnErrorNamingItsKey) {
  Subscription read;
  EXPECT_STATUS(decode_subscription_document(R"({"type":"TABLE","notes":"one"})", "subscription s",
                                             read),
                absl::StatusCode::kInternal,
                "subscription s has an unreadable document in the mesh store: \"notes\": ");
  EXPECT_STATUS(decode_subscription_document(R"({"imported_to_consumer":1})", "subscription s",
                                             read),
                absl::StatusCode::kInternal, "\"imported_to_consumer\": ");
  // An element of the wrong type, however many good ones follow it.
  EXPECT_STATUS(decode_subscription_document(R"({"notes":["a",1,"b"]})", "subscription s", read),
                absl::StatusCode::kInternal, "\"notes\": ");
  EXPECT_STATUS(decode_subscription_document("[1]", "subscription s", read),
                absl::StatusCode::kInternal,
                "subscription s is not a JSON object in the mesh store");
}

TEST(SubscriptionDocument, TextThatIsNotUtf8IsRefusedNamingTheSubscription) {
  Subscription subscription = awkward_subscription(false);
  subscription.notes.push_back("cut \xE6\x97 short");
  EXPECT_STATUS(encode_subscription_document(subscription), absl::StatusCode::kInvalidArgument,
                "subscription sub-1 holds text that is not valid UTF-8");
}

}  // namespace
}  // namespace datamesh::store::sql
