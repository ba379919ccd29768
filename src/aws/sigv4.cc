#include "aws/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "aws/signing_key_cache.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "base/trimmed.h"

namespace datamesh::aws {

using base::cat;

namespace {

constexpr std::string_view kTerminator = "aws4_request";
// Values quoted in messages are cut here so that a hostile header cannot make a huge message.
constexpr std::size_t kMaxQuoted = 80;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One of base::kAsciiSpace (Abseil's ASCII table holds the same six), tested without a search per
// character: signing and verifying test every character of every header.
bool is_space(char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); }

// The value of `digits` decimal digits at text[at...]. Precondition: they are digits.
int digits_value(std::string_view text, std::size_t at, std::size_t digits) {
  int value = 0;
  for (std::size_t i = at; i < at + digits; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

// 'value', cut to kMaxQuoted characters, for messages. (Not named quoted: std::quoted would win
// overload resolution for a std::string argument wherever <iomanip> is included.)
std::string shown(std::string_view value) {
  if (value.size() <= kMaxQuoted) return cat("'", value, "'");
  return cat("'", value.substr(0, kMaxQuoted), "...'");
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// RFC 3986 unreserved characters: the only ones SigV4 leaves unencoded.
bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void append_encoded(std::string& out, std::string_view bytes, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (unsigned char c : bytes) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
}

// Decodes each well-formed "%XY"; anything else, '+' included, stays literal.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string encode_query_component(std::string_view raw) {
  std::string out;
  append_encoded(out, percent_decode(raw), /*keep_slash=*/false);
  return out;
}

// RFC 3986 5.2.4 plus the removal of empty segments, exactly as botocore's
// utils.remove_dot_segments: AWS services treat "//" as "/".
std::string remove_dot_segments(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> output;
  for (std::string_view segment : split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!output.empty()) output.pop_back();
    } else {
      output.push_back(segment);
    }
  }
  std::string out = path.front() == '/' ? "/" : "";
  out += base::join(output, "/");
  if (path.back() == '/' && !output.empty()) out.push_back('/');
  return out;
}

// Trimall, appended to `out`: surrounding whitespace removed, inner runs of whitespace become
// one space.
void append_canonical_header_value(std::string& out, std::string_view value) {
  bool pending_space = false;
  for (char c : base::trimmed(value)) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
}

std::string canonical_header_value(std::string_view value) {
  std::string out;
  append_canonical_header_value(out, value);
  return out;
}

std::string normalized_name(std::string_view name) {
  return base::ascii_lower(base::trimmed(name));
}

std::vector<std::string> normalized_names(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const std::string& name : names) out.push_back(normalized_name(name));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string_view> views_of(const std::vector<std::string>& names) {
  return std::vector<std::string_view>(names.begin(), names.end());
}

// Whether `names` are already what normalized_names makes of them (parse_authorization's are).
bool are_normalized(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty() || is_space(names[i].front()) || is_space(names[i].back())) return false;
    const auto is_upper = [](char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); };
    if (std::any_of(names[i].begin(), names[i].end(), is_upper)) return false;
    if (i > 0 && names[i] <= names[i - 1]) return false;
  }
  return true;
}

// The request's headers with their names normalized once (lower-case, trimmed), in request
// order, so that looking up each signed header does not normalize every name again.
struct NamedValue {
  std::string name;
  std::string_view value;
};
std::vector<NamedValue> normalized_headers(const HttpRequest& request) {
  std::vector<NamedValue> out;
  out.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) out.push_back({normalized_name(name), value});
  return out;
}

// How many headers are named `name` (already normalized).
std::size_t count_named(const std::vector<NamedValue>& headers, std::string_view name) {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const NamedValue& h) { return h.name == name; }));
}

// What `sign` signs: host, content-type, x-amz-* and x-datamesh-* (the mesh and account ids a
// datamesh client claims), sorted and unique. The names are views of `headers`' names.
std::vector<std::string_view> names_to_sign(const std::vector<NamedValue>& headers) {
  std::vector<std::string_view> names;
  names.reserve(headers.size());
  for (const NamedValue& header : headers) {
    if (header.name == "host" || header.name == "content-type" ||
        header.name.starts_with("x-amz-") || header.name.starts_with("x-datamesh-")) {
      names.push_back(header.name);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// Whether remove_dot_segments and encoding leave `path` as it is: it starts with '/', has no
// empty, "." or ".." segment, and only unreserved characters between its slashes. API paths
// (/v1/consumer/get-subscription, /) are so, and are then copied instead of rebuilt.
bool is_canonical_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  std::size_t segment_start = 1;
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') {
      if (!is_unreserved(static_cast<unsigned char>(path[i]))) return false;
      continue;
    }
    const std::string_view segment = path.substr(segment_start, i - segment_start);
    // Only the last segment may be empty (a trailing slash, or the root "/").
    if ((segment.empty() && i < path.size()) || segment == "." || segment == "..") return false;
    segment_start = i + 1;
  }
  return true;
}

// The canonical request over `names` (normalized, sorted, unique).
std::string canonical_request_of(const HttpRequest& request,
                                 const std::vector<NamedValue>& headers,
                                 const std::vector<std::string_view>& names,
                                 std::string_view payload_hash, UriRule uri_rule) {
  std::string out;
  out.reserve(512 + request.path.size() + request.query.size());
  for (char c : request.method) {
    out.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  out += '\n';
  if (uri_rule == UriRule::kNormalizeAndEncode && is_canonical_path(request.path)) {
    out += request.path;
  } else {
    out += canonical_uri(request.path, uri_rule);
  }
  out += '\n';
  out += canonical_query(request.query);
  out += '\n';
  for (std::string_view name : names) {
    out += name;
    out += ':';
    bool first = true;
    for (const NamedValue& header : headers) {
      if (header.name != name) continue;
      if (!first) out += ',';
      first = false;
      append_canonical_header_value(out, header.value);
    }
    out += '\n';
  }
  out += '\n';
  out += base::join(names, ";");
  out += '\n';
  out += payload_hash;
  return out;
}

bool is_valid_date8(std::string_view date8) {
  if (date8.size() != 8 || !std::all_of(date8.begin(), date8.end(), is_digit)) return false;
  const int y = digits_value(date8, 0, 4);
  const auto m = static_cast<unsigned>(digits_value(date8, 4, 2));
  const auto d = static_cast<unsigned>(digits_value(date8, 6, 2));
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                     std::chrono::day{d}}
      .ok();
}

// A credential part or region/service: it must survive the '/'-separated Credential and the
// ','-separated Authorization header unambiguously.
bool is_scope_token(std::string_view text) {
  if (text.empty()) return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    return c == '/' || c == ',' || c == '=' || is_space(c);
  });
}

// Token characters of RFC 9110 field names, lower-case only.
bool is_lower_case_field_name(std::string_view name) {
  if (name.empty()) return false;
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || is_digit(c) || kSymbols.find(c) != std::string_view::npos;
  });
}

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
}

// "5 minutes", "90 seconds".
std::string describe(std::chrono::seconds duration) {
  const long long count = duration.count();
  if (count % 60 == 0) {
    const long long minutes = count / 60;
    return cat(minutes, minutes == 1 ? " minute" : " minutes");
  }
  return cat(count, count == 1 ? " second" : " seconds");
}

absl::Status unauthenticated(std::string message) { return absl::UnauthenticatedError(message); }

// Whole seconds since the epoch, rounded down, and the clock ticks past them: plain integer
// arithmetic, because converting back to ticks overflows near the ends of system_clock's range.
std::pair<int64_t, int64_t> whole_seconds_and_ticks(std::chrono::system_clock::time_point time) {
  using Period = std::chrono::system_clock::period;
  static_assert(Period::num == 1, "system_clock ticks are a fraction of a second");
  constexpr int64_t kTicksPerSecond = Period::den;
  const int64_t ticks = time.time_since_epoch().count();
  int64_t whole = ticks / kTicksPerSecond;
  int64_t rest = ticks % kTicksPerSecond;
  if (rest < 0) {
    whole -= 1;
    rest += kTicksPerSecond;
  }
  return {whole, rest};
}

// True when `a` and `b` are more than `limit` apart, exactly. Two instants centuries apart
// differ by more ticks than 64 bits hold (fuzzing found that overflow), so whole seconds are
// compared first: their difference differs from the true one by less than a second either way.
bool more_apart_than(std::chrono::system_clock::time_point a,
                     std::chrono::system_clock::time_point b, std::chrono::seconds limit) {
  if (a < b) std::swap(a, b);
  const auto [a_seconds, a_ticks] = whole_seconds_and_ticks(a);
  const auto [b_seconds, b_ticks] = whole_seconds_and_ticks(b);
  const int64_t whole = a_seconds - b_seconds;
  if (whole != limit.count()) return whole > limit.count();
  return a_ticks > b_ticks;
}

// Wipes derived key material when it goes out of scope.
class WipedKey {
 public:
  explicit WipedKey(std::string key) : key_(std::move(key)) {}
  WipedKey(const WipedKey&) = delete;
  WipedKey& operator=(const WipedKey&) = delete;
  ~WipedKey() {
    if (!key_.empty()) OPENSSL_cleanse(key_.data(), key_.size());
  }
  const std::string& get() const { return key_; }

 private:
  std::string key_;
};

absl::StatusOr<Authorization> parse_credential(std::string_view credential) {
  const std::vector<std::string_view> parts = split(credential, '/');
  if (parts.size() != 5 ||
      std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); })) {
    return unauthenticated(cat("Credential ", shown(credential),
                               " is not <access key>/<YYYYMMDD>/<region>/<service>/aws4_request"));
  }
  if (parts[4] != kTerminator) {
    return unauthenticated(cat("Credential ", shown(credential), " ends in ", shown(parts[4]),
                               ", not aws4_request"));
  }
  if (!is_valid_date8(parts[1])) {
    return unauthenticated(cat("credential date ", shown(parts[1]), " is not a YYYYMMDD date"));
  }
  Authorization auth;
  auth.access_key_id = std::string(parts[0]);
  auth.date = std::string(parts[1]);
  auth.region = std::string(parts[2]);
  auth.service = std::string(parts[3]);
  return auth;
}

absl::StatusOr<std::vector<std::string>> parse_signed_headers(std::string_view value) {
  std::vector<std::string> names;
  for (std::string_view name : split(value, ';')) {
    if (name.empty()) {
      return unauthenticated(cat("SignedHeaders ", shown(value), " has an empty header name"));
    }
    if (!is_lower_case_field_name(name)) {
      return unauthenticated(cat("SignedHeaders ", shown(value), " has ", shown(name),
                                 ", which is not a lower-case header name"));
    }
    if (!names.empty() && name <= names.back()) {
      return unauthenticated(cat("SignedHeaders ", shown(value),
                                 name == names.back() ? " repeat " : " are not sorted at ",
                                 shown(name)));
    }
    names.emplace_back(name);
  }
  if (!std::binary_search(names.begin(), names.end(), "host")) {
    return unauthenticated(cat("SignedHeaders ", shown(value), " do not include host"));
  }
  return names;
}

}  // namespace

std::string format_amz_date(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(time);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{secs - day};
  // Digit by digit: snprintf was a tenth of signing a call.
  std::string text(16, '0');
  const auto put = [&text](std::size_t at, std::size_t digits, long long value) {
    for (std::size_t i = at + digits; i-- > at; value /= 10) {
      text[i] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, 4, static_cast<int>(ymd.year()));
  put(4, 2, static_cast<unsigned>(ymd.month()));
  put(6, 2, static_cast<unsigned>(ymd.day()));
  text[8] = 'T';
  put(9, 2, hms.hours().count());
  put(11, 2, hms.minutes().count());
  put(13, 2, hms.seconds().count());
  text[15] = 'Z';
  return text;
}

absl::StatusOr<std::chrono::system_clock::time_point> parse_amz_date(std::string_view amz_date) {
  using namespace std::chrono;
  const auto malformed = [&] {
    return absl::InvalidArgumentError(
        cat("X-Amz-Date ", shown(amz_date), " is not of the form YYYYMMDDTHHMMSSZ"));
  };
  if (amz_date.size() != 16 || amz_date[8] != 'T' || amz_date[15] != 'Z') return malformed();
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && !is_digit(amz_date[i])) return malformed();
  }
  const auto number = [&](std::size_t at, std::size_t length) {
    return digits_value(amz_date, at, length);
  };
  if (!is_valid_date8(amz_date.substr(0, 8))) return malformed();
  const int hour = number(9, 2);
  const int minute = number(11, 2);
  const int second = number(13, 2);
  if (hour > 23 || minute > 59 || second > 59) return malformed();
  const year_month_day ymd{year{number(0, 4)}, month{static_cast<unsigned>(number(4, 2))},
                           day{static_cast<unsigned>(number(6, 2))}};
  const sys_seconds instant = sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second};
  // system_clock counts nanoseconds in 64 bits (years 1677 to 2262 with libstdc++): converting a
  // later date overflowed, undefined behaviour that fuzzing found with X-Amz-Date 62200115T....
  if (instant < floor<seconds>(system_clock::time_point::min()) + seconds{1} ||
      instant > floor<seconds>(system_clock::time_point::max())) {
    return absl::InvalidArgumentError(
        cat("X-Amz-Date ", shown(amz_date), " is outside the range of the server's clock"));
  }
  return time_point_cast<system_clock::duration>(instant);
}

std::string canonical_uri(std::string_view path, UriRule rule) {
  if (rule == UriRule::kAsSent) return path.empty() ? std::string("/") : std::string(path);
  std::string out;
  append_encoded(out, remove_dot_segments(path), /*keep_slash=*/true);
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> parameters;
  if (query.empty()) return "";
  for (std::string_view piece : split(query, '&')) {
    if (piece.empty()) continue;
    const std::size_t equals = piece.find('=');
    if (equals == std::string_view::npos) {
      parameters.emplace_back(encode_query_component(piece), "");
    } else {
      parameters.emplace_back(encode_query_component(piece.substr(0, equals)),
                              encode_query_component(piece.substr(equals + 1)));
    }
  }
  // By name, then by value for a repeated name: pairs compare exactly so.
  std::sort(parameters.begin(), parameters.end());
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (!out.empty()) out.push_back('&');
    out += cat(name, "=", value);
  }
  return out;
}

std::vector<std::string> header_values(const HttpRequest& request, std::string_view name) {
  const std::string wanted = normalized_name(name);
  std::vector<std::string> values;
  for (const auto& [header, value] : request.headers) {
    if (normalized_name(header) == wanted) values.push_back(value);
  }
  return values;
}

std::string canonical_request(const HttpRequest& request,
                              const std::vector<std::string>& signed_headers,
                              std::string_view payload_hash, UriRule uri_rule) {
  const std::vector<std::string> names = normalized_names(signed_headers);
  return canonical_request_of(request, normalized_headers(request), views_of(names),
                              payload_hash, uri_rule);
}

std::string credential_scope(std::string_view date8, const Scope& scope) {
  return cat(date8, "/", scope.region, "/", scope.service, "/", kTerminator);
}

std::string string_to_sign(std::string_view amz_date, const Scope& scope,
                           std::string_view canonical_request) {
  return cat(kAlgorithm, "\n", amz_date, "\n", credential_scope(amz_date.substr(0, 8), scope), "\n",
             sha256_hex(canonical_request));
}

std::string signing_key(std::string_view secret_access_key, std::string_view date8,
                        std::string_view region, std::string_view service) {
  const WipedKey secret(cat("AWS4", secret_access_key));
  const WipedKey date_key(hmac_sha256(secret.get(), date8));
  const WipedKey region_key(hmac_sha256(date_key.get(), region));
  const WipedKey service_key(hmac_sha256(region_key.get(), service));
  return hmac_sha256(service_key.get(), kTerminator);
}

std::string signature(std::string_view signing_key, std::string_view string_to_sign) {
  return absl::BytesToHexString(hmac_sha256(signing_key, string_to_sign));
}

std::vector<std::string> headers_to_sign(const HttpRequest& request) {
  const std::vector<NamedValue> named = normalized_headers(request);
  const std::vector<std::string_view> names = names_to_sign(named);
  return std::vector<std::string>(names.begin(), names.end());
}

absl::Status sign(HttpRequest& request, const SigningKey& key, const Scope& scope,
                  std::chrono::system_clock::time_point now, SigningKeyCache* keys,
                  UriRule uri_rule) {
  const auto check_token = [](std::string_view what, std::string_view value) -> absl::Status {
    if (is_scope_token(value)) return absl::OkStatus();
    return absl::InvalidArgumentError(cat(
        what, " ", shown(value), " must be non-empty and hold no '/', ',', '=' or whitespace"));
  };
  DATAMESH_RETURN_IF_ERROR(check_token("access key id", key.access_key_id));
  if (key.secret_access_key.empty()) {
    return absl::InvalidArgumentError("secret access key is empty");
  }
  DATAMESH_RETURN_IF_ERROR(check_token("region", scope.region));
  DATAMESH_RETURN_IF_ERROR(check_token("service", scope.service));
  // The headers' names are normalized once; `named` then follows every change to
  // request.headers, entry for entry.
  std::vector<NamedValue> named = normalized_headers(request);
  const std::size_t hosts = count_named(named, "host");
  if (hosts != 1) {
    return absl::InvalidArgumentError(
        hosts == 0 ? std::string("request has no Host header; SigV4 signs the host")
                   : cat("request has ", hosts, " Host headers; it must have exactly one"));
  }
  // A name that is not an HTTP token (found by fuzzing: "x-amz-d\xfd...ate") would be signed,
  // but SignedHeaders could not carry it and every verifier would refuse the request.
  for (std::string_view name : names_to_sign(named)) {
    if (!is_lower_case_field_name(name)) {
      return absl::InvalidArgumentError(
          cat("header name ", shown(name),
              " is not an HTTP token (RFC 9110); it cannot be signed"));
    }
  }
  const std::string amz_date = format_amz_date(now);

  // Earlier signing headers go first, so that a retried request is signed afresh.
  const auto is_signing_header = [](std::string_view name) {
    return name == "authorization" || name == "x-amz-date" || name == "x-amz-content-sha256" ||
           name == "x-amz-security-token";
  };
  std::size_t kept = 0;
  for (std::size_t i = 0; i < named.size(); ++i) {
    if (is_signing_header(named[i].name)) continue;
    if (kept != i) {
      request.headers[kept] = std::move(request.headers[i]);
      named[kept].name = std::move(named[i].name);
    }
    ++kept;
  }
  request.headers.resize(kept);
  named.resize(kept);
  const std::string payload_hash = sha256_hex(request.body);
  const auto add = [&](std::string name, std::string_view normalized, std::string value) {
    request.headers.emplace_back(std::move(name), std::move(value));
    named.push_back({std::string(normalized), {}});
  };
  add("X-Amz-Date", "x-amz-date", amz_date);
  add("X-Amz-Content-Sha256", "x-amz-content-sha256", payload_hash);
  if (!key.session_token.empty()) {
    add("X-Amz-Security-Token", "x-amz-security-token", key.session_token);
  }
  // The values moved with their headers (and a short one moves its characters): view them anew.
  for (std::size_t i = 0; i < named.size(); ++i) named[i].value = request.headers[i].second;

  const std::vector<std::string_view> signed_headers = names_to_sign(named);
  const std::string date8 = amz_date.substr(0, 8);
  const WipedKey derived(
      keys != nullptr ? keys->get(key.secret_access_key, date8, scope.region, scope.service)
                      : signing_key(key.secret_access_key, date8, scope.region, scope.service));
  const std::string to_sign = string_to_sign(
      amz_date, scope,
      canonical_request_of(request, named, signed_headers, payload_hash, uri_rule));
  request.headers.emplace_back(
      "Authorization",
      cat(kAlgorithm, " Credential=", key.access_key_id, "/", credential_scope(date8, scope),
          ", SignedHeaders=", base::join(signed_headers, ";"),
          ", Signature=", signature(derived.get(), to_sign)));
  return absl::OkStatus();
}

absl::StatusOr<Authorization> parse_authorization(std::string_view header_value) {
  const std::string_view value = base::trimmed(header_value);
  if (value.empty()) return unauthenticated("Authorization header is empty");
  const std::size_t space = value.find_first_of(base::kAsciiSpace);
  const std::string_view algorithm = value.substr(0, space);
  if (algorithm != kAlgorithm) {
    return unauthenticated(
        cat("authorization algorithm ", shown(algorithm), " is not ", kAlgorithm));
  }
  const std::string_view rest =
      space == std::string_view::npos ? std::string_view() : base::trimmed(value.substr(space));
  std::optional<std::string_view> credential, signed_headers, signature_hex;
  if (!rest.empty()) {
    for (std::string_view raw : split(rest, ',')) {
      const std::string_view component = base::trimmed(raw);
      const std::size_t equals = component.find('=');
      if (component.empty() || equals == std::string_view::npos) {
        return unauthenticated(
            cat("Authorization component ", shown(component), " is not Name=value"));
      }
      const std::string_view name = component.substr(0, equals);
      const std::string_view content = component.substr(equals + 1);
      std::optional<std::string_view>* slot = name == "Credential"      ? &credential
                                              : name == "SignedHeaders" ? &signed_headers
                                              : name == "Signature"     ? &signature_hex
                                                                        : nullptr;
      if (slot == nullptr) {
        return unauthenticated(cat("Authorization component ", shown(name),
                                   " is unknown; expected Credential, SignedHeaders, Signature"));
      }
      if (slot->has_value()) return unauthenticated(cat("Authorization has ", name, " twice"));
      if (content.empty()) return unauthenticated(cat("Authorization ", name, " is empty"));
      *slot = content;
    }
  }
  if (!credential) return unauthenticated("Authorization has no Credential");
  if (!signed_headers) return unauthenticated("Authorization has no SignedHeaders");
  if (!signature_hex) return unauthenticated("Authorization has no Signature");

  DATAMESH_ASSIGN_OR_RETURN(Authorization auth, parse_credential(*credential));
  DATAMESH_ASSIGN_OR_RETURN(auth.signed_headers, parse_signed_headers(*signed_headers));
  if (signature_hex->size() != 64 || !is_lower_hex(*signature_hex)) {
    return unauthenticated(
        cat("Signature ", shown(*signature_hex), " is not 64 lower-case hex digits"));
  }
  auth.signature = std::string(*signature_hex);
  return auth;
}

absl::StatusOr<std::string> checked_string_to_sign(const HttpRequest& request,
                                                   const Authorization& auth,
                                                   const Scope& expected_scope,
                                                   std::chrono::system_clock::time_point now,
                                                   std::chrono::seconds max_skew) {
  if (max_skew < std::chrono::seconds::zero()) {
    return absl::InvalidArgumentError(
        cat("max_skew of ", max_skew.count(), " seconds is negative"));
  }
  const std::vector<NamedValue> named = normalized_headers(request);
  const auto values_of = [&](std::string_view name) {
    std::vector<std::string_view> values;
    for (const NamedValue& header : named) {
      if (header.name == name) values.push_back(header.value);
    }
    return values;
  };
  const std::vector<std::string_view> dates = values_of("x-amz-date");
  if (dates.empty()) return unauthenticated("request has no X-Amz-Date header");
  if (dates.size() > 1) {
    return unauthenticated(cat("request has ", dates.size(), " X-Amz-Date headers"));
  }
  const std::string amz_date(base::trimmed(dates.front()));
  absl::StatusOr<std::chrono::system_clock::time_point> date = parse_amz_date(amz_date);
  if (!date.ok()) return unauthenticated(std::string(date.status().message()));
  if (more_apart_than(*date, now, max_skew)) {
    return unauthenticated(cat("request date ", amz_date, " is more than ", describe(max_skew),
                               " from the server's time ", format_amz_date(now)));
  }
  if (auth.date != std::string_view(amz_date).substr(0, 8)) {
    return unauthenticated(
        cat("credential date ", shown(auth.date), " is not the day of X-Amz-Date ", amz_date));
  }
  if (auth.region != expected_scope.region) {
    return unauthenticated(cat("credential region ", shown(auth.region), " is not this server's ",
                               shown(expected_scope.region)));
  }
  if (auth.service != expected_scope.service) {
    return unauthenticated(cat("credential service ", shown(auth.service),
                               " is not this server's ", shown(expected_scope.service)));
  }
  // parse_authorization's names are normalized already; an Authorization built otherwise is
  // normalized here.
  const std::vector<std::string> normalized =
      are_normalized(auth.signed_headers) ? std::vector<std::string>()
                                          : normalized_names(auth.signed_headers);
  const std::vector<std::string_view> signed_names =
      views_of(normalized.empty() ? auth.signed_headers : normalized);
  const auto is_signed = [&](std::string_view name) {
    return std::binary_search(signed_names.begin(), signed_names.end(), name);
  };
  if (!is_signed("host")) {
    return unauthenticated(
        cat("SignedHeaders ", shown(base::join(signed_names, ";")), " do not include host"));
  }
  if (!is_signed("x-amz-date")) {
    return unauthenticated(cat("SignedHeaders ", shown(base::join(signed_names, ";")),
                               " do not include x-amz-date; the request date must be signed"));
  }
  for (std::string_view name : signed_names) {
    if (count_named(named, name) == 0) {
      return unauthenticated(cat("signed header ", shown(name), " is missing from the request"));
    }
  }
  const std::string body_hash = sha256_hex(request.body);
  if (is_signed("x-amz-content-sha256")) {
    const std::string claimed =
        canonical_header_value(base::join(values_of("x-amz-content-sha256"), ","));
    if (claimed == "UNSIGNED-PAYLOAD" || claimed.starts_with("STREAMING-")) {
      return unauthenticated(cat("X-Amz-Content-Sha256 ", shown(claimed),
                                 " is not accepted; the payload must be signed"));
    }
    if (claimed != body_hash) {
      return unauthenticated(cat("payload hash does not match the body: X-Amz-Content-Sha256 is ",
                                 shown(claimed), " but the body's SHA-256 is ", body_hash));
    }
  }
  // The actual body's hash, never a claimed one: an unsigned X-Amz-Content-Sha256 proves nothing.
  const Scope scope{auth.region, auth.service};
  return string_to_sign(amz_date, scope,
                        canonical_request_of(request, named, signed_names, body_hash,
                                             UriRule::kNormalizeAndEncode));
}

absl::Status verify(const HttpRequest& request, const Authorization& auth,
                    std::string_view secret_access_key, const Scope& expected_scope,
                    std::chrono::system_clock::time_point now, std::chrono::seconds max_skew,
                    SigningKeyCache* keys) {
  DATAMESH_ASSIGN_OR_RETURN(const std::string to_sign,
                            checked_string_to_sign(request, auth, expected_scope, now, max_skew));
  const WipedKey derived(
      keys != nullptr ? keys->get(secret_access_key, auth.date, auth.region, auth.service)
                      : signing_key(secret_access_key, auth.date, auth.region, auth.service));
  return check_signature(auth, derived.get(), to_sign);
}

absl::Status check_signature(const Authorization& auth, std::string_view derived_key,
                             std::string_view to_sign) {
  const std::string expected = signature(derived_key, to_sign);
  if (auth.signature.size() != expected.size() ||
      CRYPTO_memcmp(auth.signature.data(), expected.data(), expected.size()) != 0) {
    return unauthenticated(
        "signature does not match: the secret access key differs, or the request was changed "
        "after signing");
  }
  return absl::OkStatus();
}

}  // namespace datamesh::aws
