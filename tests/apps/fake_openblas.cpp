// A stand-in for OpenBLAS's two introspection calls, preloaded (LD_PRELOAD) into `hifa` so that the
// commands tests see what a CPU OpenBLAS does not know looks like (trainer/runtime/blas_core.hpp):
// the core is OPENBLAS_CORETYPE when set, as a DYNAMIC_ARCH OpenBLAS would choose, else the Prescott
// fallback; FAKE_OPENBLAS_CORE pins it (an OpenBLAS that ignores OPENBLAS_CORETYPE).
#include <cstdlib>

extern "C" {

const char* openblas_get_corename() {
  if (const char* pinned = std::getenv("FAKE_OPENBLAS_CORE")) return pinned;
  const char* chosen = std::getenv("OPENBLAS_CORETYPE");
  return chosen != nullptr ? chosen : "Prescott";
}

const char* openblas_get_config() { return "OpenBLAS 0.3.21-fake DYNAMIC_ARCH NO_AFFINITY MAX_THREADS=64"; }

}  // extern "C"
