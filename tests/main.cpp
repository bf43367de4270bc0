// The one Catch2 main of hifa's tests: Kokkos is initialized once per process around the session.
// `--device NAME` sets where the trainer's [device] tests run (support/test_device.hpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "hifa/core/runtime.hpp"
#include "support/skip.hpp"
#include "support/test_device.hpp"

int main(int argc, char** argv) {
  hifa::KokkosRuntime runtime;
  Catch::Session session;
  session.cli(session.cli() | Catch::clara::Opt(hifa::test::device_name(), "cpu|cuda|cuda:N")["--device"](
                                  "where the trainer's [device] tests run (default cpu)"));
  if (const int bad = session.applyCommandLine(argc, argv); bad != 0) return bad;
  const int failed = session.run();
  return failed == 0 && hifa::test::test_skipped() ? hifa::test::skip_return_code : failed;
}
