// What the SQL layer sees of a statement: the values it binds (Values) and the rows it returns
// (Row). Each SQL store implements Row over its own driver (sqlite3_stmt, PGresult) and binds
// Values with its own calls, so the row readers and parameter lists of store/sql/rows.h are
// written once for both.
//
// Values owns copies of what it holds; a Row is valid only inside the call that hands it out.
// Neither is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace datamesh::store::sql {

// One bound value.
struct Value {
  enum class Type { kText, kBytes, kInteger, kBoolean, kNull };
  Type type = Type::kNull;
  std::string data;     // kText, kBytes
  int64_t integer = 0;  // kInteger; kBoolean: 0 or 1
};

// The values of a statement's parameters $1, $2, ... (SQLite ?1, ?2, ...), in order.
class Values {
 public:
  Values& text(std::string_view value);
  // value, or SQL NULL when it is nullptr.
  Values& optional_text(const std::string* value);
  // A byte string (SQLite blob, PostgreSQL bytea).
  Values& bytes(std::string_view value);
  Values& integer(int64_t value);
  Values& boolean(bool value);

  const std::vector<Value>& list() const { return values_; }
  int size() const { return static_cast<int>(values_.size()); }

 private:
  std::vector<Value> values_;
};

// The current row of a statement's result. Columns are 0-based; NULL reads as "" / 0 / false.
class Row {
 public:
  virtual std::string text(int column) const = 0;
  // A byte string column (SQLite blob, PostgreSQL bytea), decoded.
  virtual std::string bytes(int column) const = 0;
  virtual int64_t integer(int column) const = 0;
  virtual bool boolean(int column) const = 0;
  virtual bool is_null(int column) const = 0;

 protected:
  ~Row() = default;
};

// Called with each row of a result in order; an error stops the reading and is returned.
using RowVisitor = absl::FunctionRef<absl::Status(const Row&)>;

}  // namespace datamesh::store::sql
