// The one Catch2 main of hifa's tests: Kokkos is initialized once per process around the session.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "hifa/core/runtime.hpp"
#include "support/skip.hpp"

int main(int argc, char** argv) {
  hifa::KokkosRuntime runtime;
  const int failed = Catch::Session().run(argc, argv);
  return failed == 0 && hifa::test::test_skipped() ? hifa::test::skip_return_code : failed;
}
