#include "core/ids.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace datamesh::core {
namespace {

bool only_from(std::string_view text, std::string_view alphabet) {
  return std::all_of(text.begin(), text.end(),
                     [alphabet](char c) { return alphabet.find(c) != std::string_view::npos; });
}

constexpr std::string_view kDigits = "0123456789";

TEST(SubscriptionIdAlphabet, IsShortuuidsFiftySevenSymbols) {
  EXPECT_EQ(kSubscriptionIdAlphabet, "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");
  EXPECT_EQ(std::set<char>(kSubscriptionIdAlphabet.begin(), kSubscriptionIdAlphabet.end()).size(),
            57u);
}

TEST(NewSubscriptionId, Has22SymbolsOfTheAlphabet) {
  for (int i = 0; i < 200; ++i) {
    const std::string id = new_subscription_id();
    ASSERT_EQ(id.size(), 22u) << id;
    ASSERT_TRUE(only_from(id, kSubscriptionIdAlphabet)) << id;
  }
}

TEST(NewSubscriptionId, IsDifferentEachTime) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(new_subscription_id());
  EXPECT_EQ(seen.size(), 1000u);
}

// 256 = 4 * 57 + 28: reducing bytes modulo 57 without rejection would make the first 28
// symbols 5/4 as likely as the other 29. Over 44,000 symbols (about 770 per symbol) uniform
// draws keep the two groups' mean counts within a few percent of each other, while that bias
// would put them 25% apart; 10% separates the two with an astronomically small false-alarm
// rate. Every symbol must also turn up.
TEST(NewSubscriptionId, DrawsSymbolsUniformly) {
  std::array<int, 57> counts{};
  for (int i = 0; i < 2000; ++i) {
    for (char c : new_subscription_id()) ++counts[kSubscriptionIdAlphabet.find(c)];
  }
  double first = 0;
  double rest = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    EXPECT_GT(counts[i], 0) << "symbol " << kSubscriptionIdAlphabet[i] << " never drawn";
    (i < 28 ? first : rest) += counts[i];
  }
  const double ratio = (first / 28) / (rest / 29);
  EXPECT_GT(ratio, 0.9);
  EXPECT_LT(ratio, 1.1);
}

TEST(NewAccountId, Is12DigitsNotStartingWithZero) {
  std::set<char> leading;
  for (int i = 0; i < 500; ++i) {
    const std::string id = new_account_id();
    ASSERT_EQ(id.size(), 12u) << id;
    ASSERT_TRUE(only_from(id, kDigits)) << id;
    ASSERT_NE(id[0], '0') << id;
    leading.insert(id[0]);
  }
  EXPECT_EQ(leading.size(), 9u) << "every non-zero digit should lead some of 500 ids";
}

TEST(NewAccessKeyId, IsDmakAnd16UpperCaseLettersOrDigits) {
  std::set<char> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = new_access_key_id();
    ASSERT_EQ(id.size(), 20u) << id;
    ASSERT_EQ(id.substr(0, 4), "DMAK") << id;
    ASSERT_TRUE(only_from(id.substr(4), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")) << id;
    seen.insert(id.begin() + 4, id.end());
  }
  EXPECT_EQ(seen.size(), 36u);
}

TEST(NewSecretAccessKey, Is40Base64Characters) {
  std::set<char> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string key = new_secret_access_key();
    ASSERT_EQ(key.size(), 40u) << key;
    ASSERT_TRUE(only_from(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"))
        << key;
    seen.insert(key.begin(), key.end());
  }
  EXPECT_EQ(seen.size(), 64u);
  EXPECT_NE(new_secret_access_key(), new_secret_access_key());
}

TEST(NewHexId, Is32LowerCaseHexCharacters) {
  std::set<char> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = new_hex_id();
    ASSERT_EQ(id.size(), 32u) << id;
    ASSERT_TRUE(only_from(id, "0123456789abcdef")) << id;
    seen.insert(id.begin(), id.end());
  }
  EXPECT_EQ(seen.size(), 16u);
  EXPECT_NE(new_hex_id(), new_hex_id());
}

}  // namespace
}  // namespace datamesh::core
