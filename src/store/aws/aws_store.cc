#include "store/aws/aws_store.h"

#include <openssl/rand.h>

#include <array>
#include <utility>

#include "absl/strings/escaping.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/aws_commit.h"
#include "store/aws/aws_parts.h"
#include "store/aws/aws_read_transaction.h"
#include "store/aws/buffered_transaction.h"
#include "store/aws/mesh_tables.h"

namespace datamesh::store::aws {

namespace {

// A name no other store on the mesh's lock has: 16 random bytes.
std::string random_owner() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // Without randomness two stores could share a name and take each other's lock; the clock
    // and address still tell them apart in practice.
    return base::cat("datamesh-", reinterpret_cast<uintptr_t>(&bytes), "-",
                     std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return base::cat("datamesh-",
                   absl::BytesToHexString(absl::string_view(
                       reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}

}  // namespace

AwsStore::AwsStore(std::shared_ptr<const AwsSessions> sessions, Options options)
    : sessions_(std::move(sessions)),
      options_(std::move(options)),
      parts_(std::make_unique<AwsParts>(*sessions_, options_.audit_sealer)),
      owner_(random_owner()) {}

AwsStore::~AwsStore() = default;

absl::Status AwsStore::run_body(TxMode mode,
                                const std::function<absl::Status(Transaction&)>& body) {
  if (mode == TxMode::kRead) {
    AwsReadTransaction reads(*parts_);
    return body(reads);
  }
  std::lock_guard writer(writer_mutex_);
  for (int retries = 0;; ++retries) {
    absl::Status status = run_write(body);
    // Aborted: an item changed since the body read it; reading again sees the change.
    if (!absl::IsAborted(status) || retries >= options_.max_retries) return status;
  }
}

namespace {

// A failed commit's plan (if it recorded one) stays in the lock for the next writer, who need
// not wait out this one's lease: it makes no more calls. A failure to say so is left to the
// lease; the commit's own error is what the caller needs.
void give_up(MeshWriterLock& lock) { (void)lock.abandon(); }

}  // namespace

absl::Status AwsStore::run_write(const std::function<absl::Status(Transaction&)>& body) {
  if (!sessions_->has(sessions_->mesh_account())) {
    // An account's admin setting up its own account: no lock, no tracker, no audit in a mesh
    // it cannot reach.
    AwsReadTransaction reads(*parts_);
    BufferedTransaction buffered(reads);
    DATAMESH_RETURN_IF_ERROR(body(buffered));
    return commit_outside_mesh(*parts_, reads, buffered.writes());
  }
  MeshWriterLock lock(*sessions_, owner_, options_.lock);
  absl::StatusOr<std::optional<std::string>> left = lock.acquire();
  if (absl::IsNotFound(left.status())) {
    // A mesh's first write (initialize_mesh_account): datamesh's tables do not exist yet.
    DATAMESH_RETURN_IF_ERROR(ensure_datamesh_tables(*sessions_));
    left = lock.acquire();
  }
  DATAMESH_RETURN_IF_ERROR(left.status());
  if (left->has_value()) {
    // A writer failed half-way through its commit: its change is finished first, so that this
    // body reads a mesh with no change half made.
    if (absl::Status finished = finish_plan(*parts_, lock, **left); !finished.ok()) {
      give_up(lock);
      return finished;
    }
  }
  // Steps another account's process could not make for this one's are made before its change.
  if (absl::Status made = make_deferred_steps(*parts_, lock); !made.ok()) {
    give_up(lock);
    return made;
  }
  AwsReadTransaction reads(*parts_);
  BufferedTransaction buffered(reads);
  const absl::Status status = body(buffered);
  if (!status.ok() || buffered.writes().empty()) {
    // Nothing to write: the lock goes back as it was taken. A failure to free it is left to
    // its lease; the body's own answer is what the caller needs.
    const absl::Status released = lock.release();
    if (!status.ok()) return status;
    return released;
  }
  absl::Status committed = commit_writes(*parts_, lock, reads, buffered.writes());
  if (!committed.ok()) give_up(lock);
  return committed;
}

}  // namespace datamesh::store::aws
