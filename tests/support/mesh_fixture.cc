#include "support/mesh_fixture.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "aws/sts_client.h"
#include "datamesh/json.h"

namespace datamesh::test_support {
namespace {

constexpr char kFactoryVariable[] = "DATAMESH_TEST_ENDPOINT_FACTORY";

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

// Runs the factory; its first line is the endpoint, each further line NAME=value is set in this
// process's environment (the clients, and the CLI processes a test starts, read it).
absl::StatusOr<std::string> endpoint_from_factory(const std::string& factory,
                                                  const std::filesystem::path& scratch_dir) {
  if (::access(factory.c_str(), X_OK) != 0) {
    return absl::InternalError(std::string(kFactoryVariable) + "=" + factory +
                               " does not name an executable file");
  }
  const std::string command = shell_quote(factory) + " " + shell_quote(scratch_dir.string());
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return absl::InternalError("cannot run the endpoint factory " + command);
  }
  std::string line;
  std::vector<std::string> settings;
  char buffer[4096];
  for (bool first = true; std::fgets(buffer, sizeof buffer, pipe) != nullptr; first = false) {
    std::string text = buffer;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (first) {
      line = std::move(text);
    } else if (!text.empty()) {
      settings.push_back(std::move(text));
    }
  }
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError("the endpoint factory " + command + " failed (wait status " +
                               std::to_string(status) + ")");
  }
  if (line.empty()) {
    return absl::InternalError("the endpoint factory " + command + " printed no endpoint");
  }
  for (const std::string& setting : settings) {
    const size_t equals = setting.find('=');
    if (equals == std::string::npos || equals == 0) {
      return absl::InternalError("the endpoint factory " + command +
                                 " printed a line that is not NAME=value: " + setting);
    }
    ::setenv(setting.substr(0, equals).c_str(), setting.substr(equals + 1).c_str(), 1);
  }
  return line;
}

}  // namespace

absl::StatusOr<std::string> fresh_endpoint(const std::filesystem::path& scratch_dir) {
  const char* factory = std::getenv(kFactoryVariable);
  if (factory != nullptr && *factory != '\0') return endpoint_from_factory(factory, scratch_dir);
  return "sqlite://" + (scratch_dir / "mesh.db").string();
}

bool is_aws_endpoint(const std::string& endpoint) { return endpoint.starts_with("aws://"); }

absl::StatusOr<Credentials> aws_admin_credentials(const std::string& account) {
  aws::AwsClient::Options options;
  options.region = "us-east-1";
  options.credentials = aws::fixed_credentials({"AKIDMOTOTESTING", "moto-testing-secret", ""});
  absl::StatusOr<aws::StsCalls> sts = aws::sts_calls(std::move(options));
  if (!sts.ok()) return sts.status();
  absl::StatusOr<aws::AssumedCredentials> assumed = sts->assume_role(
      aws::SigningKey{"AKIDMOTOTESTING", "moto-testing-secret", ""},
      "arn:aws:iam::" + account + ":role/Admin", "datamesh-test-admin");
  if (!assumed.ok()) return assumed.status();
  return Credentials{.account_id = account,
                     .access_key_id = assumed->key.access_key_id,
                     .secret_access_key = assumed->key.secret_access_key,
                     .session_token = assumed->key.session_token};
}

std::string sales_location(const std::string& table_name) {
  return "s3://acme-sales-data/warehouse/" + table_name + "/";
}

TableInput sales_table(const std::string& name) {
  TableInput table{.name = name,
                   .description = "sales table " + name,
                   .owner = "sales-team",
                   .table_type = "EXTERNAL_TABLE",
                   .parameters = {{"classification", "parquet"}}};
  StorageDescriptor storage{
      .columns = {Column{.name = "id", .type = "bigint", .comment = "primary key"},
                  Column{.name = "customer_id", .type = "bigint"},
                  Column{.name = "amount", .type = "decimal(12,2)"}},
      .location = sales_location(name),
      .input_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      .output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      .serde_info = SerDeInfo{
          .serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
          .parameters = {{"serialization.format", "1"}}}};
  table.storage_descriptor = std::move(storage);
  table.partition_keys = {Column{.name = "order_date", .type = "date"}};
  return table;
}

bool is_utc_date(const std::string& text) {
  // YYYY-MM-DD HH:MM:SS
  if (text.size() != 19) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = (i == 4 || i == 7)     ? c == '-'
                    : (i == 10)            ? c == ' '
                    : (i == 13 || i == 16) ? c == ':'
                                           : std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (!ok) return false;
  }
  return true;
}

// --- FreshMeshTest ---------------------------------------------------------------------------

void FreshMeshTest::SetUp() {
  auto endpoint = fresh_endpoint(scratch_dir_.path());
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
  if (endpoint->starts_with("skip ")) GTEST_SKIP() << endpoint->substr(5);
  endpoint_ = *endpoint;
}

ClientOptions FreshMeshTest::options(std::optional<Credentials> credentials,
                                     const std::string& data_mesh_account_id) const {
  return ClientOptions{.data_mesh_account_id = data_mesh_account_id,
                       .region_name = "us-east-1",
                       .log_level = "WARNING",
                       .use_credentials = std::move(credentials),
                       .endpoint = endpoint_};
}

// --- MeshFixture -----------------------------------------------------------------------------

void MeshFixture::SetUp() {
  FreshMeshTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  // AWS mode: every account acts with its AWS admin's credentials (see the top of the header).
  const auto aws_credentials = [this](const std::string& account) {
    absl::StatusOr<Credentials> credentials = aws_admin_credentials(account);
    EXPECT_TRUE(credentials.ok()) << credentials.status().ToString();
    if (credentials.ok()) credentials_[account] = *credentials;
    return credentials.ok();
  };
  if (aws_mode()) {
    ASSERT_TRUE(aws_credentials(kMeshAccount));
  }
  {
    DataMeshAdmin installer(
        options(aws_mode() ? std::optional<Credentials>(credentials(kMeshAccount)) : std::nullopt));
    auto mesh = installer.initialize_mesh_account("test mesh");
    ASSERT_TRUE(mesh.ok()) << mesh.status().ToString();
    ASSERT_EQ(mesh->account_id, kMeshAccount);
    if (!aws_mode()) {
      credentials_[kMeshAccount] = Credentials{.account_id = mesh->account_id,
                                               .access_key_id = mesh->access_key_id,
                                               .secret_access_key = mesh->secret_access_key};
    }
  }
  const std::pair<const char*, const char*> accounts[] = {{kProducerAccount, "producer one"},
                                                          {kConsumerAccount, "consumer one"},
                                                          {kProducer2Account, "producer two"},
                                                          {kConsumer2Account, "consumer two"},
                                                          {kNoRoleAccount, "no role"}};
  for (const auto& [id, name] : accounts) {
    // In AWS mode every account id already names an account (docs/DECISIONS.md): nothing to
    // create, and create_account of a given id is AlreadyExists.
    if (aws_mode()) {
      ASSERT_TRUE(aws_credentials(id));
      continue;
    }
    auto created = admin().create_account(name, id);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_EQ(created->account_id, id);
    credentials_[id] = Credentials{.account_id = created->account_id,
                                   .access_key_id = created->access_key_id,
                                   .secret_access_key = created->secret_access_key};
  }
  for (const char* id : {kProducerAccount, kProducer2Account}) {
    const absl::Status made = make_producer(id);
    ASSERT_TRUE(made.ok()) << made.ToString();
  }
  for (const char* id : {kConsumerAccount, kConsumer2Account}) {
    const absl::Status made = make_consumer(id);
    ASSERT_TRUE(made.ok()) << made.ToString();
  }
}

void MeshFixture::TearDown() { drop_clients(); }

const Credentials& MeshFixture::credentials(const std::string& account) const {
  auto it = credentials_.find(account);
  if (it == credentials_.end()) {
    ADD_FAILURE() << "no credentials for account " << account;
    static const Credentials kNone;
    return kNone;
  }
  return it->second;
}

void MeshFixture::replace_credentials(const std::string& account, const Credentials& credentials) {
  credentials_[account] = credentials;
  drop_clients();
}

DataMeshAdmin& MeshFixture::admin() { return admin_as(kMeshAccount); }

DataMeshAdmin& MeshFixture::admin_as(const std::string& account) {
  auto& client = admins_[account];
  if (!client) client = std::make_unique<DataMeshAdmin>(options(credentials(account)));
  return *client;
}

DataMeshProducer& MeshFixture::producer(const std::string& account) {
  auto& client = producers_[account];
  if (!client) client = std::make_unique<DataMeshProducer>(options(credentials(account)));
  return *client;
}

DataMeshConsumer& MeshFixture::consumer(const std::string& account) {
  auto& client = consumers_[account];
  if (!client) client = std::make_unique<DataMeshConsumer>(options(credentials(account)));
  return *client;
}

DataMeshCatalog& MeshFixture::catalog(const std::string& account) {
  auto& client = catalogs_[account];
  if (!client) client = std::make_unique<DataMeshCatalog>(options(credentials(account)));
  return *client;
}

void MeshFixture::drop_clients() {
  admins_.clear();
  producers_.clear();
  consumers_.clear();
  catalogs_.clear();
}

absl::Status MeshFixture::make_producer(const std::string& account) {
  if (absl::Status enabled = admin().enable_account_as_producer(account); !enabled.ok()) {
    return enabled;
  }
  return admin_as(account).initialize_producer_account().status();
}

absl::Status MeshFixture::make_consumer(const std::string& account) {
  if (absl::Status enabled = admin().enable_account_as_consumer(account); !enabled.ok()) {
    return enabled;
  }
  return admin_as(account).initialize_consumer_account().status();
}

absl::Status MeshFixture::create_sales_database(const std::string& account) {
  DataMeshCatalog& own = catalog(account);
  if (absl::Status created =
          own.create_database(DatabaseInput{.name = kSalesDatabase,
                                            .description = "orders and refunds of the shop",
                                            .location_uri = "s3://acme-sales-data/warehouse/"});
      !created.ok()) {
    return created;
  }
  for (const char* table : {"orders", "order_items", "refunds"}) {
    if (absl::Status created = own.create_table(kSalesDatabase, sales_table(table));
        !created.ok()) {
      return created;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<DataProduct> MeshFixture::publish_sales(const CreateDataProductsOptions& options) {
  auto existing = catalog(kProducerAccount).get_database(kSalesDatabase);
  if (absl::IsNotFound(existing.status())) {
    if (absl::Status created = create_sales_database(); !created.ok()) return created;
  } else if (!existing.ok()) {
    return existing.status();
  }
  return producer().create_data_products(kSalesDatabase, options);
}

absl::StatusOr<std::string> MeshFixture::request(
    const std::vector<std::string>& permissions,
    const std::optional<std::vector<std::string>>& tables, const std::string& consumer_account) {
  auto requested =
      consumer(consumer_account)
          .request_access_to_product(kProducerAccount, kSalesProduct, permissions, tables);
  if (!requested.ok()) return requested.status();
  if (requested->subscription_id.empty()) {
    return absl::InternalError("request_access_to_product returned no SubscriptionId");
  }
  return requested->subscription_id;
}

absl::StatusOr<std::string> MeshFixture::active_subscription(
    const std::vector<std::string>& permissions,
    const std::optional<std::vector<std::string>>& tables, const ApproveOptions& approve) {
  auto id = request(permissions, tables);
  if (!id.ok()) return id.status();
  if (absl::Status approved = producer().approve_access_request(*id, approve); !approved.ok()) {
    return approved;
  }
  return id;
}

absl::StatusOr<Subscription> MeshFixture::subscription(const std::string& id) {
  return producer().get_subscription(id);
}

absl::StatusOr<std::vector<AuditEvent>> MeshFixture::audit_events(
    const std::string& subscription_id, int page_size) {
  std::vector<AuditEvent> events;
  PageRequest page{.max_results = page_size};
  for (int pages = 0; pages < 100000; ++pages) {
    auto listed = admin().list_audit_events(subscription_id, page);
    if (!listed.ok()) return listed.status();
    events.insert(events.end(), listed->events.begin(), listed->events.end());
    if (listed->next_token.empty()) return events;
    if (listed->next_token == page.next_token) {
      return absl::InternalError("list_audit_events returned the same NextToken twice");
    }
    page.next_token = listed->next_token;
  }
  return absl::InternalError("list_audit_events never reached its last page");
}

absl::StatusOr<std::size_t> MeshFixture::audit_count() {
  auto events = audit_events();
  if (!events.ok()) return events.status();
  return events->size();
}

absl::StatusOr<std::vector<std::string>> MeshFixture::audit_actions(
    const std::string& subscription_id) {
  auto events = audit_events(subscription_id);
  if (!events.ok()) return events.status();
  std::vector<std::string> actions;
  for (const AuditEvent& event : *events) actions.push_back(event.action);
  return actions;
}

absl::StatusOr<std::string> MeshFixture::snapshot(const std::string& id, const std::string& owner) {
  auto sub = producer(owner).get_subscription(id);
  if (!sub.ok()) return sub.status();
  auto grants = producer(owner).get_subscription_grants(id);
  if (!grants.ok()) return grants.status();
  auto count = audit_count();
  if (!count.ok()) return count.status();
  return to_json(*sub) + "\ngrants: " + join(describe_grants(*grants), "; ") +
         "\naudit events: " + std::to_string(*count);
}

std::vector<std::string> describe_grants(const std::vector<EffectiveGrant>& grants) {
  std::vector<std::string> lines;
  for (const EffectiveGrant& grant : grants) {
    lines.push_back(grant.principal + "|" + grant.catalog_id + "|" + grant.database_name + "|" +
                    grant.table_name + "|" + join(grant.permissions, ",") + "|" +
                    join(grant.grantable_permissions, ",") + "|" + grant.subscription_id);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

const EffectiveGrant* find_grant(const std::vector<EffectiveGrant>& grants,
                                 const std::string& table_name) {
  for (const EffectiveGrant& grant : grants) {
    if (grant.table_name == table_name) return &grant;
  }
  return nullptr;
}

}  // namespace datamesh::test_support
