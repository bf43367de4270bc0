#pragma once
// What hifa refine and hifa reconstruct --refine print while CAR's refinement runs: one line of
// losses every `every` iterations and at the last of `total`.

#include "refine/refiner.hpp"

#include <cstdio>
#include <functional>

namespace hifa::app {

inline std::function<void(const trainer::RefineStep&)> refine_step_printer(int total, int every) {
  return [total, every](const trainer::RefineStep& s) {
    if (s.iteration % every != 0 && s.iteration != total) return;
    std::printf("refine %d/%d: normal %.4f anchor %.5f eikonal %.4f seen %.2f (%.1f s)\n", s.iteration, total, s.normal,
                s.anchor, s.eikonal, s.seen, s.seconds);
    std::fflush(stdout);
  };
}

}  // namespace hifa::app
