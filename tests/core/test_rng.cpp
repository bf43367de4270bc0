#include "hifa/core/rng.hpp"

#include "support/execution_spaces.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using hifa::CounterRng;

TEST_CASE("Philox-4x32-10 matches the Random123 known-answer vectors") {
  // Counter words (c0, c1, c2, c3) = (lo(index), hi(index), lo(stream), hi(stream)), key = seed.
  const auto zero = CounterRng{0}.bits(0, 0);
  CHECK(zero.v[0] == 0x6627e8d5u);
  CHECK(zero.v[1] == 0xe169c58du);
  CHECK(zero.v[2] == 0xbc57ac4cu);
  CHECK(zero.v[3] == 0x9b00dbd8u);

  const auto pi = CounterRng{0x299f31d0a4093822ull}.bits(0x0370734413198a2eull, 0x85a308d3243f6a88ull);
  CHECK(pi.v[0] == 0xd16cfe09u);
  CHECK(pi.v[1] == 0x94fdccebu);
  CHECK(pi.v[2] == 0x5001e420u);
  CHECK(pi.v[3] == 0x24126ea1u);
}

TEST_CASE("uniform draws lie in the unit interval with mean one half and variance one twelfth") {
  const CounterRng rng{42};
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const float u = rng.uniform(3, i);
    REQUIRE(u >= 0.0f);
    REQUIRE(u < 1.0f);
    sum += u;
    sum2 += double(u) * u;
  }
  const double mean = sum / n;
  CHECK(mean == Approx(0.5).margin(0.005));
  CHECK(sum2 / n - mean * mean == Approx(1.0 / 12).margin(0.002));
}

TEST_CASE("normal draws have mean zero and unit variance") {
  const CounterRng rng{7};
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const float g = rng.normal(0, i);
    REQUIRE(std::isfinite(g));
    sum += g;
    sum2 += double(g) * g;
  }
  CHECK(sum / n == Approx(0.0).margin(0.01));
  CHECK(sum2 / n == Approx(1.0).margin(0.02));
}

TEST_CASE("integer draws below n cover every value evenly") {
  const CounterRng rng{11};
  const int n = 10, draws = 100000;
  std::vector<int> counts(n, 0);
  for (int i = 0; i < draws; ++i) {
    const auto k = rng.below(n, 1, i);
    REQUIRE(k < std::uint64_t(n));
    ++counts[k];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - draws / n) * double(c - draws / n) / (draws / n);
  CHECK(chi2 < 27.9);  // 99.9th percentile of chi-square with 9 degrees of freedom
}

TEST_CASE("seeds, streams and indices give different sequences") {
  CHECK(CounterRng{1}.uniform(0, 0) != CounterRng{2}.uniform(0, 0));
  CHECK(CounterRng{1}.uniform(0, 5) != CounterRng{1}.uniform(1, 5));
}

TEMPLATE_LIST_TEST_CASE("parallel draws equal serial draws on every execution space", "[kokkos]",
                        hifa::test::ExecutionSpaces) {
  using Space = TestType;
  const int n = 4096;
  const CounterRng rng{2024};
  Kokkos::View<float*, typename Space::memory_space> out("out", n);
  Kokkos::parallel_for(
      "test::rng", Kokkos::RangePolicy<Space>(0, n), KOKKOS_LAMBDA(int i) { out(i) = rng.normal(9, i); });
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, out);
  for (int i = 0; i < n; ++i) REQUIRE(host(i) == rng.normal(9, i));
}
