// hifa: the command-line front end. Usage errors exit 2, failures exit 1, each with one line
// "hifa: error: <where>: <problem>" on stderr.

#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/runtime.hpp"
#include "runtime/blas_core.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace {

// hifa prepare runs Kokkos kernels on the main thread while its worker threads encode images. With
// libgomp's default wait policy the OpenMP threads spin at every barrier and the busy cores make
// each of the many small parallel regions wait for a descheduled thread: measured 10x slower on 2
// cores. libgomp reads OMP_WAIT_POLICY only when it loads, so the verb re-executes itself once
// with "passive" unless the user chose a policy. (Other verbs keep the default.) True when it set it.
bool prefer_passive_openmp_for_prepare(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return false;
  bool prepare = false;
  for (int i = 1; i < argc; ++i) prepare = prepare || std::strcmp(argv[i], "prepare") == 0;
  if (!prepare) return false;
  ::setenv("OMP_WAIT_POLICY", "passive", 1);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // OpenBLAS's kernels (runtime/blas_core.hpp) and libgomp's wait policy are both read when the
  // libraries load: one re-execution applies both.
  const bool blas = hifa::trainer::choose_fast_blas_kernels();
  const bool openmp = prefer_passive_openmp_for_prepare(argc, argv);
  if (blas || openmp) ::execv("/proc/self/exe", argv);  // returns only on failure: then run as we are, just slower
  CLI::App app{"hifa: clothed 3D humans from a single image (PIFuHD, PIFu, CAR's canonical model and refinement) on a reusable geometry toolkit"};
  app.set_version_flag("--version", [] { return "hifa " HIFA_VERSION "\n" + hifa::trainer::machine_line(); });
  app.require_subcommand(1);
  app.fallthrough();  // --threads may come before or after the verb
  int threads = 0;
  app.add_option("--threads", threads, "Worker threads (default: OMP_NUM_THREADS, else all cores)")
      ->check(CLI::NonNegativeNumber);

  hifa::app::VerbAction action;
  hifa::app::add_demo_geometry(app, action);
  hifa::app::add_eval(app, action);
#ifdef HIFA_WITH_ASSIMP  // the optional importer (configure with -DHIFA_WITH_ASSIMP=OFF to go without)
  hifa::app::add_convert(app, action);
#endif
  hifa::app::add_prepare(app, action);
#ifdef HIFA_WITH_SYNTH  // needs the optional hifa::body component
  hifa::app::add_synth(app, action);
#endif
#ifdef HIFA_WITH_ANIMATE  // needs the optional hifa::gltf and hifa::body components
  hifa::app::add_animate(app, action);
#endif
#ifdef HIFA_WITH_MAKE_BODY  // needs the optional hifa::assimp and hifa::body components
  hifa::app::add_make_body(app, action);
#endif
#ifdef HIFA_WITH_TRAINER
  hifa::app::add_train(app, action);
  hifa::app::add_reconstruct(app, action);
  hifa::app::add_eval_run(app, action);
  hifa::app::add_refine(app, action);
#endif
#ifdef HIFA_WITH_DEMO  // needs hifa::trainer and the optional hifa::synth
  hifa::app::add_demo(app, action);
#endif
#ifdef HIFA_WITH_REPORT  // needs hifa::trainer and the optional hifa::gltf
  hifa::app::add_report(app, action);
#endif
#ifdef HIFA_WITH_FIT_BODY  // needs hifa::trainer and the optional hifa::body
  hifa::app::add_fit_body(app, action);
#endif

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
