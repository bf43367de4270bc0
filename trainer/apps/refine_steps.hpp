#pragma once
// The command-line side of CAR's refinement, shared by hifa refine, hifa reconstruct --refine and
// hifa eval-run --refine: the --refine options of the last two, and the line of losses printed
// every `every` iterations and at the last.

#include "inference/car_refine.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

namespace hifa::app {

// --refine HYPER_RUN, --refine-init hyper|random, --refine-iterations N.
struct RefineOptions {
  std::filesystem::path run;  // empty: no refinement
  std::string init = "hyper";
  int iterations = -1;

  // The request these options make, the refined mesh on a grid of `resolution` cells.
  trainer::RefineRequest request(int resolution) const {
    trainer::RefineRequest r;
    r.init = trainer::refine_init_named(init);
    r.iterations = iterations;
    r.resolution = resolution;
    return r;
  }
};

// `run_help`: what --refine does in this verb.
inline void add_refine_options(CLI::App* verb, RefineOptions& o, const std::string& run_help) {
  verb->add_option("--refine", o.run, run_help);
  verb->add_option("--refine-init", o.init,
                   "The refinement's start: the hypernetwork's tensors for the body, or the MLP's sphere (random)")
      ->check(CLI::IsMember({"hyper", "random"}))
      ->capture_default_str();
  verb->add_option("--refine-iterations", o.iterations, "Refinement steps (-1: the hyper run's refine.iterations)")
      ->check(CLI::Range(-1, 1000000))
      ->capture_default_str();
}

inline std::function<void(const trainer::RefineStep&)> refine_step_printer(const trainer::HyperRun& run,
                                                                          const trainer::RefineRequest& request, int every) {
  const int total = request.iterations >= 0 ? request.iterations : run.config.refine->iterations;
  return [total, every](const trainer::RefineStep& s) {
    if (s.iteration % every != 0 && s.iteration != total) return;
    std::printf("refine %d/%d: normal %.4f anchor %.5f eikonal %.4f seen %.2f (%.1f s)\n", s.iteration, total, s.normal,
                s.anchor, s.eikonal, s.seen, s.seconds);
    std::fflush(stdout);
  };
}

}  // namespace hifa::app
