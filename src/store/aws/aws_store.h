// The AWS adapter of core's Store port: the mesh kept where the original library keeps it
// (Glue, Lake Formation, RAM, DynamoDB and IAM of the mesh account and of the caller's own;
// docs/AWS.md, "How the engine runs on AWS"), so the engine's rules run unchanged on AWS.
//
// A read transaction reads straight from AWS. A write transaction takes the mesh's writer lock
// (mesh_writer_lock.h) before its body reads, runs the body on a BufferedTransaction (nothing
// reaches AWS while the body runs; it reads its own writes), and commits (aws_commit.h): a
// change of DynamoDB only is one TransactWriteItems; any other is recorded as a plan in the lock
// item first, made in a safe order, and ended by one TransactWriteItems that writes the tracker,
// the audit event and frees the lock. A plan left by a failure is finished by the next writer.
//
// Thread-safe: the writers of one AwsStore take turns on a mutex, then on the mesh's lock with
// every other process; readers run at any time.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "core/secrets.h"
#include "core/store.h"
#include "store/aws/aws_sessions.h"
#include "store/aws/mesh_writer_lock.h"

namespace datamesh::store::aws {

struct AwsParts;

class AwsStore final : public Store {
 public:
  struct Options {
    MeshWriterLock::Options lock;
    // Bodies that lost a race (Aborted: an item changed by another writer, such as the original
    // library, since the body read it) run again at most this many times.
    int max_retries = kMaxRetries;
    // The mesh's sealer (its key signs the audit chain). A commit that makes a new RAM share
    // renames it in the audit events that list it (the body named it before AWS did) and links
    // those events again with it; without one, they keep the body's name. Must outlive the store.
    const core::SecretSealer* audit_sealer = nullptr;
  };

  AwsStore(std::shared_ptr<const AwsSessions> sessions, Options options);
  explicit AwsStore(std::shared_ptr<const AwsSessions> sessions)
      : AwsStore(std::move(sessions), Options{}) {}
  ~AwsStore() override;

  const AwsSessions& sessions() const { return *sessions_; }

 protected:
  absl::Status run_body(TxMode mode,
                        const std::function<absl::Status(Transaction&)>& body) override;

 private:
  absl::Status run_write(const std::function<absl::Status(Transaction&)>& body);

  std::shared_ptr<const AwsSessions> sessions_;
  Options options_;
  std::unique_ptr<AwsParts> parts_;
  std::string owner_;  // this store's name on the mesh's writer lock (random)
  std::mutex writer_mutex_;
};

}  // namespace datamesh::store::aws
