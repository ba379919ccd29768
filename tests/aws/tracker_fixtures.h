// The tracker items of tests/aws/data/tracker_items/ (hand-written from the original library's
// behaviour, shared/spec/reference-original.md §2.3–§4; each file says where it comes from) and
// the golden DynamoDB requests of tests/aws/data/dynamodb_requests/, which
// tests/aws/tracker_moto_test.py also sends to a moto DynamoDB through boto3.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "datamesh/types.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace datamesh::store::aws::testing {

inline std::string aws_test_data(const std::string& relative) {
  return std::string(DATAMESH_TEST_DATA) + "/aws/data/" + relative;
}

inline nlohmann::json read_json_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    ADD_FAILURE() << "cannot open " << path;
    return nullptr;
  }
  return nlohmann::json::parse(file);
}

// {"origin": ..., "state": ..., "item": {...}}
inline nlohmann::json tracker_fixture(const std::string& name) {
  return read_json_file(aws_test_data("tracker_items/" + name + ".json"));
}

inline const std::vector<std::string>& tracker_fixture_names() {
  static const std::vector<std::string> names = {"pending_table",   "pending_database",
                                                 "pending_insert",  "active_table",
                                                 "active_database", "denied",
                                                 "deleted",         "updated_permissions",
                                                 "finalized",       "rerequested_deleted",
                                                 "domain",          "data_product"};
  return names;
}

// The original's transitions between fixtures of one subscription (§3): approve, finalize,
// update_subscription_permissions, delete, deny. tests/aws/tracker_moto_test.py lists them too.
struct Transition {
  const char* from;
  const char* to;
};
inline const std::vector<Transition>& tracker_transitions() {
  static const std::vector<Transition> transitions = {
      {"pending_table", "active_table"},
      {"active_table", "finalized"},
      {"active_table", "updated_permissions"},
      {"finalized", "deleted"},
      {"pending_insert", "denied"},
  };
  return transitions;
}

// The subscription datamesh creates in the tests' scenario (Pending, as the engine writes it:
// version 1, UpdatedDate = CreationDate), from which the other states are derived.
inline Subscription new_pending_subscription() {
  return {.subscription_id = "DmNewSubscription2345ab",
          .status = SubscriptionStatus::kPending,
          .type = "TABLE",
          .database_name = "sales-222222222222",
          .table_names = {"orders"},
          .requested_grants = {"SELECT"},
          .owner_principal = "222222222222",
          .subscriber_principal = "333333333333",
          .creation_date = "2026-12-03 10:00:00",
          .created_by = "arn:aws:iam::333333333333:role/DataMeshConsumer",
          .updated_date = "2026-12-03 10:00:00",
          .updated_by = "arn:aws:iam::333333333333:role/DataMeshConsumer",
          .version = 1};
}

}  // namespace datamesh::store::aws::testing
