#include "store/postgres/url.h"

#include <charconv>
#include <vector>

#include "base/text.h"

namespace datamesh::store::postgres {

using base::cat;

namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};
constexpr int kMaxPoolSize = 1000;

// The URL with the password of its user info and any password= parameter replaced by ***.
std::string redact(std::string_view url) {
  std::string out(url);
  const size_t authority = out.find("://") + 3;
  const size_t end = out.find_first_of("/?", authority);
  const size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
  if (at != std::string::npos && at > authority) {
    const size_t colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  const size_t query = out.find('?');
  if (query == std::string::npos) return out;
  std::string redacted = out.substr(0, query + 1);
  std::string_view rest = std::string_view(out).substr(query + 1);
  bool first = true;
  while (true) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (!first) redacted += "&";
    first = false;
    redacted += pair.starts_with("password=") ? std::string("password=***") : std::string(pair);
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return redacted;
}

}  // namespace

bool is_postgres_url(std::string_view url) {
  for (std::string_view scheme : kSchemes) {
    if (url.starts_with(scheme)) return true;
  }
  return false;
}

absl::StatusOr<PostgresUrl> parse_postgres_url(std::string_view url) {
  if (!is_postgres_url(url)) {
    return absl::InvalidArgumentError(
        cat("\"", redact(url), "\" is not a PostgreSQL URL: use postgresql://user@host:port/db"));
  }
  PostgresUrl parsed;
  parsed.display = redact(url);
  const size_t query = url.find('?');
  if (query == std::string_view::npos) {
    parsed.conninfo = std::string(url);
    return parsed;
  }
  std::vector<std::string_view> kept;
  std::string_view rest = url.substr(query + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (!pair.starts_with("pool_size=")) {
      if (!pair.empty()) kept.push_back(pair);
      continue;
    }
    const std::string_view value = pair.substr(std::string_view("pool_size=").size());
    int size = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), size);
    if (error != std::errc() || end != value.data() + value.size() || size < 1 ||
        size > kMaxPoolSize) {
      return absl::InvalidArgumentError(cat("pool_size=", value, " in ", parsed.display,
                                            " must be a number from 1 to ", kMaxPoolSize));
    }
    parsed.pool_size = size;
  }
  parsed.conninfo = std::string(url.substr(0, query));
  if (!kept.empty()) parsed.conninfo += cat("?", base::join(kept, "&"));
  return parsed;
}

}  // namespace datamesh::store::postgres
