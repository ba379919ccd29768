// The JSON form of every described type (api/fields.h), derived from its field list: one writer
// and one reader for all types, so that a key is spelled once, in the list.
//
// write_json(value) writes an object with each field's key: kRequired and kAlways fields always,
// kOptional fields only when not empty, fields with a written_only_if condition only when it
// holds. Members are written in their ordinary form (strings, booleans, integers, lists, objects
// of strings, described values as objects) or by the field's codec.
//
// read_json<T>(json, strictness, path) reads what write_json writes. JSON null counts as absent.
// The first wrong field is an InvalidArgument naming its path and what was expected
// (`TableInput.StorageDescriptor.Columns[2].Name must be a string`); a kRequired field absent,
// null or (a string, unless it may_be_empty) empty is `... is required and must not be empty`.
// Unknown keys are dropped (kImport) or refused at every level (kStrict):
// `unknown field "X" in TableInput; allowed: Name, Description, ...`, in list order.
//
// Templates over the field lists; pure; thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "api/fields.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::api {

// How readers treat keys they do not know.
enum class Strictness {
  // Unknown keys are an error naming the key, its path and the allowed keys. For what users write.
  kStrict,
  // Unknown keys are dropped at every level: Glue's output-only keys (DatabaseName, CreateTime,
  // CatalogId, VersionId, IsRegisteredWithLakeFormation, ...) and keys newer Glue versions add.
  // Known keys are still type-checked. For the output of `aws glue get-tables`, and for answers.
  kImport,
};

template <Described T>
nlohmann::json write_json(const T& value);

namespace field_json_internal {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
inline constexpr bool kIsDescribedList = false;
template <Described T>
inline constexpr bool kIsDescribedList<std::vector<T>> = true;

// Whether a codec's output is left out of a kOptional field: null, "", [] or {}. (nlohmann's
// empty() is false for every string.)
inline bool json_is_empty(const nlohmann::json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().empty();
  return value.is_null() || ((value.is_array() || value.is_object()) && value.empty());
}

// Whether a kOptional member is left out: "", [], {}, false, 0, nullopt, a value written as {}.
template <class M>
bool is_empty(const M& value) {
  if constexpr (std::is_same_v<M, nlohmann::json>) {
    return json_is_empty(value);
  } else if constexpr (std::is_arithmetic_v<M>) {
    return value == M{};
  } else if constexpr (IsOptional<M>::value) {
    return !value.has_value();
  } else if constexpr (Described<M>) {
    return write_json(value).empty();
  } else {
    return value.empty();
  }
}

template <class M>
nlohmann::json write_value(const M& value) {
  if constexpr (Described<M>) {
    return write_json(value);
  } else if constexpr (IsOptional<M>::value) {
    return value ? write_value(*value) : nlohmann::json();
  } else if constexpr (kIsDescribedList<M>) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : value) out.push_back(write_json(element));
    return out;
  } else {
    return nlohmann::json(value);
  }
}

// One document's reading: the first error wins, later ones are dropped.
struct Reading {
  Strictness strictness;
  absl::Status status;

  void fail(std::string message) {
    if (status.ok()) status = absl::InvalidArgumentError(std::move(message));
  }
};

template <Described T>
void read_object(Reading& r, const nlohmann::json& value, const std::string& path, T& out);

// Reads `value` into `out`; `path` names the value in messages.
template <class M>
void read_value(Reading& r, const nlohmann::json& value, const std::string& path, M& out) {
  auto expected = [&](std::string_view what) { r.fail(base::cat(path, " must be ", what)); };
  if constexpr (std::is_same_v<M, nlohmann::json>) {
    if (!value.is_object() && !value.is_array()) return expected("a JSON object or list");
    out = value;
  } else if constexpr (std::is_same_v<M, std::string>) {
    if (!value.is_string()) return expected("a string");
    out = value.get<std::string>();
  } else if constexpr (std::is_same_v<M, bool>) {
    if (!value.is_boolean()) return expected("a boolean");
    out = value.get<bool>();
  } else if constexpr (std::is_same_v<M, int64_t> || std::is_same_v<M, int>) {
    if (!value.is_number_integer()) return expected("an integer");
    // Refused, never wrapped, and the message gives the range.
    const auto out_of_range = [&] {
      r.fail(base::cat(path, " must be an integer from ", std::numeric_limits<M>::min(), " to ",
                       std::numeric_limits<M>::max(), ", not ", value.dump()));
    };
    if (value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX) return out_of_range();
    const int64_t wide = value.get<int64_t>();
    if constexpr (std::is_same_v<M, int>) {
      if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
        return out_of_range();
      }
    }
    out = static_cast<M>(wide);
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    if (!value.is_array()) return expected("a list of strings");
    out.clear();
    for (size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string()) return r.fail(base::cat(path, "[", i, "] must be a string"));
      out.push_back(value[i].get<std::string>());
    }
  } else if constexpr (std::is_same_v<M, std::map<std::string, std::string>>) {
    if (!value.is_object()) return expected("an object of strings");
    out.clear();
    for (const auto& [name, item] : value.items()) {
      if (!item.is_string()) return r.fail(base::cat(path, ".", name, " must be a string"));
      out.emplace(name, item.template get<std::string>());
    }
  } else if constexpr (IsOptional<M>::value) {
    read_value(r, value, path, out.emplace());
  } else if constexpr (kIsList<M>) {
    if (!value.is_array()) return expected("a list");
    out.clear();
    for (size_t i = 0; i < value.size(); ++i) {
      read_value(r, value[i], base::cat(path, "[", i, "]"), out.emplace_back());
    }
  } else {
    static_assert(Described<M>, "a field of this type needs a codec");
    read_object(r, value, path, out);
  }
}

// Whether the JSON integer `value` lies in `range` (compared without narrowing it first).
inline bool within(const nlohmann::json& value, const IntRange& range) {
  if (value.is_number_unsigned()) {
    return range.max >= 0 && value.get<uint64_t>() <= static_cast<uint64_t>(range.max) &&
           (range.min <= 0 || value.get<uint64_t>() >= static_cast<uint64_t>(range.min));
  }
  const int64_t number = value.get<int64_t>();
  return number >= range.min && number <= range.max;
}

// The value of `key` in `object`, or nullptr when it is absent or null.
inline const nlohmann::json* find(const nlohmann::json& object, std::string_view key) {
  if (key.empty()) return nullptr;
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

template <Described T>
void read_object(Reading& r, const nlohmann::json& value, const std::string& path, T& out) {
  if (!value.is_object()) return r.fail(base::cat(path, " must be an object"));
  for_each_field<T>([&](const auto& f) {
    using F = std::remove_cvref_t<decltype(f)>;
    auto& member = f.get(out);
    const nlohmann::json* item = find(value, f.key);
    if (item == nullptr) item = find(value, f.alias);
    if (item != nullptr) {
      const std::string at = base::cat(path, ".", f.key);
      if constexpr (std::is_integral_v<typename F::member_type>) {
        // An integer outside the field's range is refused with that range, before it could be
        // narrowed to the member's type.
        if (f.limits && item->is_number_integer() && !within(*item, *f.limits)) {
          return r.fail(base::cat(at, " must be from ", f.limits->min, " to ", f.limits->max,
                                  ", not ", item->dump()));
        }
      }
      if constexpr (std::is_same_v<typename F::codec_type, Plain>) {
        read_value(r, *item, at, member);
      } else if (std::string problem = F::codec_type::read(*item, member); !problem.empty()) {
        r.fail(base::cat(at, " ", problem));
      }
      if constexpr (std::is_integral_v<typename F::member_type>) {
        if (f.limits && (member < f.limits->min || member > f.limits->max)) {
          r.fail(base::cat(at, " must be from ", f.limits->min, " to ", f.limits->max, ", not ",
                           static_cast<int64_t>(member)));
        }
      }
    }
    // For a string, empty is as good as absent.
    bool missing = item == nullptr;
    if constexpr (std::is_same_v<typename F::member_type, std::string>) {
      missing = missing || (member.empty() && !f.allow_empty);
    }
    if (f.presence == kRequired && missing) {
      r.fail(base::cat(path, ".", f.key,
                       f.allow_empty ? " is required" : " is required and must not be empty"));
    }
  });
  if (r.strictness != Strictness::kStrict) return;
  std::vector<std::string_view> allowed;
  for_each_field<T>([&](const auto& f) { allowed.push_back(f.key); });
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& key = it.key();  // clang before 16 cannot capture a structured binding
    bool known = false;
    for_each_field<T>([&](const auto& f) {
      known = known || key == f.key || (!f.alias.empty() && key == f.alias);
    });
    if (!known) {
      return r.fail(base::cat("unknown field \"", key, "\" in ", path, "; allowed: ",
                              base::join(allowed, ", ")));
    }
  }
}

}  // namespace field_json_internal

template <Described T>
nlohmann::json write_json(const T& value) {
  using field_json_internal::is_empty;
  using field_json_internal::write_value;
  nlohmann::json out = nlohmann::json::object();
  for_each_field<T>([&](const auto& f) {
    using F = std::remove_cvref_t<decltype(f)>;
    if (!f.is_written(value)) return;
    const auto& member = f.get(value);
    if constexpr (std::is_same_v<typename F::codec_type, Plain>) {
      if (f.presence == kOptional && is_empty(member)) return;
      out[std::string(f.key)] = write_value(member);
    } else {
      nlohmann::json written = F::codec_type::write(member);
      if (f.presence == kOptional && field_json_internal::json_is_empty(written)) return;
      out[std::string(f.key)] = std::move(written);
    }
  });
  return out;
}

// Reads a T from `value`, whose path in messages is `path` (by default the type's name).
template <Described T>
absl::StatusOr<T> read_json(const nlohmann::json& value, Strictness strictness,
                            std::string_view path = type_name<T>()) {
  field_json_internal::Reading reading{strictness, {}};
  T out{};
  field_json_internal::read_object(reading, value, std::string(path), out);
  DATAMESH_RETURN_IF_ERROR(reading.status);
  return out;
}

}  // namespace datamesh::api
