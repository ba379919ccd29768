// Status plumbing in one line: DATAMESH_RETURN_IF_ERROR(expr) and
// DATAMESH_ASSIGN_OR_RETURN(lhs, expr). Debian 12's Abseil keeps its own versions of these
// internal, so datamesh has these two (TensorStore and other Abseil users do the same).
//
//   DATAMESH_RETURN_IF_ERROR(tx.put_account(account));
//   DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> account, tx.get_account(id));
//
// expr may be an absl::Status or an absl::StatusOr<T>; the error is returned unchanged.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace datamesh::base::status_internal {

inline const absl::Status& status_of(const absl::Status& status) { return status; }
inline absl::Status status_of(absl::Status&& status) { return std::move(status); }
template <typename T>
const absl::Status& status_of(const absl::StatusOr<T>& value) {
  return value.status();
}
template <typename T>
absl::Status status_of(absl::StatusOr<T>&& value) {
  return std::move(value).status();
}

}  // namespace datamesh::base::status_internal

#define DATAMESH_STATUS_CONCAT_INNER(a, b) a##b
#define DATAMESH_STATUS_CONCAT(a, b) DATAMESH_STATUS_CONCAT_INNER(a, b)

// Returns the error of expr (a Status or a StatusOr) from the enclosing function.
#define DATAMESH_RETURN_IF_ERROR(expr)                                                  \
  do {                                                                                  \
    if (auto datamesh_status_ = (expr); !datamesh_status_.ok()) {                       \
      return ::datamesh::base::status_internal::status_of(std::move(datamesh_status_)); \
    }                                                                                   \
  } while (false)

// Evaluates expr (a StatusOr<T>); returns its error, or moves its value into lhs, which may
// declare a variable (`auto rows`, `const Account& account`). Expands to several statements:
// not for the body of an unbraced if.
#define DATAMESH_ASSIGN_OR_RETURN(lhs, expr) \
  DATAMESH_ASSIGN_OR_RETURN_IMPL(DATAMESH_STATUS_CONCAT(datamesh_statusor_, __LINE__), lhs, expr)
#define DATAMESH_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()
