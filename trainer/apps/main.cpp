// hifa: the command-line front end. Usage errors exit 2, failures exit 1, each with one line
// "hifa: error: <where>: <problem>" on stderr.

#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/runtime.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  CLI::App app{"hifa: clothed 3D humans from a single image (PIFuHD, CAR) on a reusable geometry toolkit"};
  app.set_version_flag("--version", "hifa " HIFA_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // --threads may come before or after the verb
  int threads = 0;
  app.add_option("--threads", threads, "Worker threads (default: OMP_NUM_THREADS, else all cores)")
      ->check(CLI::NonNegativeNumber);

  hifa::app::VerbAction action;
  hifa::app::add_demo_geometry(app, action);
  hifa::app::add_eval(app, action);
  hifa::app::add_prepare(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::fprintf(stderr, "hifa: error: %s (see 'hifa --help')\n", e.what());
    return 2;
  }

  try {
    hifa::KokkosRuntime runtime(threads);
    action();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hifa: error: %s\n", e.what());
    return 1;
  }
}
