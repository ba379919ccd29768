#include "core/cron.h"

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/names.h"
#include "base/text.h"

namespace datamesh::core {
using base::cat;
namespace {

constexpr std::string_view kForm =
    "use cron(Minutes Hours Day-of-month Month Day-of-week Year), e.g. cron(0 */4 * * ? *)";

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

// The forms of L, W and # a field accepts, each only as the whole field (never in a list).
enum class Special {
  kNone,
  kDayOfMonth,  // L, LW, <day>W
  kDayOfWeek,   // L, <day>L, <day>#<1-5>
};

// What one of the six fields accepts, as in the Glue/EventBridge cron reference.
struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  std::span<const std::string_view> names;  // names[i] stands for min + i; empty when none
  bool question;  // '?' (day-of-month and day-of-week only)
  bool step;      // '/'
  Special special;
  std::string_view allowed;  // shown when the field cannot be parsed at all
};

// One row a field: name, min, max, names, question, step, special, allowed.
constexpr FieldSpec kMinutes{"minutes", 0, 59, {}, false, true, Special::kNone,
                             "0-59 with , - * /"};
constexpr FieldSpec kHours{"hours", 0, 23, {}, false, true, Special::kNone, "0-23 with , - * /"};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, {}, true, true, Special::kDayOfMonth,
                                "1-31 with , - * /, or one of ?, L, LW, <day>W"};
constexpr FieldSpec kMonth{"month", 1, 12, kMonthNames, false, true, Special::kNone,
                           "1-12 or JAN-DEC with , - * /"};
constexpr FieldSpec kDayOfWeek{
    "day-of-week", 1, 7, kDayNames, true, false, Special::kDayOfWeek,
    "1-7 or SUN-SAT with , - *, or one of ?, L, <day>L, <day>#<1-5>"};
constexpr FieldSpec kYear{"year", 1970, 2199, {}, false, true, Special::kNone,
                          "1970-2199 with , - * /"};

// Field errors are plain strings; validate_glue_cron prefixes them with the expression.
using FieldError = std::optional<std::string>;

std::string unparsable(const FieldSpec& spec, std::string_view field) {
  return cat(spec.name, " field ", quote_value(field), " is not valid; use ", spec.allowed);
}

std::string out_of_range(const FieldSpec& spec, std::string_view field, std::string_view value) {
  if (value == field) {
    return cat(spec.name, " field ", quote_value(field), " is out of range ", spec.min, "-",
               spec.max);
  }
  return cat(spec.name, " field ", quote_value(field), ": ", value, " is out of range ", spec.min,
             "-", spec.max);
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The value of a string of at most 4 digits (longer ones are out of range for every field
// and are rejected before they could overflow).
int small_number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

std::string upper_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Splits on `separator`, keeping empty pieces (so "1,,2" has an empty item to reject).
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  while (true) {
    const std::size_t at = text.find(separator);
    pieces.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return pieces;
    text.remove_prefix(at + 1);
  }
}

// Splits on runs of spaces and tabs, dropping empty pieces.
std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// Parses one value: a number or, where the field has them, a name (any case). Sets `*error`
// when it is a well-formed number outside the field's range; returns nullopt when it is not a
// value at all.
std::optional<int> parse_value(const FieldSpec& spec, std::string_view field, std::string_view text,
                               FieldError* error) {
  if (all_digits(text)) {
    const int value = text.size() > 4 ? -1 : small_number(text);
    if (value < spec.min || value > spec.max) {
      *error = out_of_range(spec, field, text);
      return std::nullopt;
    }
    return value;
  }
  const std::string upper = upper_case(text);
  for (std::size_t i = 0; i < spec.names.size(); ++i) {
    if (spec.names[i] == upper) return spec.min + static_cast<int>(i);
  }
  return std::nullopt;
}

// One element of a list: "*", "v", "v-w", each optionally followed by "/step".
FieldError validate_item(const FieldSpec& spec, std::string_view field, std::string_view item) {
  std::string_view base = item;
  const std::size_t slash = item.find('/');
  if (slash != std::string_view::npos) {
    if (!spec.step) {
      return cat(spec.name, " field ", quote_value(field), ": steps ('/') are not allowed in ",
                 spec.name);
    }
    base = item.substr(0, slash);
    const std::string_view step_text = item.substr(slash + 1);
    const int max_step = spec.max - spec.min + 1;
    if (!all_digits(step_text)) return unparsable(spec, field);
    const int step = step_text.size() > 4 ? -1 : small_number(step_text);
    if (step < 1 || step > max_step) {
      return cat(spec.name, " field ", quote_value(field), ": step ", step_text, " must be 1 to ",
                 max_step);
    }
  }
  if (base == "*") return std::nullopt;
  FieldError error;
  const std::size_t dash = base.find('-');
  if (dash == std::string_view::npos) {
    if (!parse_value(spec, field, base, &error)) return error ? error : unparsable(spec, field);
    return std::nullopt;
  }
  const std::string_view first_text = base.substr(0, dash);
  const std::string_view last_text = base.substr(dash + 1);
  const std::optional<int> first = parse_value(spec, field, first_text, &error);
  if (error) return error;
  const std::optional<int> last = parse_value(spec, field, last_text, &error);
  if (error) return error;
  if (!first || !last) return unparsable(spec, field);
  if (*first > *last) {
    return cat(spec.name, " field ", quote_value(field), ": range ", base,
               " runs backwards; its start must not be after its end");
  }
  return std::nullopt;
}

// Whole-field forms that cannot appear in lists: L, LW and <day>W of day-of-month, L, <day>L
// and <day>#<n> of day-of-week. Returns nullopt (and leaves `*error` empty) when `field` is
// none of them.
std::optional<bool> validate_special(const FieldSpec& spec, std::string_view field,
                                     FieldError* error) {
  if (spec.special == Special::kDayOfMonth) {
    if (field == "L" || field == "LW") return true;
    if (field.size() >= 2 && field.back() == 'W' && all_digits(field.substr(0, field.size() - 1))) {
      if (!parse_value(spec, field, field.substr(0, field.size() - 1), error)) return false;
      return true;
    }
    return std::nullopt;
  }
  if (spec.special == Special::kDayOfWeek) {
    if (field == "L") return true;
    if (field.size() >= 2 && field.back() == 'L' && field.find(',') == std::string_view::npos) {
      const std::string_view day = field.substr(0, field.size() - 1);
      if (!parse_value(spec, field, day, error)) {
        if (!*error) *error = unparsable(spec, field);
        return false;
      }
      return true;
    }
    const std::size_t hash = field.find('#');
    if (hash != std::string_view::npos && field.find(',') == std::string_view::npos) {
      const std::string_view day = field.substr(0, hash);
      const std::string_view nth = field.substr(hash + 1);
      if (!parse_value(spec, field, day, error)) {
        if (!*error) *error = unparsable(spec, field);
        return false;
      }
      if (nth.size() != 1 || nth[0] < '1' || nth[0] > '5') {
        *error = cat(spec.name, " field ", quote_value(field),
                     ": the occurrence after '#' must be 1 to 5");
        return false;
      }
      return true;
    }
  }
  return std::nullopt;
}

FieldError validate_field(const FieldSpec& spec, std::string_view field) {
  if (field == "?") {
    if (spec.question) return std::nullopt;
    return cat(spec.name, " field ", quote_value(field),
               " is not valid: '?' is only for day-of-month or day-of-week");
  }
  FieldError error;
  if (validate_special(spec, field, &error).has_value()) return error;
  for (std::string_view item : split(field, ',')) {
    if (item.empty()) return unparsable(spec, field);
    if (FieldError item_error = validate_item(spec, field, item)) return item_error;
  }
  return std::nullopt;
}

}  // namespace

absl::Status validate_glue_cron(std::string_view parameter, std::string_view expression) {
  const auto fail = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        cat("invalid ", parameter, " ", quote_value(expression), ": ", why));
  };
  constexpr std::string_view kOpen = "cron(";
  if (expression.substr(0, 5) == "rate(") {
    return fail(cat("rate() schedules are not supported; ", kForm));
  }
  if (expression.size() < kOpen.size() + 1 || expression.substr(0, kOpen.size()) != kOpen ||
      expression.back() != ')') {
    return fail(kForm);
  }
  const std::string_view body =
      expression.substr(kOpen.size(), expression.size() - kOpen.size() - 1);
  const std::vector<std::string_view> fields = split_words(body);
  if (fields.size() != 6) {
    return fail(cat("it has ", fields.size(), " fields; ", kForm));
  }
  static constexpr std::array<const FieldSpec*, 6> kSpecs = {&kMinutes, &kHours,     &kDayOfMonth,
                                                             &kMonth,   &kDayOfWeek, &kYear};
  for (std::size_t i = 0; i < kSpecs.size(); ++i) {
    if (FieldError error = validate_field(*kSpecs[i], fields[i])) return fail(*error);
  }
  const bool dom_any = fields[2] == "?";
  const bool dow_any = fields[4] == "?";
  if (dom_any && dow_any) {
    return fail("day-of-month and day-of-week cannot both be '?'; give one of them a value");
  }
  if (!dom_any && !dow_any) {
    return fail(
        "one of day-of-month and day-of-week must be '?' (Glue cannot combine them), e.g. "
        "cron(0 12 * * ? *) or cron(0 12 ? * MON *)");
  }
  return absl::OkStatus();
}

}  // namespace datamesh::core
