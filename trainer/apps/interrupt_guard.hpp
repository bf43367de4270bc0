#pragma once
// Ctrl-C and SIGTERM for the verbs that stop cleanly (prepare, synth, train, demo). While a guard
// lives, either signal only sets one process-wide flag, which the long-running library call polls
// through its options' `interrupt` (PrepareOptions, SynthOptions, TrainOptions): the call then
// finishes the unit in progress, saves what a rerun needs and returns or throws, instead of the
// process dying mid-write.
//
//   const InterruptGuard guard;
//   options.interrupt = guard.flag();
//   run(options);  // the previous handlers come back when the guard goes

#include <atomic>

namespace hifa::app {

class InterruptGuard {
 public:
  // Clears the flag (an earlier guard's signal does not stop this run) and installs the handlers.
  InterruptGuard();
  // Restores the handlers that were installed before.
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  const std::atomic<bool>* flag() const;

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
};

}  // namespace hifa::app
