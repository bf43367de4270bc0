// Inference (trainer/inference/): run folders, the network as a BatchField, reconstruction.
#include <catch2/catch.hpp>

#include "sphere_model.hpp"
#include "support/temp_dir.hpp"
#include "test_device.hpp"

#include "config/factory.hpp"
#include "hifa/core/error.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/render/image_io.hpp"
#include "inference/network_field.hpp"
#include "inference/reconstruct.hpp"
#include "inference/run_model.hpp"

#include <torch/torch.h>

#include <fstream>
#include <string>

using namespace hifa;
using namespace hifa::trainer;

static_assert(BatchField<NetworkField>, "NetworkField must model hifa::BatchField");

namespace {

Config tiny() { return load_config(HIFA_SOURCE_DIR "/configs/tiny.yaml"); }

// The tiny model fitted to a sphere of radius 0.5 (cached across the test processes).
const RunModel& sphere_run() {
  static const RunModel run = test::cached_sphere_run(tiny());
  return run;
}

std::vector<float> field_values(const NetworkField& field, const Kokkos::View<float* [3], Kokkos::HostSpace>& points) {
  Kokkos::View<float*, Kokkos::HostSpace> values("values", points.extent(0));
  field.evaluate(points, values);
  return std::vector<float>(values.data(), values.data() + values.extent(0));
}

// max over vertices of a of the distance to the nearest vertex of b (brute force).
double directed_vertex_distance(const TriMeshf& a, const TriMeshf& b) {
  double worst = 0;
  for (Eigen::Index i = 0; i < a.vertex_count(); ++i) {
    const double best = (b.vertices.rowwise() - a.vertices.row(i)).rowwise().squaredNorm().minCoeff();
    worst = std::max(worst, std::sqrt(best));
  }
  return worst;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("a NetworkField of every shipped config gives the same occupancies for any chunk size", "[inference][device]") {
  const torch::Device device = hifa::test::test_device();
  for (const char* name : {"tiny", "tiny_pifu", "small", "small_pifu", "pifu", "pifuhd"}) {
    CAPTURE(name);
    Config c = load_config(std::string(HIFA_SOURCE_DIR "/configs/") + name + ".yaml");
    // The property lies in the point MLPs; small images keep the paper-size encoders cheap.
    c.coarse.image_size = 64;
    if (c.fine) c.fine->image_size = 128;
    torch::manual_seed(1);
    RunModel run{c, make_model(c), device};
    run.model->to(device);
    run.model->eval();
    const bool two_levels = run.model->has_fine();
    const ConditionedInputs in =
        condition_inputs(run, test::radial_image(96), nullptr, two_levels ? FieldLevel::fine : FieldLevel::coarse);
    Kokkos::View<float* [3], Kokkos::HostSpace> points("points", 301);
    const torch::Tensor random = torch::rand({301, 3}) * 2.2 - 1.1;  // some outside the cube
    std::copy_n(random.data_ptr<float>(), 301 * 3, points.data());
    std::vector<FieldLevel> levels{FieldLevel::coarse};
    if (two_levels) levels.push_back(FieldLevel::fine);
    for (const FieldLevel level : levels) {
      const auto reference = field_values(NetworkField(run.model, in.coarse, in.fine, {}, {level, 1 << 16}), points);
      for (const std::size_t chunk : {std::size_t(1), std::size_t(7), std::size_t(100)}) {
        const auto values = field_values(NetworkField(run.model, in.coarse, in.fine, {}, {level, chunk}), points);
        for (std::size_t q = 0; q < values.size(); ++q) {
          REQUIRE(values[q] >= 0.0f);
          REQUIRE(values[q] <= 1.0f);
          REQUIRE(values[q] == Approx(reference[q]).margin(1e-6));
        }
      }
    }
  }
}

TEST_CASE("a mask carves the field: points projecting outside the silhouette are empty", "[inference]") {
  const RunModel& run = sphere_run();
  Image<float> mask(128, 128, 1);
  for (int y = 0; y < 128; ++y) {
    for (int x = 0; x < 64; ++x) mask(x, y, 0) = 1.0f;  // left half only
  }
  RunModel copy = run;
  const ConditionedInputs in = condition_inputs(copy, test::radial_image(128), &mask, FieldLevel::fine);
  const NetworkField carved(run.model, in.coarse, in.fine, in.mask), whole(run.model, in.coarse, in.fine, {});
  Kokkos::View<float* [3], Kokkos::HostSpace> points("points", 2);
  points(0, 0) = -0.2f;  // inside the sphere, left half
  points(1, 0) = 0.2f;   // inside the sphere, right half
  const auto c = field_values(carved, points), w = field_values(whole, points);
  CHECK(c[0] == w[0]);
  CHECK(w[1] > 0.5f);
  CHECK(c[1] == 0.0f);
}

TEST_CASE("coarse-to-fine and dense evaluation of a fitted sphere give the same mesh up to half a voxel",
          "[inference]") {
  RunModel run = sphere_run();
  const Image<float> image = test::radial_image(128);
  ReconstructOptions dense{64, FieldLevel::fine, true};
  ReconstructOptions c2f{64, FieldLevel::fine, false, 8};
  const Reconstruction a = reconstruct(run, image, nullptr, dense);
  const Reconstruction b = reconstruct(run, image, nullptr, c2f);
  CHECK(a.queries == 65u * 65u * 65u);
  CHECK(b.queries * 4 < a.queries);
  REQUIRE(a.mesh.face_count() > 100);
  const double half_voxel = 0.5 * 2.0 / 64;
  CHECK(directed_vertex_distance(a.mesh, b.mesh) <= half_voxel);
  CHECK(directed_vertex_distance(b.mesh, a.mesh) <= half_voxel);
  // The fitted shape is the sphere: one closed component with vertices near radius 0.5.
  CHECK(is_closed(b.mesh));
  CHECK(connected_components(b.mesh).count == 1);
  const Eigen::VectorXf r = b.mesh.vertices.rowwise().norm();
  CHECK(r.mean() == Approx(0.5).margin(0.08));
}

TEST_CASE("reconstruct keeps only the largest component and writes the mesh and both normal maps", "[inference]") {
  test::TempDir dir;
  RunModel run = sphere_run();
  const Reconstruction r = reconstruct(run, test::radial_image(128), nullptr, ReconstructOptions{32});
  CHECK(connected_components(r.mesh).count == 1);
  CHECK(r.normal_front.width() == run.config.coarse.image_size);
  write_reconstruction(dir / "person.obj", r);
  CHECK(read_obj(dir / "person.obj").face_count() == r.mesh.face_count());
  const Image<float> front = read_image(dir / "person_normal_front.png");
  CHECK(front.width() == run.config.coarse.image_size);
  CHECK(front.channels() == 3);
  CHECK(std::filesystem::exists(dir / "person_normal_back.png"));
}

TEST_CASE("a saved run loads back to the same field", "[inference]") {
  test::TempDir dir;
  RunModel run = sphere_run();
  save_run_model(dir / "run", run.config, run.model);
  RunModel loaded = load_run_model(dir / "run");
  const Image<float> image = test::radial_image(64);
  const ConditionedInputs a = condition_inputs(run, image, nullptr, FieldLevel::fine);
  const ConditionedInputs b = condition_inputs(loaded, image, nullptr, FieldLevel::fine);
  Kokkos::View<float* [3], Kokkos::HostSpace> points("points", 500);
  const torch::Tensor random = torch::rand({500, 3}) * 2 - 1;
  std::copy_n(random.data_ptr<float>(), 500 * 3, points.data());
  CHECK(field_values(NetworkField(run.model, a.coarse, a.fine, {}), points) ==
        field_values(NetworkField(loaded.model, b.coarse, b.fine, {}), points));
}

TEST_CASE("a missing run, a missing or corrupt checkpoint and a config mismatch are clear errors", "[inference]") {
  test::TempDir dir;
  CHECK_THAT(error_of([&] { load_run_model(dir / "nope"); }), Catch::Contains("nope: no such run folder"));

  torch::manual_seed(0);
  const Config config = tiny();
  PIFuHD model = make_model(config);
  save_run_model(dir / "run", config, model);
  const auto checkpoint = (dir / "run" / "checkpoint.pt").string();
  std::filesystem::remove(checkpoint);
  CHECK_THAT(error_of([&] { load_run_model(dir / "run"); }), Catch::Contains(checkpoint + ": no such file"));

  std::ofstream(checkpoint) << "not a checkpoint";
  CHECK_THAT(error_of([&] { load_run_model(dir / "run"); }), Catch::Contains(checkpoint + ": not a LibTorch archive"));

  // A truncated archive (a crash while copying it) is corrupt too.
  save_run_model(dir / "run", config, model);
  std::filesystem::resize_file(checkpoint, std::filesystem::file_size(checkpoint) / 2);
  CHECK_THAT(error_of([&] { load_run_model(dir / "run"); }), Catch::Contains(checkpoint + ": "));

  // The checkpoint of another config: a wider coarse MLP.
  save_run_model(dir / "run", config, model);
  std::string text = config.text;
  const std::string widths = "widths: [33, 64, 48, 32, 16, 1]";
  REQUIRE(text.find(widths) != std::string::npos);
  text.replace(text.find(widths), widths.size(), "widths: [33, 96, 48, 32, 16, 1]");
  std::ofstream(dir / "run" / "config.yaml") << text;
  const std::string mismatch = error_of([&] { load_run_model(dir / "run"); });
  CHECK_THAT(mismatch, Catch::Contains(checkpoint) && Catch::Contains("model.coarse.mlp.") &&
                           Catch::Contains("not written for this config"));
}

TEST_CASE("a non-square image, one without 3 channels or a mask of another size is refused", "[inference]") {
  test::TempDir dir;
  write_png(dir / "wide.png", Image<float>(64, 32, 3));
  write_png(dir / "rgba.png", Image<float>(32, 32, 4));
  write_png(dir / "grey.png", Image<float>(32, 32, 1));
  CHECK_THAT(error_of([&] { read_input_image(dir / "wide.png"); }), Catch::Contains("wide.png: ") && Catch::Contains("square") &&
                                                                       Catch::Contains("64 x 32"));
  CHECK_THAT(error_of([&] { read_input_image(dir / "rgba.png"); }), Catch::Contains("rgba.png: ") && Catch::Contains("it has 4"));
  CHECK_THAT(error_of([&] { read_input_image(dir / "grey.png"); }), Catch::Contains("grey.png: ") && Catch::Contains("it has 1"));
  CHECK_THAT(error_of([&] { read_input_mask(dir / "grey.png", 64, 64); }), Catch::Contains("grey.png: the mask is 32 x 32"));
  const Config pifu = load_config(HIFA_SOURCE_DIR "/configs/pifu.yaml");
  const RunModel single{pifu, make_model(pifu), torch::kCPU};
  CHECK_THAT(error_of([&] { resolve_level(single, ReconstructOptions{64, FieldLevel::fine}); }),
             Catch::Contains("--level: ") && Catch::Contains("no fine level"));
}
