#pragma once
// The verbs of the `hifa` command. Each add_* function registers one subcommand with its options;
// when that subcommand is parsed it stores in `action` the work to run. main() runs the action
// after parsing, inside the Kokkos runtime, and turns errors into messages and exit codes.

#include <CLI/CLI.hpp>

#include <functional>

namespace hifa::app {

using VerbAction = std::function<void()>;

void add_demo_geometry(CLI::App& app, VerbAction& action);
void add_eval(CLI::App& app, VerbAction& action);
void add_convert(CLI::App& app, VerbAction& action);  // built with hifa::assimp only
void add_prepare(CLI::App& app, VerbAction& action);
void add_synth(CLI::App& app, VerbAction& action);  // built with hifa::body only
void add_animate(CLI::App& app, VerbAction& action);  // built with hifa::gltf and hifa::body only
void add_make_body(CLI::App& app, VerbAction& action);  // built with hifa::assimp and hifa::body only
#ifdef HIFA_WITH_TRAINER  // the LibTorch verbs
void add_train(CLI::App& app, VerbAction& action);
void add_reconstruct(CLI::App& app, VerbAction& action);
void add_eval_run(CLI::App& app, VerbAction& action);
void add_refine(CLI::App& app, VerbAction& action);
void add_demo(CLI::App& app, VerbAction& action);
#endif
#ifdef HIFA_WITH_REPORT  // LibTorch and the optional hifa::gltf
void add_report(CLI::App& app, VerbAction& action);
#endif
#ifdef HIFA_WITH_FIT_BODY  // LibTorch and the optional hifa::body
void add_fit_body(CLI::App& app, VerbAction& action);
#endif

}  // namespace hifa::app
