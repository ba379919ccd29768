// The progress observer of the call running on this thread, handed from a front end (the
// public API's on_progress, the CLI's progress bar) to the route of the one method that
// reports progress (create_data_products), across the JSON backend interface that has no
// place for it. Only the embedded backend runs the route on the caller's thread, so a call
// that reaches a server reports no progress; a server's handler threads never set one.
#pragma once

#include "core/progress.h"

namespace datamesh::api {

class ProgressScope {
 public:
  // Makes `observer` the current one on this thread until the scope ends (scopes nest).
  explicit ProgressScope(core::ProgressObserver observer);
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;
  ~ProgressScope();

  // The innermost observer of this thread, or an empty one.
  static core::ProgressObserver current();

 private:
  core::ProgressObserver observer_;
  ProgressScope* outer_;
};

}  // namespace datamesh::api
