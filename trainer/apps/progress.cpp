#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>

namespace hifa::app {

std::string format_duration(double seconds) {
  const long s = std::lround(std::max(seconds, 0.0));
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
  }
  return buffer;
}

Progress::Progress(std::string label, std::size_t total, double interval_seconds, std::size_t done)
    : label_(std::move(label)),
      total_(total),
      done_(std::min(done, total)),
      initial_(done_),
      terminal_(::isatty(STDERR_FILENO) == 1),
      // A terminal redraws often; a log gets a line every interval.
      interval_(terminal_ ? 0.1 : interval_seconds),
      start_(Clock::now()),
      last_draw_(start_),
      uncaught_at_start_(std::uncaught_exceptions()) {}

Progress::~Progress() {
  // Unwinding from an error: no "took ..." line, only end a half-drawn bar so the error starts a line.
  if (std::uncaught_exceptions() > uncaught_at_start_) {
    if (terminal_ && !finished_) std::fputc('\n', stderr);
    return;
  }
  finish();
}

void Progress::advance(std::size_t steps) {
  done_ = std::min(total_, done_ + steps);
  const auto now = Clock::now();
  if (std::chrono::duration<double>(now - last_draw_).count() >= interval_) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double fraction = total_ ? double(done_) / double(total_) : 1.0;
  const std::size_t here = done_ - initial_;  // steps of this process: the rate to extrapolate
  const std::string eta =
      (final ? "took " + format_duration(elapsed)
             : (here ? "ETA " + format_duration(elapsed * double(total_ - done_) / double(here)) : "ETA --:--")) +
      (status_.empty() ? "" : " " + status_);
  if (terminal_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\r%s [%s%s] %3d%% %zu/%zu %s\033[K%s", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<int>(fraction * 100), done_, total_,
                 eta.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s: %zu/%zu (%d%%) %s\n", label_.c_str(), done_, total_, static_cast<int>(fraction * 100),
                 eta.c_str());
  }
  std::fflush(stderr);
}

}  // namespace hifa::app
