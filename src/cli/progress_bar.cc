#include "cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>

#include "base/text.h"

namespace datamesh::cli {
namespace {

using base::cat;

// Quick calls print nothing: the bar appears once a call has run this long.
constexpr std::chrono::milliseconds kQuietFor{1000};
// Redraws closer together than this are skipped (except the last one).
constexpr std::chrono::milliseconds kRedrawEvery{100};
constexpr int kWidth = 30;

// 1234567 -> "1,234,567".
// Appended digit by digit: GCC 12 warns (-Wrestrict, a false positive) on string::insert here.
std::string grouped(uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

ProgressBar::ProgressBar(std::FILE* out, std::string label, Now now)
    : out_(out), label_(std::move(label)), now_(std::move(now)), started_(now_()) {}

std::string ProgressBar::render(uint64_t done, uint64_t total, int width) {
  done = std::min(done, total);
  const int filled =
      total == 0 ? width : static_cast<int>(static_cast<double>(done) / total * width);
  const int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
  return cat("[", std::string(filled, '#'), std::string(width - filled, '.'), "]  ",
             grouped(done), "/", grouped(total), " tables  ", percent, "%");
}

void ProgressBar::update(uint64_t done, uint64_t total) {
  if (finished_) return;
  last_done_ = done;
  last_total_ = total;
  const auto now = now_();
  if (now - started_ < kQuietFor) return;
  if (drawn_ && now - last_drawn_ < kRedrawEvery && done != total) return;
  // \r back to the start, \x1b[K clears what a longer previous line left.
  std::fprintf(out_, "\r%s %s\x1b[K", label_.c_str(), render(done, total, kWidth).c_str());
  std::fflush(out_);
  drawn_ = true;
  last_drawn_ = now;
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (!drawn_) return;
  std::fprintf(out_, "\r%s %s\x1b[K\n", label_.c_str(),
               render(last_done_, last_total_, kWidth).c_str());
  std::fflush(out_);
}

bool ProgressBar::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace datamesh::cli
