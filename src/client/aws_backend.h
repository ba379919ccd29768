// The AWS-mode backend (`--endpoint aws://REGION`): the engine runs in this process on the AWS
// store (store/aws/aws_store.h), with the sessions the caller's AWS credentials give for the
// persona of the method called, as the original library's classes make them
// (reference-original.md §1.2):
//   - producer methods: DataMeshProducer in the caller's account P, then
//     DataMeshAdminProducer-<P> in the mesh account M;
//   - consumer methods: DataMeshConsumer in C, then DataMeshAdminConsumer-<C> in M;
//   - admin and catalog methods: the caller's own credentials, in its own account (the mesh
//     admin's are M's; an account admin reaches only its own account).
// The caller's credentials are the explicit ones given (the original's credentials-file block,
// --access-key-id/...), else the AWS chain (environment, profile; aws/credential_chain.h). The
// mesh account id is required: it names where the mesh lives.
//
// What each call opened (sessions, store, engine) is kept for the process and reused by the
// next call with the same keys, persona and mesh: assumed roles are renewed before they expire.
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/backend.h"
#include "aws/environment.h"
#include "aws/http_transport.h"
#include "aws/retry.h"
#include "store/aws/aws_store.h"

namespace datamesh::client {

class AwsBackend final : public Backend {
 public:
  struct Options {
    datamesh::aws::EnvironmentLookup environment = datamesh::aws::process_environment();
    std::shared_ptr<datamesh::aws::HttpTransport> transport;  // null: the AWS client's own
    datamesh::aws::Sleeper sleep = datamesh::aws::real_sleeper();
    // The store's writer lock (lease, wait, clock) and retries; its audit_sealer is the
    // backend's own, whatever is given here.
    store::aws::AwsStore::Options store;
  };

  AwsBackend(std::string region, Options options);
  explicit AwsBackend(std::string region) : AwsBackend(std::move(region), Options{}) {}
  ~AwsBackend() override;

  absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                      const nlohmann::json& params,
                                      const std::optional<Credentials>& credentials,
                                      std::string_view data_mesh_account_id,
                                      const core::ProgressObserver& on_progress = {}) override;

 private:
  struct Mesh;
  absl::StatusOr<std::shared_ptr<Mesh>> open(std::string_view group, std::string_view method,
                                             const std::optional<Credentials>& credentials,
                                             std::string_view mesh_account);

  const std::string region_;
  const Options options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Mesh>> open_;  // guarded by mutex_
};

}  // namespace datamesh::client
