#include "client/aws_backend.h"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <utility>

#include "api/logging.h"
#include "api/mesh_service.h"
#include "api/routes.h"
#include "aws/client.h"
#include "aws/credential_chain.h"
#include "aws/partitions.h"
#include "aws/persona_chain.h"
#include "aws/sts_client.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/names.h"
#include "security/secret_box.h"
#include "store/aws/aws_sessions.h"
#include "store/aws/aws_store.h"
#include "store/aws/mesh_key.h"
#include "store/aws/mesh_tables.h"

namespace datamesh::client {

using base::cat;
namespace aws = datamesh::aws;

struct AwsBackend::Mesh {
  std::shared_ptr<api::MeshService> service;
  aws::CallerIdentity identity;  // who the caller's own keys are
  std::string access_key_id;
};

namespace {

absl::StatusOr<std::string> random_key() {
  std::string key(security::SecretBox::kKeySize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) !=
      1) {
    return absl::InternalError("no randomness for a new mesh key (OpenSSL RAND_bytes failed)");
  }
  return key;
}


}  // namespace

AwsBackend::AwsBackend(std::string region, Options options)
    : region_(std::move(region)), options_(std::move(options)) {}

AwsBackend::~AwsBackend() = default;

absl::StatusOr<std::shared_ptr<AwsBackend::Mesh>> AwsBackend::open(
    std::string_view group, std::string_view method,
    const std::optional<Credentials>& credentials, std::string_view mesh_account) {
  if (mesh_account.empty()) {
    return absl::InvalidArgumentError(
        "AWS mode needs the mesh account: give its 12-digit id (--data-mesh-account-id, "
        "data_mesh_account_id=, or the AccountId of the Mesh block of the credentials file)");
  }
  if (!core::is_account_id(mesh_account)) {
    return absl::InvalidArgumentError(cat("data_mesh_account_id \"", mesh_account,
                                          "\" is not an AWS account id (12 digits)"));
  }
  const std::string persona =
      group == "producer" || group == "consumer" ? std::string(group) : std::string("own");
  const bool explicit_keys = credentials && !credentials->access_key_id.empty();
  const std::string cache_key =
      cat(persona, "\n", explicit_keys ? credentials->access_key_id : "(AWS chain)", "\n",
          mesh_account);
  std::lock_guard lock(mutex_);
  if (auto found = open_.find(cache_key); found != open_.end()) return found->second;

  aws::AwsClient::Options base;
  base.region = region_;
  base.environment = options_.environment;
  base.transport = options_.transport;
  base.sleep = options_.sleep;
  base.credentials = aws::fixed_credentials({});  // replaced per session below
  DATAMESH_ASSIGN_OR_RETURN(const aws::StsCalls sts, aws::sts_calls(base));
  const aws::TimeSource now = [] { return std::chrono::system_clock::now(); };

  std::shared_ptr<aws::CredentialsProvider> caller;
  if (explicit_keys) {
    caller = std::make_shared<aws::StaticCredentialsProvider>(
        aws::SigningKey{credentials->access_key_id, credentials->secret_access_key,
                        credentials->session_token});
  } else {
    DATAMESH_ASSIGN_OR_RETURN(
        aws::ResolvedCredentials resolved,
        aws::resolve_credential_chain({}, options_.environment, sts.assume_role, now));
    caller = std::move(resolved.provider);
  }
  DATAMESH_ASSIGN_OR_RETURN(const aws::SigningKey key, caller->signing_key());
  DATAMESH_ASSIGN_OR_RETURN(aws::CallerIdentity identity, sts.get_caller_identity(key));

  std::map<std::string, std::shared_ptr<const aws::AwsClient>, std::less<>> clients;
  const auto add_client = [&](const std::string& account,
                              std::shared_ptr<aws::CredentialsProvider> provider) -> absl::Status {
    aws::AwsClient::Options options = base;
    options.credentials = [provider] { return provider->signing_key(); };
    DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<aws::AwsClient> client,
                              aws::AwsClient::create(std::move(options)));
    clients[account] = std::move(client);
    return absl::OkStatus();
  };
  const aws::PersonaChainCalls calls{.assume_role = sts.assume_role,
                                     .get_caller_identity = sts.get_caller_identity,
                                     .now = now};
  if (persona == "producer") {
    DATAMESH_ASSIGN_OR_RETURN(aws::ProducerSessions chain,
                              aws::producer_chain(caller, mesh_account, calls));
    DATAMESH_RETURN_IF_ERROR(add_client(chain.producer_account, chain.producer));
    DATAMESH_RETURN_IF_ERROR(add_client(std::string(mesh_account), chain.mesh));
  } else if (persona == "consumer") {
    DATAMESH_ASSIGN_OR_RETURN(aws::ConsumerSessions chain,
                              aws::consumer_chain(caller, mesh_account, calls));
    DATAMESH_RETURN_IF_ERROR(add_client(chain.consumer_account, chain.consumer));
    DATAMESH_RETURN_IF_ERROR(add_client(std::string(mesh_account), chain.mesh));
  } else {
    DATAMESH_RETURN_IF_ERROR(add_client(identity.account, caller));
  }
  auto sessions = std::make_shared<const store::aws::AwsSessions>(
      region_, std::string(mesh_account), std::move(clients),
      /*revokes_grants=*/persona != "consumer",
      persona == "producer" || persona == "consumer" ? std::string(persona) : std::string());

  // Checked before anything is read: another account's process does not reach the mesh, which
  // it would otherwise take for an initialized one (AlreadyExists).
  const bool initializing = method == "initialize_mesh_account";
  if (initializing && identity.account != mesh_account) {
    return absl::InvalidArgumentError(
        cat("initialize_mesh_account runs with the credentials of the mesh account ",
            mesh_account, ", not of account ", identity.account));
  }
  // The mesh key: the mesh's own, or, for a process that cannot reach the mesh (an account's
  // admin setting up its account), a throwaway one: nothing it seals reaches the mesh.
  DATAMESH_ASSIGN_OR_RETURN(std::string fresh, random_key());
  std::string mesh_key = fresh;
  if (sessions->has(mesh_account)) {
    if (initializing) DATAMESH_RETURN_IF_ERROR(store::aws::ensure_datamesh_tables(*sessions));
    DATAMESH_ASSIGN_OR_RETURN(mesh_key, store::aws::load_mesh_key(*sessions, initializing, fresh));
  }
  DATAMESH_ASSIGN_OR_RETURN(security::SecretBox box, security::SecretBox::from_key(mesh_key));
  auto sealer = std::make_unique<security::SecretBox>(std::move(box));
  // The service owns both; the store uses the sealer only inside its commits.
  store::aws::AwsStore::Options store_options = options_.store;
  store_options.audit_sealer = sealer.get();
  if (!store_options.lock.on_wait) {
    const int64_t wait = store_options.lock.wait.count();
    store_options.lock.on_wait = [wait](std::string_view holder, std::string_view state,
                                        int64_t lease_left) {
      api::logger().info(
          "waiting for the mesh's write lock: another datamesh writer ({}) holds it (state {}) "
          "for up to {} s more; waiting up to {} s",
          std::string(holder), std::string(state), lease_left, wait);
    };
  }
  auto store = std::make_unique<store::aws::AwsStore>(sessions, std::move(store_options));
  auto service = std::make_shared<api::MeshService>(std::move(store), std::move(sealer), region_,
                                                    std::string(aws::partition_of(region_).id));
  auto mesh = std::make_shared<Mesh>(
      Mesh{.service = std::move(service), .identity = std::move(identity),
           .access_key_id = key.access_key_id});
  open_[cache_key] = mesh;
  return mesh;
}

absl::StatusOr<nlohmann::json> AwsBackend::call(std::string_view group, std::string_view method,
                                                const nlohmann::json& params,
                                                const std::optional<Credentials>& credentials,
                                                std::string_view data_mesh_account_id,
                                                const core::ProgressObserver& on_progress) {
  DATAMESH_ASSIGN_OR_RETURN(const api::Route* route, api::find_route(group, method));
  DATAMESH_ASSIGN_OR_RETURN(const std::shared_ptr<Mesh> mesh,
                            open(route->group, route->method, credentials, data_mesh_account_id));
  if (!route->authenticated) {
    return mesh->service->dispatch(*route, params, nullptr, data_mesh_account_id, on_progress);
  }
  // The caller's account as the mesh knows it now (an admin may have enabled it meanwhile).
  const std::string& account_id = mesh->identity.account;
  DATAMESH_ASSIGN_OR_RETURN(
      const std::optional<Account> account,
      mesh->service->store().run(store::TxMode::kRead, [&](store::Transaction& tx) {
        return tx.get_account(account_id);
      }));
  if (!account) {
    return absl::PermissionDeniedError(cat(
        "account ", account_id, " (", mesh->identity.arn, ") is not part of the mesh in account ",
        data_mesh_account_id, ": the mesh admin enables it (enable-account-as-producer or "
        "-consumer) after its admin initialized it"));
  }
  const core::Caller caller{.account = *account,
                            .access_key_id = mesh->access_key_id,
                            .principal_arn = mesh->identity.arn};
  return mesh->service->dispatch(*route, params, &caller, data_mesh_account_id, on_progress);
}

}  // namespace datamesh::client
