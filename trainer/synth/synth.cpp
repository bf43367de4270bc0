#include "synth/synth.hpp"

#include "prepare/dataset_writer.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/io/npy.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/motion/bvh.hpp"
#include "hifa/motion/retarget.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/contact_sheet.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/render/rasterize.hpp"
#include "hifa/synth/subject.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <future>
#include <system_error>
#include <vector>

namespace hifa::synth {
namespace {

namespace fs = std::filesystem;
using prepare::Json;
using prepare::json_float;
using Space = Kokkos::DefaultHostExecutionSpace;

constexpr const char* synth_format = "hifa-synth";
constexpr int synth_version = 1;

std::string subject_name(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "subject_%05d", i);
  return name;
}

// Body shape β for the preset (OpenBody's parameters, hifa/body/open_body_shapes.hpp; one unit is
// 5% of height, leg length, ...; ±1 a plausible person). Adults: each β_s ~ N(0, 0.8²) clamped to
// ±2. Children: the same build, smaller (height -4 to -7: 0.65-0.8 of the adult body), shorter legs,
// larger heads. default_mix: one subject in five a child. A model with fewer parameters (a user's
// SMPL file) takes the first ones; SMPL's β mean other things, and are drawn as adults'.
std::vector<float> draw_betas(std::uint64_t seed, Preset preset, int shape_count) {
  const CounterRng rng(seed);
  std::vector<float> betas(std::size_t(std::max(shape_count, 0)), 0.0f);
  for (std::size_t s = 0; s < betas.size(); ++s) betas[s] = std::clamp(0.8f * rng.normal(0xbe7a, s), -2.0f, 2.0f);
  const bool child = preset == Preset::children || (preset == Preset::default_mix && rng.uniform(0xc41d, 0) < 0.2f);
  if (child && shape_count >= 10) {
    betas[0] = -4.0f - 3.0f * rng.uniform(0xc41d, 1);  // height
    betas[1] = -1.0f - rng.uniform(0xc41d, 2);         // leg_length
    betas[9] = 1.5f + 2.0f * rng.uniform(0xc41d, 3);   // head_size
  }
  return betas;
}

Json json_floats(const float* v, std::size_t n) {
  Json a = Json::array();
  for (std::size_t i = 0; i < n; ++i) a.push_back(json_float(v[i]));
  return a;
}

Json json_rows(const RowMatrix3<float>& m) {
  Json a = Json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) a.push_back(json_floats(m.row(r).data(), 3));
  return a;
}

Json garment_json(const GarmentSpec& g) {
  const auto bound = [](float v) { return std::isfinite(v) ? Json(json_float(v)) : Json(nullptr); };
  return Json{{"kind", std::string(garment_name(g.kind))},
              {"torso", Json::array({bound(g.torso_low), bound(g.torso_high)})},
              {"sleeve", bound(g.sleeve)},
              {"leg", Json::array({bound(g.leg_low), bound(g.leg_high)})},
              {"hem", bound(g.hem)},
              {"flare", json_float(g.flare)},
              {"thickness", json_float(g.thickness)},
              {"looseness", json_float(g.looseness)},
              {"wrinkle", json_float(g.wrinkle)},
              {"wrinkle_frequency", json_float(g.wrinkle_frequency)},
              {"look",
               {{"pattern", std::string(pattern_names[std::size_t(g.look.pattern)])},
                {"base", prepare::json_vec3(g.look.base)},
                {"accent", prepare::json_vec3(g.look.accent)},
                {"period", json_float(g.look.period)}}}};
}

Json options_json(const SynthOptions& o, const std::string& body_id) {
  return Json{{"format", synth_format},   {"version", synth_version},    {"seed", o.seed},
              {"preset", preset_name(o.preset)}, {"resolution", o.resolution}, {"body", body_id},
              {"motion", o.motion.empty() ? Json(nullptr) : Json(o.motion.filename().string())},
              {"thumbnail", o.thumbnail}};
}

struct MotionClip {
  std::string file;
  BvhMotion motion;
};

std::vector<MotionClip> load_motion(const fs::path& folder) {
  std::vector<MotionClip> clips;
  std::error_code ec;
  if (folder.empty() || !fs::is_directory(folder, ec)) return clips;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.is_regular_file() && e.path().extension() == ".bvh") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) clips.push_back({f.filename().string(), load_bvh(f)});
  return clips;
}

// Everything a writer thread needs for one subject (no Kokkos past this point).
struct Finished {
  std::string name;
  Subject subject;
  Json body, metadata;
  Image<float> front;
};

void write_subject(const fs::path& out, const Finished& f) {
  const fs::path staging = out / (".partial-" + f.name), final_path = out / f.name;
  std::error_code ec;
  fs::remove_all(staging, ec);
  prepare::make_folder(staging);
  try {
    write_obj(staging / "posed.obj", f.subject.posed);
    write_obj(staging / "canonical.obj", f.subject.canonical);
    const auto& w = f.subject.weights;
    write_npy(staging / "weights.npy",
              make_npy<float>(std::span<const float>(w.data(), std::size_t(w.size())),
                              {std::size_t(w.rows()), std::size_t(w.cols())}));
    prepare::write_json(staging / "body.json", f.body);
    prepare::write_json(staging / "metadata.json", f.metadata);
    write_png(staging / "front.png", f.front);
    fs::rename(staging, final_path, ec);
    if (ec) throw Error(final_path.string(), "cannot move the finished subject into place: " + ec.message());
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
}

// The subject seen from the front: the camera turned by the yaw of where the pose's root faces
// (a motion-library pose may face any way), so the contact sheet shows faces, not backs.
Image<float> front_render(const TriMesh<float>& mesh, const Pose& pose, int size) {
  const Space space;
  const Rasterizer<Space> raster(space, mesh);
  RenderOptions ro;
  ro.width = ro.height = size;
  ro.supersample = 2;
  const Vec3f facing = rodrigues(Vec3f(pose.axis_angle[0], pose.axis_angle[1], pose.axis_angle[2])) * Vec3f::UnitZ();
  const float yaw = -std::atan2(facing.x(), facing.z());
  const RenderMaps maps = raster.render(space, normalizing_calibration(bounding_box(mesh), pifu_margin, yaw), ro);
  space.fence();
  Image<float> rgba(size, size, 4);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c) rgba(x, y, c) = maps.color(x, y, c);
      rgba(x, y, 3) = maps.alpha(x, y, 0);
    }
  return rgba;
}

}  // namespace

Preset parse_preset(const std::string& name) {
  if (name == "default") return Preset::default_mix;
  if (name == "children") return Preset::children;
  if (name == "loose") return Preset::loose;
  throw Error("--preset", "unknown preset '" + name + "' (default, children, loose)");
}

std::string preset_name(Preset preset) {
  switch (preset) {
    case Preset::children: return "children";
    case Preset::loose: return "loose";
    default: return "default";
  }
}

SynthSummary run_synth(const SynthOptions& options, const SynthEvents& events) {
  if (options.count < 0) throw Error("--count", "must be >= 0, got " + std::to_string(options.count));
  if (options.jobs < 1) throw Error("--jobs", "must be >= 1, got " + std::to_string(options.jobs));
  const SmplModel<float> model = SmplModel<float>::load(options.body);
  if (model.joint_count() != smpl_joint_count) {
    throw Error(options.body.string(), std::to_string(model.joint_count()) + " joints; hifa synth needs SMPL's 24");
  }
  const std::string body_id = options.body.stem().string();
  const auto clips = load_motion(options.motion);

  prepare::make_folder(options.out);
  const fs::path manifest = options.out / "synth.json";
  const Json wanted = options_json(options, body_id);
  std::error_code ec;
  if (fs::exists(manifest, ec)) {
    const Json found = prepare::read_json(manifest);
    if (found != wanted) {
      throw Error(manifest.string(), "made with other options (" + found.dump() + "); use another --out or the same options");
    }
  } else {
    prepare::write_json(manifest, wanted);
  }
  SynthSummary summary;
  summary.pose_library = !clips.empty();
  for (fs::directory_iterator it(options.out, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(".partial-", 0) == 0) {
      fs::remove_all(it->path(), ec);
      ++summary.leftovers_removed;
    }
  }
  std::vector<int> todo;
  for (int i = 0; i < options.count; ++i) {
    if (fs::is_directory(options.out / subject_name(i), ec)) {
      ++summary.resumed;
    } else {
      todo.push_back(i);
    }
  }
  if (events.start) events.start(todo.size());

  const CounterRng run_rng(options.seed);
  const Space space;
  SubjectOptions subject_options;
  subject_options.resolution = options.resolution;
  std::deque<std::future<void>> writing;
  const auto drain = [&](std::size_t keep) {
    while (writing.size() > keep) {
      writing.front().get();  // rethrows a writer's error
      writing.pop_front();
      if (events.advance) events.advance();
    }
  };
  for (const int i : todo) {
    if (options.interrupt && options.interrupt->load()) break;
    const auto bits = run_rng.bits(/*stream=*/0x5b7e, std::uint64_t(i));
    const std::uint64_t seed = (std::uint64_t{bits.v[0]} << 32) | bits.v[1];
    const Outfit outfit = draw_outfit(seed, options.preset);
    const std::vector<float> betas = draw_betas(seed, options.preset, model.shape_count());
    const RowMatrix3<float> rest = model.rest_vertices(std::span<const float>(betas));
    const RowMatrix3<float> joints = model.rest_joints(rest);

    Pose pose;
    Json pose_source;
    if (!clips.empty()) {
      const CounterRng pick(seed);
      const auto& clip = clips[pick.below(clips.size(), 0x9c1b, 0)];
      // Every 10th frame: neighbouring mocap frames are nearly the same pose.
      const PoseLibrary library = retarget(clip.motion, smpl_skeleton(RowMatrix3<double>(joints.cast<double>())), 10);
      const BodyPose& chosen = library.poses[pick.below(library.poses.size(), 0x9c1b, 1)];
      Pose base;
      base.axis_angle.assign(chosen.axis_angle.data(), chosen.axis_angle.data() + chosen.axis_angle.size());
      pose = perturb_pose(base, seed, 0.08f);
      // Keep the library's height (crouches, jumps), not where the actor walked to.
      pose.translation = Vec3f(0.0f, float(chosen.translation.y()), 0.0f);
      pose_source = Json{{"motion", clip.file}, {"frame", chosen.source_frame}, {"perturbation_sigma", 0.08}};
      summary.library_poses = std::max(summary.library_poses, library.poses.size());
    } else {
      pose = random_pose(seed);
      pose_source = Json{{"random", "uniform within joint limits (hifa/synth/pose.hpp)"}};
    }
    TriMesh<float> body;
    body.vertices = rest;
    body.faces = model.faces();
    Finished f;
    f.name = subject_name(i);
    f.subject = make_subject(space, body, model.skinning_weights(), joints, outfit, pose, subject_options);
    f.front = front_render(f.subject.posed, pose, options.thumbnail);

    Json theta = Json::array();
    for (int k = 0; k < smpl_joint_count; ++k) theta.push_back(json_floats(pose.axis_angle.data() + 3 * k, 3));
    f.body = Json{{"format", "hifa-body-fit"},
                  {"version", 1},
                  {"model", body_id},
                  {"units", "m"},
                  {"betas", json_floats(betas.data(), betas.size())},
                  {"pose", theta},
                  {"global_orient", json_floats(pose.axis_angle.data(), 3)},
                  {"translation", prepare::json_vec3(pose.translation)},
                  {"scale", 1.0},
                  {"rest_joints", json_rows(joints)}};
    Json garments = Json::array();
    for (const GarmentSpec& g : outfit.garments) garments.push_back(garment_json(g));
    std::vector<int> label_counts(outfit.garments.size() + 1, 0);
    for (const int l : f.subject.labels) ++label_counts[std::size_t(l + 1)];
    f.metadata = Json{{"name", f.name},
                      {"index", i},
                      {"seed", seed},
                      {"run_seed", options.seed},
                      {"preset", preset_name(options.preset)},
                      {"resolution", options.resolution},
                      {"body_model", body_id},
                      {"skin", prepare::json_vec3(outfit.skin)},
                      {"garments", garments},
                      {"vertex_labels", {{"skin", label_counts[0]}, {"per_garment", Json(std::vector<int>(label_counts.begin() + 1, label_counts.end()))}}},
                      {"pose_source", pose_source},
                      {"vertices", f.subject.canonical.vertex_count()},
                      {"faces", f.subject.canonical.face_count()}};
    drain(std::size_t(options.jobs) - 1);
    writing.push_back(std::async(std::launch::async, [&out = options.out, f = std::move(f)] { write_subject(out, f); }));
    ++summary.made;
  }
  drain(0);

  // The contact sheet of every complete subject, from their front renders.
  std::vector<Image<float>> images;
  std::vector<std::string> labels;
  for (int i = 0; i < options.count; ++i) {
    const fs::path png = options.out / subject_name(i) / "front.png";
    if (!fs::exists(png, ec)) continue;
    images.push_back(read_image(png));
    labels.push_back(subject_name(i));
  }
  if (!images.empty()) {
    ContactSheetOptions sheet;
    sheet.columns = 10;
    sheet.thumb_width = sheet.thumb_height = options.thumbnail;
    sheet.background = Vec3f::Constant(0.92f);
    sheet.text = Vec3f::Constant(0.1f);
    write_contact_sheet(options.out / "contact_sheet.png", images, labels, sheet);
  }
  if (options.interrupt && options.interrupt->load() && summary.made + summary.resumed < std::size_t(options.count)) {
    throw Error(options.out.string(), "interrupted with " + std::to_string(summary.made + summary.resumed) + " of " +
                                          std::to_string(options.count) +
                                          " subjects complete; run the same command again to resume");
  }
  return summary;
}

}  // namespace hifa::synth
