#pragma once
// Progress reporting for long verbs, on stderr. On a terminal: one bar redrawn in place with
// percentage, counts and ETA. Otherwise (logs, CI): a plain line every `interval` seconds and at
// the end, so logs stay readable.

#include <chrono>
#include <cstddef>
#include <string>

namespace hifa::app {

class Progress {
 public:
  Progress(std::string label, std::size_t total, double interval_seconds = 5.0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::size_t steps = 1);
  // Prints the final line (also done by the destructor, unless an exception is unwinding).
  void finish();

 private:
  void draw(bool final);

  using Clock = std::chrono::steady_clock;
  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  bool terminal_;
  bool finished_ = false;
  double interval_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  int uncaught_at_start_;
};

// "1:02:03" / "2:03" for a duration in seconds.
std::string format_duration(double seconds);

}  // namespace hifa::app
