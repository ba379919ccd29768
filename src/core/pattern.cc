#include "core/pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#include "core/names.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::core {
using base::cat;
namespace {

// Each failed attempt at a name multiplies the step limit by this before trying again, so that
// the steps spent on attempts that ran out stay under a seventh of the last attempt's.
constexpr uint64_t kLimitGrowth = 8;
// Nested backtracking points allowed per match (the interpreter's; JIT is bounded by its
// stack instead), against patterns that recurse deeply rather than long.
constexpr uint32_t kDepthLimit = 10'000;

constexpr uint32_t kCompileOptions =
    PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_NEVER_BACKSLASH_C;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Python `re` spellings that PCRE2 reads differently, rewritten to PCRE2's:
//   \Z          end of subject         -> \z  (PCRE2's \Z also matches before a final newline)
//   {,n}        0 to n repetitions     -> {0,n}  (PCRE2 10.42 takes "{,n}" literally)
//   \uXXXX      code point             -> \x{XXXX}   (PCRE2 refuses \u and \U)
//   \UXXXXXXXX  code point             -> \x{XXXXXXXX}
// Escapes are skipped as units, so "\\Z" (a backslash, then Z) stays as it is; inside a
// character class only the \u and \U forms apply. `offsets` maps each byte of the result to
// the byte of `pattern` it came from, so that compile errors point into the caller's text.
struct Translation {
  std::string text;
  std::vector<std::size_t> offsets;
};

Translation translate(std::string_view pattern) {
  Translation out;
  out.text.reserve(pattern.size() + 8);
  auto emit = [&out](std::string_view piece, std::size_t origin) {
    out.text.append(piece);
    out.offsets.insert(out.offsets.end(), piece.size(), origin);
  };
  bool in_class = false;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char escaped = pattern[i + 1];
      const std::size_t digits = escaped == 'u' ? 4 : escaped == 'U' ? 8 : 0;
      if (escaped == 'Z' && !in_class) {
        emit("\\z", i);
        i += 2;
        continue;
      }
      if (digits != 0 && i + 2 + digits <= pattern.size()) {
        bool all_hex = true;
        for (std::size_t k = 0; k < digits; ++k) all_hex = all_hex && is_hex(pattern[i + 2 + k]);
        if (all_hex) {
          emit("\\x{", i);
          for (std::size_t k = 0; k < digits; ++k) emit(pattern.substr(i + 2 + k, 1), i + 2 + k);
          emit("}", i + 1 + digits);
          i += 2 + digits;
          continue;
        }
      }
      emit(pattern.substr(i, 2), i);
      out.offsets.back() = i + 1;
      i += 2;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      emit(pattern.substr(i, 1), i);
      ++i;
      continue;
    }
    if (c == '[') {
      // A ']' right after "[" or "[^" is a literal member, not the end of the class.
      std::size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      for (std::size_t k = i; k < j; ++k) emit(pattern.substr(k, 1), k);
      in_class = true;
      i = j;
      continue;
    }
    if (c == '{' && i + 1 < pattern.size() && pattern[i + 1] == ',') {
      std::size_t j = i + 2;
      while (j < pattern.size() && absl::ascii_isdigit(pattern[j])) ++j;
      if (j > i + 2 && j < pattern.size() && pattern[j] == '}') {
        emit("{0", i);
        for (std::size_t k = i + 1; k <= j; ++k) emit(pattern.substr(k, 1), k);
        i = j + 1;
        continue;
      }
    }
    emit(pattern.substr(i, 1), i);
    ++i;
  }
  out.offsets.push_back(pattern.size());  // errors reported at the very end
  return out;
}

}  // namespace

struct Pattern::Compiled {
  Compiled() = default;
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
  ~Compiled() { pcre2_code_free(code); }
  // Only read once built, which PCRE2 allows from several threads at once.
  pcre2_code* code = nullptr;
};

Pattern::Pattern(std::string source, std::shared_ptr<const Compiled> compiled)
    : source_(std::move(source)), compiled_(std::move(compiled)) {}

absl::StatusOr<Pattern> Pattern::compile(std::string_view parameter, std::string_view pattern) {
  const Translation translation = translate(pattern);
  auto compiled = std::make_shared<Compiled>();
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  compiled->code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translation.text.data()), translation.text.size(),
                    kCompileOptions, &error_code, &error_offset, nullptr);
  if (compiled->code == nullptr) {
    PCRE2_UCHAR reason[256];
    if (pcre2_get_error_message(error_code, reason, sizeof reason) < 0) {
      reason[0] = '\0';
    }
    const std::size_t offset =
        translation.offsets[std::min<std::size_t>(error_offset, translation.offsets.size() - 1)];
    return absl::InvalidArgumentError(cat("invalid ", parameter, " ", quote_value(pattern), ": ",
                                          reinterpret_cast<const char*>(reason), " at offset ",
                                          offset));
  }
  // JIT is only faster; where it is unavailable (or out of executable memory) the interpreter
  // gives the same answers, so a failure here is deliberately ignored.
  (void)pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);
  return Pattern(std::string(pattern), std::move(compiled));
}

namespace {

// Match data holds the state of one match. full_match only asks whether the whole subject
// matched, so one pair of offsets is enough for any pattern (PCRE2 then returns 0 instead of
// the group count), and each thread reuses its own, with its own match context (whose step
// limit changes from attempt to attempt): no allocation per match, and a shared Pattern stays
// safe to use from several threads.
class ThreadMatchState {
 public:
  ThreadMatchState()
      : data_(pcre2_match_data_create(1, nullptr)), context_(pcre2_match_context_create(nullptr)) {
    if (context_ != nullptr) pcre2_set_depth_limit(context_, kDepthLimit);
  }
  ThreadMatchState(const ThreadMatchState&) = delete;
  ThreadMatchState& operator=(const ThreadMatchState&) = delete;
  ~ThreadMatchState() {
    pcre2_match_context_free(context_);
    pcre2_match_data_free(data_);
  }
  bool ok() const { return data_ != nullptr && context_ != nullptr; }
  pcre2_match_data* data() const { return data_; }
  pcre2_match_context* context() const { return context_; }

 private:
  pcre2_match_data* data_;
  pcre2_match_context* context_;
};

// Matching beyond Pattern::kFreeSteps is what a costly pattern spends its budget on: CPU with
// no wait in it. It runs on a few threads of its own (half the cores), each at the lowest CPU
// priority (Linux's SCHED_IDLE), and the calling thread waits for it: calls sending costly patterns back
// to back, each within its budget, then take at most half the cores, and whatever else runs
// preempts them at once, so another account's calls keep their latency. The threads wait for
// nothing but work, so waiting for them cannot deadlock; they live as long as the process.
class CostlyMatchers {
 public:
  static CostlyMatchers& instance() {
    static CostlyMatchers* const matchers =
        new CostlyMatchers(std::max(1u, std::thread::hardware_concurrency() / 2));
    return *matchers;
  }

  // Runs `job` on one of the threads; returns once it has run.
  void run(absl::FunctionRef<void()> job) {
    Task task{job};
    std::unique_lock lock(mutex_);
    queue_.push_back(&task);
    work_.notify_one();
    done_.wait(lock, [&] { return task.done; });
  }

 private:
  struct Task {
    absl::FunctionRef<void()> job;
    bool done = false;  // guarded by mutex_
  };

  explicit CostlyMatchers(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) std::thread([this] { serve(); }).detach();
  }

  void serve() {
    // SCHED_IDLE: the thread runs only when no normal thread wants the core, and a waking
    // normal thread preempts it at once, where a nice-19 thread may first finish its slice.
    // Taking the idle policy needs no privilege; if it is refused anyway, nice 19, and the
    // work is still bounded by the number of threads.
    const sched_param idle{.sched_priority = 0};
    if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle) != 0) {
      (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 19);
    }
    std::unique_lock lock(mutex_);
    while (true) {
      work_.wait(lock, [&] { return !queue_.empty(); });
      Task* task = queue_.front();
      queue_.pop_front();
      lock.unlock();
      task->job();
      lock.lock();
      task->done = true;
      done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::deque<Task*> queue_;  // guarded by mutex_
};

bool ran_out(int result) {
  return result == PCRE2_ERROR_MATCHLIMIT || result == PCRE2_ERROR_DEPTHLIMIT ||
         result == PCRE2_ERROR_HEAPLIMIT || result == PCRE2_ERROR_JIT_STACKLIMIT;
}

}  // namespace

absl::StatusOr<bool> Pattern::full_match(std::string_view subject) const {
  MatchBudget budget;
  return full_match(subject, budget);
}

absl::StatusOr<bool> Pattern::full_match(std::string_view subject, MatchBudget& budget) const {
  // PCRE2 does not say how many steps a match took, only whether it fit a limit: try with
  // kFreeSteps, then with limits kLimitGrowth times larger, up to what the name and the budget
  // allow. Each attempt beyond the first is charged its whole limit (at most kLimitGrowth times
  // what the name needed), so the budget overstates the work, never understates it.
  const uint64_t cap = std::min(kNameSteps, kFreeSteps + budget.remaining_);
  uint64_t limit = kFreeSteps;
  int result = 0;
  bool out_of_memory = false;
  // Tries `limit`, then larger limits while the match runs out of steps and the cap allows;
  // with `first_only`, stops after the first attempt with `limit` already grown for the next.
  auto attempts = [&](bool first_only) {
    thread_local ThreadMatchState state;  // the thread's running the attempts
    if (!state.ok()) {
      out_of_memory = true;
      return;
    }
    while (true) {
      pcre2_set_match_limit(state.context(), static_cast<uint32_t>(limit));
      result = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()),
                           subject.size(), 0, 0, state.data(), state.context());
      if (limit > kFreeSteps) budget.remaining_ -= std::min(budget.remaining_, limit);
      if (!ran_out(result) || limit >= cap || result != PCRE2_ERROR_MATCHLIMIT) return;
      limit = std::min(limit * kLimitGrowth, cap);
      if (first_only) return;
    }
  };
  attempts(/*first_only=*/true);  // the free steps, here
  if (!out_of_memory && result == PCRE2_ERROR_MATCHLIMIT && limit > kFreeSteps) {
    CostlyMatchers::instance().run([&] { attempts(/*first_only=*/false); });
  }
  if (out_of_memory) return absl::ResourceExhaustedError("out of memory creating PCRE2 match data");
  if (ran_out(result)) {
    const bool name_limit = limit >= kNameSteps || result != PCRE2_ERROR_MATCHLIMIT;
    return absl::InvalidArgumentError(cat(
        "pattern ", quote_value(source_), " is too costly to evaluate: ",
        name_limit ? cat("matching table name ", quote_value(subject), " alone needs more than ",
                         kNameSteps, " backtracking steps")
                   : cat("the names of this call need more than ", budget.total_,
                         " backtracking steps in all (it stopped at ", quote_value(subject), ")"),
        "; narrow it: anchor it with a literal prefix (orders_.*), avoid nested or repeated "
        "quantifiers such as (a+)+, (a|a)+ or (.*a){12}, or give the table names literally"));
  }
  if (result >= 0) return true;
  if (result == PCRE2_ERROR_NOMATCH) return false;
  PCRE2_UCHAR reason[256];
  if (pcre2_get_error_message(result, reason, sizeof reason) < 0) reason[0] = '\0';
  if (result <= PCRE2_ERROR_UTF8_ERR1 && result >= PCRE2_ERROR_UTF8_ERR21) {
    return absl::InvalidArgumentError(cat("cannot match ", quote_value(subject),
                                          " against pattern ", quote_value(source_), ": ",
                                          reinterpret_cast<const char*>(reason)));
  }
  return absl::InternalError(cat("PCRE2 failed matching pattern ", quote_value(source_),
                                 " against ", quote_value(subject), ": ",
                                 reinterpret_cast<const char*>(reason)));
}

std::string Pattern::literal_prefix(std::string_view pattern) {
  // A top-level alternation ("a|b") has no common prefix to rely on.
  int depth = 0;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;  // the escaped character is never structure
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      // A ']' right after "[" or "[^" is a member, not the end of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return "";
    }
  }
  size_t end = 0;
  while (end < pattern.size()) {
    const unsigned char c = static_cast<unsigned char>(pattern[end]);
    if (c >= 0x80 || std::string_view("\\^$.|?*+()[]{}").find(static_cast<char>(c)) !=
                         std::string_view::npos) {
      break;
    }
    ++end;
  }
  // "ab*", "ab?", "ab{0,2}": the last literal may be absent. ("ab+" keeps it.)
  if (end > 0 && end < pattern.size() &&
      (pattern[end] == '?' || pattern[end] == '*' || pattern[end] == '{')) {
    --end;
  }
  return std::string(pattern.substr(0, end));
}

absl::StatusOr<std::vector<std::string>> NameSelection::select(
    const std::vector<std::string>& names, MatchBudget& budget) {
  std::vector<std::string> selected;
  for (const std::string& name : names) {
    auto known = verdicts_.find(name);
    if (known == verdicts_.end()) {
      DATAMESH_ASSIGN_OR_RETURN(const bool matched, pattern_->full_match(name, budget));
      known = verdicts_.emplace(name, matched).first;
    }
    if (known->second) selected.push_back(name);
  }
  return selected;
}

bool Pattern::is_literal(std::string_view text) {
  return text.find_first_of("\\^$.|?*+()[]{}") == std::string_view::npos;
}

}  // namespace datamesh::core
