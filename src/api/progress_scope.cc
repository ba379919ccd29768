#include "api/progress_scope.h"

#include <utility>

namespace datamesh::api {
namespace {

thread_local ProgressScope* innermost = nullptr;

}  // namespace

ProgressScope::ProgressScope(core::ProgressObserver observer)
    : observer_(std::move(observer)), outer_(innermost) {
  innermost = this;
}

ProgressScope::~ProgressScope() { innermost = outer_; }

core::ProgressObserver ProgressScope::current() {
  return innermost == nullptr ? core::ProgressObserver() : innermost->observer_;
}

}  // namespace datamesh::api
