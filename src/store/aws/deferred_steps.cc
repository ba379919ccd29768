#include "store/aws/deferred_steps.h"

#include <utility>

#include "aws/services.h"
#include "base/compression.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/attribute_value.h"
#include "store/aws/dynamodb_tables.h"

namespace datamesh::store::aws::deferred_steps {

namespace j = journal;
using base::cat;
using datamesh::aws::Service;

namespace {

nlohmann::json key_of(std::string_view account) {
  return {{std::string(j::kJournalId), string_value(cat(j::kDeferredIdPrefix, account))}};
}

std::string where(std::string_view account) {
  return cat("the steps kept for account ", account, " (DynamoDB table ", j::kTable, ", item ",
             j::kDeferredIdPrefix, account, ")");
}

}  // namespace

absl::StatusOr<std::optional<std::string>> read(const AwsSessions& sessions,
                                                std::string_view account) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* mesh, sessions.mesh());
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json got,
      mesh->call(Service::kDynamoDb, "GetItem",
                 {{"TableName", j::kTable}, {"Key", key_of(account)}, {"ConsistentRead", true}}));
  const nlohmann::json found = got.value("Item", nlohmann::json::object());
  const ItemReader item(found, where(account));
  if (!item.has(j::kSteps)) return std::nullopt;
  DATAMESH_ASSIGN_OR_RETURN(const std::string packed, item.required_binary(j::kSteps));
  DATAMESH_ASSIGN_OR_RETURN(const int64_t bytes, item.required_number(j::kStepsBytes));
  absl::StatusOr<std::string> steps = base::inflated(packed, static_cast<std::size_t>(bytes));
  if (!steps.ok() || steps->size() != static_cast<std::size_t>(bytes)) {
    return absl::DataLossError(cat(where(account), " are damaged: they do not inflate to their ",
                                   bytes, " bytes"));
  }
  return std::optional<std::string>(std::move(*steps));
}

absl::StatusOr<nlohmann::json> keep_element(std::string_view account, const std::string& steps) {
  const std::string packed = base::deflated(steps);
  if (packed.size() > kMaxDeflatedBytes) {
    return absl::ResourceExhaustedError(
        cat("the steps to keep for account ", account, " are ", packed.size(),
            " bytes deflated, more than one item of DynamoDB table ", j::kTable, " holds (",
            kMaxDeflatedBytes, ")"));
  }
  nlohmann::json item = key_of(account);
  item[std::string(j::kSteps)] = binary_value(packed);
  item[std::string(j::kStepsBytes)] = number_value(static_cast<int64_t>(steps.size()));
  return nlohmann::json{{"Put", {{"TableName", j::kTable}, {"Item", std::move(item)}}}};
}

nlohmann::json clear_element(std::string_view account) {
  return {{"Put", {{"TableName", j::kTable}, {"Item", key_of(account)}}}};
}

}  // namespace datamesh::store::aws::deferred_steps
