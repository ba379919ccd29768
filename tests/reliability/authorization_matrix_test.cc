// The authorization matrix: every route of the method table, as every kind of caller, on C's
// subscription in every status (for routes that act on one), against the one table written in
// docs/AUTHORIZATION.md.
//
// Each cell starts from the standard world (test_mesh.h) and checks:
//  - the call's status code is the documented one;
//  - a call that does not succeed changes nothing: every row of every table of the mesh file,
//    the audit log included, is as before;
//  - a call that changes anything adds exactly one audit event, named after the method.
// The revoked key and the wrong secret belong to the row's first account (M, P, P2, C, C2, N)
// that is not refused with PermissionDenied, so they prove that the key, not the account, is
// refused; the unknown key names that account too.
//
// To see what the code does for a new route, run with DATAMESH_PRINT_AUTHORIZATION_MATRIX=1:
// the test prints every observed row in the table's format (review them before pasting).
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

#include "core/subscription_status.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "reliability/authorization_table.h"
#include "reliability/mesh_file.h"
#include "reliability/method_calls.h"
#include "reliability/test_mesh.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using server_test::ScratchDir;
using Codes = std::array<absl::StatusCode, kCallerKinds>;

constexpr SubscriptionStatus kStatuses[] = {SubscriptionStatus::kPending,
                                            SubscriptionStatus::kActive,
                                            SubscriptionStatus::kDenied,
                                            SubscriptionStatus::kDeleted};

// The account whose revoked key, wrong secret or unknown key a row uses (see the top).
std::string key_owner(const Codes& accounts) {
  for (CallerKind caller : kAllCallers) {
    if (!is_account(caller)) break;
    if (accounts[static_cast<int>(caller)] != absl::StatusCode::kPermissionDenied) {
      return account_of(caller);
    }
  }
  return test_support::kMeshAccount;
}

Credentials credentials_for(CallerKind caller, const World& world, const std::string& owner) {
  switch (caller) {
    case CallerKind::kRevokedKey: return world.revoked.at(owner);
    case CallerKind::kWrongSecret: {
      Credentials wrong = world.keys.at(owner);
      wrong.secret_access_key = std::string(40, 'x');
      return wrong;
    }
    case CallerKind::kUnknownKey:
      return Credentials{.account_id = owner,
                         .access_key_id = "DMAKNOSUCHKEY0000000",
                         .secret_access_key = std::string(40, 'x')};
    default: return world.keys.at(account_of(caller));
  }
}

// Runs cells on copies of the standard world, restoring the copy after a call that changed it.
class MatrixRunner {
 public:
  absl::Status start() {
    auto made = WorldTemplate::create(scratch_.path());
    if (!made.ok()) return made.status();
    template_ = std::move(*made);
    auto tail = audit_tail(template_->path());
    if (!tail.ok()) return tail.status();
    template_events_ = tail->rows;
    return restore();
  }

  const World& world() const { return template_->world(); }

  // Runs one cell; returns the observed code and adds failures (with `where`) for a refused
  // call that changed the state, or a change without exactly one audit event of the method.
  absl::StatusCode run(const api::Route& route, std::optional<SubscriptionStatus> status,
                       const Credentials& key, bool refusal_expected, const std::string& where) {
    ++cells_;
    auto params = params_for(route, world(), status);
    if (!params.ok()) {
      ADD_FAILURE() << where << ": " << params.status();
      return absl::StatusCode::kInternal;
    }
    const auto answer = mesh_->call(route.group, route.method, *params, key);
    const absl::StatusCode code = answer.status().code();
    auto after = dump_mesh_file(db());
    if (!after.ok()) {
      ADD_FAILURE() << where << ": " << after.status();
      return code;
    }
    if (*after == template_->dump()) return code;
    ++changes_;
    if (refusal_expected || code != absl::StatusCode::kOk) {
      ADD_FAILURE() << where << " answered " << describe(answer.status())
                    << " but changed the mesh:\n"
                    << dump_difference(template_->dump(), *after);
    }
    auto tail = audit_tail(db());
    if (!tail.ok()) {
      ADD_FAILURE() << where << ": " << tail.status();
    } else if (tail->rows != template_events_ + 1 || tail->last_action != route.method) {
      ADD_FAILURE() << where << " changed the mesh with " << tail->rows - template_events_
                    << " new audit events (last: " << tail->last_action
                    << "); expected exactly one " << route.method << " event";
    }
    if (absl::Status restored = restore(); !restored.ok()) ADD_FAILURE() << restored;
    return code;
  }

  int cells() const { return cells_; }
  int changes() const { return changes_; }

 private:
  std::filesystem::path db() const { return scratch_.path() / "mesh.db"; }
  absl::Status restore() {
    mesh_.reset();
    auto copy = template_->fresh_copy(db());
    if (!copy.ok()) return copy.status();
    mesh_ = std::move(*copy);
    return absl::OkStatus();
  }

  ScratchDir scratch_;
  std::unique_ptr<WorldTemplate> template_;
  std::unique_ptr<OpenMesh> mesh_;
  int64_t template_events_ = 0;
  int cells_ = 0;
  int changes_ = 0;
};

std::vector<std::optional<SubscriptionStatus>> statuses_of(const api::Route& route) {
  if (!takes_subscription(route)) return {std::nullopt};
  return {kStatuses[0], kStatuses[1], kStatuses[2], kStatuses[3]};
}

std::string row_key(const std::string& route, std::optional<SubscriptionStatus> status) {
  return cat(route, " / ", status ? core::status_name(*status) : "–");
}

// Prints every route's observed row in the table's format, for writing the rows of a new
// route (review them before pasting: the code may be what is wrong).
void print_observed_matrix() {
  MatrixRunner runner;
  ASSERT_TRUE(runner.start().ok());
  std::cout << kMatrixHeader << "\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const api::Route& route : api::routes()) {
    for (const auto& status : statuses_of(route)) {
      Codes codes{};
      for (CallerKind caller : kAllCallers) {
        if (!is_account(caller)) continue;
        codes[static_cast<int>(caller)] =
            runner.run(route, status, credentials_for(caller, runner.world(), ""), false,
                       route_name(route));
      }
      const std::string owner = key_owner(codes);
      for (CallerKind caller : kAllCallers) {
        if (is_account(caller)) continue;
        codes[static_cast<int>(caller)] = runner.run(
            route, status, credentials_for(caller, runner.world(), owner), true, route_name(route));
      }
      std::cout << format_row(route_name(route), status, codes) << "\n";
    }
  }
}

TEST(AuthorizationMatrixTest, TheDocumentHasOneRowPerRouteAndSubscriptionStatus) {
  auto rows = documented_matrix();
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::map<std::string, int> documented;
  for (const MatrixRow& row : *rows) {
    const std::string key = row_key(row.route, row.status);
    EXPECT_TRUE(documented.emplace(key, row.line).second)
        << "docs/AUTHORIZATION.md line " << row.line << ": a second row for " << key;
  }
  std::set<std::string> expected;
  for (const api::Route& route : api::routes()) {
    for (const auto& status : statuses_of(route)) {
      const std::string key = row_key(route_name(route), status);
      expected.insert(key);
      EXPECT_TRUE(documented.contains(key))
          << "docs/AUTHORIZATION.md has no row for " << key
          << " (run this suite with DATAMESH_PRINT_AUTHORIZATION_MATRIX=1 to see what it does)";
    }
  }
  for (const auto& [key, line] : documented) {
    EXPECT_TRUE(expected.contains(key))
        << "docs/AUTHORIZATION.md line " << line << ": " << key
        << " is not a route of the method table (or takes no subscription status)";
  }
  const char* print = std::getenv("DATAMESH_PRINT_AUTHORIZATION_MATRIX");
  if (print != nullptr && std::string(print) == "1") print_observed_matrix();
}

TEST(AuthorizationMatrixTest, EveryCellAnswersAsDocumentedAndRefusalsChangeNothing) {
  auto rows = documented_matrix();
  ASSERT_TRUE(rows.ok()) << rows.status();
  MatrixRunner runner;
  ASSERT_TRUE(runner.start().ok());
  int refused = 0;
  for (const MatrixRow& row : *rows) {
    const api::Route* route = nullptr;
    for (const api::Route& candidate : api::routes()) {
      if (route_name(candidate) == row.route) route = &candidate;
    }
    if (route == nullptr) continue;  // reported by the test above
    const std::string owner = key_owner(row.expected);
    for (CallerKind caller : kAllCallers) {
      const absl::StatusCode expected = row.expected[static_cast<int>(caller)];
      const std::string where =
          cat("docs/AUTHORIZATION.md line ", row.line, ": ", row.route, " on the ",
              row.status ? core::status_name(*row.status) : "(no)", " subscription as ",
              column_name(caller));
      const bool refusal = expected == absl::StatusCode::kPermissionDenied ||
                           expected == absl::StatusCode::kUnauthenticated;
      refused += refusal ? 1 : 0;
      const absl::StatusCode observed = runner.run(
          *route, row.status, credentials_for(caller, runner.world(), owner),
          expected != absl::StatusCode::kOk, where);
      EXPECT_EQ(code_word(observed), code_word(expected)) << where;
    }
  }
  std::cout << "authorization matrix: " << runner.cells() << " cells checked (" << rows->size()
            << " rows x " << kCallerKinds << " callers), " << refused
            << " of them refusals (PermissionDenied or Unauthenticated), " << runner.changes()
            << " calls changed the mesh\n";
  EXPECT_EQ(runner.cells(), static_cast<int>(rows->size()) * kCallerKinds);
}

// The parser refuses what would let the table and the test drift apart.
TEST(AuthorizationTableTest, ParsesRowsAndRefusesMalformedTables) {
  const std::string header = cat(std::string(kMatrixMarker), "\n\n", std::string(kMatrixHeader),
                                 "\n|---|---|---|---|---|---|---|---|---|---|---|\n");
  const std::string good =
      "| `producer approve_access_request` | Pending | PermissionDenied | OK | PermissionDenied"
      " | PermissionDenied | PermissionDenied | PermissionDenied | Unauthenticated |"
      " Unauthenticated | Unauthenticated |\n";
  auto rows = parse_authorization_matrix(cat("# title\n", header, good, "\nafter\n"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].route, "producer approve_access_request");
  EXPECT_EQ((*rows)[0].status, SubscriptionStatus::kPending);
  EXPECT_EQ((*rows)[0].expected[1], absl::StatusCode::kOk);
  EXPECT_EQ((*rows)[0].expected[8], absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(format_row("producer approve_access_request", SubscriptionStatus::kPending,
                       (*rows)[0].expected) + "\n",
            good);

  const std::vector<std::pair<std::string, std::string>> broken = {
      {"no marker", cat(std::string(kMatrixHeader), "\n|---|\n", good)},
      {"another header",
       cat(std::string(kMatrixMarker), "\n| Method | Subscription | P | M |\n|---|\n", good)},
      {"a missing cell", cat(header, "| `admin list_accounts` | – | OK |\n")},
      {"an unknown code", cat(header, "| `admin list_accounts` | – | OK | Nope | OK | OK | OK |"
                                      " OK | OK | OK | OK |\n")},
      {"an unknown status", cat(header, "| `admin list_accounts` | Paused | OK | OK | OK | OK |"
                                        " OK | OK | OK | OK | OK |\n")},
      {"a method without backticks", cat(header, "| admin list_accounts | – | OK | OK | OK | OK"
                                                 " | OK | OK | OK | OK | OK |\n")},
  };
  for (const auto& [what, text] : broken) {
    EXPECT_TRUE(absl::IsInvalidArgument(parse_authorization_matrix(text).status())) << what;
  }
}

}  // namespace
}  // namespace datamesh::reliability
