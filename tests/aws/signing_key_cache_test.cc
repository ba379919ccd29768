// The fast SHA-256 / HMAC-SHA256 of base/sha256.cc against RFC 4231 and OpenSSL's own HMAC,
// and SigningKeyCache: same keys as signing_key(), derived once per secret and scope, never
// found for another secret, emptied when full; sign/verify give the same answers with it.
#include "aws/signing_key_cache.h"

#include <openssl/hmac.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "aws/example_key.h"
#include "aws/sigv4.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::string openssl_hmac(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

// RFC 4231 test cases 1, 6 and 7 (6 and 7 have a 131-byte key, longer than SHA-256's block).
TEST(HmacSha256, MatchesRfc4231KeysShorterAndLongerThanABlock) {
  EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'),
                            "This is a test using a larger than block-size key and a larger than "
                            "block-size data. The key needs to be hashed before being used by the "
                            "HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, MatchesOpenSslForEveryKeyLengthAroundTheBlock) {
  const std::string data = "AWS4-HMAC-SHA256\n20261123T105516Z\n20261123/us-east-1/datamesh";
  for (size_t length = 0; length <= 130; ++length) {
    std::string key(length, '\0');
    for (size_t i = 0; i < length; ++i) key[i] = static_cast<char>(i * 7 + 1);
    EXPECT_EQ(hmac_sha256(key, data), openssl_hmac(key, data)) << "key of " << length << " bytes";
  }
}

TEST(Sha256Hex, GivesTheSameDigestsOnManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        if (sha256_hex("abc") !=
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ||
            sha256_hex("") != kEmptySha256) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(SigningKeyCache, GivesTheKeySigningKeyDerivesAndDerivesItOnce) {
  SigningKeyCache cache;
  const std::string expected = signing_key(example::kExampleSecret, "20150830", "us-east-1", "iam");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cache.get(example::kExampleSecret, "20150830", "us-east-1", "iam"), expected);
  }
  EXPECT_EQ(cache.derivations(), 1u);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SigningKeyCache, DerivesAgainForAnotherSecretDayRegionOrService) {
  SigningKeyCache cache;
  cache.get(example::kExampleSecret, "20150830", "us-east-1", "iam");
  const std::string other_secret = "AnotherSecretAnotherSecretAnotherSecret0";
  EXPECT_EQ(cache.get(other_secret, "20150830", "us-east-1", "iam"),
            signing_key(other_secret, "20150830", "us-east-1", "iam"));
  EXPECT_EQ(cache.get(example::kExampleSecret, "20150831", "us-east-1", "iam"),
            signing_key(example::kExampleSecret, "20150831", "us-east-1", "iam"));
  EXPECT_EQ(cache.get(example::kExampleSecret, "20150830", "eu-west-1", "iam"),
            signing_key(example::kExampleSecret, "20150830", "eu-west-1", "iam"));
  EXPECT_EQ(cache.get(example::kExampleSecret, "20150830", "us-east-1", "datamesh"),
            signing_key(example::kExampleSecret, "20150830", "us-east-1", "datamesh"));
  EXPECT_EQ(cache.derivations(), 5u);
  EXPECT_EQ(cache.size(), 5u);
}

TEST(SigningKeyCache, FullCacheIsEmptiedAndStillAnswers) {
  SigningKeyCache cache(2);
  cache.get(example::kExampleSecret, "20150830", "us-east-1", "a");
  cache.get(example::kExampleSecret, "20150830", "us-east-1", "b");
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.get(example::kExampleSecret, "20150830", "us-east-1", "c"),
            signing_key(example::kExampleSecret, "20150830", "us-east-1", "c"));
  EXPECT_EQ(cache.size(), 1u);
  // "a" was dropped with the rest, so it is derived again.
  cache.get(example::kExampleSecret, "20150830", "us-east-1", "a");
  EXPECT_EQ(cache.derivations(), 4u);
}

TEST(SigningKeyCache, SignAndVerifyAnswerTheSameWithAndWithoutIt) {
  SigningKeyCache cache;
  const SigningKey key{"AKIDEXAMPLE", std::string(example::kExampleSecret), ""};
  const Scope scope{"us-east-1", std::string(kDatameshService)};
  const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{9};
  HttpRequest plain{.method = "POST",
                    .path = "/v1/consumer/get-subscription",
                    .headers = {{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/json"}},
                    .body = R"({"request_id":"x"})"};
  HttpRequest cached = plain;
  ASSERT_OK(sign(plain, key, scope, now));
  ASSERT_OK(sign(cached, key, scope, now, &cache));
  ASSERT_OK(sign(cached, key, scope, now, &cache));  // re-signed from the cache
  EXPECT_EQ(plain.headers, cached.headers);
  EXPECT_EQ(cache.derivations(), 1u);

  ASSERT_OK_AND_ASSIGN(const Authorization auth,
                       parse_authorization(header_values(cached, "authorization")[0]));
  EXPECT_OK(
      verify(cached, auth, example::kExampleSecret, scope, now, std::chrono::minutes(5), &cache));
  EXPECT_EQ(cache.derivations(), 1u);
  // A wrong secret finds no cached key, and fails as without the cache.
  const absl::Status wrong = verify(cached, auth, "WrongSecretWrongSecretWrongSecretWrong00", scope,
                                    now, std::chrono::minutes(5), &cache);
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(std::string(wrong.message()).starts_with(kSignatureMismatch)) << wrong;
}

}  // namespace
}  // namespace datamesh::aws
