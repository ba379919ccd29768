#include "reliability/crash_ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "base/text.h"
#include "server/ledger.h"

namespace datamesh::reliability {
namespace {

using base::cat;

std::string field(std::string_view text) {
  if (text.empty()) return "-";
  std::string out(text);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

std::string unfield(const std::string& text) { return text == "-" ? "" : text; }

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    parts.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) return parts;
    start = tab + 1;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<LedgerFile>> LedgerFile::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(cat("cannot open the ledger ", path.string(), ": ",
                                   std::strerror(errno)));
  }
  return std::unique_ptr<LedgerFile>(new LedgerFile(fd));
}

LedgerFile::~LedgerFile() { ::close(fd_); }

void LedgerFile::write_line(const std::string& line, bool sync) {
  // One write(2) per line: what the child wrote survives its SIGKILL (the kernel has it).
  // An acknowledgement also goes to the disk, as a client keeping a ledger would do.
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::abort();  // a ledger that cannot be written would make the test lie
    written += static_cast<size_t>(n);
  }
  if (sync && ::fdatasync(fd_) != 0) std::abort();
}

void LedgerFile::before(const Intent& intent) {
  write_line(cat("B\t", ++calls_, "\t", field(intent.action), "\t", field(intent.subscription_id),
                 "\t", field(intent.actor), "\n"),
             /*sync=*/false);
}

void LedgerFile::after(const Intent&, const absl::Status& status, const std::string& returned_id) {
  if (before_acknowledging) before_acknowledging();
  write_line(cat("E\t", calls_, "\t", static_cast<int>(status.code()), "\t", field(returned_id),
                 "\t", field(std::string_view(status.message().data(), status.message().size())),
                 "\n"),
             /*sync=*/true);
}

absl::Status drop_torn_line(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return absl::OkStatus();
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (keep == text.size()) return absl::OkStatus();
  std::filesystem::resize_file(path, keep, error);
  if (error) {
    return absl::InternalError(cat("cannot cut the torn line of ", path.string(), ": ",
                                   error.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<LedgerEntry>> read_ledger(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<LedgerEntry>{};
  std::ostringstream text_stream;
  text_stream << in.rdbuf();
  const std::string text = text_stream.str();
  std::vector<LedgerEntry> entries;
  std::string pending_number;  // the number of the last B line still waiting for its E line
  size_t start = 0;
  for (int number = 1;; ++number) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // a torn last line: the process died writing it
    const std::vector<std::string> parts = split_tabs(text.substr(start, end - start));
    start = end + 1;
    if (parts.size() == 5 && parts[0] == "B") {
      entries.push_back(LedgerEntry{
          .intent = {unfield(parts[2]), unfield(parts[3]), unfield(parts[4])}});
      pending_number = parts[1];
    } else if (parts.size() == 5 && parts[0] == "E" && !entries.empty() &&
               parts[1] == pending_number && !entries.back().code) {
      entries.back().code = static_cast<absl::StatusCode>(std::stoi(parts[2]));
      entries.back().returned_id = unfield(parts[3]);
      entries.back().message = unfield(parts[4]);
    } else {
      return absl::InternalError(
          cat("ledger ", path.string(), " line ", number, " is malformed or out of order"));
    }
  }
  return entries;
}

std::vector<std::string> check_ledger(const std::vector<LedgerEntry>& entries,
                                      const std::vector<AuditEvent>& events) {
  using Key = std::tuple<std::string, std::string, std::string>;  // action, subscription, actor
  std::vector<std::string> problems;
  std::map<Key, int> acknowledged, unknown, audited;
  std::map<std::string, int> unknown_requests;      // by consumer
  std::map<std::string, std::string> answered;      // request answers: subscription -> consumer
  for (const LedgerEntry& entry : entries) {
    const Intent& intent = entry.intent;
    if (intent.action == server_test::kRequest) {
      if (!entry.code) {
        ++unknown_requests[intent.actor];
      } else if (*entry.code == absl::StatusCode::kOk) {
        answered[entry.returned_id] = intent.actor;
      }
      continue;
    }
    const Key key{intent.action, intent.subscription_id, intent.actor};
    if (!entry.code) {
      ++unknown[key];
    } else if (*entry.code == absl::StatusCode::kOk) {
      ++acknowledged[key];
    }
  }
  std::map<std::string, std::vector<const AuditEvent*>> request_events;
  for (const AuditEvent& event : events) {
    if (event.action == server_test::kRequest) {
      request_events[event.subscription_id].push_back(&event);
    } else {
      ++audited[{event.action, event.subscription_id, event.actor_account}];
    }
  }

  std::set<Key> keys;
  for (const auto* counts : {&acknowledged, &audited}) {
    for (const auto& [key, n] : *counts) keys.insert(key);
  }
  for (const Key& key : keys) {
    const auto count = [&](const std::map<Key, int>& counts) {
      auto it = counts.find(key);
      return it == counts.end() ? 0 : it->second;
    };
    const int acked = count(acknowledged), logged = count(audited), open = count(unknown);
    if (!server_test::audit_count_agrees(std::get<0>(key), acked, open, logged)) {
      problems.push_back(cat(std::get<0>(key), " of ", std::get<1>(key), " by ",
                             std::get<2>(key), ": acknowledged ", acked, " times (", open,
                             " more with unknown outcome), audited ", logged, " times"));
    }
  }

  for (const auto& [id, consumer] : answered) {
    auto it = request_events.find(id);
    const size_t n = it == request_events.end() ? 0 : it->second.size();
    if (n != 1 || it->second.front()->actor_account != consumer) {
      problems.push_back(cat("subscription ", id, " answered to ", consumer, " has ", n,
                             " request events",
                             n == 1 ? cat(", by ", it->second.front()->actor_account) : ""));
    }
  }
  std::map<std::string, int> unanswered;  // request events of no successful answer, by consumer
  for (const auto& [id, list] : request_events) {
    if (answered.contains(id)) continue;
    for (const AuditEvent* event : list) ++unanswered[event->actor_account];
  }
  for (const auto& [consumer, n] : unanswered) {
    if (n > unknown_requests[consumer]) {
      problems.push_back(cat(n, " request events by ", consumer,
                             " answered to no caller, but only ", unknown_requests[consumer],
                             " of its requests have an unknown outcome"));
    }
  }
  return problems;
}

}  // namespace datamesh::reliability
