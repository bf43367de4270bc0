#include "interrupt_guard.hpp"

#include <csignal>

namespace hifa::app {
namespace {

// A signal handler may only touch lock-free atomics.
static_assert(std::atomic<bool>::is_always_lock_free);
std::atomic<bool> interrupt_requested{false};

extern "C" void on_interrupt(int) { interrupt_requested.store(true); }

}  // namespace

InterruptGuard::InterruptGuard() {
  interrupt_requested.store(false);
  previous_int_ = std::signal(SIGINT, on_interrupt);
  previous_term_ = std::signal(SIGTERM, on_interrupt);
}

InterruptGuard::~InterruptGuard() {
  std::signal(SIGINT, previous_int_);
  std::signal(SIGTERM, previous_term_);
}

const std::atomic<bool>* InterruptGuard::flag() const { return &interrupt_requested; }

}  // namespace hifa::app
