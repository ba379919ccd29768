// The compact JSON text of every described type (api/fields.h), written straight from its field
// list without building nlohmann's DOM: byte for byte what dump_json(write_json(value))
// (api/field_json.h) writes, for the server's answers, where the DOM and its dump were a tenth of
// a signed read (docs/PERFORMANCE.md, "Server").
//
// append_json_text(out, value) writes a described value, append_json_value(out, value) any type
// a field may hold (a list of described values, say). They follow write_json's rules — which
// keys are written, kOptional ones left out when empty, codecs — and nlohmann's form: an
// object's keys in sorted order (its objects are std::maps), strings escaped as
// base::append_json_string does. The bytes are those
// nlohmann writes when the text is valid UTF-8; check it with base::is_valid_utf8 and fall back to
// dump_json otherwise (nlohmann replaces invalid sequences).
//
// Templates over the field lists; pure; thread-safe.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/field_json.h"
#include "api/fields.h"
#include "api/json_codec.h"
#include "base/json_text.h"

namespace datamesh::api {

template <Described T>
void append_json_text(std::string& out, const T& value);

namespace field_text_internal {

// The indexes of T's fields (as for_each_field visits them) in the order nlohmann writes their
// keys: sorted.
template <Described T>
const std::vector<std::size_t>& sorted_field_order() {
  static const std::vector<std::size_t> order = [] {
    std::vector<std::string_view> keys;
    for_each_field<T>([&keys](const auto& f) { keys.push_back(f.key); });
    std::vector<std::size_t> indexes(keys.size());
    std::iota(indexes.begin(), indexes.end(), std::size_t{0});
    std::stable_sort(indexes.begin(), indexes.end(),
                     [&keys](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    return indexes;
  }();
  return order;
}

}  // namespace field_text_internal

// Any member type of a field list (a described value, a list, a string, ...) as write_json's
// nlohmann value of it dumps.
template <class M>
void append_json_value(std::string& out, const M& value) {
  using field_json_internal::IsOptional;
  if constexpr (std::is_same_v<M, std::string>) {
    base::append_json_string(out, value);
  } else if constexpr (std::is_same_v<M, bool>) {
    out += value ? "true" : "false";
  } else if constexpr (std::is_integral_v<M>) {
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, written.ptr);
  } else if constexpr (std::is_same_v<M, nlohmann::json>) {
    out += dump_json(value);
  } else if constexpr (IsOptional<M>::value) {
    if (value) {
      append_json_value(out, *value);
    } else {
      out += "null";
    }
  } else if constexpr (kIsList<M>) {
    out.push_back('[');
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_value(out, value[i]);
    }
    out.push_back(']');
  } else if constexpr (std::is_same_v<M, std::map<std::string, std::string>>) {
    // A std::map holds its keys in nlohmann's order already.
    out.push_back('{');
    bool first = true;
    for (const auto& [key, item] : value) {
      if (!first) out.push_back(',');
      first = false;
      base::append_json_string(out, key);
      out.push_back(':');
      base::append_json_string(out, item);
    }
    out.push_back('}');
  } else {
    static_assert(Described<M>, "a field of this type needs a codec");
    append_json_text(out, value);
  }
}

namespace field_text_internal {

// One field of `owner`, after a ',' unless it is the object's first (`opened` is where the
// object's members start). Nothing when write_json leaves the key out.
template <class F, class T>
void append_field(std::string& out, const F& f, const T& owner, std::size_t opened) {
  if (!f.is_written(owner)) return;
  const auto& member = f.get(owner);
  using M = typename F::member_type;
  const std::size_t before = out.size();
  if (out.size() > opened) out.push_back(',');
  base::append_json_string(out, f.key);
  out.push_back(':');
  if constexpr (std::is_same_v<typename F::codec_type, Plain>) {
    if constexpr (!Described<M>) {
      if (f.presence == kOptional && field_json_internal::is_empty(member)) {
        out.resize(before);
        return;
      }
    }
    const std::size_t value_at = out.size();
    append_json_value(out, member);
    // A described value that writes as {} is empty too.
    if constexpr (Described<M>) {
      if (f.presence == kOptional && std::string_view(out).substr(value_at) == "{}") {
        out.resize(before);
      }
    }
  } else {
    const nlohmann::json written = F::codec_type::write(member);
    if (f.presence == kOptional && field_json_internal::json_is_empty(written)) {
      out.resize(before);
      return;
    }
    out += dump_json(written);
  }
}

}  // namespace field_text_internal

template <Described T>
void append_json_text(std::string& out, const T& value) {
  out.push_back('{');
  const std::size_t opened = out.size();
  // Fields in key order: each step finds its field among the list's few.
  for (const std::size_t wanted : field_text_internal::sorted_field_order<T>()) {
    std::size_t index = 0;
    for_each_field<T>([&](const auto& f) {
      if (index++ == wanted) field_text_internal::append_field(out, f, value, opened);
    });
  }
  out.push_back('}');
}

}  // namespace datamesh::api
