// The CLI's progress bar for long calls (create_data_products over thousands of tables):
//   create_data_products [##########..........]  5,120/10,000 tables  51%
// redrawn in place on a terminal. It stays silent for the first second, so quick calls print
// nothing, and redraws at most ten times a second. Not thread-safe: one call at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace datamesh::cli {

class ProgressBar {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;

  // Draws on `out` (a terminal) with `label` in front; `now` is the clock (injected by tests).
  ProgressBar(std::FILE* out, std::string label, Now now = std::chrono::steady_clock::now);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // `done` of `total` units finished.
  void update(uint64_t done, uint64_t total);
  // Ends the line once something was drawn; the bar draws nothing after this.
  void finish();

  // "[####......]  done/total tables  pct%" for a bar of `width` cells (no label, no \r).
  static std::string render(uint64_t done, uint64_t total, int width);

  // True when file descriptor 2 (stderr) is a terminal: only then is a bar drawn.
  static bool stderr_is_terminal();

 private:
  std::FILE* out_;
  std::string label_;
  Now now_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_drawn_{};
  bool drawn_ = false;
  bool finished_ = false;
  uint64_t last_done_ = 0;
  uint64_t last_total_ = 0;
};

}  // namespace datamesh::cli
