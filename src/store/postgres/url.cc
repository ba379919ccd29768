#include "store/postgres/url.h"

#include <libpq-fe.h>

#include <charconv>
#include <vector>

#include "base/status_macros.h"
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

// A parameter libpq does not know, or a URL it cannot read, would fail every connection as if
// the database were down; it is the URL's mistake, said once when it is parsed.
absl::Status check_conninfo(const PostgresUrl& parsed) {
  char* refusal = nullptr;
  PQconninfoOption* options = PQconninfoParse(parsed.conninfo.c_str(), &refusal);
  if (options != nullptr) {
    PQconninfoFree(options);
    return absl::OkStatus();
  }
  std::string reason = refusal != nullptr ? std::string(refusal) : "out of memory";
  PQfreemem(refusal);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  // libpq may quote the URL it was given, password included.
  if (const size_t at = reason.find(parsed.conninfo); at != std::string::npos) {
    reason.replace(at, parsed.conninfo.size(), redact(parsed.conninfo));
  }
  return absl::InvalidArgumentError(cat(parsed.display, " is not a store URL libpq accepts: ",
                                        reason, " (datamesh's own parameter is pool_size; "
                                        "libpq's are sslmode, connect_timeout, options, ...)"));
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
    DATAMESH_RETURN_IF_ERROR(check_conninfo(parsed));
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
  DATAMESH_RETURN_IF_ERROR(check_conninfo(parsed));
  return parsed;
}

}  // namespace datamesh::store::postgres
