// The one Catch2 main of hifa's tests: Kokkos is initialized once per process around the session.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "hifa/core/runtime.hpp"

int main(int argc, char** argv) {
  hifa::KokkosRuntime runtime;
  return Catch::Session().run(argc, argv);
}
