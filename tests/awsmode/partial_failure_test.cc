// Partial failure in AWS mode (issue 13, point 5; docs/AWS.md, "Transactions"): for each write
// method of the documented workflow, the k-th AWS call fails (failing_transport.h): refused
// before it reached AWS, or made but its answer lost. Which k (failures_to_make): every call
// that changes something, both ways, and the reads refused, every n-th when a test's budget of
// runs (12 on a shared mesh, 10 with new accounts per run: the suite's wall time) is short. After each failure the invariants hold, read straight from moto with a raw client:
//   - no Active subscription without its Lake Formation grants;
//   - no grant of a subscription that is not Active, unless the mesh's writer lock holds a plan
//     naming it (the subscription is in transition);
//   - no product (mesh database with datamesh:ProducerAccount) missing a table it publishes;
//   - the audit chain intact (admin verify_audit).
// Then the method is run again with no failure and completes: its answer, or the answer the
// other modes give when a method is repeated on the state it leads to (FailedPrecondition, e.g.
// "already Active", or AlreadyExists): a failed call may have made its change (its answer lost,
// or its plan finished by the next writer), and the rerun then finds it done. Either way the
// state reached must equal a clean run's, invariants included.
//
// Set-up shared where safe: the subscription methods share one mesh per test and give each run
// a source database, product and subscription of its own (run i's names end in i); the account
// set-up methods get new accounts each run.
#include <algorithm>
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "base/text.h"
#include "awsmode/aws_mesh_fixture.h"
#include "awsmode/failing_transport.h"

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

  MeshState read_state() {
    MeshState state;
    const std::shared_ptr<const AwsClient> mesh_client = moto_account_client(mesh());
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
    const std::shared_ptr<const AwsClient> producer_client = moto_account_client(producer());
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
        if ((covers && string_of(item, "Status") == "Active") || in_transition) explained = true;
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

  // The part of `state` a run made (what names `scope`, or everything when empty), with the
  // accounts' ids, the run's suffix and dates made neutral, so runs compare.
  std::string comparable(const MeshState& state, const std::string& scope,
                         const std::string& suffix) {
    json out = {{"Plan", !state.plan.empty()}, {"Subscriptions", json::array()},
                {"Grants", json::array()}, {"Products", json::array()}};
    const auto in_scope = [&](const std::string& database) {
      return scope.empty() || database == scope;
    };
    for (const json& item : state.subscriptions) {
      if (!in_scope(string_of(item, "DatabaseName"))) continue;
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
      std::string database;
      if (!table_of(resource).is_null()) database = table_of(resource).value("DatabaseName", "");
      if (resource.contains("Database")) database = resource["Database"].value("Name", "");
      if (!in_scope(database)) continue;
      out["Grants"].push_back({{"Principal", p["Principal"]},
                               {"Resource", resource},
                               {"Permissions", sorted(p.value("Permissions", json::array()))},
                               {"Grantable", sorted(p.value("PermissionsWithGrantOption",
                                                            json::array()))}});
    }
    for (const json& product : state.products) {
      if (!in_scope(product["Database"])) continue;
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
    return absl::StrReplaceAll(out.dump(1), {{mesh(), "<mesh>"},
                                             {producer(), "<producer>"},
                                             {consumer(), "<consumer>"},
                                             {"sales" + suffix, "sales"}});
  }

  // The (k, failure) pairs a scenario makes, at most `budget` (the test's time: each costs a
  // set-up and two runs). Every call that changes something fails both ways (refused, answer
  // lost): these are the failures that leave a change half made. A read's lost answer changed
  // nothing, so reads only fail refused; when the budget is short, every n-th read is kept, the
  // first and the last always.
  static std::vector<std::pair<long, Failure>> failures_to_make(
      const std::vector<std::string>& operations, size_t budget) {
    std::vector<std::pair<long, Failure>> writes;
    std::vector<long> reads;
    for (size_t i = 0; i < operations.size(); ++i) {
      const long k = static_cast<long>(i) + 1;
      if (is_read(operations[i])) {
        reads.push_back(k);
      } else {
        writes.push_back({k, Failure::kRefused});
        writes.push_back({k, Failure::kAnswerLost});
      }
    }
    std::vector<std::pair<long, Failure>> out;
    // Both failures of every n-th changing call when they alone pass the budget.
    const size_t write_stride =
        writes.size() <= budget ? 1 : (writes.size() / 2 + budget / 2 - 1) / (budget / 2);
    for (size_t i = 0; i < writes.size(); i += 2) {
      if ((i / 2) % write_stride == 0) out.insert(out.end(), {writes[i], writes[i + 1]});
    }
    const size_t room = budget > out.size() ? budget - out.size() : 2;
    const size_t stride = reads.size() <= room ? 1 : (reads.size() + room - 1) / room;
    for (size_t i = 0; i < reads.size(); ++i) {
      if (i % stride == 0 || i + 1 == reads.size()) out.push_back({reads[i], Failure::kRefused});
    }
    std::sort(out.begin(), out.end());
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

  // One write method under test. `prepare(i)` brings run i to the state just before the method
  // (no failure armed) and returns what it needs; `method(i, prepared)` calls it; `scope(i)` is
  // the mesh database run i changes ("" when the run has accounts of its own).
  struct Scenario {
    bool new_accounts = false;
    std::function<json(int)> prepare;
    std::function<absl::StatusOr<json>(int, const json&)> method;
    std::function<std::string(int)> scope = [](int) { return std::string(); };
  };

  void run_scenario(const Scenario& s) {
    int run = 0;
    const auto start = [&]() -> json {
      ++run;
      if (s.new_accounts && run > 1) use_new_accounts();
      transport_->count_only();
      return s.prepare(run);
    };
    // The clean run: how many calls, and the state it leads to. On a shared mesh, a first run
    // opens the personas' sessions (STS calls the later runs do not make): the second counts.
    absl::StatusOr<json> clean;
    for (int clean_runs = s.new_accounts ? 1 : 2; clean_runs > 0; --clean_runs) {
      const json prepared = start();
      if (HasFatalFailure()) return;
      transport_->count_only();
      clean = s.method(run, prepared);
      ASSERT_TRUE(clean.ok()) << clean.status();
    }
    const long count = transport_->calls();
    const std::vector<std::string> operations = transport_->operations();
    ASSERT_TRUE(clean.ok()) << clean.status();
    const std::string clean_state = comparable(read_state(), s.scope(run), std::to_string(run));
    RecordProperty("AwsCalls", static_cast<int>(count));
    ASSERT_GT(count, 0);
    for (const auto& [k, failure] : failures_to_make(operations, s.new_accounts ? 10 : 12)) {
      {
        const std::string when = datamesh::base::cat("call ", k, " of ", count,
                                           failure == Failure::kRefused ? " refused" : " answer lost");
        SCOPED_TRACE(when);
        const json before = start();
        if (HasFatalFailure()) return;
        transport_->arm(k, failure);
        absl::StatusOr<json> failed = s.method(run, before);
        EXPECT_TRUE(transport_->failed());
        transport_->count_only();
        check_invariants(read_state(), when + ", after the failure");
        if (!failed.ok()) {
          absl::StatusOr<json> again = s.method(run, before);
          EXPECT_TRUE(again.ok() || absl::IsFailedPrecondition(again.status()) ||
                      absl::IsAlreadyExists(again.status()))
              << "run again: " << again.status();
        }
        const MeshState after = read_state();
        check_invariants(after, when + ", run again");
        EXPECT_EQ(comparable(after, s.scope(run), std::to_string(run)), clean_state);
        if (HasFailure()) return;  // one failing k says enough; the rest would repeat it
      }
    }
  }

  // The calls that bring a shared mesh to each state of the workflow; run i's names end in i.
  std::string source(int i) { return datamesh::base::cat("sales", i); }
  std::string mesh_database(int i) { return datamesh::base::cat(source(i), "-", producer()); }

  void database_made(int i) {
    ASSERT_TRUE(call(producer(), "catalog", "create_database",
                     {{"database_input", {{"Name", source(i)}}}})
                    .ok());
  }
  static json orders() {
    return {{"Name", "orders"},
            {"StorageDescriptor",
             {{"Columns", {{{"Name", "id"}, {"Type", "int"}}}},
              {"Location", "s3://sales-bucket/orders/"}}}};
  }
  void table_made(int i) {
    database_made(i);
    ASSERT_TRUE(call(producer(), "catalog", "create_table",
                     {{"database_name", source(i)}, {"table_input", orders()}})
                    .ok());
  }
  absl::StatusOr<json> publish(int i) {
    return call(producer(), "producer", "create_data_products",
                {{"source_database_name", source(i)}, {"table_name_regex", "orders"}});
  }
  void published(int i) {
    table_made(i);
    absl::StatusOr<json> product = publish(i);
    ASSERT_TRUE(product.ok()) << product.status();
  }
  absl::StatusOr<json> request(int i) {
    return call(consumer(), "consumer", "request_access_to_product",
                {{"owner_account_id", producer()},
                 {"database_name", mesh_database(i)},
                 {"tables", {"orders"}},
                 {"request_permissions", {"SELECT", "INSERT"}}});
  }
  // A pending request of run i; its id.
  std::string requested(int i) {
    published(i);
    absl::StatusOr<json> made = request(i);
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? (*made)["SubscriptionId"].get<std::string>() : "";
  }
  std::string approved(int i) {
    const std::string id = requested(i);
    absl::StatusOr<json> done =
        call(producer(), "producer", "approve_access_request", {{"request_id", id}});
    EXPECT_TRUE(done.ok()) << done.status();
    return id;
  }
  std::string finalized(int i) {
    const std::string id = approved(i);
    absl::StatusOr<json> done =
        call(consumer(), "consumer", "finalize_subscription", {{"subscription_id", id}});
    EXPECT_TRUE(done.ok()) << done.status();
    return id;
  }

  // A scenario on the shared mesh: `prepare` makes run i's state, the method gets its id.
  Scenario on_shared_mesh(std::function<json(int)> prepare,
                          std::function<absl::StatusOr<json>(int, const json&)> method) {
    set_up_mesh();
    return Scenario{.prepare = std::move(prepare),
                    .method = std::move(method),
                    .scope = [this](int i) { return mesh_database(i); }};
  }

  std::shared_ptr<FailingTransport> transport_;
  // Whether the state before the method has an initialized mesh (one with an audit chain).
  bool mesh_initialized_ = true;
};

// --- Setting up the mesh and its accounts: new accounts each run -----------------------------

TEST_F(PartialFailureTest, InitializeMeshAccount) {
  mesh_initialized_ = false;
  run_scenario({.new_accounts = true,
                .prepare = [](int) { return json(); },
                .method = [this](int, const json&) {
                  return call(mesh(), "admin", "initialize_mesh_account");
                }});
}

TEST_F(PartialFailureTest, InitializeProducerAccount) {
  run_scenario({.new_accounts = true,
                .prepare = [this](int) {
                  EXPECT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
                  return json();
                },
                .method = [this](int, const json&) {
                  return call(producer(), "admin", "initialize_producer_account");
                }});
}

TEST_F(PartialFailureTest, EnableAccountAsProducer) {
  run_scenario({.new_accounts = true,
                .prepare = [this](int) {
                  EXPECT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
                  EXPECT_TRUE(call(producer(), "admin", "initialize_producer_account").ok());
                  return json();
                },
                .method = [this](int, const json&) {
                  return call(mesh(), "admin", "enable_account_as_producer",
                              {{"account_id", producer()}});
                }});
}

TEST_F(PartialFailureTest, EnableAccountAsConsumer) {
  run_scenario({.new_accounts = true,
                .prepare = [this](int) {
                  EXPECT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
                  EXPECT_TRUE(call(consumer(), "admin", "initialize_consumer_account").ok());
                  return json();
                },
                .method = [this](int, const json&) {
                  return call(mesh(), "admin", "enable_account_as_consumer",
                              {{"account_id", consumer()}});
                }});
}

// --- The producer's catalog and products: one mesh, a source database per run -----------------

TEST_F(PartialFailureTest, CreateDatabase) {
  run_scenario(on_shared_mesh([](int) { return json(); },
                              [this](int i, const json&) {
                                return call(producer(), "catalog", "create_database",
                                            {{"database_input", {{"Name", source(i)}}}});
                              }));
}

TEST_F(PartialFailureTest, CreateTable) {
  run_scenario(on_shared_mesh(
      [this](int i) {
        database_made(i);
        return json();
      },
      [this](int i, const json&) {
        return call(producer(), "catalog", "create_table",
                    {{"database_name", source(i)}, {"table_input", orders()}});
      }));
}

TEST_F(PartialFailureTest, CreateDataProducts) {
  run_scenario(on_shared_mesh(
      [this](int i) {
        table_made(i);
        return json();
      },
      [this](int i, const json&) { return publish(i); }));
}

// --- A subscription's life: one mesh, a product and a subscription per run --------------------

TEST_F(PartialFailureTest, RequestAccessToProduct) {
  run_scenario(on_shared_mesh(
      [this](int i) {
        published(i);
        return json();
      },
      [this](int i, const json&) { return request(i); }));
}

TEST_F(PartialFailureTest, ApproveAccessRequest) {
  run_scenario(on_shared_mesh([this](int i) { return json(requested(i)); },
                              [this](int, const json& id) {
                                return call(producer(), "producer", "approve_access_request",
                                            {{"request_id", id}});
                              }));
}

TEST_F(PartialFailureTest, DenyAccessRequest) {
  run_scenario(on_shared_mesh([this](int i) { return json(requested(i)); },
                              [this](int, const json& id) {
                                return call(producer(), "producer", "deny_access_request",
                                            {{"request_id", id}, {"decision_notes", "no"}});
                              }));
}

TEST_F(PartialFailureTest, FinalizeSubscription) {
  run_scenario(on_shared_mesh([this](int i) { return json(approved(i)); },
                              [this](int, const json& id) {
                                return call(consumer(), "consumer", "finalize_subscription",
                                            {{"subscription_id", id}});
                              }));
}

TEST_F(PartialFailureTest, UpdateSubscriptionPermissions) {
  run_scenario(on_shared_mesh([this](int i) { return json(finalized(i)); },
                              [this](int, const json& id) {
                                return call(producer(), "producer",
                                            "update_subscription_permissions",
                                            {{"subscription_id", id},
                                             {"grant_permissions", {"SELECT"}}});
                              }));
}

TEST_F(PartialFailureTest, ProducerDeleteSubscription) {
  run_scenario(on_shared_mesh([this](int i) { return json(finalized(i)); },
                              [this](int, const json& id) {
                                return call(producer(), "producer", "delete_subscription",
                                            {{"subscription_id", id}, {"reason", "ended"}});
                              }));
}

TEST_F(PartialFailureTest, ConsumerDeleteSubscription) {
  run_scenario(on_shared_mesh([this](int i) { return json(finalized(i)); },
                              [this](int, const json& id) {
                                return call(consumer(), "consumer", "delete_subscription",
                                            {{"subscription_id", id}, {"reason", "done"}});
                              }));
}

}  // namespace
}  // namespace datamesh::aws::testing
