// server::RememberedKeys: a caller comes back only for its key's day and a signature made with
// the remembered signing key; forgetting, replacing and a full set.
#include "server/remembered_keys.h"

#include <string>

#include "aws/sigv4.h"
#include "gtest/gtest.h"

namespace datamesh::server_test {
namespace {

constexpr char kToSign[] = "AWS4-HMAC-SHA256\n20260102T030405Z\n20260102/eu-west-1/datamesh/"
                           "aws4_request\nabc";

core::Caller caller_of(const std::string& key, const std::string& account) {
  return core::Caller{.account = {.account_id = account, .name = "account " + account},
                      .access_key_id = key};
}

std::string signing_key_of(const std::string& secret, const std::string& date) {
  return aws::signing_key(secret, date, "eu-west-1", "datamesh");
}

// The Authorization a client signing kToSign with `secret` on `date` sends.
aws::Authorization signed_by(const std::string& key, const std::string& secret,
                             const std::string& date) {
  return aws::Authorization{.access_key_id = key,
                            .date = date,
                            .region = "eu-west-1",
                            .service = "datamesh",
                            .signature = aws::signature(signing_key_of(secret, date), kToSign)};
}

TEST(RememberedKeysTest, ARememberedKeyGivesItsCallerForASignatureMadeWithIt) {
  server::RememberedKeys keys;
  keys.remember(caller_of("AKIA1", "111111111111"), "20260102",
                signing_key_of("secret-1", "20260102"));
  const auto caller = keys.caller_if_signed(signed_by("AKIA1", "secret-1", "20260102"), kToSign);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->account.account_id, "111111111111");
  EXPECT_EQ(caller->access_key_id, "AKIA1");
}

TEST(RememberedKeysTest, AnotherDayAnotherSecretOrAnotherStringToSignGiveNothing) {
  server::RememberedKeys keys;
  keys.remember(caller_of("AKIA1", "111111111111"), "20260102",
                signing_key_of("secret-1", "20260102"));
  EXPECT_FALSE(keys.caller_if_signed(signed_by("AKIA1", "secret-1", "20260103"), kToSign));
  EXPECT_FALSE(keys.caller_if_signed(signed_by("AKIA1", "secret-2", "20260102"), kToSign));
  EXPECT_FALSE(keys.caller_if_signed(signed_by("AKIA1", "secret-1", "20260102"), "changed"));
  EXPECT_FALSE(keys.caller_if_signed(signed_by("AKIA2", "secret-1", "20260102"), kToSign));
}

TEST(RememberedKeysTest, AForgottenKeyGivesNothingAndARememberedOneIsReplaced) {
  server::RememberedKeys keys;
  keys.remember(caller_of("AKIA1", "111111111111"), "20260102",
                signing_key_of("secret-1", "20260102"));
  keys.forget("AKIA1");
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_FALSE(keys.caller_if_signed(signed_by("AKIA1", "secret-1", "20260102"), kToSign));

  keys.remember(caller_of("AKIA1", "111111111111"), "20260102",
                signing_key_of("secret-1", "20260102"));
  core::Caller changed = caller_of("AKIA1", "111111111111");
  changed.account.producer_enabled = true;
  keys.remember(changed, "20260103", signing_key_of("secret-1", "20260103"));
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_FALSE(keys.caller_if_signed(signed_by("AKIA1", "secret-1", "20260102"), kToSign));
  const auto caller = keys.caller_if_signed(signed_by("AKIA1", "secret-1", "20260103"), kToSign);
  ASSERT_TRUE(caller.has_value());
  EXPECT_TRUE(caller->account.producer_enabled);
}

TEST(RememberedKeysTest, AFullSetIsEmptiedBeforeTheNextKey) {
  server::RememberedKeys keys(/*capacity=*/2);
  for (const std::string id : {"AKIA1", "AKIA2", "AKIA3"}) {
    keys.remember(caller_of(id, "111111111111"), "20260102",
                  signing_key_of("secret-" + id, "20260102"));
  }
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_FALSE(keys.caller_if_signed(signed_by("AKIA1", "secret-AKIA1", "20260102"), kToSign));
  EXPECT_TRUE(keys.caller_if_signed(signed_by("AKIA3", "secret-AKIA3", "20260102"), kToSign));
}

}  // namespace
}  // namespace datamesh::server_test
