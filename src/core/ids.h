// Random identifiers: subscription ids, account ids, access keys and share ids.
// Thread-safe (OpenSSL's CSPRNG).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace datamesh::core {

// shortuuid's alphabet: digits and letters without the look-alikes 0, 1, I, O and l.
inline constexpr std::string_view kSubscriptionIdAlphabet =
    "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
inline constexpr std::size_t kSubscriptionIdLength = 22;

// 22 characters of the 57-symbol shortuuid alphabet, like the reference's subscription ids.
std::string new_subscription_id();
// 12 decimal digits, not starting with 0.
std::string new_account_id();
// "DMAK" + 16 upper-case letters and digits.
std::string new_access_key_id();
// 40 characters of [A-Za-z0-9+/].
std::string new_secret_access_key();
// 32 lower-case hex characters.
std::string new_hex_id();

}  // namespace datamesh::core
