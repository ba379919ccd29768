// The tracker item codec against items exactly as the original library writes them
// (tests/aws/data/tracker_items/, every state of §3) and against the §4 schema: every item
// datamesh encodes has the original's attribute names and DynamoDB types, plus only its own
// two extra attributes.
#include "store/aws/tracker_item.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "aws/tracker_fixtures.h"
#include "core/subscription_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::tracker_fixture;
using testing::tracker_fixture_names;

constexpr const char* kShareDb =
    "arn:aws:ram:us-east-1:111111111111:resource-share/0b6e5a4c-7d2f-4e1a-9c3b-5f8d2e1a6b70";
constexpr const char* kShareTable =
    "arn:aws:ram:us-east-1:111111111111:resource-share/9a1d3c5e-2b4f-4a6c-8e0d-1f3b5d7a9c2e";

// The type of an AttributeValue, nested: "S", "L<S>", "L<>", "SS", "M<M{arn:S,type:S}>", ...
std::string signature(const json& value) {
  const std::string type = value.begin().key();
  const json& inner = value.begin().value();
  if (type == "L") {
    std::set<std::string> elements;
    for (const json& element : inner) elements.insert(signature(element));
    std::string out = "L<";
    for (const std::string& element : elements) out += element;
    return out + ">";
  }
  if (type == "M") {
    // A map of maps (RamShares) is typed by its values; a map of fields by its fields.
    std::set<std::string> values;
    bool nested = !inner.empty();
    for (auto entry = inner.begin(); entry != inner.end(); ++entry) {
      nested = nested && entry.value().contains("M");
      values.insert(signature(entry.value()));
    }
    if (nested) return "M<" + *values.begin() + ">";
    std::string out = "M{";
    for (auto entry = inner.begin(); entry != inner.end(); ++entry) {
      out += entry.key() + ":" + signature(entry.value()) + ",";
    }
    return out + "}";
  }
  return type;
}

// The §4 schema, written out from shared/spec/reference-original.md (not from the code): each
// attribute and the signatures it may have. RamShares may be empty ("M{}") for a database
// subscription.
const std::map<std::string, std::set<std::string>>& tracker_schema() {
  static const std::map<std::string, std::set<std::string>> schema = {
      {"SubscriptionId", {"S"}},
      {"OwnerPrincipal", {"S"}},
      {"SubscriberPrincipal", {"S"}},
      {"Status", {"S"}},
      {"RequestedGrants", {"L<S>", "L<>"}},
      {"DatabaseName", {"S"}},
      {"TableName", {"L<S>"}},
      {"Domain", {"S"}},
      {"DataProduct", {"S"}},
      {"CreationDate", {"S"}},
      {"CreatedBy", {"S"}},
      {"UpdatedDate", {"S"}},
      {"UpdatedBy", {"S"}},
      {"PermittedGrants", {"L<S>", "L<>"}},
      {"GrantableGrants", {"L<S>", "L<>", "NULL"}},
      {"GrantedTableARNs", {"L<S>", "L<>", "NULL"}},
      {"RamShares", {"M<M{arn:S,type:S,}>", "M{}"}},
      {"Notes", {"SS"}},
      {"ImportedToConsumer", {"BOOL"}},
      // Ours (docs/AWS.md).
      {"DatameshVersion", {"N"}},
      {"DatameshNotes", {"L<S>"}},
  };
  return schema;
}

void expect_schema(const json& item, const std::string& what) {
  for (auto attribute = item.begin(); attribute != item.end(); ++attribute) {
    auto allowed = tracker_schema().find(attribute.key());
    if (allowed == tracker_schema().end()) {
      ADD_FAILURE() << what << ": attribute " << attribute.key() << " is not in the schema";
      continue;
    }
    EXPECT_TRUE(allowed->second.contains(signature(attribute.value())))
        << what << ": attribute " << attribute.key() << " has type "
        << signature(attribute.value());
  }
}

// An item as compared across writers: without datamesh's own attributes, sets sorted,
// RamShares as the set of its ARNs (its keys are labels, see encode_tracker_item).
json comparable(json item) {
  item.erase("DatameshVersion");
  item.erase("DatameshNotes");
  if (item.contains("Notes")) {
    std::vector<std::string> notes = item["Notes"]["SS"];
    std::sort(notes.begin(), notes.end());
    item["Notes"]["SS"] = notes;
  }
  if (item.contains("RamShares")) {
    std::set<std::string> arns;
    for (const auto& [key, entry] : item["RamShares"]["M"].items()) {
      arns.insert(entry["M"]["arn"]["S"].get<std::string>());
    }
    item["RamShares"] = arns;
  }
  return item;
}

TEST(TrackerItemTest, FixturesFollowTheSchema) {
  for (const std::string& name : tracker_fixture_names()) {
    const json fixture = tracker_fixture(name);
    expect_schema(fixture["item"], name);
  }
}

TEST(TrackerItemTest, DecodesEveryStateTheOriginalWrites) {
  for (const std::string& name : tracker_fixture_names()) {
    SCOPED_TRACE(name);
    const json fixture = tracker_fixture(name);
    ASSERT_OK_AND_ASSIGN(TrackerItem decoded, decode_tracker_item(fixture["item"]));
    const Subscription& sub = decoded.subscription;
    EXPECT_EQ(core::status_name(sub.status), fixture["state"].get<std::string>());
    EXPECT_EQ(sub.subscription_id, fixture["item"]["SubscriptionId"]["S"]);
    EXPECT_EQ(sub.owner_principal, "222222222222");
    EXPECT_EQ(sub.subscriber_principal, "333333333333");
    EXPECT_EQ(sub.version, 0) << "the original writes no DatameshVersion";
  }
}

TEST(TrackerItemTest, DecodesAPendingTableRequest) {
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded,
                       decode_tracker_item(tracker_fixture("pending_table")["item"]));
  const Subscription& sub = decoded.subscription;
  EXPECT_EQ(sub.type, "TABLE");
  EXPECT_EQ(sub.database_name, "sales-222222222222");
  EXPECT_THAT(sub.table_names, ElementsAre("orders", "customers"));
  EXPECT_THAT(sub.requested_grants, ElementsAre("SELECT", "DESCRIBE"));
  EXPECT_THAT(sub.permitted_grants, IsEmpty());
  EXPECT_THAT(sub.ram_shares, IsEmpty());
  EXPECT_THAT(sub.notes, IsEmpty());
  EXPECT_EQ(sub.creation_date, "2026-12-01 09:15:02");
  EXPECT_EQ(sub.updated_date, "");
  EXPECT_FALSE(sub.imported_to_consumer);
}

TEST(TrackerItemTest, DecodesADatabaseRequestAsTypeDatabase) {
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded,
                       decode_tracker_item(tracker_fixture("pending_database")["item"]));
  EXPECT_EQ(decoded.subscription.type, "DATABASE");
  EXPECT_THAT(decoded.subscription.table_names, IsEmpty());
}

TEST(TrackerItemTest, DecodesAnApprovalWithItsSharesOnceEachByKey) {
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded,
                       decode_tracker_item(tracker_fixture("active_table")["item"]));
  const Subscription& sub = decoded.subscription;
  EXPECT_THAT(sub.permitted_grants, ElementsAre("SELECT", "DESCRIBE"));
  EXPECT_THAT(sub.grantable_grants, IsEmpty());
  EXPECT_THAT(
      sub.granted_table_arns,
      ElementsAre("arn:aws:glue:us-east-1:111111111111:table/sales-222222222222/orders",
                  "arn:aws:glue:us-east-1:111111111111:table/sales-222222222222/customers"));
  // Keys customers, orders (one share) and sales-222222222222 (the database's).
  EXPECT_THAT(sub.ram_shares, ElementsAre(kShareTable, kShareDb));
  EXPECT_THAT(sub.notes, ElementsAre("Approved for quarterly reporting"));
  EXPECT_EQ(sub.updated_by,
            "arn:aws:sts::111111111111:assumed-role/DataMeshAdminProducer-222222222222/"
            "AROAPRODUCEREXAMPLE-222222222222-2026-12-02");
}

TEST(TrackerItemTest, DecodesNullListsAsEmpty) {
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded, decode_tracker_item(tracker_fixture("denied")["item"]));
  EXPECT_THAT(decoded.subscription.grantable_grants, IsEmpty());
  EXPECT_THAT(decoded.subscription.granted_table_arns, IsEmpty());
  EXPECT_THAT(decoded.subscription.permitted_grants, ElementsAre("SELECT", "INSERT"));
}

TEST(TrackerItemTest, DecodesTheImportedFlagAndSortsTheOriginalsNotes) {
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded,
                       decode_tracker_item(tracker_fixture("deleted")["item"]));
  EXPECT_TRUE(decoded.subscription.imported_to_consumer);
  EXPECT_THAT(decoded.subscription.notes,
              ElementsAre("Approved for quarterly reporting", "Project finished"));
}

TEST(TrackerItemTest, DecodesDomainAndDataProductRequests) {
  ASSERT_OK_AND_ASSIGN(TrackerItem domain, decode_tracker_item(tracker_fixture("domain")["item"]));
  EXPECT_EQ(domain.subscription.type, "DOMAIN");
  EXPECT_EQ(domain.domain, "finance");
  EXPECT_EQ(domain.subscription.database_name, "");
  ASSERT_OK_AND_ASSIGN(TrackerItem product,
                       decode_tracker_item(tracker_fixture("data_product")["item"]));
  EXPECT_EQ(product.subscription.type, "DATA_PRODUCT");
  EXPECT_EQ(product.data_product, "customer-360");
}

// What datamesh writes for a state is what the original writes for it: the same attributes
// with the same types and values (RamShares compared by its ARNs, Notes as a set). The
// original's own oddities (a re-request that keeps Deleted without grants, tag-based requests)
// are states datamesh never writes.
TEST(TrackerItemTest, EncodesEachStateAsTheOriginalDoes) {
  const std::set<std::string> only_the_original = {"rerequested_deleted", "domain", "data_product"};
  for (const std::string& name : tracker_fixture_names()) {
    if (only_the_original.contains(name)) continue;
    SCOPED_TRACE(name);
    const json item = tracker_fixture(name)["item"];
    ASSERT_OK_AND_ASSIGN(TrackerItem decoded, decode_tracker_item(item));
    const json encoded = encode_tracker_item(decoded.subscription);
    expect_schema(encoded, name);
    EXPECT_EQ(comparable(encoded), comparable(item));
  }
}

// Subscriptions as the engine builds them (version from 1, UpdatedDate from creation, notes in
// order, one share), in every state.
std::vector<Subscription> datamesh_subscriptions() {
  Subscription pending = testing::new_pending_subscription();
  Subscription database = pending;
  database.subscription_id = "DmDatabaseRequest2345ab";
  database.type = "DATABASE";
  database.table_names.clear();
  Subscription active = pending;
  active.status = SubscriptionStatus::kActive;
  active.permitted_grants = {"SELECT", "DESCRIBE"};
  active.granted_table_arns = {
      "arn:aws:glue:us-east-1:111111111111:table/sales-222222222222/orders"};
  active.ram_shares = {kShareTable};
  active.notes = {"ok", "ok"};
  active.version = 2;
  Subscription active_database = database;
  active_database.status = SubscriptionStatus::kActive;
  active_database.permitted_grants = {"SELECT"};
  active_database.version = 2;
  Subscription finalized = active;
  finalized.imported_to_consumer = true;
  finalized.grantable_grants = {"SELECT"};
  finalized.version = 3;
  Subscription denied = pending;
  denied.status = SubscriptionStatus::kDenied;
  denied.permitted_grants = denied.requested_grants;
  denied.notes = {"no"};
  denied.version = 2;
  Subscription deleted = finalized;
  deleted.status = SubscriptionStatus::kDeleted;
  deleted.grantable_grants.clear();
  deleted.granted_table_arns.clear();
  deleted.version = 4;
  return {pending, database, active, active_database, finalized, denied, deleted};
}

TEST(TrackerItemTest, EveryItemDatameshWritesHasTheOriginalsNamesAndTypes) {
  for (const Subscription& sub : datamesh_subscriptions()) {
    const std::string what = sub.subscription_id + " " + std::string(core::status_name(sub.status));
    const json item = encode_tracker_item(sub);
    expect_schema(item, what);
    EXPECT_EQ(item["DatameshVersion"], json({{"N", std::to_string(sub.version)}})) << what;
    // What the original reads unconditionally in that state is there (§2.5, §2.6).
    for (const char* needed : {"SubscriptionId", "OwnerPrincipal", "SubscriberPrincipal", "Status",
                               "RequestedGrants", "DatabaseName", "CreationDate", "CreatedBy"}) {
      EXPECT_TRUE(item.contains(needed)) << what << " lacks " << needed;
    }
    if (sub.status == SubscriptionStatus::kActive) {
      // approve/update read PermittedGrants; finalize and the consumer's delete read RamShares.
      EXPECT_TRUE(item.contains("PermittedGrants")) << what;
      EXPECT_TRUE(item.contains("RamShares")) << what;
      EXPECT_TRUE(item.contains("GrantableGrants")) << what;
    }
    EXPECT_EQ(item.contains("TableName"), sub.type == "TABLE") << what;
  }
}

TEST(TrackerItemTest, RoundTripsWhatDatameshWrites) {
  for (const Subscription& sub : datamesh_subscriptions()) {
    ASSERT_OK_AND_ASSIGN(TrackerItem decoded, decode_tracker_item(encode_tracker_item(sub)));
    const Subscription& back = decoded.subscription;
    EXPECT_EQ(back.subscription_id, sub.subscription_id);
    EXPECT_EQ(back.status, sub.status);
    EXPECT_EQ(back.type, sub.type);
    EXPECT_EQ(back.database_name, sub.database_name);
    EXPECT_EQ(back.table_names, sub.table_names);
    EXPECT_EQ(back.requested_grants, sub.requested_grants);
    EXPECT_EQ(back.permitted_grants, sub.permitted_grants);
    EXPECT_EQ(back.grantable_grants, sub.grantable_grants);
    EXPECT_EQ(back.granted_table_arns, sub.granted_table_arns);
    EXPECT_EQ(back.ram_shares, sub.ram_shares);
    EXPECT_EQ(back.notes, sub.notes);
    EXPECT_EQ(back.creation_date, sub.creation_date);
    EXPECT_EQ(back.created_by, sub.created_by);
    EXPECT_EQ(back.updated_date, sub.updated_date);
    EXPECT_EQ(back.updated_by, sub.updated_by);
    EXPECT_EQ(back.imported_to_consumer, sub.imported_to_consumer);
    EXPECT_EQ(back.version, sub.version);
  }
}

TEST(TrackerItemTest, NotesKeepTheirOrderAndDuplicatesInDatameshNotes) {
  Subscription sub = datamesh_subscriptions()[2];
  sub.notes = {"second thoughts", "approved", "second thoughts"};
  const json item = encode_tracker_item(sub);
  EXPECT_EQ(item["Notes"], json({{"SS", {"approved", "second thoughts"}}}));
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded, decode_tracker_item(item));
  EXPECT_EQ(decoded.subscription.notes, sub.notes);
}

TEST(TrackerItemTest, NotesTheOriginalAddedAfterDatameshComeLastSorted) {
  json item = encode_tracker_item(datamesh_subscriptions()[2]);  // notes {"ok", "ok"}
  item["Notes"] = {{"SS", {"ok", "zeta", "alpha"}}};             // the original ADDed two
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded, decode_tracker_item(item));
  EXPECT_THAT(decoded.subscription.notes, ElementsAre("ok", "ok", "alpha", "zeta"));
}

TEST(TrackerItemTest, NotesNoLongerInTheSetAreDropped) {
  json item = encode_tracker_item(datamesh_subscriptions()[2]);
  item["Notes"] = {{"SS", {"other"}}};
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded, decode_tracker_item(item));
  EXPECT_THAT(decoded.subscription.notes, ElementsAre("other"));
}

TEST(TrackerItemTest, AnEmptyNoteStaysOutOfTheSet) {
  Subscription sub = datamesh_subscriptions()[2];
  sub.notes = {"", "kept"};
  const json item = encode_tracker_item(sub);
  EXPECT_EQ(item["Notes"], json({{"SS", {"kept"}}}));
  ASSERT_OK_AND_ASSIGN(TrackerItem decoded, decode_tracker_item(item));
  EXPECT_EQ(decoded.subscription.notes, sub.notes);
}

TEST(TrackerItemTest, RamSharesAreKeyedByArnWithTheSubscriptionsType) {
  const json table = encode_tracker_item(datamesh_subscriptions()[2]);
  EXPECT_EQ(table["RamShares"],
            json({{"M",
                   {{kShareTable,
                     {{"M", {{"type", {{"S", "Table"}}}, {"arn", {{"S", kShareTable}}}}}}}}}}));
  Subscription database = datamesh_subscriptions()[3];
  database.ram_shares = {kShareDb};
  EXPECT_EQ(encode_tracker_item(database)["RamShares"]["M"][kShareDb]["M"]["type"],
            json({{"S", "Database"}}));
}

TEST(TrackerItemTest, AnActiveSubscriptionWithoutSharesHasAnEmptyMap) {
  // The original's finalize and consumer delete read RamShares of an Active item unguarded.
  const json item = encode_tracker_item(datamesh_subscriptions()[3]);
  EXPECT_EQ(item["RamShares"], json({{"M", json::object()}}));
  EXPECT_EQ(item["GrantableGrants"], json({{"L", json::array()}}));
}

TEST(TrackerItemTest, DeniedAndDeletedClearTheirListsWithNull) {
  for (const Subscription& sub : datamesh_subscriptions()) {
    if (sub.status != SubscriptionStatus::kDenied && sub.status != SubscriptionStatus::kDeleted) {
      continue;
    }
    const json item = encode_tracker_item(sub);
    EXPECT_EQ(item["GrantableGrants"], json({{"NULL", true}}));
    EXPECT_EQ(item["GrantedTableARNs"], json({{"NULL", true}}));
  }
}

// Malformed items: the error names the attribute and what was expected.
struct Malformed {
  const char* name;
  std::function<void(json&)> damage;
  const char* message;
};

TEST(TrackerItemTest, MalformedItemsSayWhichAttributeAndWhatType) {
  const std::vector<Malformed> cases = {
      {"status as a number",
       [](json& i) {
         i["Status"] = {{"N", "1"}};
       },
       "attribute Status must be S, not N"},
      {"unknown status",
       [](json& i) {
         i["Status"] = {{"S", "Approved"}};
       },
       "attribute Status is \"Approved\"; expected Pending, Active, Denied or Deleted"},
      {"no subscriber", [](json& i) { i.erase("SubscriberPrincipal"); },
       "attribute SubscriberPrincipal must be S, not missing"},
      {"null owner",
       [](json& i) {
         i["OwnerPrincipal"] = {{"NULL", true}};
       },
       "attribute OwnerPrincipal must be S, not NULL"},
      {"no id", [](json& i) { i.erase("SubscriptionId"); },
       "tracker item: attribute SubscriptionId must be S, not missing"},
      {"notes as a list",
       [](json& i) {
         i["Notes"] = {{"L", {{{"S", "x"}}}}};
       },
       "attribute Notes must be SS, not L"},
      {"table name as a string",
       [](json& i) {
         i["TableName"] = {{"S", "orders"}};
       },
       "attribute TableName must be L of S, not S"},
      {"table name with a number",
       [](json& i) {
         i["TableName"] = {{"L", {{{"S", "a"}}, {{"N", "2"}}}}};
       },
       "attribute TableName must be L of S, but element 1 is N"},
      {"grants as a string set",
       [](json& i) {
         i["GrantableGrants"] = {{"SS", {"SELECT"}}};
       },
       "attribute GrantableGrants must be L of S, not SS"},
      {"share without arn", [](json& i) { i["RamShares"]["M"]["orders"]["M"].erase("arn"); },
       "RamShares entry \"orders\": attribute arn must be S, not missing"},
      {"share as a string",
       [](json& i) {
         i["RamShares"]["M"]["orders"] = {{"S", "arn:..."}};
       },
       "attribute RamShares entry \"orders\" must be M, not S"},
      {"shares as a list",
       [](json& i) {
         i["RamShares"] = {{"L", json::array()}};
       },
       "attribute RamShares must be M, not L"},
      {"imported as a string",
       [](json& i) {
         i["ImportedToConsumer"] = {{"S", "true"}};
       },
       "attribute ImportedToConsumer must be BOOL, not S"},
      {"version not a number",
       [](json& i) {
         i["DatameshVersion"] = {{"N", "1.5"}};
       },
       "attribute DatameshVersion must be a whole number, not \"1.5\""},
      {"negative version",
       [](json& i) {
         i["DatameshVersion"] = {{"N", "-1"}};
       },
       "attribute DatameshVersion is negative (-1)"},
      {"no database", [](json& i) { i.erase("DatabaseName"); },
       "attribute DatabaseName must be S (an item with TableName needs its database)"},
      {"nothing subscribed",
       [](json& i) {
         i.erase("DatabaseName");
         i.erase("TableName");
       },
       "names no DatabaseName, DataProduct or Domain"},
      {"a value that is no AttributeValue", [](json& i) { i["Status"] = "Active"; },
       "attribute Status must be S, not a JSON string instead of an AttributeValue"},
      {"a value with two types",
       [](json& i) {
         i["CreatedBy"] = {{"S", "x"}, {"N", "1"}};
       },
       "attribute CreatedBy must be S, not an AttributeValue without exactly one type"},
  };
  for (const Malformed& malformed : cases) {
    SCOPED_TRACE(malformed.name);
    json item = tracker_fixture("active_table")["item"];
    malformed.damage(item);
    EXPECT_STATUS(decode_tracker_item(item), absl::StatusCode::kInvalidArgument, malformed.message);
  }
  EXPECT_STATUS(decode_tracker_item(json::array()), absl::StatusCode::kInvalidArgument,
                "must be a JSON object of attributes, not a JSON array");
}

TEST(TrackerItemTest, ErrorsNameTheItem) {
  json item = tracker_fixture("active_table")["item"];
  item["Status"] = {{"N", "1"}};
  EXPECT_STATUS(decode_tracker_item(item), absl::StatusCode::kInvalidArgument,
                "tracker item GUxwswjEFRzgwow8zqVwGC: attribute Status");
}

}  // namespace
}  // namespace datamesh::store::aws
