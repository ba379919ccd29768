// answer_text (api/answer_json.h, api/field_text.h): the server's answers written without the
// DOM are byte for byte dump_json(answer_to_json(...)), for the answer of every declaration, in
// its wrap, empty and with every field filled.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "api/answer_json.h"
#include "api/json_codec.h"
#include "api/methods.h"
#include "gtest/gtest.h"

namespace datamesh::api {
namespace {

// Text that every escape of the writer meets: quotes, backslashes, each named control character,
// other control characters, DEL, non-ASCII UTF-8 and characters that sort before letters.
std::string tricky(int seed) {
  return "v" + std::to_string(seed) + " \"q\" \\ \b\f\n\r\t \x01\x1f\x7f ü € 𝄞 [a,{b}]";
}

template <class T>
void fill(T& value, int seed, int depth);

template <class M>
void fill_member(M& member, int seed, int depth) {
  if constexpr (std::is_same_v<M, std::string>) {
    member = tricky(seed);
  } else if constexpr (std::is_same_v<M, bool>) {
    member = true;
  } else if constexpr (std::is_integral_v<M>) {
    member = static_cast<M>(seed % 2 == 0 ? -1000 - seed : INT32_MAX - seed);
  } else if constexpr (std::is_same_v<M, nlohmann::json>) {
    member = {{"z", tricky(seed)}, {"A", {1, -2, nullptr, true, 2.5}}};
  } else if constexpr (field_json_internal::IsOptional<M>::value) {
    fill_member(member.emplace(), seed, depth);
  } else if constexpr (std::is_same_v<M, std::map<std::string, std::string>>) {
    member = {{"b", tricky(seed)}, {"A", ""}, {"a\n", "x"}};
  } else if constexpr (kIsList<M>) {
    member.resize(2);
    fill_member(member[0], seed + 1, depth);
    fill_member(member[1], seed + 2, depth);
  } else {
    fill(member, seed, depth + 1);
  }
}

// Every field without a codec filled (codec members keep their default, which their own cases
// below fill); described members to a depth of 3.
template <class T>
void fill(T& value, int seed, int depth) {
  if (depth > 3) return;
  int n = seed;
  for_each_field<T>([&](const auto& f) {
    using F = std::remove_cvref_t<decltype(f)>;
    if constexpr (std::is_same_v<typename F::codec_type, Plain>) {
      fill_member(f.get(value), ++n, depth);
    }
  });
}

template <class T>
void expect_same_text(const T& value, Wrap wrap, std::string_view what) {
  EXPECT_EQ(answer_text(value, wrap), dump_json(answer_to_json(value, wrap))) << what;
}

template <class Req, class Ans>
void expect_same_texts(const Method<Req, Ans>& method) {
  const Ans empty{};
  expect_same_text(empty, method.wrap, method.name);
  if constexpr (!std::is_same_v<Ans, None>) {
    Ans filled{};
    fill_member(filled, 1, 0);
    expect_same_text(filled, method.wrap, method.name);
    // Every wrap, whichever the declaration has.
    for (const Wrap wrap : {Wrap{Wrap::kBare, {}}, Wrap{Wrap::kUnderKey, "Answer"},
                            Wrap{Wrap::kListOfOneUnderKey, "Answers"}}) {
      expect_same_text(filled, wrap, method.name);
    }
  }
}

TEST(AnswerTextTest, EveryDeclarationsAnswerIsTheDomsDumpEmptyAndFilled) {
  std::apply([](const auto&... method) { (expect_same_texts(method), ...); }, methods::kMethods);
}

TEST(AnswerTextTest, CodecFieldsAreWrittenAsTheirCodecWritesThem) {
  Subscription subscription;
  fill(subscription, 7, 0);
  for (const SubscriptionStatus status :
       {SubscriptionStatus::kPending, SubscriptionStatus::kActive, SubscriptionStatus::kDenied,
        SubscriptionStatus::kDeleted}) {
    subscription.status = status;
    expect_same_text(subscription, {Wrap::kListOfOneUnderKey, "Subscriptions"}, "subscription");
  }

  AuditEvent event;
  fill(event, 3, 0);
  for (const char* details : {"", "{}", R"({"b":"\u00fc","a":[1,{"z":null}]})", "not json"}) {
    event.details_json = details;
    expect_same_text(event, {}, details);
  }

  Table table;
  fill(table, 5, 0);
  table.create_time = "2026-12-06 09:30:00";
  table.update_time = "";
  table.version_id = 42;
  expect_same_text(table, {Wrap::kUnderKey, "Table"}, "table");
}

// A kOptional described member that writes as {} is left out, as write_json leaves it out.
TEST(AnswerTextTest, EmptyOptionalMembersAreLeftOutAsTheDomLeavesThemOut) {
  Table table;
  table.input.name = "orders";
  expect_same_text(table, {}, "a table with nothing but its name");
  EXPECT_EQ(answer_text(table, {}).find("StorageDescriptor"), std::string::npos)
      << answer_text(table, {});
  // A storage descriptor with a location: written, without its empty SerdeInfo.
  table.input.storage_descriptor.emplace().location = "s3://bucket/orders/";
  expect_same_text(table, {}, "a table with a location");
  EXPECT_NE(answer_text(table, {}).find("\"Location\""), std::string::npos);
  EXPECT_EQ(answer_text(table, {}).find("SerdeInfo"), std::string::npos) << answer_text(table, {});
}

// A streamed list's entries (Route::text_stream) are written as dumping each entry's JSON writes.
TEST(AnswerTextTest, AStreamedEntrysTextIsItsJsonsDump) {
  DataProductTable table;
  fill(table, 11, 0);
  EXPECT_EQ(answer_text(table, Wrap{}), dump_json(answer_value_json(table)));
  table.table_name = "not \xFF UTF-8";
  EXPECT_EQ(answer_text(table, Wrap{}), dump_json(answer_value_json(table)));
  const std::string text = answer_text(table, Wrap{});
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << text;
}

// Text that is not UTF-8 is answered as nlohmann answers it: each bad sequence replaced.
TEST(AnswerTextTest, TextThatIsNotUtf8IsReplacedAsTheDomReplacesIt) {
  Subscription subscription;
  subscription.subscription_id = "bad \xC3 and \xFF\xFE end";
  subscription.notes = {"fine", "\xE2\x82"};
  const std::string text = answer_text(subscription, {});
  EXPECT_EQ(text, dump_json(answer_to_json(subscription, {})));
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << text;
}

}  // namespace
}  // namespace datamesh::api
