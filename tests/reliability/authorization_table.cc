#include "reliability/authorization_table.h"

#include <fstream>
#include <sstream>

#include "api/errors.h"
#include "core/subscription_status.h"
#include "base/text.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;

constexpr std::string_view kNoSubscription = "–";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// The cells of "| a | b |" without the outer pipes, trimmed.
std::vector<std::string> cells_of(std::string_view line) {
  std::vector<std::string> cells;
  line = trim(line);
  if (line.starts_with('|')) line.remove_prefix(1);
  if (line.ends_with('|')) line.remove_suffix(1);
  size_t start = 0;
  while (true) {
    const size_t bar = line.find('|', start);
    cells.emplace_back(trim(line.substr(start, bar == std::string_view::npos ? bar : bar - start)));
    if (bar == std::string_view::npos) return cells;
    start = bar + 1;
  }
}

std::string normalized(std::string_view line) { return base::join(cells_of(line), "|"); }

absl::StatusOr<absl::StatusCode> parse_code(std::string_view word, int line) {
  if (word == "OK") return absl::StatusCode::kOk;
  const absl::StatusCode code = api::error_code_from_name(word);
  if (api::error_code_name(code) != word) {
    return absl::InvalidArgumentError(cat("docs/AUTHORIZATION.md line ", line, ": \"", word,
                                          "\" is not a status code (OK, PermissionDenied, ...)"));
  }
  return code;
}

}  // namespace

std::string_view column_name(CallerKind caller) {
  switch (caller) {
    case CallerKind::kMeshAdmin: return "M";
    case CallerKind::kOwningProducer: return "P";
    case CallerKind::kOtherProducer: return "P2";
    case CallerKind::kSubscribingConsumer: return "C";
    case CallerKind::kOtherConsumer: return "C2";
    case CallerKind::kNoRole: return "N";
    case CallerKind::kRevokedKey: return "Revoked key";
    case CallerKind::kWrongSecret: return "Wrong secret";
    case CallerKind::kUnknownKey: return "Unknown key";
  }
  return "?";
}

std::string account_of(CallerKind caller) {
  switch (caller) {
    case CallerKind::kMeshAdmin: return test_support::kMeshAccount;
    case CallerKind::kOwningProducer: return test_support::kProducerAccount;
    case CallerKind::kOtherProducer: return test_support::kProducer2Account;
    case CallerKind::kSubscribingConsumer: return test_support::kConsumerAccount;
    case CallerKind::kOtherConsumer: return test_support::kConsumer2Account;
    default: return test_support::kNoRoleAccount;
  }
}

bool is_account(CallerKind caller) {
  return caller != CallerKind::kRevokedKey && caller != CallerKind::kWrongSecret &&
         caller != CallerKind::kUnknownKey;
}

std::string code_word(absl::StatusCode code) {
  if (code == absl::StatusCode::kOk) return "OK";
  return std::string(api::error_code_name(code));
}

absl::StatusOr<std::vector<MatrixRow>> parse_authorization_matrix(std::string_view markdown) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= markdown.size();) {
    const size_t end = markdown.find('\n', start);
    lines.push_back(markdown.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  size_t at = 0;
  while (at < lines.size() && trim(lines[at]) != kMatrixMarker) ++at;
  if (at == lines.size()) {
    return absl::InvalidArgumentError(cat("docs/AUTHORIZATION.md has no line ", kMatrixMarker));
  }
  ++at;
  while (at < lines.size() && trim(lines[at]).empty()) ++at;
  if (at == lines.size() || normalized(lines[at]) != normalized(kMatrixHeader)) {
    return absl::InvalidArgumentError(cat("docs/AUTHORIZATION.md line ", at + 1,
                                          ": the matrix must start with the header ",
                                          kMatrixHeader));
  }
  at += 2;  // the header and the |---| line
  std::vector<MatrixRow> rows;
  for (; at < lines.size() && trim(lines[at]).starts_with('|'); ++at) {
    const int number = static_cast<int>(at) + 1;
    const std::vector<std::string> cells = cells_of(lines[at]);
    if (cells.size() != 2 + kCallerKinds) {
      return absl::InvalidArgumentError(cat("docs/AUTHORIZATION.md line ", number, " has ",
                                            cells.size(), " cells, not ", 2 + kCallerKinds));
    }
    MatrixRow row{.line = number};
    std::string_view route = cells[0];
    if (route.size() < 2 || !route.starts_with('`') || !route.ends_with('`')) {
      return absl::InvalidArgumentError(cat("docs/AUTHORIZATION.md line ", number,
                                            ": write the method as `group method`"));
    }
    row.route = std::string(route.substr(1, route.size() - 2));
    if (cells[1] != kNoSubscription) {
      row.status = core::parse_status(cells[1]);
      if (!row.status) {
        return absl::InvalidArgumentError(cat("docs/AUTHORIZATION.md line ", number, ": \"",
                                              cells[1], "\" is not a subscription status or ",
                                              kNoSubscription));
      }
    }
    for (int i = 0; i < kCallerKinds; ++i) {
      auto code = parse_code(cells[2 + i], number);
      if (!code.ok()) return code.status();
      row.expected[i] = *code;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::StatusOr<std::vector<MatrixRow>> documented_matrix() {
  const std::string path = std::string(DATAMESH_DOCS_DIR) + "/AUTHORIZATION.md";
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(cat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_authorization_matrix(text.str());
}

std::string format_row(const std::string& route, std::optional<SubscriptionStatus> status,
                       const std::array<absl::StatusCode, kCallerKinds>& codes) {
  std::string line = cat("| `", route, "` | ",
                         status ? std::string(core::status_name(*status))
                                : std::string(kNoSubscription),
                         " |");
  for (absl::StatusCode code : codes) line += cat(" ", code_word(code), " |");
  return line;
}

}  // namespace datamesh::reliability
