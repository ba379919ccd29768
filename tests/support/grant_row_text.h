// Grant rows as one line of text each, so that tests compare them (store::GrantRow has no ==)
// and a failure prints them readably:
//   "333333333333 SELECT (grantable) on 111111111111:sales.orders for Sub123"
#pragma once

#include <string>
#include <vector>

#include "base/text.h"
#include "core/store.h"

namespace datamesh::testing {

inline std::string grant_row_text(const store::GrantRow& row) {
  return base::cat(row.principal, " ", row.permission, row.grantable ? " (grantable)" : "", " on ",
                   row.catalog_id, ":", row.database_name,
                   row.table_name.empty() ? "" : base::cat(".", row.table_name),
                   row.subscription_id.empty() ? "" : base::cat(" for ", row.subscription_id));
}

inline std::vector<std::string> grant_row_texts(const std::vector<store::GrantRow>& rows) {
  std::vector<std::string> texts;
  for (const store::GrantRow& row : rows) texts.push_back(grant_row_text(row));
  return texts;
}

}  // namespace datamesh::testing
