// The browser test of hifa's results page (tests/apps/report_browser.sh), in two steps:
//
//   report_browser_tool make DIR                 a small page: two subjects (a sphere, a torus and a
//                                                finer "ground truth" each, decimated for display),
//                                                images, a table, curves and an animated avatar
//   report_browser_tool check DOM A.png B.png    what headless Chromium made of it: DOM is its
//                                                --dump-dom, A and B screenshots half a second apart
//
// check fails when the page recorded an error (console error, failed load), when a viewer's model
// did not load, when a viewer's box in A is blank (fewer than 2% of its pixels differ from its
// bottom-left corner's colour, the background), or when the avatar's box is the same in A and B (the animation does not play).
#include "support/implicit_meshes.hpp"

#include "hifa/core/runtime.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/io/gltf.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/skinning/skeleton.hpp"
#include "report/report_page.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace hifa;
namespace fs = std::filesystem;

namespace {

Image<float> gradient(int size, int seed) {
  Image<float> image(size, size, 3);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      for (int c = 0; c < 3; ++c) image(x, y, c) = float((x * (c + 1) + y * (seed + 2)) % size) / float(size);
  return image;
}

// A vertical tube on a 3-joint chain swinging its upper joints ±60° over two seconds.
fs::path avatar(const fs::path& dir) {
  TriMeshf tube;
  const int rings = 13, sides = 8;
  tube.vertices.resize(rings * sides, 3);
  for (int r = 0; r < rings; ++r)
    for (int s = 0; s < sides; ++s) {
      const double a = 2 * 3.14159265358979 * s / sides;
      tube.vertices.row(r * sides + s) << float(0.15 * std::cos(a)), float(0.1 * r), float(0.15 * std::sin(a));
    }
  tube.faces.resize(2 * (rings - 1) * sides, 3);
  for (int r = 0; r + 1 < rings; ++r)
    for (int s = 0; s < sides; ++s) {
      const int a = r * sides + s, b = r * sides + (s + 1) % sides;
      tube.faces.row(2 * (r * sides + s)) << a, b + sides, b;
      tube.faces.row(2 * (r * sides + s) + 1) << a, a + sides, b + sides;
    }
  Skeletond chain;
  chain.rest_joints.resize(3, 3);
  chain.rest_joints << 0, 0, 0, 0, 0.4, 0, 0, 0.8, 0;
  chain.parents = {-1, 0, 1};
  chain.names = {"root", "middle", "top"};
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> weights(tube.vertex_count(), 3);
  for (Eigen::Index v = 0; v < tube.vertex_count(); ++v) {
    const float y = tube.vertices(v, 1);
    weights.row(v) << std::exp(-y * y / 0.05f), std::exp(-(y - 0.4f) * (y - 0.4f) / 0.05f), std::exp(-(y - 0.8f) * (y - 0.8f) / 0.05f);
    weights.row(v) /= weights.row(v).sum();
  }
  SkeletalAnimation motion;
  motion.frame_time = 0.1;
  for (int f = 0; f <= 20; ++f) {
    const double angle = 1.05 * std::sin(3.14159265358979 * f / 10);
    const Mat3<double> bend = Eigen::AngleAxisd(angle, Vec3d::UnitZ()).toRotationMatrix();
    motion.rotations.push_back({Mat3<double>::Identity(), bend, bend});
    motion.translations.push_back(Vec3d::Zero());
  }
  write_skinned_glb(dir / "avatar.glb", tube, chain, weights, motion);
  return dir / "avatar.glb";
}

void make(const fs::path& out) {
  const fs::path inputs = out.string() + ".inputs";
  fs::create_directories(inputs);
  trainer::ReportPage page;
  page.title = "hifa report test";
  page.notes = {"Two subjects made on the fly."};
  page.table.columns = {"P2S cm", "normal consistency"};
  page.table.lower_is_better = {true, false};
  page.table.rows = {{"sphere", {1.5, 0.8}}, {"torus", {2.5, 0.9}}};
  for (int s = 0; s < 2; ++s) {
    trainer::ReportSubject subject;
    subject.name = s == 0 ? "alpha, view 000" : "beta, view 000";
    for (const char* map : {"image", "front", "back"}) {
      const fs::path png = inputs / (std::to_string(s) + map + ".png");
      write_png(png, gradient(64, s + int(std::string(map).size())));
      (std::string(map) == "image" ? subject.image : std::string(map) == "front" ? subject.normal_front : subject.normal_back) = png;
    }
    subject.meshes.push_back({"sphere", test::marching_cubes_of(Sphere<float>{Vec3f(0, 0, 0), 0.5f + 0.1f * float(s)}, 24)});
    subject.meshes.push_back({"torus", test::marching_cubes_of(Torus<float>{Vec3f(0, 0, 0), 0.5f, 0.2f}, 24)});
    subject.meshes.push_back({"ground truth", test::marching_cubes_of(Sphere<float>{Vec3f(0, 0, 0), 0.55f}, 64)});
    page.subjects.push_back(subject);
  }
  page.avatars.push_back({"bending tube", avatar(inputs)});
  const fs::path curves = inputs / "curves.png";
  write_png(curves, gradient(120, 5));
  page.curves.push_back({"run", curves});
  trainer::ReportOptions options;
  options.display_faces = 4000;
  const trainer::ReportSize size = trainer::write_report(page, out, options);
  std::printf("%s: %.2f MB, %d decimated\n", out.string().c_str(), double(size.bytes) / 1e6, size.decimated);
}

std::string attribute(const std::string& dom, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(dom, m, std::regex("<body[^>]*\\s" + name + "=\"([^\"]*)\""))) return {};
  return m[1];
}

int check(const fs::path& dom_file, const fs::path& a_file, const fs::path& b_file) {
  std::ifstream in(dom_file);
  const std::string dom((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int failures = 0;
  const auto fail = [&](const std::string& what) {
    std::fprintf(stderr, "FAILED: %s\n", what.c_str());
    ++failures;
  };
  const std::string errors = attribute(dom, "data-errors"), loaded = attribute(dom, "data-loaded"), boxes = attribute(dom, "data-boxes");
  std::smatch listed;
  if (std::regex_search(dom, listed, std::regex("<pre id=\"errors\"[^>]*>([^<]*)</pre>")) && !listed[1].str().empty()) {
    std::fprintf(stderr, "page errors:\n%s\n", listed[1].str().c_str());
  }
  if (errors != "0") fail("the page recorded errors: data-errors=\"" + errors + "\"");
  struct Box {
    std::string id;
    int x, y, w, h;
  };
  std::vector<Box> viewers;
  std::stringstream list(boxes);
  for (std::string item; std::getline(list, item, ';');) {
    Box b;
    std::stringstream fields(item);
    if (fields >> b.id >> b.x >> b.y >> b.w >> b.h) viewers.push_back(b);
  }
  if (viewers.size() != 7) fail(std::to_string(viewers.size()) + " viewer boxes on the page, expected 7 (6 meshes, 1 avatar)");
  if (loaded != std::to_string(viewers.size())) fail("models loaded: " + loaded + " of " + std::to_string(viewers.size()));
  const Image<float> a = read_image(a_file, 3), b = read_image(b_file, 3);
  for (std::size_t i = 0; i < viewers.size(); ++i) {
    const Box& v = viewers[i];
    if (v.x < 0 || v.y < 0 || v.x + v.w > a.width() || v.y + v.h > a.height()) {
      fail(v.id + "'s box lies outside the " + std::to_string(a.width()) + " x " + std::to_string(a.height()) + " screenshot");
      continue;
    }
    int drawn = 0, moved = 0;
    for (int y = v.y + 2; y < v.y + v.h - 2; ++y)
      for (int x = v.x + 2; x < v.x + v.w - 2; ++x) {
        float d = 0, m = 0;
        for (int c = 0; c < 3; ++c) {
          d = std::max(d, std::abs(a(x, y, c) - a(v.x + 3, v.y + v.h - 4, c)));  // the background, bottom left
          m = std::max(m, std::abs(a(x, y, c) - b(x, y, c)));
        }
        drawn += d > 4.0f / 255;
        moved += m > 4.0f / 255;
      }
    const int pixels = (v.w - 4) * (v.h - 4);
    std::printf("%s: %.1f%% of the box drawn, %.1f%% changed half a second later\n", v.id.c_str(), 100.0 * drawn / pixels,
                100.0 * moved / pixels);
    if (drawn < pixels / 50) fail(v.id + "'s canvas is blank");
    if (i + 1 == viewers.size() && moved < pixels / 200) fail("the avatar (" + v.id + ") did not move between the screenshots");
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const KokkosRuntime runtime;
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "make" && argc == 3) {
      make(argv[2]);
      return 0;
    }
    if (mode == "check" && argc == 5) return check(argv[2], argv[3], argv[4]);
    std::fprintf(stderr, "usage: report_browser_tool make DIR | check DOM.html A.png B.png\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
