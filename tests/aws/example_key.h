// The example credentials of AWS's Signature Version 4 documentation and test suite, and the
// datamesh scope and signing time the SigV4 tests share: one definition, so that the tests of
// signing, verifying and the key cache sign with the same key.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "aws/sigv4.h"

namespace datamesh::aws::example {

inline constexpr std::string_view kExampleAccessKeyId = "AKIDEXAMPLE";
inline constexpr std::string_view kExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

inline const SigningKey kExampleKey{std::string(kExampleAccessKeyId), std::string(kExampleSecret),
                                    ""};
inline const Scope kDatameshScope{"us-east-1", std::string(kDatameshService)};

// 2026-11-23 10:55:16 UTC: X-Amz-Date 20261123T105516Z.
inline std::chrono::system_clock::time_point example_signing_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / 23} + hours{10} + minutes{55} + seconds{16};
}

}  // namespace datamesh::aws::example
