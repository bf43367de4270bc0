#include "hifa/sampling/mixture_spec.hpp"

#include "hifa/core/error.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/sampling/mixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace hifa;

namespace {

using Host = Kokkos::DefaultHostExecutionSpace;

TriMeshf ball() {
  const Sphere<float> field{Vec3f(0.1f, 0, 0), 0.6f};
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 32);
  const Host space;
  return marching_cubes(space, evaluate_grid(space, field, grid), grid, field);
}

bool same_samples(const PointSamples<float>& a, const PointSamples<float>& b) {
  return a.size() > 0 && a.points == b.points && a.face_ids == b.face_ids && a.barycentrics == b.barycentrics &&
         a.normals == b.normals && a.colors == b.colors;
}

// The message of the hifa::Error that parsing `text` throws.
std::string parse_error(const std::string& text) {
  try {
    parse_mixture_spec(text);
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("no error for \"" << text << "\"");
  return {};
}

}  // namespace

TEST_CASE("PIFu's default spec builds the same samples as pifu_mixture") {
  const auto mesh = ball();
  const AABBf cube(Vec3f(-1, -1, -1), Vec3f(1, 1, 1));
  const auto spec = parse_mixture_spec(pifu_mixture_text);
  const auto from_spec = build_mixture(spec, mesh, cube).sample(Host{}, 5000, 11);
  const auto reference = pifu_mixture(mesh, pifuhd_sigma_coarse<float>, cube).sample(Host{}, 5000, 11);
  CHECK(same_samples(from_spec, reference));
  CHECK(from_spec.size() == 5000);
}

TEST_CASE("a spec with all three sampler types builds the hand-written mixture in the same order") {
  const auto mesh = ball();
  const auto spec =
      parse_mixture_spec(" surface : 2 ,perturbed( sigma = 2e-2 ):3, box(min=[-1, -1, -1], max=[1,2, 3]) ");
  REQUIRE(spec.components.size() == 3);
  CHECK(spec.components[0].kind == SamplerKind::surface);
  CHECK(spec.components[0].weight == 2);
  CHECK(spec.components[1].kind == SamplerKind::perturbed);
  CHECK(spec.components[1].sigma == 0.02);
  CHECK(spec.components[2].kind == SamplerKind::box);
  CHECK(spec.components[2].weight == 1);  // omitted weight
  REQUIRE(spec.components[2].box.has_value());
  CHECK((*spec.components[2].box)[1][1] == 2);
  const SurfaceSampler<float> surface(mesh);
  const Mixture<float> by_hand({{surface, 2.0},
                                {PerturbedSurfaceSampler<float>(surface, 0.02f), 3.0},
                                {BoxSampler<float>(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 2, 3))), 1.0}});
  CHECK(same_samples(build_mixture(spec, surface).sample(Host{}, 3001, 5), by_hand.sample(Host{}, 3001, 5)));
}

TEST_CASE("a box component without bounds samples the default box") {
  const auto spec = parse_mixture_spec("box()");
  CHECK_FALSE(spec.components[0].box.has_value());
  const AABBf unit(Vec3f(0, 0, 0), Vec3f(1, 1, 1));
  const auto s = build_mixture(spec, ball(), unit).sample(Host{}, 200, 3);
  CHECK(same_samples(s, BoxSampler<float>(unit).sample(Host{}, 200, detail::mix_seed(3, 0))));
}

TEST_CASE("a spec written by to_string parses back to the same spec") {
  const auto spec = parse_mixture_spec(
      "perturbed(sigma=0.1):16.5, surface:1e-7, box(min=[-1.25, 0, 3.0000001], max=[2, 0.3, 4]):0.1, box:3");
  const std::string text = to_string(spec);
  CHECK(parse_mixture_spec(text) == spec);
  CHECK(text.find("sigma=0.1)") != std::string::npos);  // shortest round-trip form, not 0.10000000000000001
  CHECK(to_string(parse_mixture_spec(pifu_mixture_text)) == pifu_mixture_text);
}

TEST_CASE("mixture spec errors name the bad token and its position") {
  CHECK_THAT(parse_error("sphere:1"), Catch::Contains("unknown sampler type 'sphere'") && Catch::Contains("position 1 "));
  CHECK_THAT(parse_error("box:1, perturbed(sgima=0.05)"),
             Catch::Contains("unknown key 'sgima' for perturbed (expected sigma)") && Catch::Contains("position 18 "));
  CHECK_THAT(parse_error("surface(sigma=1)"),
             Catch::Contains("unknown key 'sigma' for surface (expected none)") && Catch::Contains("position 9 "));
  CHECK_THAT(parse_error("box:1, perturbed:16"),
             Catch::Contains("perturbed needs key sigma") && Catch::Contains("position 8 "));
  CHECK_THAT(parse_error("box(min=[0,0,0])"),
             Catch::Contains("box has min but not max") && Catch::Contains("position 1 "));
  CHECK_THAT(parse_error("perturbed(sigma=0.o5)"),
             Catch::Contains("bad number '0.o5'") && Catch::Contains("position 17 "));
  CHECK_THAT(parse_error("perturbed(sigma=1e999)"), Catch::Contains("bad number '1e999'"));
  CHECK_THAT(parse_error("box:abc"), Catch::Contains("bad number 'abc'") && Catch::Contains("position 5 "));
  CHECK_THAT(parse_error("surface:inf"), Catch::Contains("bad number 'inf'"));
  CHECK_THAT(parse_error("surface:0"), Catch::Contains("weight must be > 0, got 0") && Catch::Contains("position 9 "));
  CHECK_THAT(parse_error("surface:-2"), Catch::Contains("weight must be > 0, got -2") && Catch::Contains("position 9 "));
  CHECK_THAT(parse_error("perturbed(sigma=-0.1)"),
             Catch::Contains("sigma must be >= 0, got -0.1") && Catch::Contains("position 17 "));
  CHECK_THAT(parse_error("perturbed(sigma=1, sigma=2)"),
             Catch::Contains("key 'sigma' given twice") && Catch::Contains("position 20 "));
  CHECK_THAT(parse_error("box(min=[1,0,0], max=[0,1,1])"), Catch::Contains("box min exceeds max along axis x"));
  CHECK_THAT(parse_error("box(min=[0,0], max=[1,1,1])"),
             Catch::Contains("expected ',' between the 3 numbers of a vector, found ']'") &&
                 Catch::Contains("position 13 "));
  CHECK_THAT(parse_error("surface,,box"),
             Catch::Contains("expected a sampler type") && Catch::Contains("found ','") &&
                 Catch::Contains("position 9 "));
  CHECK_THAT(parse_error("perturbed(sigma=0.05"), Catch::Contains("found the end of the spec"));
  CHECK_THAT(parse_error("surface 2"), Catch::Contains("found '2'") && Catch::Contains("position 9 "));
  CHECK_THAT(parse_error(""), Catch::Contains("expected a sampler type") && Catch::Contains("position 1 "));
  CHECK_THAT(parse_error("box2"), Catch::Contains("unknown sampler type 'box2'"));
}

TEST_CASE("mixture spec errors name where the spec came from and quote it") {
  CHECK_THROWS_WITH(parse_mixture_spec("surface:x", "configs/pifu.yaml: sampling.mix"),
                    Catch::Equals("configs/pifu.yaml: sampling.mix: position 9 of \"surface:x\": bad number 'x'"));
}

TEST_CASE("building a mixture needs components and bounds for every box") {
  const auto mesh = ball();
  CHECK_THROWS_WITH(build_mixture(MixtureSpec{}, mesh), Catch::Contains("build_mixture") && Catch::Contains("no components"));
  CHECK_THROWS_WITH(build_mixture(parse_mixture_spec("surface, box"), mesh),
                    Catch::Contains("build_mixture") && Catch::Contains("component 1 (box)"));
  // A sigma no float can hold is the sampler's error, not a silent infinity.
  CHECK_THROWS_WITH(build_mixture(parse_mixture_spec("perturbed(sigma=1e300)"), mesh),
                    Catch::Contains("PerturbedSurfaceSampler"));
}
