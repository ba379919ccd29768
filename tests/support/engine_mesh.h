// The fixture of the suites that call core::Engine directly (no API, no JSON): an engine on an
// in-memory SQLite store, sealing with a fixed key and dated by a ManualClock the test owns,
// and a mesh made through it at the clock's start: mesh admin M (kMeshAccount), producer P
// (kProducerAccount) whose source database "sales" holds the tables the suite names
// (sales_table), published as sales-111111111111, and consumer C (kConsumerAccount). Each
// account is enabled by M and initialized by itself; admin_, producer_ and consumer_ are their
// callers.
//
// Not thread-safe: one fixture per test, as GoogleTest runs them.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/engine.h"
#include "gtest/gtest.h"
#include "security/secret_box.h"
#include "store/sqlite/sqlite_store.h"
#include "support/manual_clock.h"

namespace datamesh::test_support {

class EngineMeshTest : public ::testing::Test {
 protected:
  EngineMeshTest(std::chrono::system_clock::time_point start, std::vector<std::string> tables)
      : clock_(start), tables_(std::move(tables)) {}

  // Subclasses that add to the mesh call it first and stop on HasFatalFailure().
  void SetUp() override;

  // The caller behind `key`, with the account's flags as of now.
  absl::StatusOr<core::Caller> login(const AccountCredentials& key) const;
  // A new account named "account <id>", enabled by the mesh admin and initialized by itself as
  // `persona`; its caller, logged in after both.
  absl::StatusOr<core::Caller> make_account(const std::string& id, core::Persona persona);

  ManualClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<security::SecretBox> sealer_;
  std::unique_ptr<core::Engine> engine_;
  core::Caller admin_, producer_, consumer_;

 private:
  std::vector<std::string> tables_;
};

}  // namespace datamesh::test_support
