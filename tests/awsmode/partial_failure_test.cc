// Partial failure in AWS mode (issue 13, point 5; docs/AWS.md, "Transactions"): for each write
// method of the method table (src/api/methods.h, Effect kWrite), the k-th AWS call fails (failing_transport.h), for every k
// of the method's clean run (failures_to_make): a call that changes something both refused
// before it reached AWS and made with its answer lost; a read refused (its lost answer would
// have changed nothing). After each failure the invariants hold, read straight from moto with a
// raw client:
//   - no Active subscription without its Lake Formation grants;
//   - no grant of a subscription that is not Active, unless the mesh's writer lock holds a plan
//     naming it (the subscription is in transition), or its consumer left it (a consumer's
//     mesh role may not revoke: the grants wait for admin reconcile, docs/AWS.md);
//   - no product (mesh database with datamesh:ProducerAccount) missing a table it publishes;
//   - the audit chain intact (admin verify_audit).
// Then, if it failed, the method is run again with no failure and completes: its answer, or
// the answer the other modes give when a method is repeated on the state it leads to
// (FailedPrecondition, e.g. "already Active", AlreadyExists, or a delete's NotFound): a failed
// call may have made its change (its answer lost, or its plan finished by the next writer), and
// the rerun then finds it done. Either way the state reached must equal a clean run's, invariants included.
//
// Each test prepares the state before its method once (mesh and accounts of its own, then
// publish, request, ... as far as the method needs) and snapshots its accounts in the harness's
// moto (support/moto/extensions.py, "Snapshots"); every run, the clean one and one per (k,
// failure), starts from that snapshot restored and a new backend (no session, store or engine
// kept from a run that the restore undid: the mesh key, for one), so a run costs the method's
// own calls, and the state read and the audit chain verified stay as small as the prepared
// state. The calls that open a new backend's sessions (GetCallerIdentity, AssumeRole, ...) are
// the method's first calls, as in a new process, and fail in their turn like the others.
#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "aws/http_transport.h"
#include "awsmode/aws_mesh_fixture.h"
#include "awsmode/failing_transport.h"
#include "base/text.h"

namespace datamesh::aws::testing {
namespace {

using json = nlohmann::json;
using Failure = FailingTransport::Failure;

// The strings of a DynamoDB attribute: S, SS, or L of S.
std::vector<std::string> strings_of(const json& attribute) {
  std::vector<std::string> out;
  if (!attribute.is_object()) return out;
  if (attribute.contains("S")) out.push_back(attribute["S"]);
  if (attribute.contains("SS")) {
    for (const json& s : attribute["SS"]) out.push_back(s);
  }
  if (attribute.contains("L")) {
    for (const json& element : attribute["L"]) {
      if (element.contains("S")) out.push_back(element["S"]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string string_of(const json& item, const char* name) {
  const std::vector<std::string> all = strings_of(item.value(name, json()));
  return all.empty() ? "" : all.front();
}

std::vector<std::string> sorted(const json& list) {
  std::vector<std::string> out;
  if (list.is_array()) {
    for (const json& s : list) out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The table a Lake Formation resource names (Table, or TableWithColumns: Lake Formation lists
// SELECT on all columns so), or null.
json table_of(const json& resource) {
  if (resource.contains("Table")) return resource["Table"];
  if (resource.contains("TableWithColumns")) return resource["TableWithColumns"];
  return json();
}

// What moto holds of the mesh, read without datamesh.
struct MeshState {
  json subscriptions = json::array();  // tracker items
  std::string plan;                    // the writer lock's plan, "" when none
  json permissions = json::array();    // Lake Formation grants in the mesh account
  json products = json::array();       // {Database, Parameters, Tables}
};

class PartialFailureTest : public AwsMeshTest {
 protected:
  void SetUp() override {
    AwsMeshTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    transport_ = std::make_shared<FailingTransport>();
    use_transport(transport_);
  }

  // Every page of `operation`, the lists under `key` joined.
  static json all_pages(const AwsClient& client, Service service, const char* operation,
                        json request, const char* key) {
    json out = json::array();
    for (;;) {
      absl::StatusOr<json> page = client.call(service, operation, request);
      if (!page.ok()) {
        EXPECT_TRUE(absl::IsNotFound(page.status())) << operation << ": " << page.status();
        return out;
      }
      for (const json& entry : page->value(key, json::array())) out.push_back(entry);
      const std::string next = page->value("NextToken", "");
      if (next.empty()) return out;
      request["NextToken"] = next;
    }
  }

  // A raw client of `account` for reading its state: one per test (the harness keeps the keys
  // of an account valid across restores).
  std::shared_ptr<const AwsClient> reader(const std::string& account) {
    std::shared_ptr<const AwsClient>& client = readers_[account];
    if (!client) client = moto_account_client(account);
    return client;
  }

  MeshState read_state() {
    MeshState state;
    const std::shared_ptr<const AwsClient> mesh_client = reader(mesh());
    if (!mesh_client) return state;
    state.subscriptions = all_pages(*mesh_client, Service::kDynamoDb, "Scan",
                                    {{"TableName", "AwsDataMeshSubscriptions"}}, "Items");
    absl::StatusOr<json> lock =
        mesh_client->call(Service::kDynamoDb, "GetItem",
                          {{"TableName", "DatameshJournal"},
                           {"Key", {{"JournalId", {{"S", "mesh-writer"}}}}}});
    if (lock.ok() && lock->contains("Item")) state.plan = string_of((*lock)["Item"], "Plan");
    state.permissions = all_pages(*mesh_client, Service::kLakeFormation, "ListPermissions",
                                  {{"CatalogId", mesh()}}, "PrincipalResourcePermissions");
    const json databases = all_pages(*mesh_client, Service::kGlue, "GetDatabases",
                                     {{"CatalogId", mesh()}}, "DatabaseList");
    const std::shared_ptr<const AwsClient> producer_client = reader(producer());
    for (const json& database : databases) {
      const json parameters = database.value("Parameters", json::object());
      if (!parameters.contains("datamesh:ProducerAccount")) continue;
      json product = {{"Database", database["Name"]}, {"Parameters", parameters}};
      product["Tables"] = table_names(*mesh_client, mesh(), database["Name"]);
      if (producer_client && parameters["datamesh:ProducerAccount"] == producer()) {
        product["SourceTables"] = table_names(*producer_client, producer(),
                                              parameters.value("datamesh:SourceDatabase", ""));
      }
      state.products.push_back(std::move(product));
    }
    return state;
  }

  static json table_names(const AwsClient& client, const std::string& catalog,
                          const std::string& database) {
    json names = json::array();
    for (const json& table : all_pages(client, Service::kGlue, "GetTables",
                                       {{"CatalogId", catalog}, {"DatabaseName", database}},
                                       "TableList")) {
      names.push_back(table["Name"]);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // The invariants of the file's header, `when` naming the run in failures.
  void check_invariants(const MeshState& state, const std::string& when) {
    for (const json& item : state.subscriptions) {
      if (string_of(item, "Status") != "Active") continue;
      const std::string consumer = string_of(item, "SubscriberPrincipal");
      const std::string database = string_of(item, "DatabaseName");
      for (const std::string& table : strings_of(item.value("TableName", json()))) {
        const std::vector<std::string> wanted = strings_of(item.value("PermittedGrants", json()));
        // Lake Formation may list a principal's rights on a table in several entries.
        std::set<std::string> have;
        for (const json& p : state.permissions) {
          const json resource = table_of(p["Resource"]);
          if (p["Principal"].value("DataLakePrincipalIdentifier", "") != consumer ||
              resource.is_null() || resource.value("DatabaseName", "") != database ||
              resource.value("Name", "") != table) {
            continue;
          }
          for (const std::string& permission : sorted(p.value("Permissions", json::array()))) {
            have.insert(permission);
          }
        }
        const bool granted = std::includes(have.begin(), have.end(), wanted.begin(), wanted.end());
        EXPECT_TRUE(granted) << when << ": Active subscription " << string_of(item, "SubscriptionId")
                             << " has no grant of " << ::testing::PrintToString(wanted) << " on "
                             << database << "." << table << "; Lake Formation has "
                             << state.permissions.dump();
      }
    }
    for (const json& p : state.permissions) {
      const json resource = table_of(p["Resource"]);
      if (resource.is_null()) continue;
      const std::string principal = p["Principal"].value("DataLakePrincipalIdentifier", "");
      const std::string database = resource.value("DatabaseName", "");
      const std::string table = resource.value("Name", "");
      bool of_a_subscriber = false, explained = false;
      for (const json& item : state.subscriptions) {
        if (string_of(item, "SubscriberPrincipal") != principal ||
            string_of(item, "DatabaseName") != database) {
          continue;
        }
        of_a_subscriber = true;
        const std::vector<std::string> tables = strings_of(item.value("TableName", json()));
        const bool covers = std::find(tables.begin(), tables.end(), table) != tables.end();
        const bool in_transition = !state.plan.empty() &&
                                   state.plan.find(string_of(item, "SubscriptionId")) != std::string::npos;
        // Left by its consumer (the last change is the consumer's): kept for admin reconcile.
        const bool left_by_consumer =
            string_of(item, "Status") == "Deleted" &&
            string_of(item, "UpdatedBy").find(datamesh::base::cat(":", principal, ":")) != std::string::npos;
        if ((covers && string_of(item, "Status") == "Active") || in_transition ||
            left_by_consumer) {
          explained = true;
        }
      }
      EXPECT_TRUE(!of_a_subscriber || explained)
          << when << ": grant to " << principal << " on " << database << "." << table
          << " belongs to no Active subscription and no plan in the writer lock";
    }
    for (const json& product : state.products) {
      if (!product.contains("SourceTables")) continue;
      const std::string pattern = product["Parameters"].value("datamesh:TableNameRegex", "");
      const std::regex regex(pattern.empty() ? ".*" : pattern);
      for (const json& source : product["SourceTables"]) {
        const std::string name = source;
        if (!std::regex_match(name, regex)) continue;
        EXPECT_NE(std::find(product["Tables"].begin(), product["Tables"].end(), source),
                  product["Tables"].end())
            << when << ": product " << product["Database"] << " is missing table " << name;
      }
    }
    transport_->count_only();
    absl::StatusOr<json> audit = call(mesh(), "admin", "verify_audit");
    if (audit.ok()) {
      EXPECT_EQ((*audit)["Intact"], true) << when << ": " << audit->dump();
    } else {
      // Only a mesh whose initialization is not finished has no chain to verify.
      EXPECT_TRUE(!mesh_initialized_ && state.subscriptions.empty())
          << when << ": verify_audit " << audit.status();
    }
  }

  // `state` with dates made neutral, so runs compare.
  static std::string comparable(const MeshState& state) {
    json out = {{"Plan", !state.plan.empty()}, {"Subscriptions", json::array()},
                {"Grants", json::array()}, {"Products", json::array()}};
    for (const json& item : state.subscriptions) {
      out["Subscriptions"].push_back(
          {{"Status", string_of(item, "Status")},
           {"Tables", strings_of(item.value("TableName", json()))},
           {"Permitted", strings_of(item.value("PermittedGrants", json()))},
           {"Grantable", strings_of(item.value("GrantableGrants", json()))},
           {"Imported", item.value("ImportedToConsumer", json())},
           {"Shares", item.value("RamShares", json()).is_object()
                          ? item["RamShares"].value("M", json::object()).size()
                          : 0u}});
    }
    for (const json& p : state.permissions) {
      const json& resource = p["Resource"];
      out["Grants"].push_back({{"Principal", p["Principal"]},
                               {"Resource", resource},
                               {"Permissions", sorted(p.value("Permissions", json::array()))},
                               {"Grantable", sorted(p.value("PermissionsWithGrantOption",
                                                            json::array()))}});
    }
    for (const json& product : state.products) {
      json neutral = product;
      neutral["Parameters"].erase("datamesh:CreationDate");
      neutral["Parameters"].erase("datamesh:UpdatedDate");
      out["Products"].push_back(std::move(neutral));
    }
    for (const char* list : {"Subscriptions", "Grants", "Products"}) {
      std::vector<std::string> texts;
      for (const json& entry : out[list]) texts.push_back(entry.dump());
      std::sort(texts.begin(), texts.end());
      out[list] = texts;
    }
    return out.dump(1);
  }

  // The (k, failure) pairs a method's clean run calls for: every call that changes something
  // fails both ways (refused, answer lost), each read refused (its lost answer changed nothing).
  static std::vector<std::pair<long, Failure>> failures_to_make(
      const std::vector<std::string>& operations) {
    std::vector<std::pair<long, Failure>> out;
    for (size_t i = 0; i < operations.size(); ++i) {
      const long k = static_cast<long>(i) + 1;
      out.push_back({k, Failure::kRefused});
      if (!is_read(operations[i])) out.push_back({k, Failure::kAnswerLost});
    }
    return out;
  }

  // Whether an AWS operation only reads.
  static bool is_read(const std::string& operation) {
    for (const char* prefix : {"Get", "List", "Describe", "Scan", "Query", "BatchGet", "Search",
                               "get", "list", "describe", "search", "GET ", "HEAD "}) {
      if (operation.starts_with(prefix)) return true;
    }
    return false;
  }

  // POSTs `body` to the harness's /moto-api/datamesh/`operation` (support/moto/extensions.py).
  void moto_api(std::string_view operation, json body) {
    const std::string host = moto_url().substr(moto_url().find("://") + 3);
    absl::StatusOr<HttpResponse> answer = CurlTransport().send(
        moto_url(), HttpRequest{.method = "POST",
                                .path = datamesh::base::cat("/moto-api/datamesh/", operation),
                                .headers = {{"Host", host}, {"Content-Type", "application/json"}},
                                .body = body.dump()});
    ASSERT_TRUE(answer.ok()) << operation << ": " << answer.status();
    ASSERT_EQ(answer->status, 200) << operation << ": " << answer->body;
  }

  // The state every run starts from: the snapshot restored, and a new backend (nothing kept
  // from a run the restore undid), counting its calls from zero.
  void restore_prepared_state() {
    moto_api("restore", {{"name", snapshot_}});
    use_transport(transport_);
    transport_->count_only();
  }

  void TearDown() override {
    if (!snapshot_.empty()) moto_api("forget", {{"name", snapshot_}});
    AwsMeshTest::TearDown();
  }

  // One write method under test. `prepare()` brings the test's accounts to the state just before
  // the method (no failure armed) and returns what it needs; `method(prepared)` calls it.
  struct Scenario {
    std::function<json()> prepare;
    std::function<absl::StatusOr<json>(const json&)> method;
    // A delete run again after its change was made answers NotFound, as in the other modes.
    bool deletes = false;
  };

  void run_scenario(const Scenario& s) {
    const json prepared = s.prepare();
    if (HasFatalFailure()) return;
    for (const std::string& account : {mesh(), producer(), consumer()}) {
      admin_credentials(account);  // before the snapshot, as a process has its keys
    }
    snapshot_ = unique_name("partial-failure");
    ASSERT_NO_FATAL_FAILURE(
        moto_api("snapshot", {{"name", snapshot_}, {"accounts", {mesh(), producer(), consumer()}}}));

    // The clean run: its calls, and the state it leads to.
    ASSERT_NO_FATAL_FAILURE(restore_prepared_state());
    const absl::StatusOr<json> clean = s.method(prepared);
    ASSERT_TRUE(clean.ok()) << clean.status();
    const long count = transport_->calls();
    const std::vector<std::string> operations = transport_->operations();
    const std::string clean_state = comparable(read_state());
    ASSERT_GT(count, 0);
    const std::vector<std::pair<long, Failure>> failures = failures_to_make(operations);
    RecordProperty("AwsCalls", static_cast<int>(count));
    RecordProperty("FailedRuns", static_cast<int>(failures.size()));

    for (const auto& [k, failure] : failures) {
      const std::string when =
          datamesh::base::cat("call ", k, " of ", count, " (", operations[k - 1], ")",
                              failure == Failure::kRefused ? " refused" : " answer lost");
      SCOPED_TRACE(when);
      ASSERT_NO_FATAL_FAILURE(restore_prepared_state());
      transport_->arm(k, failure);
      const absl::StatusOr<json> failed = s.method(prepared);
      EXPECT_TRUE(transport_->failed());
      transport_->count_only();
      MeshState after = read_state();
      check_invariants(after, when + ", after the failure");
      if (!failed.ok()) {  // else the state read is the method's last
        const absl::StatusOr<json> again = s.method(prepared);
        EXPECT_TRUE(again.ok() || absl::IsFailedPrecondition(again.status()) ||
                    absl::IsAlreadyExists(again.status()) ||
                    (s.deletes && absl::IsNotFound(again.status())))
            << "run again: " << again.status();
        after = read_state();
        check_invariants(after, when + ", run again");
      }
      EXPECT_EQ(comparable(after), clean_state);
      if (HasFailure()) return;  // one failing k says enough; the rest would repeat it
    }
  }

  // The calls that bring the test's mesh to each state of the workflow.
  static constexpr char kSource[] = "sales";
  std::string mesh_database() { return datamesh::base::cat(kSource, "-", producer()); }

  void database_made() {
    ASSERT_TRUE(call(producer(), "catalog", "create_database",
                     {{"database_input", {{"Name", kSource}}}})
                    .ok());
  }
  static json orders() {
    return {{"Name", "orders"},
            {"StorageDescriptor",
             {{"Columns", {{{"Name", "id"}, {"Type", "int"}}}},
              {"Location", "s3://sales-bucket/orders/"}}}};
  }
  void table_made() {
    database_made();
    ASSERT_TRUE(call(producer(), "catalog", "create_table",
                     {{"database_name", kSource}, {"table_input", orders()}})
                    .ok());
  }
  absl::StatusOr<json> publish() {
    return call(producer(), "producer", "create_data_products",
                {{"source_database_name", kSource}, {"table_name_regex", "orders"}});
  }
  void published() {
    table_made();
    absl::StatusOr<json> product = publish();
    ASSERT_TRUE(product.ok()) << product.status();
  }
  absl::StatusOr<json> request() {
    return request_access(mesh_database(), json::array({"orders"}),
                          json::array({"SELECT", "INSERT"}));
  }
  // A pending request; its id.
  std::string requested() {
    published();
    absl::StatusOr<json> made = request();
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? (*made)["SubscriptionId"].get<std::string>() : "";
  }
  std::string approved() {
    const std::string id = requested();
    absl::StatusOr<json> done =
        call(producer(), "producer", "approve_access_request", {{"request_id", id}});
    EXPECT_TRUE(done.ok()) << done.status();
    return id;
  }
  std::string finalized() {
    const std::string id = approved();
    absl::StatusOr<json> done =
        call(consumer(), "consumer", "finalize_subscription", {{"subscription_id", id}});
    EXPECT_TRUE(done.ok()) << done.status();
    return id;
  }

  // A second access key of the producer, made by the mesh admin; its id.
  json second_producer_key() {
    absl::StatusOr<json> key =
        call(mesh(), "admin", "create_access_key", {{"account_id", producer()}});
    EXPECT_TRUE(key.ok()) << key.status();
    return key.ok() ? (*key)["AccessKeyId"] : json();
  }

  // A scenario on the set-up mesh: `prepare` makes the state, the method gets what it returns.
  Scenario on_set_up_mesh(std::function<json()> prepare,
                          std::function<absl::StatusOr<json>(const json&)> method) {
    return Scenario{.prepare =
                        [this, prepare = std::move(prepare)] {
                          set_up_mesh();
                          return HasFatalFailure() ? json() : prepare();
                        },
                    .method = std::move(method)};
  }

  std::shared_ptr<FailingTransport> transport_;
  std::map<std::string, std::shared_ptr<const AwsClient>> readers_;
  std::string snapshot_;  // the harness's name of the prepared state, "" until taken
  // Whether the state before the method has an initialized mesh (one with an audit chain).
  bool mesh_initialized_ = true;
};

// --- Setting up the mesh and its accounts ----------------------------------------------------

TEST_F(PartialFailureTest, InitializeMeshAccount) {
  mesh_initialized_ = false;
  run_scenario({.prepare = [] { return json(); },
                .method = [this](const json&) {
                  return call(mesh(), "admin", "initialize_mesh_account");
                }});
}

TEST_F(PartialFailureTest, InitializeProducerAccount) {
  run_scenario({.prepare = [this] {
                  EXPECT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
                  return json();
                },
                .method = [this](const json&) {
                  return call(producer(), "admin", "initialize_producer_account");
                }});
}

TEST_F(PartialFailureTest, EnableAccountAsProducer) {
  run_scenario({.prepare = [this] {
                  EXPECT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
                  EXPECT_TRUE(call(producer(), "admin", "initialize_producer_account").ok());
                  return json();
                },
                .method = [this](const json&) {
                  return call(mesh(), "admin", "enable_account_as_producer",
                              {{"account_id", producer()}});
                }});
}

TEST_F(PartialFailureTest, EnableAccountAsConsumer) {
  run_scenario({.prepare = [this] {
                  EXPECT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
                  EXPECT_TRUE(call(consumer(), "admin", "initialize_consumer_account").ok());
                  return json();
                },
                .method = [this](const json&) {
                  return call(mesh(), "admin", "enable_account_as_consumer",
                              {{"account_id", consumer()}});
                }});
}

// --- The producer's catalog and products -------------------------------------------------------

TEST_F(PartialFailureTest, CreateDatabase) {
  run_scenario(on_set_up_mesh([] { return json(); },
                              [this](const json&) {
                                return call(producer(), "catalog", "create_database",
                                            {{"database_input", {{"Name", kSource}}}});
                              }));
}

TEST_F(PartialFailureTest, CreateTable) {
  run_scenario(on_set_up_mesh(
      [this] {
        database_made();
        return json();
      },
      [this](const json&) {
        return call(producer(), "catalog", "create_table",
                    {{"database_name", kSource}, {"table_input", orders()}});
      }));
}

TEST_F(PartialFailureTest, CreateDataProducts) {
  run_scenario(on_set_up_mesh(
      [this] {
        table_made();
        return json();
      },
      [this](const json&) { return publish(); }));
}

TEST_F(PartialFailureTest, UpdateTable) {
  run_scenario(on_set_up_mesh(
      [this] {
        table_made();
        return json();
      },
      [this](const json&) {
        json input = orders();
        input["StorageDescriptor"]["Columns"].push_back({{"Name", "amount"}, {"Type", "double"}});
        return call(producer(), "catalog", "update_table",
                    {{"database_name", kSource}, {"table_input", input}});
      }));
}

TEST_F(PartialFailureTest, ImportTables) {
  run_scenario(on_set_up_mesh(
      [this] {
        database_made();
        return json();
      },
      [this](const json&) {
        return call(producer(), "catalog", "import_tables",
                    {{"database_name", kSource}, {"get_tables_json", {{"TableList", {orders()}}}}});
      }));
}

TEST_F(PartialFailureTest, DeleteTable) {
  Scenario scenario = on_set_up_mesh(
      [this] {
        table_made();
        return json();
      },
      [this](const json&) {
        return call(producer(), "catalog", "delete_table",
                    {{"database_name", kSource}, {"name", "orders"}});
      });
  scenario.deletes = true;
  run_scenario(scenario);
}

TEST_F(PartialFailureTest, DeleteDatabase) {
  Scenario scenario = on_set_up_mesh(
      [this] {
        table_made();
        return json();
      },
      [this](const json&) {
        return call(producer(), "catalog", "delete_database", {{"name", kSource}});
      });
  scenario.deletes = true;
  run_scenario(scenario);
}

// --- The mesh's access keys (DynamoDB only): a retry carries the first call's token, so that a
// call whose answer was lost is not made twice. (create_account writes nothing in AWS mode: every
// 12-digit id already names an account, docs/DECISIONS.md; AwsModeWorkflowTest checks its
// refusal.) ------------------------------------------------------------------------------------

TEST_F(PartialFailureTest, CreateAccessKey) {
  run_scenario(on_set_up_mesh([] { return json(); },
                              [this](const json&) {
                                return call(mesh(), "admin", "create_access_key",
                                            {{"account_id", producer()},
                                             {"client_token", "second-key"}});
                              }));
}

TEST_F(PartialFailureTest, RotateAccessKey) {
  run_scenario(on_set_up_mesh(
      [this] { return second_producer_key(); },
      [this](const json& key_id) {
        return call(mesh(), "admin", "rotate_access_key",
                    {{"key_id", key_id}, {"client_token", "rotate-once"}});
      }));
}

TEST_F(PartialFailureTest, RevokeAccessKey) {
  run_scenario(on_set_up_mesh(
      [this] { return second_producer_key(); },
      [this](const json& key_id) {
        return call(mesh(), "admin", "revoke_access_key",
                    {{"key_id", key_id}, {"client_token", "revoke-once"}});
      }));
}

// --- A subscription's life ---------------------------------------------------------------------

TEST_F(PartialFailureTest, RequestAccessToProduct) {
  run_scenario(on_set_up_mesh(
      [this] {
        published();
        return json();
      },
      [this](const json&) { return request(); }));
}

TEST_F(PartialFailureTest, ApproveAccessRequest) {
  run_scenario(on_set_up_mesh([this] { return json(requested()); },
                              [this](const json& id) {
                                return call(producer(), "producer", "approve_access_request",
                                            {{"request_id", id}});
                              }));
}

TEST_F(PartialFailureTest, DenyAccessRequest) {
  run_scenario(on_set_up_mesh([this] { return json(requested()); },
                              [this](const json& id) {
                                return call(producer(), "producer", "deny_access_request",
                                            {{"request_id", id}, {"decision_notes", "no"}});
                              }));
}

TEST_F(PartialFailureTest, FinalizeSubscription) {
  run_scenario(on_set_up_mesh([this] { return json(approved()); },
                              [this](const json& id) {
                                return call(consumer(), "consumer", "finalize_subscription",
                                            {{"subscription_id", id}});
                              }));
}

TEST_F(PartialFailureTest, UpdateSubscriptionPermissions) {
  run_scenario(on_set_up_mesh([this] { return json(finalized()); },
                              [this](const json& id) {
                                return call(producer(), "producer",
                                            "update_subscription_permissions",
                                            {{"subscription_id", id},
                                             {"grant_permissions", {"SELECT"}}});
                              }));
}

TEST_F(PartialFailureTest, ProducerDeleteSubscription) {
  run_scenario(on_set_up_mesh([this] { return json(finalized()); },
                              [this](const json& id) {
                                return call(producer(), "producer", "delete_subscription",
                                            {{"subscription_id", id}, {"reason", "ended"}});
                              }));
}

TEST_F(PartialFailureTest, ConsumerDeleteSubscription) {
  run_scenario(on_set_up_mesh([this] { return json(finalized()); },
                              [this](const json& id) {
                                return call(consumer(), "consumer", "delete_subscription",
                                            {{"subscription_id", id}, {"reason", "done"}});
                              }));
}

// --- Drift repaired: a permission granted by hand beside an Active subscription ----------------

TEST_F(PartialFailureTest, Reconcile) {
  run_scenario(on_set_up_mesh(
      [this] {
        finalized();
        const std::shared_ptr<const AwsClient> lake = moto_account_client(mesh());
        EXPECT_NE(lake, nullptr);
        if (!lake) return json();
        absl::StatusOr<json> stray = lake->call(
            Service::kLakeFormation, "GrantPermissions",
            {{"CatalogId", mesh()},
             {"Principal", {{"DataLakePrincipalIdentifier", consumer()}}},
             {"Resource",
              {{"Table",
                {{"CatalogId", mesh()}, {"DatabaseName", mesh_database()}, {"Name", "orders"}}}}},
             {"Permissions", {"ALTER"}}});
        EXPECT_TRUE(stray.ok()) << stray.status();
        return json();
      },
      [this](const json&) {
        return call(mesh(), "admin", "reconcile", {{"apply", true}});
      }));
}

}  // namespace
}  // namespace datamesh::aws::testing
