// trainer/report/report_page.hpp: the page's folder (the browser's view of it is report_browser.sh).
#include "support/implicit_meshes.hpp"
#include "support/temp_dir.hpp"

#include "hifa/field/analytic.hpp"
#include "hifa/render/image_io.hpp"
#include "report/report_page.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <regex>
#include <string>

using namespace hifa;
using namespace hifa::trainer;
namespace fs = std::filesystem;

namespace {

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

ReportPage small_page(const fs::path& image) {
  ReportPage page;
  page.title = "a <test> page";
  page.table.columns = {"P2S cm", "normal consistency", "IoU"};
  page.table.lower_is_better = {true, false, false};
  page.table.rows = {{"A", {2.0, 0.7, 0.0}}, {"B", {1.0, std::nullopt, 0.0}}, {"C", {3.0, 0.9, 0.0}}};
  ReportSubject s;
  s.name = "subject, view 000";
  s.image = image;
  s.meshes = {{"A", test::marching_cubes_of(Sphere<float>{Vec3f(0, 0, 0), 0.5f}, 16)},
              {"ground truth", test::marching_cubes_of(Sphere<float>{Vec3f(0, 0, 0), 0.5f}, 64)}};
  page.subjects.push_back(s);
  return page;
}

}  // namespace

TEST_CASE("a report folder holds the page, every mesh as a GLB data URI, the images and the viewer") {
  const test::TempDir dir;
  const fs::path png = dir / "in.png";
  write_png(png, Image<float>(8, 8, 3, 0.5f));
  const ReportPage page = small_page(png);
  ReportOptions o;
  o.display_faces = 2000;
  const ReportSize size = write_report(page, dir / "report", o);
  const std::string html = text_of(dir / "report/index.html"), models = text_of(dir / "report/models.js");
  CHECK(fs::is_regular_file(dir / "report/viewer/model-viewer-umd.min.js"));
  CHECK(fs::is_regular_file(dir / "report/images/0.png"));
  CHECK(!fs::exists(dir / "report.partial"));
  // Two GLBs ("glTF" is Z2xURg in base64), one viewer each.
  CHECK(count(models, "\"data:model/gltf-binary;base64,Z2xURg") == 2);
  CHECK(count(html, "<model-viewer ") == 2);
  CHECK(html.find("<title>a &lt;test&gt; page</title>") != std::string::npos);
  // The best of each column: the lowest P2S (B), the highest consistency (C), a missing value empty,
  // none where every row ties (IoU).
  CHECK(html.find("<tr><td>B</td><td class=\"best\">1</td><td></td><td>0</td></tr>") != std::string::npos);
  CHECK(html.find("<tr><td>C</td><td>3</td><td class=\"best\">0.9</td><td>0</td></tr>") != std::string::npos);
  // The fine ground truth is shown decimated and says so; the coarse sphere is not.
  CHECK(size.decimated == 1);
  CHECK(std::regex_search(html, std::regex("ground truth \\(1k of [0-9]+k faces\\)")));
  CHECK(html.find("shown decimated") != std::string::npos);
  CHECK(size.bytes > 1000000);  // the viewer alone is about 1 MB
}

TEST_CASE("a report that cannot be written names the problem and leaves the old one") {
  const test::TempDir dir;
  const fs::path png = dir / "in.png";
  write_png(png, Image<float>(8, 8, 3, 0.5f));
  write_report(small_page(png), dir / "report", {});
  ReportPage broken = small_page(dir / "missing.png");
  CHECK_THROWS_WITH(write_report(broken, dir / "report", {}), Catch::Contains("missing.png: no such image"));
  CHECK(fs::is_regular_file(dir / "report/index.html"));
  CHECK(!fs::exists(dir / "report.partial"));
  ReportOptions o;
  o.viewer = dir / "nowhere.js";
  CHECK_THROWS_WITH(write_report(small_page(png), dir / "other", o), Catch::Contains("nowhere.js: no <model-viewer> script there: run scripts/setup"));
  // A folder that holds something else is never replaced; "DIR/" is DIR.
  fs::create_directories(dir / "mine");
  write_png(dir / "mine/photo.png", Image<float>(2, 2, 3));
  CHECK_THROWS_WITH(write_report(small_page(png), dir / "mine", {}), Catch::Contains("mine: exists and is not a hifa report"));
  CHECK(fs::is_regular_file(dir / "mine/photo.png"));
  write_report(small_page(png), (dir / "report").string() + "/", {});
  CHECK(fs::is_regular_file(dir / "report/index.html"));
  CHECK(!fs::exists(dir / "report/.partial"));
  broken = small_page(png);
  broken.subjects[0].meshes[0].mesh = TriMeshf{};
  CHECK_THROWS_WITH(write_report(broken, dir / "other", {}), Catch::Contains("the A mesh has no faces"));
}
