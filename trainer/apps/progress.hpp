#pragma once
// Progress reporting for long verbs, on stderr. On a terminal: one bar redrawn in place with
// percentage, counts, ETA and a status text (e.g. the loss). Otherwise (logs, CI): a plain line
// every `interval` seconds and at the end, so logs stay readable. Work resumed part-way starts at
// `done`; the ETA then comes from the rate of this process's own steps.

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>

namespace hifa::app {

class Progress {
 public:
  Progress(std::string label, std::size_t total, double interval_seconds = 5.0, std::size_t done = 0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::size_t steps = 1);
  // Shown after the ETA from the next redraw on.
  void set_status(std::string status) { status_ = std::move(status); }
  // Prints the final line (also done by the destructor, unless an exception is unwinding).
  void finish();

 private:
  void draw(bool final);

  using Clock = std::chrono::steady_clock;
  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t initial_ = 0;
  std::string status_;
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
