// The stages of hifa prepare (trainer/prepare/) against known answers.
#include <catch2/catch.hpp>

#include "prepare/backgrounds.hpp"
#include "prepare/discovery.hpp"
#include "prepare/normalize.hpp"
#include "prepare/render_views.hpp"
#include "prepare/samples.hpp"
#include "support/temp_dir.hpp"

#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/obj_io.hpp"

#include <Kokkos_Core.hpp>

#include <cstring>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using hifa::TriMeshf;
using hifa::Vec3f;
using Space = Kokkos::DefaultHostExecutionSpace;

constexpr float radius = 0.6f;

TriMeshf sphere_mesh() {
  const Space space;
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), 48);
  return hifa::marching_cubes(space, hifa::evaluate_grid(space, hifa::Sphere<float>{Vec3f(0, 0, 0), radius}, grid), grid);
}

hifa::prepare::SampleSet sphere_samples(std::size_t count, float sigma, bool balance) {
  const Space space;
  const TriMeshf mesh = sphere_mesh();
  const hifa::prepare::HostBvh bvh(space, mesh);
  const hifa::SurfaceSampler<float> surface(mesh);
  hifa::prepare::SampleRequest r;
  r.count = count;
  r.sigma = sigma;
  r.sigma_cm = 5;
  r.seed = 7;
  r.balance = balance;
  return hifa::prepare::make_samples(space, bvh, surface, hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), r);
}

void touch(const fs::path& p, const std::string& text = "") {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("sample labels: points inside the sphere are 1, points outside are 0") {
  const auto s = sphere_samples(8000, 0.05f, false);
  REQUIRE(s.labels.size() == 8000);
  int checked = 0;
  for (Eigen::Index i = 0; i < s.points.rows(); ++i) {
    const float r = s.points.row(i).norm();
    // Away from the surface (the marching-cubes sphere is within a fraction of a cell of it).
    if (std::abs(r - radius) < 0.03f) continue;
    CHECK(int(s.labels[std::size_t(i)]) == (r < radius ? 1 : 0));
    ++checked;
  }
  CHECK(checked > 4000);
}

TEST_CASE("samples follow PIFu's 16:1 mix: 7529 near the surface, 471 uniform in the box") {
  const auto s = sphere_samples(8000, 0.02f, false);
  CHECK(s.mixture == "perturbed(sigma=0.019999999552965164):16, box(min=[-1, -1, -1], max=[1, 1, 1]):1");
  int near = 0;
  for (Eigen::Index i = 0; i < 7529; ++i) near += std::abs(s.points.row(i).norm() - radius) < 0.15f;
  CHECK(near >= 7500);  // 0.15 is 7.5 sigma
}

TEST_CASE("balanced samples have as many inside as outside") {
  const auto s = sphere_samples(4000, 0.05f, true);
  std::size_t inside = 0;
  for (const auto l : s.labels) inside += l;
  CHECK(s.labels.size() == 2 * inside);
  CHECK(inside > 1000);
}

TEST_CASE("a sample file is the documented little-endian layout and reads back") {
  const hifa::test::TempDir dir;
  hifa::prepare::SampleSet s;
  s.points.resize(2, 3);
  s.points << 0.5f, -1, 2, 0, 0.25f, -0.125f;
  s.labels = {1, 0};
  s.sigma = 0.0625f;
  s.sigma_cm = 5;
  hifa::prepare::write_samples(dir / "s.bin", s);
  std::ifstream is(dir / "s.bin", std::ios::binary);
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() == 32 + 2 * 16);
  CHECK(std::memcmp(bytes.data(), "HIFASMPL", 8) == 0);
  CHECK(bytes[8] == 1);    // version 1, low byte first
  CHECK(bytes[12] == 2);   // count
  CHECK(bytes[16] == 4);   // floats per record
  CHECK(bytes[28] == 1);   // inside count
  // 0.5f = 0x3F000000: little-endian 00 00 00 3F at the first record.
  CHECK((bytes[32] == 0 && bytes[33] == 0 && bytes[34] == 0 && bytes[35] == 0x3F));
  const auto f = hifa::prepare::read_samples(dir / "s.bin");
  REQUIRE(f.count() == 2);
  CHECK(f.records == std::vector<float>{0.5f, -1, 2, 1, 0, 0.25f, -0.125f, 0});
  CHECK(f.sigma == 0.0625f);
  CHECK(f.inside == 1);
}

TEST_CASE("a truncated sample file is an error naming it") {
  const hifa::test::TempDir dir;
  touch(dir / "t.bin", "HIFASMPL");
  CHECK_THROWS_WITH(hifa::prepare::read_samples(dir / "t.bin"), Catch::Contains("t.bin"));
}

TEST_CASE("discovery finds file and folder scans with their body files, sorted, and reports clashes") {
  const hifa::test::TempDir dir;
  touch(dir / "b.obj");
  touch(dir / "b.body.json", "{}");
  touch(dir / "a" / "a.obj");
  touch(dir / "a" / "body.json", "{}");
  touch(dir / "c.PLY");
  touch(dir / "c" / "c.obj");           // clashes with c.PLY
  touch(dir / "d" / "x.obj");
  touch(dir / "d" / "y.obj");           // two meshes, none named d
  touch(dir / "textures" / "t.png");    // no mesh: ignored
  touch(dir / ".hidden.obj");
  const auto found = hifa::prepare::discover_scans(dir.path());
  REQUIRE(found.scans.size() == 5);
  CHECK(found.scans[0].name == "a");
  CHECK(found.scans[0].body.filename() == "body.json");
  CHECK(found.scans[0].relative == "a/a.obj");
  CHECK(found.scans[1].name == "b");
  CHECK(found.scans[1].body.filename() == "b.body.json");
  CHECK(found.scans[2].name == "c");
  CHECK_THAT(found.scans[2].problem, Catch::Contains("two scans are named 'c'"));
  CHECK_THAT(found.scans[3].problem, Catch::Contains("two scans are named 'c'"));
  CHECK_THAT(found.scans[4].problem, Catch::Contains("several meshes"));
  REQUIRE(found.ignored.size() == 1);
  CHECK(found.ignored[0].relative == "textures/");
}

TEST_CASE("discovery over several folders merges them by name and reports a name found in two") {
  const hifa::test::TempDir dir;
  touch(dir / "scans" / "b.obj");
  touch(dir / "scans" / "shared.obj");
  touch(dir / "synth" / "a" / "posed.obj");
  touch(dir / "synth" / "a" / "canonical.obj");
  touch(dir / "synth" / "shared" / "posed.obj");
  touch(dir / "synth" / "notes" / "n.txt");
  const auto found = hifa::prepare::discover_scans(std::vector<fs::path>{dir / "scans", dir / "synth"});
  REQUIRE(found.scans.size() == 4);
  CHECK(found.scans[0].name == "a");
  CHECK(found.scans[0].relative == "a/posed.obj");  // relative to its own folder, as eval-run finds it
  CHECK(found.scans[0].problem.empty());
  CHECK(found.scans[1].name == "b");
  CHECK(found.scans[2].name == "shared");
  CHECK_THAT(found.scans[2].problem, Catch::Contains("two scans are named 'shared'") &&
                                         Catch::Contains((dir / "scans" / "shared.obj").string()) &&
                                         Catch::Contains((dir / "synth" / "shared" / "posed.obj").string()));
  CHECK_THAT(found.scans[3].problem, Catch::Contains("two scans are named 'shared'"));
  REQUIRE(found.ignored.size() == 1);
  CHECK(found.ignored[0].relative == (dir / "synth" / "notes").string() + "/");
  CHECK_THROWS_WITH(hifa::prepare::discover_scans(std::vector<fs::path>{dir / "scans", dir / "none"}),
                    Catch::Contains("none: no such folder"));
}

#ifdef HIFA_PREPARE_WITH_ASSIMP
TEST_CASE("with the importer, a Collada scan is discovered and loaded with all its parts") {
  const hifa::test::TempDir dir;
  fs::create_directories(dir / "figure");
  fs::copy_file(HIFA_TEST_COLLADA, dir / "figure" / "figure.dae");
  touch(dir / "figure" / "notes.xml", "<not a mesh/>");  // assimp claims .xml; discovery must not
  const auto found = hifa::prepare::discover_scans(dir.path());
  REQUIRE(found.scans.size() == 1);
  CHECK(found.scans[0].relative == "figure/figure.dae");
  CHECK(found.scans[0].problem.empty());
  const auto scan = hifa::prepare::load_scan(found.scans[0], "m");
  CHECK(scan.faces_loaded == 3);  // the two meshes of two_parts.dae merged (tests/io checks the transforms)
}
#endif

TEST_CASE("the unit is guessed from the height and sigma in cm becomes normalized units") {
  const hifa::test::TempDir dir;
  TriMeshf m;
  m.vertices.resize(4, 3);
  m.faces.resize(4, 3);
  m.faces << 0, 2, 1, 0, 3, 2, 0, 1, 3, 1, 2, 3;
  const auto scan_of_height = [&](float h, const std::string& unit) {
    m.vertices << 0, 0, 0, h / 4, 0, 0, 0, h, 0, 0, 0, h / 4;
    hifa::write_obj(dir / "m.obj", m);
    hifa::prepare::ScanSource s;
    s.name = "m";
    s.mesh = dir / "m.obj";
    return hifa::prepare::load_scan(s, unit);
  };
  const auto metres = scan_of_height(1.8f, "auto");
  CHECK(metres.unit == "m");
  // 5 cm of a 1.8 m subject filling 2 (1 - 2 * 0.06) = 1.76 normalized units of height.
  CHECK(hifa::prepare::sigma_in_normalized(metres, 5) == Approx(0.05 * 1.76 / 1.8));
  CHECK(scan_of_height(175, "auto").unit == "cm");
  CHECK(scan_of_height(1750, "auto").unit == "mm");
  CHECK(hifa::prepare::sigma_in_normalized(scan_of_height(175, "auto"), 5) == Approx(5 * 1.76 / 175));
  CHECK_THROWS_WITH(scan_of_height(12, "auto"), Catch::Contains("absurd size"));
  CHECK_THROWS_WITH(scan_of_height(1.8f, "mm"), Catch::Contains("absurd size"));
  CHECK(scan_of_height(12, "cm").unit == "cm");
}

TEST_CASE("procedural backgrounds are a function of the seed, and differ between seeds") {
  const auto bg = hifa::prepare::Backgrounds::procedural();
  int differing = 0;
  for (std::uint64_t seed = 0; seed < 6; ++seed) {
    const auto a = bg.make(seed, 48);
    CHECK(a == bg.make(seed, 48));
    differing += !(a == bg.make(seed + 100, 48));
    for (const float v : a.values()) REQUIRE((v >= 0 && v <= 1));
  }
  CHECK(differing == 6);
}

TEST_CASE("views are spaced every 360 / views degrees of yaw; pitch jitter stays within its bound") {
  hifa::Calibration base;
  base.scale = 2;
  const auto views = hifa::prepare::plan_views(base, 8, 0, 1);
  REQUIRE(views.size() == 8);
  CHECK(views[3].yaw_degrees == 135);
  CHECK(views[3].pitch_degrees == 0);
  CHECK(views[3].calibration.scale == 2);
  const auto jittered = hifa::prepare::plan_views(base, 50, 10, 1);
  bool any = false;
  for (const auto& v : jittered) {
    CHECK(std::abs(v.pitch_degrees) <= 10);
    any = any || v.pitch_degrees != 0;
  }
  CHECK(any);
  CHECK(hifa::prepare::view_name(7, 180) == "007");
  CHECK(hifa::prepare::view_name(7, 3600) == "0007");
}
