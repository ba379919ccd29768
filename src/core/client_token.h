// Writes that act once: the client token (AWS's ClientToken) a caller gives with a write, and
// the record the engine keeps of the write's answer under it.
//
// A write run with a ClientToken (Engine::with_client_token) looks the token up in its own
// store transaction before it acts. Not found (or expired): the write runs and, in the same
// transaction, records (account, token) -> (method, request hash, answer, expiry), so the
// record exists exactly when the write committed. Found: the same method and request hash
// answer the recorded answer without acting (no change, no audit event); anything else is
// InvalidArgument (AWS's IdempotentParameterMismatch). Tokens are scoped per account: two
// accounts may use the same token independently. Records expire kClientTokenLifetime after the
// write; every recording write deletes up to kExpiredTokensPrunedPerWrite expired ones, so the
// table stays about the size of a lifetime's writes (docs/SECURITY.md, "Abuse resistance").
//
// Answers are kept as JSON; the secret of a new access key (create_account, create_access_key,
// rotate_access_key) only in its sealed form (core/secrets.h), as access keys are stored.
// Pure functions and values; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/secrets.h"
#include "datamesh/types.h"

namespace datamesh::core {

inline constexpr std::chrono::hours kClientTokenLifetime{24};
inline constexpr int kExpiredTokensPrunedPerWrite = 100;
inline constexpr size_t kMaxClientTokenLength = 64;

// A write the caller asked to act once.
struct ClientToken {
  std::string account_id;    // the caller's account: the token's scope
  std::string token;         // as the caller gave it; check_client_token() passed
  std::string method;        // group/method, e.g. catalog/create_table
  std::string request_hash;  // request_hash() of the request's canonical form
};

// InvalidArgument unless token is 1 to 64 printable ASCII characters ('!' to '~': no spaces or
// control characters), saying what is allowed.
absl::Status check_client_token(std::string_view token);

// Hex SHA-256 of a request's canonical text: the record keeps a hash, not the request.
std::string request_hash(std::string_view canonical_request);

// The answer of an engine write as its token record keeps it, and back. Secrets are sealed
// with `sealer` and unsealed on the way back (its errors). Decoding a damaged record is
// Internal.
absl::StatusOr<std::string> encode_answer(const absl::Status& answer, const SecretSealer& sealer);
absl::StatusOr<std::string> encode_answer(const AccountCredentials& answer,
                                          const SecretSealer& sealer);
absl::StatusOr<std::string> encode_answer(const std::vector<std::string>& answer,
                                          const SecretSealer& sealer);
absl::StatusOr<std::string> encode_answer(const DataProduct& answer, const SecretSealer& sealer);
absl::StatusOr<std::string> encode_answer(const AccessRequest& answer,
                                          const SecretSealer& sealer);
absl::StatusOr<std::string> encode_answer(const ReconcileReport& answer,
                                          const SecretSealer& sealer);

// What decode_answer reads a record as: the type of the write's answer.
template <typename T>
struct AnswerOf {};
absl::Status decode_answer(AnswerOf<absl::Status>, std::string_view text, const SecretSealer&);
absl::StatusOr<AccountCredentials> decode_answer(AnswerOf<AccountCredentials>,
                                                 std::string_view text,
                                                 const SecretSealer& sealer);
absl::StatusOr<std::vector<std::string>> decode_answer(AnswerOf<std::vector<std::string>>,
                                                       std::string_view text,
                                                       const SecretSealer& sealer);
absl::StatusOr<DataProduct> decode_answer(AnswerOf<DataProduct>, std::string_view text,
                                          const SecretSealer& sealer);
absl::StatusOr<AccessRequest> decode_answer(AnswerOf<AccessRequest>, std::string_view text,
                                            const SecretSealer& sealer);
absl::StatusOr<ReconcileReport> decode_answer(AnswerOf<ReconcileReport>, std::string_view text,
                                              const SecretSealer& sealer);

// The InvalidArgument of a token reused for another request, naming what it was used for.
absl::Status client_token_mismatch(const ClientToken& token, std::string_view recorded_method);

}  // namespace datamesh::core
