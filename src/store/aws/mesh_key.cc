#include "store/aws/mesh_key.h"

#include "absl/strings/escaping.h"
#include "aws/aws_errors.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/attribute_value.h"
#include "store/aws/dynamodb_tables.h"

namespace datamesh::store::aws {

using base::cat;
using datamesh::aws::Service;

namespace {

nlohmann::json key_item_key() {
  return {{std::string(journal::kJournalId), string_value(journal::kMeshKeyId)}};
}

absl::StatusOr<std::optional<std::string>> read_key(const datamesh::aws::AwsClient& mesh) {
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json got,
      mesh.call(Service::kDynamoDb, "GetItem",
                {{"TableName", journal::kTable}, {"Key", key_item_key()}, {"ConsistentRead", true}}));
  if (!got.contains("Item")) return std::nullopt;
  const nlohmann::json& value = got["Item"].value(std::string(journal::kMeshKey), nlohmann::json());
  std::string key;
  if (!value.is_object() || !value.contains("B") || !value["B"].is_string() ||
      !absl::Base64Unescape(value["B"].get<std::string>(), &key) || key.size() != 32) {
    return absl::DataLossError(cat("the mesh key (item ", journal::kMeshKeyId,
                                   " of DynamoDB table ", journal::kTable,
                                   ") is not 32 bytes of type B"));
  }
  return std::optional<std::string>(std::move(key));
}

}  // namespace

absl::StatusOr<std::string> load_mesh_key(const AwsSessions& sessions, bool create_if_missing,
                                          const std::string& random32) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* mesh, sessions.mesh());
  absl::StatusOr<std::optional<std::string>> read = read_key(*mesh);
  // No DatameshJournal table yet: a mesh datamesh never initialized, perhaps one the Python
  // library set up, whose mesh admin makes datamesh's tables with initialize-mesh-account.
  const bool no_table =
      datamesh::aws::aws_error_code(read.status()) == "ResourceNotFoundException";
  if (!no_table) DATAMESH_RETURN_IF_ERROR(read.status());
  std::optional<std::string> key = no_table ? std::nullopt : *std::move(read);
  if (key) return *std::move(key);
  if (!create_if_missing) {
    return absl::NotFoundError(cat(
        "the mesh in account ", sessions.mesh_account(),
        " is not initialized: it has no mesh key yet (run `datamesh admin "
        "initialize-mesh-account` with its credentials; for a mesh the Python library set up, "
        "this adds datamesh's tables and answers AlreadyExists, docs/AWS.md)"));
  }
  if (no_table) return read.status();  // the caller makes the tables before it asks to create
  if (random32.size() != 32) return absl::InvalidArgumentError("a mesh key is 32 bytes");
  const absl::StatusOr<nlohmann::json> put = mesh->call(
      Service::kDynamoDb, "PutItem",
      {{"TableName", journal::kTable},
       {"Item",
        {{std::string(journal::kJournalId), string_value(journal::kMeshKeyId)},
         {std::string(journal::kMeshKey), {{"B", absl::Base64Escape(random32)}}}}},
       {"ConditionExpression", "attribute_not_exists(JournalId)"}});
  // Another writer made one first: theirs is the mesh's.
  if (!put.ok() && datamesh::aws::aws_error_code(put.status()) != "ConditionalCheckFailedException") {
    return put.status();
  }
  DATAMESH_ASSIGN_OR_RETURN(key, read_key(*mesh));
  if (!key) return absl::InternalError("the mesh key vanished right after it was written");
  return *std::move(key);
}

}  // namespace datamesh::store::aws
