#include "store/aws/mesh_writer_lock.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "aws/aws_errors.h"
#include "base/compression.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/attribute_value.h"
#include "store/aws/mesh_tables.h"

namespace datamesh::store::aws {

using base::cat;
using datamesh::aws::Service;
namespace j = journal;

namespace {

nlohmann::json lock_key() {
  return {{std::string(j::kJournalId), string_value(j::kLockId)}};
}

// Names of the lock's attributes for expressions (#o, #l, #s, #p, #n, #b), those `expression`
// uses: DynamoDB refuses names an expression does not use.
nlohmann::json attribute_names(std::string_view expression) {
  nlohmann::json names = nlohmann::json::object();
  for (const auto& [name, attribute] :
       {std::pair{"#o", j::kOwner}, {"#l", j::kLeaseUntil}, {"#s", j::kState}, {"#p", j::kPlan},
        {"#n", j::kPlanParts}, {"#b", j::kPlanBytes}}) {
    if (expression.find(name) != std::string_view::npos) names[name] = attribute;
  }
  return names;
}

// A finished plan's end: back to "running", no plan (either form). Sent with the lease renewed
// (clear_plan) or in the commit's last transaction (clear_plan_element).
constexpr char kNoPlan[] = "#s = :running REMOVE #p, #n, #b";

bool condition_failed(const absl::Status& status) {
  return datamesh::aws::aws_error_code(status) == "ConditionalCheckFailedException";
}

absl::Status lost_lock() {
  return absl::FailedPreconditionError(
      cat("this writer lost the mesh's write lock (DynamoDB table ", j::kTable,
          ") to another after its lease ran out; nothing more is written"));
}

nlohmann::json plan_part_key(std::size_t index) {
  return {{std::string(j::kJournalId), string_value(cat(j::kPlanPartIdPrefix, index))}};
}

}  // namespace

MeshWriterLock::MeshWriterLock(const AwsSessions& sessions, std::string owner, Options options)
    : sessions_(sessions), owner_(std::move(owner)), options_(std::move(options)) {}

int64_t MeshWriterLock::now_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             options_.clock().time_since_epoch())
      .count();
}

absl::StatusOr<std::optional<std::string>> MeshWriterLock::acquire() {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* mesh, sessions_.mesh());
  const auto deadline = options_.clock() + options_.wait;
  std::chrono::milliseconds pause{50};
  bool told_waiting = false;
  while (true) {
    const int64_t now = now_seconds();
    const int64_t lease_until = now + options_.lease.count();
    // Free, ours, or abandoned, and no plan in progress: take it whole.
    const absl::StatusOr<nlohmann::json> put = mesh->call(
        Service::kDynamoDb, "PutItem",
        {{"TableName", j::kTable},
         {"Item",
          {{std::string(j::kJournalId), string_value(j::kLockId)},
           {std::string(j::kOwner), string_value(owner_)},
           {std::string(j::kLeaseUntil), number_value(lease_until)},
           {std::string(j::kState), string_value(j::kRunning)}}},
         {"ConditionExpression",
          "attribute_not_exists(JournalId) OR (#s = :running AND (#o = :me OR #l < :now))"},
         {"ExpressionAttributeNames", {{"#o", j::kOwner}, {"#l", j::kLeaseUntil}, {"#s", j::kState}}},
         {"ExpressionAttributeValues",
          {{":running", string_value(j::kRunning)},
           {":me", string_value(owner_)},
           {":now", number_value(now)}}}});
    if (put.ok()) {
      lease_until_ = std::chrono::system_clock::time_point(std::chrono::seconds(lease_until));
      return std::nullopt;
    }
    if (!condition_failed(put.status())) return put.status();

    // Held: by a live writer (wait), or with a plan in progress that is ours or abandoned
    // (take it over, plan and all).
    DATAMESH_ASSIGN_OR_RETURN(
        const nlohmann::json got,
        mesh->call(Service::kDynamoDb, "GetItem",
                   {{"TableName", j::kTable}, {"Key", lock_key()}, {"ConsistentRead", true}}));
    if (got.contains("Item")) {
      const ItemReader item(got["Item"], "the mesh writer lock");
      DATAMESH_ASSIGN_OR_RETURN(const std::string holder, item.required_string(j::kOwner));
      DATAMESH_ASSIGN_OR_RETURN(const std::string state, item.required_string(j::kState));
      DATAMESH_ASSIGN_OR_RETURN(const int64_t held_until, item.required_number(j::kLeaseUntil));
      if (state == j::kApplying && (holder == owner_ || held_until < now)) {
        const absl::StatusOr<nlohmann::json> taken = mesh->call(
            Service::kDynamoDb, "UpdateItem",
            {{"TableName", j::kTable},
             {"Key", lock_key()},
             {"UpdateExpression", "SET #o = :me, #l = :lease"},
             {"ConditionExpression", "#o = :holder AND #l = :held AND #s = :applying"},
             {"ExpressionAttributeNames",
              {{"#o", j::kOwner}, {"#l", j::kLeaseUntil}, {"#s", j::kState}}},
             {"ExpressionAttributeValues",
              {{":me", string_value(owner_)},
               {":lease", number_value(lease_until)},
               {":holder", string_value(holder)},
               {":held", number_value(held_until)},
               {":applying", string_value(j::kApplying)}}}});
        if (taken.ok()) {
          lease_until_ = std::chrono::system_clock::time_point(std::chrono::seconds(lease_until));
          DATAMESH_ASSIGN_OR_RETURN(std::string plan, left_plan(item));
          return std::optional<std::string>(std::move(plan));
        }
        if (!condition_failed(taken.status())) return taken.status();
        continue;  // someone else moved first: look again
      }
      if (!told_waiting && options_.on_wait) {
        options_.on_wait(holder, state, std::max<int64_t>(held_until - now, 0));
        told_waiting = true;
      }
      if (options_.clock() >= deadline) {
        return absl::UnavailableError(cat(
            "the mesh is busy: another datamesh writer (", holder, ") holds the mesh's write lock "
            "(DynamoDB table ", j::kTable, ", state ", state, ") for up to ",
            std::max<int64_t>(held_until - now, 0), " s more; try again later"));
      }
    }
    // The item vanished between the two calls, or a live writer holds it: wait a little.
    options_.sleep(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

nlohmann::json MeshWriterLock::update_while_ours(const std::string& expression,
                                                 nlohmann::json values) const {
  values[":me"] = string_value(owner_);
  return {{"TableName", j::kTable},
          {"Key", lock_key()},
          {"UpdateExpression", expression},
          {"ConditionExpression", "#o = :me"},
          {"ExpressionAttributeNames", attribute_names(cat(expression, " #o"))},
          {"ExpressionAttributeValues", std::move(values)}};
}

absl::Status MeshWriterLock::update_held(const std::string& update_expression,
                                         nlohmann::json values) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* mesh, sessions_.mesh());
  const int64_t lease_until = now_seconds() + options_.lease.count();
  values[":lease"] = number_value(lease_until);
  const absl::StatusOr<nlohmann::json> updated =
      mesh->call(Service::kDynamoDb, "UpdateItem",
                 update_while_ours(cat("SET #l = :lease", update_expression), std::move(values)));
  if (condition_failed(updated.status())) return lost_lock();
  DATAMESH_RETURN_IF_ERROR(updated.status());
  lease_until_ = std::chrono::system_clock::time_point(std::chrono::seconds(lease_until));
  return absl::OkStatus();
}

absl::Status MeshWriterLock::record_plan(const std::string& plan) {
  if (plan.size() > options_.plan_part_bytes) return record_plan_in_parts(plan);
  return update_held(", #s = :applying, #p = :plan",
                     {{":applying", string_value(j::kApplying)}, {":plan", string_value(plan)}});
}

absl::Status MeshWriterLock::record_plan_in_parts(const std::string& plan) {
  const std::string packed = base::deflated(plan);
  const std::size_t part_bytes = options_.plan_part_bytes;
  const std::size_t parts = (packed.size() + part_bytes - 1) / part_bytes;
  if (parts > options_.max_plan_parts) {
    return absl::InvalidArgumentError(cat(
        "this write is too large for a mesh on AWS: its plan is ", plan.size(), " bytes (",
        packed.size(), " deflated), and the mesh's writer lock (DynamoDB table ", j::kTable,
        ") keeps at most ", options_.max_plan_parts * part_bytes,
        " deflated bytes, one DynamoDB transaction's worth; nothing was changed. Make the "
        "change in several calls (for a publication, groups of tables with --table-name-regex)"));
  }
  std::vector<nlohmann::json> elements;
  for (std::size_t index = 0; index < parts; ++index) {
    nlohmann::json item = plan_part_key(index);
    item[std::string(j::kPart)] = binary_value(packed.substr(index * part_bytes, part_bytes));
    elements.push_back({{"Put", {{"TableName", j::kTable}, {"Item", std::move(item)}}}});
  }
  // The move to "applying" is the transaction's condition: the parts change only while ours.
  const int64_t lease_until = now_seconds() + options_.lease.count();
  const std::string expression = "SET #l = :lease, #s = :applying, #n = :parts, #b = :bytes "
                                 "REMOVE #p";
  elements.push_back(
      {{"Update", update_while_ours(expression,
                                    {{":lease", number_value(lease_until)},
                                     {":applying", string_value(j::kApplying)},
                                     {":parts", number_value(static_cast<int64_t>(parts))},
                                     {":bytes", number_value(static_cast<int64_t>(plan.size()))}})}});
  const absl::Status sent = transact_write(sessions_, std::move(elements), "");
  if (absl::IsAborted(sent) && absl::StrContains(sent.message(), "ConditionalCheckFailed")) {
    return lost_lock();
  }
  DATAMESH_RETURN_IF_ERROR(sent);
  lease_until_ = std::chrono::system_clock::time_point(std::chrono::seconds(lease_until));
  return absl::OkStatus();
}

absl::StatusOr<std::string> MeshWriterLock::left_plan(const ItemReader& item) const {
  // Plan: in the item (datamesh before 2026-12-07 wrote only this form).
  if (item.has(j::kPlan) || !item.has(j::kPlanParts)) return item.required_string(j::kPlan);
  DATAMESH_ASSIGN_OR_RETURN(const int64_t parts, item.required_number(j::kPlanParts));
  DATAMESH_ASSIGN_OR_RETURN(const int64_t bytes, item.required_number(j::kPlanBytes));
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* mesh, sessions_.mesh());
  std::string packed;
  for (int64_t index = 0; index < parts; ++index) {
    DATAMESH_ASSIGN_OR_RETURN(
        const nlohmann::json got,
        mesh->call(Service::kDynamoDb, "GetItem",
                   {{"TableName", j::kTable},
                    {"Key", plan_part_key(static_cast<std::size_t>(index))},
                    {"ConsistentRead", true}}));
    const nlohmann::json found = got.value("Item", nlohmann::json::object());
    const ItemReader part(found, cat("part ", index, " of ", parts,
                                     " of the plan left in the mesh's writer lock"));
    absl::StatusOr<std::string> piece = part.required_binary(j::kPart);
    if (!piece.ok()) return absl::DataLossError(piece.status().message());
    packed += *piece;
  }
  return base::inflated_exactly(packed, bytes,
                                cat("the plan left in the mesh's writer lock (DynamoDB table ",
                                    j::kTable, ", ", parts, " parts)"));
}

absl::Status MeshWriterLock::clear_plan() {
  return update_held(cat(", ", kNoPlan), {{":running", string_value(j::kRunning)}});
}

absl::Status MeshWriterLock::renew() { return update_held("", nlohmann::json::object()); }

absl::Status MeshWriterLock::keep_alive() {
  if (lease_until_ - options_.clock() > options_.lease / 2) return absl::OkStatus();
  return renew();
}

nlohmann::json MeshWriterLock::release_element() const {
  return {{"Delete",
           {{"TableName", j::kTable},
            {"Key", lock_key()},
            {"ConditionExpression", "#o = :me"},
            {"ExpressionAttributeNames", {{"#o", j::kOwner}}},
            {"ExpressionAttributeValues", {{":me", string_value(owner_)}}}}}};
}

nlohmann::json MeshWriterLock::clear_plan_element() const {
  return {{"Update",
           update_while_ours(cat("SET ", kNoPlan), {{":running", string_value(j::kRunning)}})}};
}

absl::Status MeshWriterLock::while_ours(std::string_view operation, nlohmann::json request) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* mesh, sessions_.mesh());
  request["TableName"] = j::kTable;
  request["Key"] = lock_key();
  request["ExpressionAttributeValues"][":me"] = string_value(owner_);
  const absl::StatusOr<nlohmann::json> done =
      mesh->call(Service::kDynamoDb, std::string(operation), request);
  // Not ours any more (or no lock at all): nothing of ours to change.
  if (condition_failed(done.status())) return absl::OkStatus();
  return done.status();
}

absl::Status MeshWriterLock::release() {
  // A plan in progress (state applying) stays for the next holder, who finishes it.
  return while_ours("DeleteItem",
                    {{"ConditionExpression", "#o = :me AND #s = :running"},
                     {"ExpressionAttributeNames", {{"#o", j::kOwner}, {"#s", j::kState}}},
                     {"ExpressionAttributeValues", {{":running", string_value(j::kRunning)}}}});
}

absl::Status MeshWriterLock::abandon() {
  return while_ours("UpdateItem",
                    {{"UpdateExpression", "SET #l = :over"},
                     {"ConditionExpression", "#o = :me"},
                     {"ExpressionAttributeNames", {{"#o", j::kOwner}, {"#l", j::kLeaseUntil}}},
                     {"ExpressionAttributeValues", {{":over", number_value(int64_t{0})}}}});
}

}  // namespace datamesh::store::aws
