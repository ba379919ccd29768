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

std::string item_id(const Keeper& keeper) {
  return cat(j::kDeferredIdPrefix, keeper.account, "/", keeper.persona);
}

nlohmann::json key_of(const Keeper& keeper) {
  return {{std::string(j::kJournalId), string_value(item_id(keeper))}};
}

std::string where(const Keeper& keeper) {
  return cat("the record of the steps kept for ", describe(keeper), " in DynamoDB table ",
             j::kTable);
}

}  // namespace

std::string describe(const Keeper& keeper) {
  return cat("account ", keeper.account, " as ", keeper.persona, " (item ", item_id(keeper), ")");
}

absl::StatusOr<std::optional<std::string>> read(const AwsSessions& sessions,
                                                const Keeper& keeper) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* mesh, sessions.mesh());
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json got,
      mesh->call(Service::kDynamoDb, "GetItem",
                 {{"TableName", j::kTable}, {"Key", key_of(keeper)}, {"ConsistentRead", true}}));
  const nlohmann::json found = got.value("Item", nlohmann::json::object());
  const ItemReader item(found, where(keeper));
  if (!item.has(j::kSteps)) return std::nullopt;
  DATAMESH_ASSIGN_OR_RETURN(const std::string packed, item.required_binary(j::kSteps));
  DATAMESH_ASSIGN_OR_RETURN(const int64_t bytes, item.required_number(j::kStepsBytes));
  DATAMESH_ASSIGN_OR_RETURN(std::string steps,
                            base::inflated_exactly(packed, bytes, where(keeper)));
  return std::optional<std::string>(std::move(steps));
}

absl::StatusOr<nlohmann::json> keep_element(const Keeper& keeper, const std::string& steps) {
  const std::string packed = base::deflated(steps);
  if (packed.size() > kMaxDeflatedBytes) {
    return absl::ResourceExhaustedError(
        cat("the steps to keep for ", describe(keeper), " are ", packed.size(),
            " bytes deflated, more than one item of DynamoDB table ", j::kTable, " holds (",
            kMaxDeflatedBytes, ")"));
  }
  nlohmann::json item = key_of(keeper);
  item[std::string(j::kSteps)] = binary_value(packed);
  item[std::string(j::kStepsBytes)] = number_value(static_cast<int64_t>(steps.size()));
  return nlohmann::json{{"Put", {{"TableName", j::kTable}, {"Item", std::move(item)}}}};
}

nlohmann::json clear_element(const Keeper& keeper) {
  return {{"Put", {{"TableName", j::kTable}, {"Item", key_of(keeper)}}}};
}

}  // namespace datamesh::store::aws::deferred_steps
