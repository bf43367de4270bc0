// trainer/runtime/blas_core.hpp: which OPENBLAS_CORETYPE the start-up re-execution sets, given
// OpenBLAS's own core, its build, the CPU's features and the environment.
#include <catch2/catch.hpp>

#include "runtime/blas_core.hpp"

#include <map>
#include <string>

using hifa::trainer::blas_core_to_set;
using hifa::trainer::CpuFeatures;
using hifa::trainer::faster_blas_core;

namespace {

constexpr const char* dynamic = "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64";

CpuFeatures avx512_xeon() { return {false, true, true, true, true, true, true, true}; }
CpuFeatures avx2_intel() { return {false, true, true, true, false, false, false, false}; }

// An environment holding exactly `vars`.
hifa::trainer::Getenv environment(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

const hifa::trainer::Getenv empty = environment({});

}  // namespace

TEST_CASE("the Prescott fallback on an AVX-512 CPU is replaced by SkylakeX") {
  CHECK(blas_core_to_set("Prescott", dynamic, avx512_xeon(), empty) == "SkylakeX");
  CpuFeatures zen4 = avx512_xeon();
  zen4.amd = true;
  CHECK(blas_core_to_set("Prescott", dynamic, zen4, empty) == "SkylakeX");
}

TEST_CASE("the Prescott fallback on an AVX2 CPU is replaced by Haswell, on AMD by Zen") {
  CHECK(blas_core_to_set("Prescott", dynamic, avx2_intel(), empty) == "Haswell");
  CpuFeatures zen = avx2_intel();
  zen.amd = true;
  CHECK(blas_core_to_set("Prescott", dynamic, zen, empty) == "Zen");
}

TEST_CASE("AVX-512 needs all of F, BW, DQ and VL, and AVX2 needs FMA") {
  CpuFeatures knl = avx512_xeon();  // Xeon Phi: AVX-512 F without BW, DQ, VL
  knl.avx512bw = knl.avx512dq = knl.avx512vl = false;
  CHECK(blas_core_to_set("Prescott", dynamic, knl, empty) == "Haswell");
  CpuFeatures no_fma = avx2_intel();
  no_fma.fma = false;
  CHECK(blas_core_to_set("Prescott", dynamic, no_fma, empty) == "Sandybridge");
}

TEST_CASE("the other SSE cores and Sandybridge are replaced too, core names compare without case") {
  CHECK(blas_core_to_set("Nehalem", dynamic, avx2_intel(), empty) == "Haswell");
  CHECK(blas_core_to_set("Sandybridge", dynamic, avx512_xeon(), empty) == "SkylakeX");
  CHECK(blas_core_to_set("PRESCOTT", dynamic, avx512_xeon(), empty) == "SkylakeX");
}

TEST_CASE("a core OpenBLAS knows is kept") {
  for (const char* core : {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Excavator", "neoversen1"}) {
    CAPTURE(core);
    CHECK(blas_core_to_set(core, dynamic, avx512_xeon(), empty).empty());
  }
}

TEST_CASE("nothing is set where the CPU has no more than the core uses") {
  CHECK(blas_core_to_set("Prescott", dynamic, CpuFeatures{}, empty).empty());
  CpuFeatures avx_only;
  avx_only.avx = true;
  CHECK(blas_core_to_set("Sandybridge", dynamic, avx_only, empty).empty());
}

TEST_CASE("nothing is set for an OpenBLAS without DYNAMIC_ARCH or without OpenBLAS") {
  CHECK(blas_core_to_set("Prescott", "OpenBLAS 0.3.21 NO_AFFINITY Prescott MAX_THREADS=64", avx512_xeon(), empty).empty());
  CHECK(blas_core_to_set("", "", avx512_xeon(), empty).empty());
}

TEST_CASE("an OPENBLAS_CORETYPE the user set wins") {
  CHECK(blas_core_to_set("Prescott", dynamic, avx512_xeon(), environment({{"OPENBLAS_CORETYPE", "Prescott"}})).empty());
  CHECK(blas_core_to_set("Prescott", dynamic, avx512_xeon(), environment({{"OPENBLAS_CORETYPE", ""}})).empty());
}

TEST_CASE("after one re-execution (HIFA_BLAS_REEXEC_FROM set) nothing is set again") {
  CHECK(blas_core_to_set("Prescott", dynamic, avx512_xeon(), environment({{"HIFA_BLAS_REEXEC_FROM", "Prescott"}})).empty());
  // Also while OpenBLAS ignored the variable it was given and still reports its fallback.
  CHECK(blas_core_to_set("Prescott", dynamic, avx512_xeon(),
                         environment({{"HIFA_BLAS_REEXEC_FROM", "Prescott"}, {"OPENBLAS_CORETYPE", "SkylakeX"}}))
            .empty());
}

TEST_CASE("HIFA_BLAS_REEXEC=0 turns the re-execution off, other values leave it on") {
  CHECK(blas_core_to_set("Prescott", dynamic, avx512_xeon(), environment({{"HIFA_BLAS_REEXEC", "0"}})).empty());
  CHECK(blas_core_to_set("Prescott", dynamic, avx512_xeon(), environment({{"HIFA_BLAS_REEXEC", "1"}})) == "SkylakeX");
}

TEST_CASE("faster_blas_core ignores the environment") {
  CHECK(faster_blas_core("Prescott", dynamic, avx512_xeon()) == "SkylakeX");
  CHECK(faster_blas_core("Haswell", dynamic, avx512_xeon()).empty());
}

TEST_CASE("this process's CPU model and machine line are readable") {
  CHECK_FALSE(hifa::trainer::cpu_model().empty());
  const std::string line = hifa::trainer::machine_line();
  CHECK(line.starts_with("cpu: "));
  CHECK(line.find("; blas: ") != std::string::npos);
}
