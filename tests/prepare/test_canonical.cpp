// Canonical training data for CAR (trainer/prepare/): hifa-body-fit files, a scan moved to the rest
// pose, canonical SDF samples and their file, and hifa prepare's canonical data end to end on a
// hifa synth subject (its own canonical.obj, and a fit made by --fit-body's fitter), on the
// mannequin body of the synth tests (no data files needed).
#include <catch2/catch.hpp>

#include "prepare/body_fit_file.hpp"
#include "prepare/canonical_samples.hpp"
#include "prepare/canonical_scan.hpp"
#include "prepare/dataset_writer.hpp"
#include "prepare/prepare.hpp"
#include "support/synth_subject.hpp"
#include "support/temp_dir.hpp"
#include "support/walking_stance.hpp"
#include "synth/synth.hpp"
#include "synth/test_body.hpp"
#ifdef HIFA_TEST_WITH_TRAINER
#include "data/prepared_dataset.hpp"
#endif

#include "hifa/core/error.hpp"
#include "hifa/io/npy.hpp"
#include "hifa/mesh/load.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/spatial/mesh_fields.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>

namespace fs = std::filesystem;
using namespace hifa;
using namespace hifa::prepare;

namespace {

using Host = Kokkos::HostSpace;

const SmplModel<float>& mannequin() {
  static const SmplModel<float> model(test::mannequin_model(), "mannequin");
  return model;
}

// The mannequin in the walking stance with β = 0.5, as a scan in centimetres, and its exact fit.
struct PosedScan {
  TriMeshf scan;
  BodyFit fit;
};

PosedScan walking_mannequin() {
  PosedScan p;
  p.fit = {"mannequin", "cm", {0.5f}, test::walking_stance(), test::walking_shift, 100.0};
  const auto posed = pose_body_axis_angle(Kokkos::DefaultHostExecutionSpace{}, mannequin(), std::span<const float>(p.fit.betas),
                                          std::span<const float>(p.fit.pose), p.fit.translation);
  p.scan = posed.mesh;
  p.scan.vertices *= 100.0f;
  return p;
}

std::vector<float> signed_distances(const TriMeshf& mesh, const RowMatrix3<float>& points) {
  Kokkos::View<float* [3], Kokkos::LayoutRight, Host> p("points", std::size_t(points.rows()));
  for (Eigen::Index i = 0; i < points.rows(); ++i)
    for (int c = 0; c < 3; ++c) p(std::size_t(i), c) = points(i, c);
  Kokkos::View<float*, Host> d("distances", std::size_t(points.rows()));
  MeshSdf<Host>(mesh).evaluate(p, d);
  return {d.data(), d.data() + d.extent(0)};
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

const std::string good_fit = R"({"format": "hifa-body-fit", "version": 1, "model": "open_body", "units": "cm",
  "betas": [0.5, -1], "pose": [[0.1, 0.2, 0.3], [0, 0, 0]], "translation": [1, 2, 3], "scale": 100})";

}  // namespace

TEST_CASE("read_body_fit reads hifa-body-fit files and names what is wrong with a bad one", "[prepare][canonical]") {
  const test::TempDir dir;
  write_text(dir / "good.json", good_fit);
  REQUIRE(is_body_fit_file(dir / "good.json"));
  const BodyFit fit = read_body_fit(dir / "good.json");
  CHECK(fit.model == "open_body");
  CHECK(fit.units == "cm");
  CHECK(fit.betas == std::vector<float>{0.5f, -1.0f});
  CHECK(fit.pose == std::vector<float>{0.1f, 0.2f, 0.3f, 0, 0, 0});
  CHECK(fit.translation == Vec3f(1, 2, 3));
  CHECK(fit.scale == 100.0);

  write_text(dir / "smpl_params.json", R"({"betas": [0.1]})");
  CHECK_FALSE(is_body_fit_file(dir / "smpl_params.json"));  // copied through, no canonical data
  write_text(dir / "notes.txt", "x");
  CHECK_FALSE(is_body_fit_file(dir / "notes.txt"));
  write_text(dir / "broken.json", "{\"format\": \"hifa-body-fit\",");
  CHECK_THROWS_WITH(is_body_fit_file(dir / "broken.json"), Catch::Contains("broken.json") && Catch::Contains("not valid JSON"));

  const auto bad = [&](const std::string& from, const std::string& to, const std::string& message) {
    std::string text = good_fit;
    text.replace(text.find(from), from.size(), to);
    write_text(dir / "bad.json", text);
    CHECK_THROWS_WITH(read_body_fit(dir / "bad.json"), Catch::Contains((dir / "bad.json").string()) && Catch::Contains(message));
  };
  bad("[0, 0, 0]]", "[0, 0]]", "not an axis-angle triple");
  bad("\"scale\": 100", "\"scale\": -1", "\"scale\" must be > 0");
  bad("\"version\": 1", "\"version\": 2", "version 2");
  bad("\"translation\": [1, 2, 3]", "\"translation\": [1, 2]", "\"translation\" is not 3 numbers");
  bad("\"betas\": [0.5, -1]", "\"betas\": [0.5, \"x\"]", "betas[1]");
  bad("\"model\": \"open_body\", ", "", "no \"model\" field");
}

TEST_CASE("canonicalize_scan takes a posed body scan back to its rest pose", "[prepare][canonical]") {
  const PosedScan p = walking_mannequin();
  const FittedBody body = fitted_body(mannequin(), p.fit);
  const CanonicalScan canonical = canonicalize_scan(p.scan, body);
  // Every vertex takes its own weights (its nearest body point is itself) and comes back exactly.
  CHECK((canonical.mesh.vertices - body.rest.vertices).cwiseAbs().maxCoeff() < 1e-4f);
  CHECK((canonical.weights - mannequin().data().weights).cwiseAbs().maxCoeff() < 1e-4f);
  CHECK(canonical.inside_body_fraction == 0.0);
  CHECK(canonical.touching_fraction == 0.0);
  CHECK(canonical.inpainted_fraction == 0.0);  // every vertex is on the body

  SECTION("a scan off its fit lands partly inside the rest body, and that is counted") {
    BodyFit wrong = p.fit;
    wrong.translation.x() += 0.05f;  // the whole scan 5 cm off the body it is unposed with
    CHECK(canonicalize_scan(p.scan, fitted_body(mannequin(), wrong)).inside_body_fraction > 0.05);
  }
  SECTION("a fit that does not fit the model is refused") {
    BodyFit wrong = p.fit;
    wrong.pose.resize(3 * 23);
    CHECK_THROWS_WITH(fitted_body(mannequin(), wrong), Catch::Contains("23 joint rotations for a body of 24"));
    wrong = p.fit;
    wrong.betas = {0.1f, 0.2f};
    CHECK_THROWS_WITH(fitted_body(mannequin(), wrong), Catch::Contains("2 β for a body of 1"));
  }
}

TEST_CASE("canonical samples carry the canonical scan's signed distance and the posed scan's position", "[prepare][canonical]") {
  const PosedScan p = walking_mannequin();
  const FittedBody body = fitted_body(mannequin(), p.fit);
  const CanonicalScan canonical = canonicalize_scan(p.scan, body);
  CanonicalSampleRequest request;
  request.count = 800;
  request.seed = 7;
  // Posed positions in the scan's centimetres.
  request.posed_to_frame.topLeftCorner<3, 3>() *= 100.0f;
  const CanonicalSamples s = make_canonical_samples(canonical.mesh, body, request);
  REQUIRE(s.counts == std::array<std::uint32_t, 4>{800, 800, 800, 100});
  REQUIRE(s.size() == 2500);

  // The signed distance is the toolkit's, to the canonical scan.
  const std::vector<float> truth = signed_distances(canonical.mesh, s.canonical);
  for (std::size_t i = 0; i < s.size(); ++i) REQUIRE(std::abs(s.sdf[i] - truth[i]) < 1e-4f);
  for (std::size_t i = 0; i < 800; ++i) {
    REQUIRE(std::abs(s.sdf[i]) < 1e-4f);
    REQUIRE(std::abs(s.normals.row(Eigen::Index(i)).norm() - 1) < 1e-4f);
  }
  CHECK(s.normals.bottomRows(1700).cwiseAbs().maxCoeff() == 0.0f);
  // Near points straddle the surface at the two widths; uniform points fill the padded box.
  for (const CanonicalGroup g : {near_coarse_group, near_fine_group}) {
    std::size_t inside = 0;
    double spread = 0;
    for (std::size_t i = s.first(g); i < s.first(g) + 800; ++i) inside += s.sdf[i] < 0, spread += s.sdf[i] * s.sdf[i];
    CHECK(inside > 200);
    CHECK(inside < 600);
    CHECK(std::sqrt(spread / 800) < (g == near_coarse_group ? 0.05 : 0.03));
  }
  CHECK(s.box.contains(bounding_box(canonical.mesh)));

  // The surface points, posed by the rest body's weights, lie on the posed scan (here the body).
  RowMatrix3<float> posed_surface = s.posed.topRows(800) / 100.0f;
  TriMeshf posed_scan = p.scan;
  posed_scan.vertices /= 100.0f;
  for (const float d : signed_distances(posed_scan, posed_surface)) REQUIRE(std::abs(d) < 2e-3f);

  SECTION("the same request gives the same samples, and the file reads back exactly") {
    const CanonicalSamples again = make_canonical_samples(canonical.mesh, body, request);
    CHECK(again.canonical == s.canonical);
    CHECK(again.posed == s.posed);
    CHECK(again.sdf == s.sdf);
    const test::TempDir dir;
    write_canonical_samples(dir / "samples.bin", s);
    const CanonicalSamples read = read_canonical_samples(dir / "samples.bin");
    CHECK(read.counts == s.counts);
    CHECK(read.canonical == s.canonical);
    CHECK(read.normals == s.normals);
    CHECK(read.posed == s.posed);
    CHECK(read.sdf == s.sdf);
    CHECK(read.sigma_coarse == s.sigma_coarse);
    CHECK(read.box.min() == s.box.min());
    CHECK(read.box.max() == s.box.max());

    std::string bytes = bytes_of(dir / "samples.bin");
    write_text(dir / "short.bin", bytes.substr(0, bytes.size() - 4));
    CHECK_THROWS_WITH(read_canonical_samples(dir / "short.bin"), Catch::Contains("short.bin") && Catch::Contains("bytes"));
    write_text(dir / "other.bin", "HIFASMPL" + bytes.substr(8));
    CHECK_THROWS_WITH(read_canonical_samples(dir / "other.bin"), Catch::Contains("no HIFACSDF header"));
  }
}

using test::small_prepare;
using test::synth_subject;
using test::SynthFixture;

TEST_CASE("hifa prepare turns a synth subject's own canonical.obj into canonical data that agrees with it",
          "[prepare][canonical]") {
  const SynthFixture& synth = synth_subject();
  const test::TempDir dir;
  const PrepareOptions o = small_prepare(synth.subject.parent_path(), dir / "data", synth.body);
  run_prepare(o);
  const fs::path subject = dir / "data" / "subjects" / "subject_00000";
  const Json meta = read_json(subject / "subject.json");
  REQUIRE(meta["canonical"].is_object());
  CHECK(meta["body_source"] == "given");
  CHECK(meta["canonical"]["source"] == "given: canonical.obj and weights.npy");
  CHECK(read_json(dir / "data" / "manifest.json")["version"] == dataset_version);
  CHECK(fs::is_regular_file(dir / "data" / "canonical_sheet.png"));
  CHECK(fs::is_regular_file(subject / "canonical" / "preview.png"));

  const TriMeshf canonical = load_mesh(synth.subject / "canonical.obj");
  const TriMeshf written = load_mesh(subject / "canonical" / "scan.ply");
  CHECK(written.vertices == canonical.vertices);
  CHECK(read_npy(subject / "canonical" / "weights.npy").values<float>("w") ==
        read_npy(synth.subject / "weights.npy").values<float>("w"));
  const CanonicalSamples s = read_canonical_samples(subject / "canonical" / "samples.bin");
  CHECK(s.counts == std::array<std::uint32_t, 4>{400, 400, 400, 50});
  const std::vector<float> truth = signed_distances(canonical, s.canonical);
  for (std::size_t i = 0; i < s.size(); ++i) REQUIRE(std::abs(s.sdf[i] - truth[i]) < 1e-4f);

  SECTION("the same bytes with more writer threads") {
    PrepareOptions again = o;
    again.out = dir / "again";
    again.jobs = 3;
    run_prepare(again);
    for (const char* file : {"scan.ply", "weights.npy", "samples.bin", "preview.png"}) {
      CHECK(bytes_of(subject / "canonical" / file) == bytes_of(dir / "again" / "subjects" / "subject_00000" / "canonical" / file));
    }
    CHECK(bytes_of(subject / "subject.json") == bytes_of(dir / "again" / "subjects" / "subject_00000" / "subject.json"));
  }
  SECTION("a fit made with another body model is refused by name") {
    const fs::path other = dir / "other_body.npz";
    fs::copy_file(synth.body, other);
    PrepareOptions wrong = o;
    wrong.out = dir / "wrong";
    wrong.body_model = other;
    CHECK_THROWS_WITH(run_prepare(wrong), Catch::Contains("no subject could be prepared"));
    CHECK(read_json(dir / "wrong" / "report.json")["skipped"][0]["reason"].get<std::string>().find(
              "fitted with the body model 'mannequin'") != std::string::npos);
  }
  SECTION("a dataset of an older version is not resumed") {
    Json manifest = read_json(dir / "data" / "manifest.json");
    manifest["version"] = 1;
    write_json(dir / "data" / "manifest.json", manifest);
    CHECK_THROWS_WITH(run_prepare(o), Catch::Contains("version 1") && Catch::Contains("new --out"));
  }
#ifdef HIFA_TEST_WITH_TRAINER
  SECTION("the loader reads the canonical samples; a version-1 dataset still opens, without them") {
    const trainer::PreparedDataset data(dir / "data");
    const auto loaded = data.canonical_samples("subject_00000");
    REQUIRE(loaded);
    CHECK(loaded->canonical == s.canonical);
    CHECK(loaded->posed == s.posed);
    CHECK(loaded->sdf == s.sdf);
    CHECK(data.canonical_samples("subject_00000") == loaded);  // cached

    Json manifest = read_json(dir / "data" / "manifest.json");
    manifest["version"] = 1;
    write_json(dir / "data" / "manifest.json", manifest);
    Json old = meta;
    old.erase("canonical");
    write_json(subject / "subject.json", old);
    CHECK_FALSE(trainer::PreparedDataset(dir / "data").canonical_samples("subject_00000"));
    manifest["version"] = dataset_version + 1;
    write_json(dir / "data" / "manifest.json", manifest);
    CHECK_THROWS_WITH(trainer::PreparedDataset(dir / "data"), Catch::Contains("a newer hifa wrote it"));
  }
#endif
}

TEST_CASE("hifa prepare --fit-body fits a scan without a body file once, caches the fit and unposes the scan by it",
          "[prepare][canonical]") {
  const SynthFixture& synth = synth_subject();
  const test::TempDir dir;
  fs::create_directories(dir / "scans");
  fs::copy_file(synth.subject / "posed.obj", dir / "scans" / "solo.obj");
  PrepareOptions o = small_prepare(dir / "scans", dir / "data", synth.body);
  // The fitter (the trainer's, in the command) replaced by the subject's true fit.
  int fits = 0;
  o.fit_body = [&](const BodyFitRequest& r) {
    ++fits;
    CHECK(r.unit == "m");
    CHECK(r.metres_per_unit == 1.0);
    CHECK(r.source == "solo.obj");
    return read_json(synth.subject / "body.json");
  };
  run_prepare(o);
  CHECK(fits == 1);
  const fs::path subject = dir / "data" / "subjects" / "solo";
  const Json meta = read_json(subject / "subject.json");
  CHECK(meta["body_source"] == "fitted");
  CHECK(meta["canonical"]["source"] == "inverse LBS by the nearest posed body point's weights, inpainted beyond 8 cm");
  CHECK(read_json(dir / "data" / "cache" / "solo.body.json")["fit"] == read_json(subject / "body.json"));
  CHECK(read_json(subject / "body.json") == read_json(synth.subject / "body.json"));

  // Unposed by the true fit, the scan comes near synth's own canonical shape (the clothing takes the
  // nearest body point's weights instead of synth's, which differ where clothing hangs loose).
  const RowMatrix3<float> mine = load_mesh(subject / "canonical" / "scan.ply").vertices;
  const RowMatrix3<float> truth = load_mesh(synth.subject / "canonical.obj").vertices;
  REQUIRE(mine.rows() == truth.rows());
  CHECK((mine - truth).rowwise().norm().mean() < 0.01f);

  // The cache is used by a rerun that has to redo the subject, which comes out the same bytes.
  const std::string samples = bytes_of(subject / "canonical" / "samples.bin"), json = bytes_of(subject / "subject.json");
  fs::remove_all(subject);
  run_prepare(o);
  CHECK(fits == 1);
  CHECK(bytes_of(subject / "canonical" / "samples.bin") == samples);
  CHECK(bytes_of(subject / "subject.json") == json);
}
