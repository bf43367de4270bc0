#include "prepare/render_views.hpp"

#include "prepare/dataset_writer.hpp"

#include "hifa/core/rng.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/sampling/concepts.hpp"

#include <cmath>
#include <numbers>

namespace hifa::prepare {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t pitch_stream = 0x7069;  // "pi"
constexpr std::uint64_t background_salt = 0x6267;  // "bg"

ViewImages render_at(const Rasterizer<Space>& raster, const Space& space, const Calibration& calibration, int size,
                     const RenderSettings& settings, const ShLight& light) {
  RenderOptions options;
  options.width = options.height = size;
  options.supersample = settings.supersample;
  RenderMaps maps = raster.render(space, calibration, options);
  if (settings.lit()) maps.color = shade_prt(space, maps, *settings.faces, *settings.transfer, light, calibration);
  return {std::move(maps.color), std::move(maps.alpha), std::move(maps.front_normal), std::move(maps.back_normal)};
}

Image<float> composite(const ViewImages& v, const Image<float>& background) {
  Image<float> out(v.color.width(), v.color.height(), 3);
  for (int y = 0; y < out.height(); ++y) {
    for (int x = 0; x < out.width(); ++x) {
      const float a = v.alpha(x, y);
      for (int c = 0; c < 3; ++c) out(x, y, c) = a * v.color(x, y, c) + (1 - a) * background(x, y, c);
    }
  }
  return out;
}

void write_images(const fs::path& folder, const std::string& name, const ViewImages& v, const Image<float>& background) {
  write_png(folder / "image" / (name + ".png"), composite(v, background));
  write_png(folder / "mask" / (name + ".png"), v.alpha);
  write_png(folder / "normal_front" / (name + ".png"), v.front_normal);
  write_png(folder / "normal_back" / (name + ".png"), v.back_normal);
}

}  // namespace

std::string view_name(int index, int views) {
  int digits = 3;
  for (int n = views - 1; n >= 1000; n /= 10) ++digits;
  std::string s = std::to_string(index);
  return std::string(std::size_t(std::max(0, digits - int(s.size()))), '0') + s;
}

std::vector<ViewSpec> plan_views(const Calibration& subject, int views, double pitch_jitter_degrees,
                                 std::uint64_t subject_seed) {
  const CounterRng rng{subject_seed};
  std::vector<ViewSpec> out;
  for (int v = 0; v < views; ++v) {
    ViewSpec s;
    s.index = v;
    s.yaw_degrees = 360.0 * v / views;
    if (pitch_jitter_degrees > 0) {
      s.pitch_degrees = pitch_jitter_degrees * (2.0 * double(rng.uniform(pitch_stream, std::uint64_t(v))) - 1.0);
    }
    s.calibration = subject;
    s.calibration.yaw = float(s.yaw_degrees * std::numbers::pi / 180.0);
    s.calibration.pitch = float(s.pitch_degrees * std::numbers::pi / 180.0);
    s.background_seed = detail::mix_seed(subject_seed, background_salt + std::uint64_t(v));
    out.push_back(s);
  }
  return out;
}

RenderedView render_view(const Rasterizer<Space>& raster, const Space& space, const ViewSpec& view,
                         const RenderSettings& settings) {
  RenderedView out;
  out.spec = view;
  if (settings.lit()) out.light = random_sh_light(settings.light_seed, std::uint64_t(view.index));
  out.coarse = render_at(raster, space, view.calibration, settings.resolution, settings, out.light);
  if (settings.fine_resolution > 0) {
    out.fine = render_at(raster, space, view.calibration, settings.fine_resolution, settings, out.light);
  }
  return out;
}

void write_view(const fs::path& folder, const RenderedView& view, const Backgrounds& backgrounds,
                const RenderSettings& settings) {
  const std::string name = view_name(view.spec.index, settings.views);
  write_images(folder, name, view.coarse, backgrounds.make(view.spec.background_seed, settings.resolution));
  if (settings.fine_resolution > 0) {
    write_images(folder / "fine", name, view.fine, backgrounds.make(view.spec.background_seed, settings.fine_resolution));
  }
  const Calibration& c = view.spec.calibration;
  Json j;
  j["view"] = view.spec.index;
  j["yaw_degrees"] = view.spec.yaw_degrees;
  j["pitch_degrees"] = view.spec.pitch_degrees;
  j["calibration"] = {{"scale", json_float(c.scale)},
                      {"centre", json_vec3(c.centre)},
                      {"yaw", json_float(c.yaw)},
                      {"pitch", json_float(c.pitch)}};
  j["world_to_normalized"] = json_matrix(world_to_normalized_matrix(c));
  j["subject_to_view"] = json_matrix(calibration_rotation(c));
  j["resolution"] = settings.resolution;
  j["fine_resolution"] = settings.fine_resolution;
  j["background"] = backgrounds.describe(view.spec.background_seed);
  if (settings.lit()) {
    Json sh = Json::array();
    for (const auto& channel : view.light.channel) {
      Json row = Json::array();
      for (const float v : channel) row.push_back(json_float(v));
      sh.push_back(row);
    }
    j["light"] = {{"model", "order-2 spherical harmonics, radiance, camera frame (render/sh_lighting.hpp)"},
                  {"sh_rgb", sh}};
  } else {
    j["light"] = nullptr;
  }
  write_json(folder / "calib" / (name + ".json"), j);
}

}  // namespace hifa::prepare
