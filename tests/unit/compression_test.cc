// base::deflated and base::inflated: what is deflated inflates back whole, gzip's format is read
// too, and data that is cut short, corrupt or larger than allowed is refused, saying which.
#include "base/compression.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::base {
namespace {

// A plan-like text: repetitive JSON, with bytes of every value.
std::string sample() {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += "{\"table_name\":\"t" + std::to_string(i) + "\",\"permission\":\"SELECT\"},";
  }
  for (int byte = 0; byte < 256; ++byte) text += static_cast<char>(byte);
  return text;
}

TEST(CompressionTest, DeflatedDataInflatesBackWholeAndSmaller) {
  const std::string text = sample();
  const std::string packed = deflated(text);
  EXPECT_LT(packed.size(), text.size() / 4);
  const absl::StatusOr<std::string> back = inflated(packed, text.size());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, text);
  EXPECT_EQ(inflated(deflated(""), 0).value_or("not empty"), "");
}

TEST(CompressionTest, GzipsFormatIsReadToo) {
  // `printf hello | gzip -n`
  const unsigned char gzip[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x86,
                                0xa6, 0x10, 0x36, 0x05, 0x00, 0x00, 0x00};
  const absl::StatusOr<std::string> text =
      inflated(std::string_view(reinterpret_cast<const char*>(gzip), sizeof(gzip)), 100);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "hello");
}

TEST(CompressionTest, DataCutShortIsDataLoss) {
  const std::string packed = deflated(sample());
  const absl::StatusOr<std::string> cut = inflated(packed.substr(0, packed.size() / 2), 1 << 20);
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kDataLoss) << cut.status();
  EXPECT_EQ(cut.status().message(), "compressed data is cut short");
}

TEST(CompressionTest, CorruptDataIsDataLossWithZlibsReason) {
  std::string packed = deflated(sample());
  packed[0] = '\0';  // no zlib or gzip header
  const absl::StatusOr<std::string> corrupt = inflated(packed, 1 << 20);
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kDataLoss) << corrupt.status();
  EXPECT_EQ(corrupt.status().message(), "compressed data is corrupt (zlib: incorrect header check)");
}

TEST(CompressionTest, DataLargerThanAllowedIsRefusedBeforeItIsAllInflated) {
  const std::string text(1 << 20, 'a');
  const absl::StatusOr<std::string> refused = inflated(deflated(text), text.size() - 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
  EXPECT_EQ(refused.status().message(), "compressed data inflates to more than 1048575 bytes");
}

TEST(CompressionTest, InflatedExactlyHoldsToTheRecordedSize) {
  const std::string text = "a plan of some steps";
  const std::string packed = deflated(text);
  EXPECT_EQ(inflated_exactly(packed, text.size(), "the plan").value_or("damaged"), text);
  // Shorter than recorded: the record and the data disagree.
  const absl::StatusOr<std::string> short_data =
      inflated_exactly(packed, text.size() + 1, "the plan");
  EXPECT_EQ(short_data.status().code(), absl::StatusCode::kDataLoss) << short_data.status();
  EXPECT_EQ(short_data.status().message(),
            "the plan is damaged: it does not inflate to its 21 bytes (it holds 20)");
  // Longer than recorded, and corrupt: the cause is named.
  const absl::StatusOr<std::string> long_data =
      inflated_exactly(packed, text.size() - 1, "the plan");
  EXPECT_EQ(long_data.status().code(), absl::StatusCode::kDataLoss) << long_data.status();
  EXPECT_EQ(long_data.status().message(),
            "the plan is damaged: it does not inflate to its 19 bytes: compressed data inflates "
            "to more than 19 bytes");
  const absl::StatusOr<std::string> negative = inflated_exactly(packed, -1, "the plan");
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kDataLoss) << negative.status();
  EXPECT_EQ(negative.status().message(), "the plan is damaged: it records a size of -1 bytes");
  const absl::StatusOr<std::string> corrupt = inflated_exactly("not zlib", 8, "the plan");
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kDataLoss) << corrupt.status();
  EXPECT_THAT(std::string(corrupt.status().message()),
              ::testing::StartsWith("the plan is damaged: it does not inflate to its 8 bytes: "
                                    "compressed data is"));
}

}  // namespace
}  // namespace datamesh::base
