// The authorization matrix of docs/AUTHORIZATION.md, parsed: for every route (and, for routes
// acting on a subscription, every status of it), the status code each kind of caller gets.
//
// The table follows the line holding kMatrixMarker. Its header is exactly kMatrixHeader; each
// row is | `group method` | status or – | one code per caller kind |, codes written as the CLI
// prints them (OK, PermissionDenied, Unauthenticated, FailedPrecondition, NotFound, ...).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/types.h"

namespace datamesh::reliability {

inline constexpr std::string_view kMatrixMarker = "<!-- authorization-matrix -->";

// The callers, in the order of the table's columns.
enum class CallerKind {
  kMeshAdmin,
  kOwningProducer,
  kOtherProducer,
  kSubscribingConsumer,
  kOtherConsumer,
  kNoRole,
  kRevokedKey,
  kWrongSecret,
  kUnknownKey,
};
inline constexpr int kCallerKinds = 9;
inline constexpr std::array<CallerKind, kCallerKinds> kAllCallers = {
    CallerKind::kMeshAdmin,           CallerKind::kOwningProducer, CallerKind::kOtherProducer,
    CallerKind::kSubscribingConsumer, CallerKind::kOtherConsumer,  CallerKind::kNoRole,
    CallerKind::kRevokedKey,          CallerKind::kWrongSecret,    CallerKind::kUnknownKey};

inline constexpr std::string_view kMatrixHeader =
    "| Method | Subscription | M | P | P2 | C | C2 | N | Revoked key | Wrong secret | "
    "Unknown key |";

// The column header of a caller kind ("P2", "Revoked key").
std::string_view column_name(CallerKind caller);
// True for the six accounts (M ... N), false for the three bad keys.
bool is_account(CallerKind caller);

struct MatrixRow {
  std::string route;                        // "producer approve_access_request"
  std::optional<SubscriptionStatus> status;  // nullopt: "–", the route takes no subscription
  std::array<absl::StatusCode, kCallerKinds> expected{};
  int line = 0;  // in the Markdown file, for messages
};

// InvalidArgument naming the line for a missing marker, a wrong header, a row with the wrong
// number of cells, an unknown status or code.
absl::StatusOr<std::vector<MatrixRow>> parse_authorization_matrix(std::string_view markdown);

// The matrix of the project's docs/AUTHORIZATION.md (DATAMESH_DOCS_DIR at build time).
absl::StatusOr<std::vector<MatrixRow>> documented_matrix();

// A row in the table's format (for printing what a run observed).
std::string format_row(const std::string& route, std::optional<SubscriptionStatus> status,
                       const std::array<absl::StatusCode, kCallerKinds>& codes);

// "OK", "PermissionDenied", ... as the table writes it.
std::string code_word(absl::StatusCode code);

}  // namespace datamesh::reliability
