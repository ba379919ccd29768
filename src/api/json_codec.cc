#include "api/json_codec.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <vector>
#include <utility>

#include "absl/strings/numbers.h"
#include "base/json_text.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/subscription_status.h"
#include "datamesh/json.h"

namespace datamesh::api {
namespace {

using nlohmann::json;

std::string formatted_utc(std::time_t seconds) {
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

// The elements of a JSON array, each read with kImport; `name` is the list's path in messages.
template <class T>
absl::StatusOr<std::vector<T>> read_list(const json& list, std::string_view name) {
  std::vector<T> out;
  out.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    DATAMESH_ASSIGN_OR_RETURN(
        T element, read_json<T>(list[i], Strictness::kImport, base::cat(name, "[", i, "]")));
    out.push_back(std::move(element));
  }
  return out;
}

// The T inside `value` when it is the one-key wrapper Glue answers with ({"Table": {...}}),
// otherwise `value` itself.
template <Described T>
const json& unwrapped(const json& value) {
  const std::string key(type_name<T>());
  if (value.is_object() && value.size() == 1 && value.contains(key) && value[key].is_object()) {
    return value[key];
  }
  return value;
}

// The byte offset at which `text` opens its (kMaxJsonDepth + 1)th nested array or object, if it
// does. Exact for valid JSON (strings and their escapes are skipped); on invalid JSON it may be
// wrong, which is harmless: the parser refuses that text anyway.
std::optional<size_t> too_deep_at(std::string_view text) {
  int depth = 0;
  base::JsonStringTracker strings;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!strings.outside_string(c)) continue;
    if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// Builds the document as json::parse does (nlohmann's own DOM builder) and watches for an
// object that gives a key twice: nlohmann keeps the last value silently, so a body could say one
// thing to a reader that takes the first and another to datamesh. Remembers the first duplicate
// and where it was (the keys of the enclosing objects, "[]" for an array element), e.g.
// TableInput.StorageDescriptor.Columns[].Name.
// A SAX handler rather than json::parse's callback: the callback form's builder scans the whole
// enclosing array each time an object ends (to drop discarded values), which made parsing an
// array of n objects O(n^2): 20,000 grants took 8 s to read instead of 0.1 s.
class DuplicateCheckingBuilder : public nlohmann::json_sax<json> {
 public:
  explicit DuplicateCheckingBuilder(json& result) : dom_(result) {}

  bool null() override { return dom_.null(); }
  bool boolean(bool value) override { return dom_.boolean(value); }
  bool number_integer(number_integer_t value) override { return dom_.number_integer(value); }
  bool number_unsigned(number_unsigned_t value) override { return dom_.number_unsigned(value); }
  bool number_float(number_float_t value, const string_t& text) override {
    return dom_.number_float(value, text);
  }
  bool string(string_t& value) override { return dom_.string(value); }
  bool binary(binary_t& value) override { return dom_.binary(value); }
  bool start_object(std::size_t size) override {
    frames_.push_back(Frame{.is_object = true});
    return dom_.start_object(size);
  }
  bool key(string_t& name) override {
    Frame& frame = frames_.back();
    frame.last_key = name;
    if (!frame.keys.insert(name).second && !duplicate_) duplicate_ = path();
    return dom_.key(name);
  }
  bool end_object() override {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t size) override {
    frames_.push_back(Frame{.is_object = false});
    return dom_.start_array(size);
  }
  bool end_array() override {
    frames_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& error) override {
    return dom_.parse_error(position, last_token, error);  // throws it, as json::parse does
  }

  // The path of the first duplicate key, if there was one.
  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  struct Frame {
    bool is_object;
    std::set<std::string> keys;  // the object's keys so far
    std::string last_key;
  };
  std::string path() const {
    std::string out;
    for (const Frame& frame : frames_) {
      if (!frame.is_object) {
        out += "[]";
      } else {
        if (!out.empty()) out += '.';
        out += frame.last_key;
      }
    }
    return out;
  }
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<Frame> frames_;
  std::optional<std::string> duplicate_;
};

}  // namespace

absl::StatusOr<json> parse_json(std::string_view text) {
  if (const std::optional<size_t> at = too_deep_at(text)) {
    const std::string_view before = text.substr(0, *at);
    const size_t line_start = before.rfind('\n');
    const size_t column = line_start == std::string_view::npos ? *at + 1 : *at - line_start;
    return absl::InvalidArgumentError(
        base::cat("malformed JSON: arrays and objects nested deeper than ", kMaxJsonDepth,
                  " levels at line ", std::count(before.begin(), before.end(), '\n') + 1,
                  ", column ", column));
  }
  try {
    json parsed;
    DuplicateCheckingBuilder builder(parsed);
    json::sax_parse(text.begin(), text.end(), &builder);
    if (builder.duplicate()) {
      return absl::InvalidArgumentError(
          base::cat("malformed JSON: duplicate key \"", *builder.duplicate(),
                    "\": give each key of an object once"));
    }
    return parsed;
  } catch (const json::exception& e) {
    std::string_view message = e.what();  // "[json.exception.parse_error.101] parse error at ..."
    if (size_t end = message.find("] "); message.starts_with('[') && end != message.npos) {
      message.remove_prefix(end + 2);
    }
    return absl::InvalidArgumentError(base::cat("malformed JSON: ", message));
  }
}

absl::StatusOr<json> parse_secret_json(std::string_view text) {
  absl::StatusOr<json> parsed = parse_json(text);
  if (parsed.ok()) return parsed;
  // nlohmann quotes the token it stopped at as "; last read: '<token>'", followed by what it
  // expected; the words before it are its own. Fuzzing found a SecretAccessKey echoed there.
  std::string_view message(parsed.status().message().data(), parsed.status().message().size());
  if (const size_t quote = message.find("; last read:"); quote != message.npos) {
    message = message.substr(0, quote);
  }
  return absl::InvalidArgumentError(std::string(message));
}

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::StatusOr<SubscriptionStatus> subscription_status_from_string(std::string_view name) {
  if (std::optional<SubscriptionStatus> status = core::parse_status(name)) return *status;
  return absl::InvalidArgumentError(base::cat(
      "unknown subscription status \"", name, "\"; expected Pending, Active, Denied or Deleted"));
}

#define DATAMESH_API_INSTANTIATE_JSON(T)         \
  template nlohmann::json write_json<T>(const T&); \
  template absl::StatusOr<T> read_json<T>(const nlohmann::json&, Strictness, std::string_view);
DATAMESH_API_VALUE_TYPES(DATAMESH_API_INSTANTIATE_JSON)
#undef DATAMESH_API_INSTANTIATE_JSON

// --- Codecs of the field lists (api/type_fields.h) ---------------------------------------------

json StatusName::write(const SubscriptionStatus& value) { return core::status_name(value); }
std::string StatusName::read(const json& value, SubscriptionStatus& out) {
  if (!value.is_string()) return "must be a string";
  const std::string name = value.get<std::string>();
  if (name.empty()) return "";  // as absent
  if (std::optional<SubscriptionStatus> parsed = core::parse_status(name)) {
    out = *parsed;
    return "";
  }
  return base::cat("must be one of Pending, Active, Denied, Deleted; got \"", name, "\"");
}

json DetailsObject::write(const std::string& details_json) {
  if (details_json.empty()) return json::object();
  json parsed = json::parse(details_json, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? json(details_json) : parsed;
}
std::string DetailsObject::read(const json& value, std::string& details_json) {
  if (!value.is_object()) return "must be an object";
  details_json = value.empty() ? "" : dump_json(value);
  return "";
}

json TimeText::write(const std::string& value) { return value; }
std::string TimeText::read(const json& value, std::string& out) {
  constexpr double kYear10000 = 253402300800.0;
  const double seconds = value.is_number() ? value.get<double>() : -1;
  if (value.is_string()) {
    out = value.get<std::string>();
  } else if (seconds >= 0 && seconds < kYear10000) {
    out = formatted_utc(static_cast<std::time_t>(seconds));
  } else {
    return "must be a date string or epoch seconds";
  }
  return "";
}

json VersionText::write(const int64_t& value) { return std::to_string(value); }
std::string VersionText::read(const json& value, int64_t& out) {
  const bool fits = value.is_number_integer() &&
                    (!value.is_number_unsigned() || value.get<uint64_t>() <= INT64_MAX);
  if (fits) {
    out = value.get<int64_t>();
  } else if (!value.is_string() || !absl::SimpleAtoi(value.get<std::string>(), &out)) {
    return "must be an integer or a string of digits";
  }
  return "";
}

// --- Readers -----------------------------------------------------------------------------------

absl::StatusOr<TableInput> table_input_from_json(const json& value, Strictness strictness) {
  return read_json<TableInput>(value, strictness);
}
absl::StatusOr<DatabaseInput> database_input_from_json(const json& value, Strictness strictness) {
  return read_json<DatabaseInput>(value, strictness);
}

absl::StatusOr<std::vector<TableInput>> import_table_list(std::string_view get_tables_json) {
  DATAMESH_ASSIGN_OR_RETURN(json list, parse_json(get_tables_json));
  if (list.is_object() && list.contains("TableList")) {
    list = json(std::move(list["TableList"]));
  } else if (list.is_object()) {  // get-table output, or one bare table
    list = json::array({unwrapped<Table>(list)});
  }
  if (!list.is_array()) {
    return absl::InvalidArgumentError(
        "TableList must be a list of tables: expected the output of `aws glue get-tables` "
        "({\"TableList\": [...]}), a list of tables, or {\"Table\": {...}}");
  }
  if (list.empty()) return absl::InvalidArgumentError("TableList is empty: no tables to import");
  return read_list<TableInput>(list, "TableList");
}

absl::StatusOr<Credentials> credentials_from_json(const json& value) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError(
        "Malformed credentials: expected a JSON object with AccessKeyId and SecretAccessKey");
  }
  absl::StatusOr<Credentials> credentials = read_json<Credentials>(value, Strictness::kImport);
  if (!credentials.ok()) {
    return absl::InvalidArgumentError(
        base::cat("Malformed credentials: ", credentials.status().message()));
  }
  if (credentials->access_key_id.empty() || credentials->secret_access_key.empty()) {
    return absl::InvalidArgumentError(
        "Malformed credentials: missing AccessKeyId or SecretAccessKey");
  }
  return credentials;
}

absl::StatusOr<AccountCredentials> account_credentials_from_json(const json& value) {
  return read_json<AccountCredentials>(value, Strictness::kImport);
}
absl::StatusOr<Account> account_from_json(const json& value) {
  return read_json<Account>(value, Strictness::kImport);
}
absl::StatusOr<AccessKey> access_key_from_json(const json& value) {
  return read_json<AccessKey>(value, Strictness::kImport);
}
absl::StatusOr<AccountRole> account_role_from_json(const json& value) {
  return read_json<AccountRole>(value, Strictness::kImport);
}
absl::StatusOr<Subscription> subscription_from_json(const json& value) {
  return read_json<Subscription>(value, Strictness::kImport);
}
absl::StatusOr<SubscriptionPage> subscription_page_from_json(const json& value) {
  return read_json<SubscriptionPage>(value, Strictness::kImport);
}
absl::StatusOr<DataProduct> data_product_from_json(const json& value) {
  return read_json<DataProduct>(value, Strictness::kImport);
}
absl::StatusOr<DataProductTable> data_product_table_from_json(const json& value) {
  return read_json<DataProductTable>(value, Strictness::kImport);
}
absl::StatusOr<std::vector<DataProductTable>> data_product_tables_from_json(const json& value) {
  if (!value.is_array()) return absl::InvalidArgumentError("DataProductTables must be a list");
  return read_list<DataProductTable>(value, "DataProductTables");
}
absl::StatusOr<AccessRequest> access_request_from_json(const json& value) {
  return read_json<AccessRequest>(value, Strictness::kImport);
}
absl::StatusOr<EffectiveGrant> effective_grant_from_json(const json& value) {
  return read_json<EffectiveGrant>(value, Strictness::kImport);
}
absl::StatusOr<PermissionCheck> permission_check_from_json(const json& value) {
  return read_json<PermissionCheck>(value, Strictness::kImport);
}
absl::StatusOr<AuditEvent> audit_event_from_json(const json& value) {
  return read_json<AuditEvent>(value, Strictness::kImport);
}
absl::StatusOr<AuditVerification> audit_verification_from_json(const json& value) {
  return read_json<AuditVerification>(value, Strictness::kImport);
}
absl::StatusOr<AuditPage> audit_page_from_json(const json& value) {
  return read_json<AuditPage>(value, Strictness::kImport);
}
absl::StatusOr<Table> table_from_json(const json& value) {
  return read_json<Table>(unwrapped<Table>(value), Strictness::kImport);
}
absl::StatusOr<TablePage> table_page_from_json(const json& value) {
  return read_json<TablePage>(value, Strictness::kImport);
}
absl::StatusOr<Database> database_from_json(const json& value) {
  return read_json<Database>(unwrapped<Database>(value), Strictness::kImport);
}
absl::StatusOr<DatabasePage> database_page_from_json(const json& value) {
  return read_json<DatabasePage>(value, Strictness::kImport);
}

}  // namespace datamesh::api

// --- The public functions of datamesh/json.h ---------------------------------------------------

namespace datamesh {

std::string to_json(const Subscription& value) {
  return api::dump_json(api::to_json_value(value));
}
std::string to_json(const Table& value) {
  return api::dump_json(api::to_wrapped_json(value));
}
std::string to_json(const AccountCredentials& value) {
  return api::dump_json(api::to_json_value(value));
}

absl::StatusOr<TableInput> parse_table_input(std::string_view json) {
  DATAMESH_ASSIGN_OR_RETURN(const nlohmann::json parsed, api::parse_json(json));
  return api::table_input_from_json(parsed, api::Strictness::kStrict);
}
absl::StatusOr<DatabaseInput> parse_database_input(std::string_view json) {
  DATAMESH_ASSIGN_OR_RETURN(const nlohmann::json parsed, api::parse_json(json));
  return api::database_input_from_json(parsed, api::Strictness::kStrict);
}

std::string_view to_string(SubscriptionStatus status) { return core::status_name(status); }

}  // namespace datamesh
