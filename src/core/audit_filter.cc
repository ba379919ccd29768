#include "core/audit_filter.h"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "absl/strings/ascii.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/names.h"

namespace datamesh::core {
namespace {

using base::cat;

// "YYYY-MM-DD HH:MM:SS" from what a person or a script gives (see the header), or
// InvalidArgument naming the parameter.
absl::StatusOr<std::string> instant(std::string_view parameter, std::string_view given) {
  std::string text(given);
  if (text.size() == 10) text += " 00:00:00";
  if (text.size() == 20 && text.back() == 'Z') text.pop_back();
  if (text.size() == 19 && text[10] == 'T') text[10] = ' ';
  // The shape of "2026-12-07 09:05:00": digits, and the separators at their places.
  static constexpr std::string_view kShape = "dddd-dd-dd dd:dd:dd";
  bool shaped = text.size() == kShape.size();
  for (size_t i = 0; shaped && i < text.size(); ++i) {
    shaped = kShape[i] == 'd' ? absl::ascii_isdigit(static_cast<unsigned char>(text[i]))
                              : text[i] == kShape[i];
  }
  const auto number = [&text](size_t at, size_t digits) {
    int value = 0;
    for (size_t i = at; i < at + digits; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  // Shaped, it must also be a day of the calendar and a time of the day.
  const bool exists =
      shaped &&
      std::chrono::year_month_day(std::chrono::year(number(0, 4)),
                                  std::chrono::month(static_cast<unsigned>(number(5, 2))),
                                  std::chrono::day(static_cast<unsigned>(number(8, 2))))
          .ok() &&
      number(11, 2) < 24 && number(14, 2) < 60 && number(17, 2) < 60;
  if (!exists) {
    return absl::InvalidArgumentError(
        cat(parameter, " \"", given, "\" is not a UTC date: give YYYY-MM-DD or ",
            "YYYY-MM-DD HH:MM:SS (as the events' EventDate), a day of the calendar"));
  }
  return text;
}

}  // namespace

absl::StatusOr<AuditFilter> AuditFilter::make(const std::vector<std::string>& actions,
                                              std::string_view actor_account_id,
                                              std::string_view since, std::string_view until) {
  AuditFilter filter;
  for (const std::string& given : actions) {
    std::string action = given;
    std::replace(action.begin(), action.end(), '-', '_');  // as the CLI spells its commands
    if (std::ranges::find(kAuditedActions, action) == std::end(kAuditedActions)) {
      return absl::InvalidArgumentError(
          cat("action \"", given, "\" is not an action of the audit log; allowed: ",
              base::join(kAuditedActions, ", ")));
    }
    filter.actions_.insert(std::move(action));
  }
  if (!actor_account_id.empty()) {
    DATAMESH_RETURN_IF_ERROR(validate_account_id("actor_account_id", actor_account_id));
    filter.actor_ = std::string(actor_account_id);
  }
  if (!since.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(filter.since_, instant("since", since));
  }
  if (!until.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(filter.until_, instant("until", until));
  }
  if (!filter.since_.empty() && !filter.until_.empty() && filter.until_ <= filter.since_) {
    return absl::InvalidArgumentError(
        cat("until (", filter.until_, ") must come after since (", filter.since_, ")"));
  }
  return filter;
}

bool AuditFilter::keeps(const AuditEvent& event) const {
  if (!actions_.empty() && !actions_.contains(event.action)) return false;
  if (!actor_.empty() && event.actor_account != actor_) return false;
  // The dates compare as text: same shape, most significant field first.
  if (!since_.empty() && event.event_date < since_) return false;
  if (!until_.empty() && event.event_date >= until_) return false;
  return true;
}

}  // namespace datamesh::core
