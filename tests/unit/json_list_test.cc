// JsonListWriter and JsonListReader (api/json_list.h): a streamed list answer's text is byte for
// byte the whole answer's dump, compact (HTTP) and indented (CLI), and reads back entry by entry
// from pieces of any size.
#include "api/json_list.h"

#include <string>
#include <vector>

#include "api/json_codec.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::api {
namespace {

using json = nlohmann::json;

// Entries whose strings hold what could fool a reader: brackets, commas, quotes, escapes,
// newlines, non-ASCII text.
std::vector<json> entries(int count) {
  std::vector<json> out;
  for (int i = 0; i < count; ++i) {
    out.push_back({{"DatabaseName", "sales-111111111111"},
                   {"TableName", "t" + std::to_string(i) + " [a, b] {c}"},
                   {"Location", "s3://b/\"q\"\\,\n\tü/" + std::to_string(i)},
                   {"Nested", {{"List", {1, json::array(), json::object(), "]"}}}}});
  }
  return out;
}

json whole(const std::vector<json>& list, Wrap wrap) {
  const json array(list);
  if (wrap.kind == Wrap::kUnderKey) return {{std::string(wrap.key), array}};
  return array;
}

std::string written(const std::vector<json>& list, Wrap wrap, int indent) {
  std::string text;
  JsonListWriter writer(wrap, indent, [&text](std::string_view piece) {
    text += piece;
    return absl::OkStatus();
  });
  for (const json& entry : list) EXPECT_OK(writer.add(entry));
  EXPECT_OK(writer.finish());
  return text;
}

TEST(JsonListWriterTest, WritesWhatDumpingTheWholeAnswerGives) {
  for (const Wrap wrap : {Wrap{}, Wrap{Wrap::kUnderKey, "Tables"}}) {
    for (int count : {0, 1, 3}) {
      SCOPED_TRACE(testing::Message() << "wrap " << wrap.kind << ", " << count << " entries");
      const json answer = whole(entries(count), wrap);
      EXPECT_EQ(written(entries(count), wrap, -1), dump_json(answer));
      EXPECT_EQ(written(entries(count), wrap, 2),
                answer.dump(2, ' ', false, json::error_handler_t::replace));
    }
  }
}

// The HTTP server adds entries it wrote as text (answer_text, bare): the same bytes as add(json).
TEST(JsonListWriterTest, EntriesAddedAsCompactTextWriteWhatAddingTheirJsonWrites) {
  for (const Wrap wrap : {Wrap{}, Wrap{Wrap::kUnderKey, "Tables"}}) {
    for (int count : {0, 1, 3}) {
      SCOPED_TRACE(testing::Message() << "wrap " << wrap.kind << ", " << count << " entries");
      std::string text;
      JsonListWriter writer(wrap, -1, [&text](std::string_view piece) {
        text += piece;
        return absl::OkStatus();
      });
      for (const json& entry : entries(count)) EXPECT_OK(writer.add_text(dump_json(entry)));
      EXPECT_OK(writer.finish());
      EXPECT_EQ(text, written(entries(count), wrap, -1));
    }
  }
}

TEST(JsonListWriterTest, CompactTextIsRefusedByAnIndentedList) {
  JsonListWriter writer(Wrap{}, 2, [](std::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(writer.add_text("{}").code(), absl::StatusCode::kInternal);
}

TEST(JsonListWriterTest, WritesNothingBeforeTheFirstEntryAndStopsAtTheOutputsError) {
  int writes = 0;
  JsonListWriter writer(Wrap{}, -1, [&writes](std::string_view) {
    ++writes;
    return absl::UnavailableError("stdout closed");
  });
  EXPECT_EQ(writes, 0);
  EXPECT_EQ(writer.add(entries(1)[0]).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(writes, 1);
}

std::vector<json> read_back(const std::string& text, size_t piece, absl::Status& finished) {
  std::vector<json> got;
  JsonListReader reader([&got](const json& entry) {
    got.push_back(entry);
    return absl::OkStatus();
  });
  for (size_t at = 0; at < text.size(); at += piece) {
    EXPECT_OK(reader.feed(std::string_view(text).substr(at, piece)));
  }
  EXPECT_EQ(reader.entries(), static_cast<int64_t>(got.size()));
  finished = reader.finish();
  return got;
}

TEST(JsonListReaderTest, ReadsEveryEntryFromPiecesOfAnySize) {
  for (const Wrap wrap : {Wrap{}, Wrap{Wrap::kUnderKey, "Tables"}}) {
    for (int indent : {-1, 2}) {
      for (int count : {0, 1, 3}) {
        const std::string text = written(entries(count), wrap, indent);
        for (size_t piece : {size_t{1}, size_t{7}, text.size()}) {
          SCOPED_TRACE(testing::Message() << "wrap " << wrap.kind << ", indent " << indent << ", "
                                          << count << " entries, pieces of " << piece);
          absl::Status finished;
          EXPECT_EQ(read_back(text, piece, finished), entries(count));
          EXPECT_OK(finished);
        }
      }
    }
  }
}

TEST(JsonListReaderTest, AnAnswerCutBeforeItsEndIsDataLoss) {
  const std::string text = written(entries(3), Wrap{}, -1);
  for (size_t cut : {size_t{0}, size_t{1}, text.size() / 2, text.size() - 1}) {
    absl::Status finished;
    const std::vector<json> got = read_back(text.substr(0, cut), 5, finished);
    EXPECT_EQ(finished.code(), absl::StatusCode::kDataLoss) << "cut at " << cut;
    EXPECT_LT(got.size(), 3u);
  }
}

TEST(JsonListReaderTest, StopsAtTheCallbacksErrorAndRefusesAnEntryThatIsNotJson) {
  const std::string text = written(entries(3), Wrap{}, -1);
  int calls = 0;
  JsonListReader stopping([&calls](const json&) {
    ++calls;
    return absl::CancelledError("enough");
  });
  EXPECT_EQ(stopping.feed(text).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);

  JsonListReader reader([](const json&) { return absl::OkStatus(); });
  EXPECT_EQ(reader.feed("[{\"a\": tru},").code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datamesh::api
