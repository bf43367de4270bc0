#include "report/report_page.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/io/gltf.hpp"
#include "hifa/mesh/decimate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace hifa::trainer {

namespace fs = std::filesystem;

namespace {

std::string base64(const std::string& bytes) {
  static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t word = 0;
    for (std::size_t k = 0; k < 3; ++k) word = word << 8 | (k < n ? std::uint8_t(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? digits[(word >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot be read");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The colour of a method's meshes: ground truth grey, the methods from a palette in page order.
Vec3f colour_of(const std::string& label, std::vector<std::string>& methods) {
  if (label == "ground truth") return {0.78f, 0.78f, 0.78f};
  static const std::array<Vec3f, 6> palette{Vec3f(0.45f, 0.62f, 0.86f), Vec3f(0.90f, 0.60f, 0.35f), Vec3f(0.45f, 0.75f, 0.50f),
                                            Vec3f(0.80f, 0.45f, 0.55f), Vec3f(0.65f, 0.55f, 0.85f), Vec3f(0.75f, 0.70f, 0.40f)};
  auto it = std::find(methods.begin(), methods.end(), label);
  if (it == methods.end()) it = methods.insert(methods.end(), label);
  return palette[std::size_t(it - methods.begin()) % palette.size()];
}

std::string format_value(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

// The camera every viewer of a row starts from: looking at the centre of all the row's meshes from
// the front (+z, the view's camera side), far enough for their bounding sphere in a 30° field of view.
std::string row_camera(const std::vector<ReportMesh>& meshes) {
  Vec3f lo = Vec3f::Constant(1e30f), hi = Vec3f::Constant(-1e30f);
  for (const ReportMesh& m : meshes) {
    lo = lo.cwiseMin(m.mesh.vertices.colwise().minCoeff().transpose());
    hi = hi.cwiseMax(m.mesh.vertices.colwise().maxCoeff().transpose());
  }
  const Vec3f centre = (lo + hi) / 2;
  const float radius = std::max(1e-3f, (hi - lo).norm() / 2) / std::sin(15.0f * 3.14159265f / 180) * 1.05f;
  std::ostringstream os;
  os << "camera-target=\"" << centre.x() << "m " << centre.y() << "m " << centre.z() << "m\" camera-orbit=\"0deg 80deg "
     << radius << "m\" field-of-view=\"30deg\" min-camera-orbit=\"auto auto " << radius / 8 << "m\" max-camera-orbit=\"auto auto "
     << radius * 4 << "m\"";
  return os.str();
}

const char* const style = R"(
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.6em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; } td.best { font-weight: bold; background: #e3f1e3; }
.row { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-start; margin-bottom: 1em; }
figure { margin: 0; width: min-content; } figcaption { font-size: 0.85em; text-align: center; color: #555; }
.row img { width: 120px; height: 120px; object-fit: contain; background: #fff; border: 1px solid #ddd; }
model-viewer { width: 160px; height: 224px; background: #fff; border: 1px solid #ddd; --poster-color: transparent; }
model-viewer.avatar { width: 320px; height: 400px; }
model-viewer::part(default-progress-bar) { display: none; }
img.curves { max-width: 100%; border: 1px solid #ddd; }
#errors { color: #b00; white-space: pre-wrap; }
)";

// Records errors and loads on <body> for the browser test; gives every viewer its model; moves the
// cameras of a row together.
const char* const script = R"(
(function () {
  const body = document.body;
  let errors = 0, loaded = 0;
  body.dataset.errors = 0;
  body.dataset.loaded = 0;
  const fail = (what) => {
    body.dataset.errors = ++errors;
    const p = document.getElementById('errors');
    p.hidden = false;
    p.textContent += what + '\n';
  };
  const consoleError = console.error;
  console.error = (...args) => { fail(args.join(' ')); consoleError.apply(console, args); };
  // Capturing: an image that fails to load reports on itself, never on window.
  window.addEventListener('error', (e) => fail(e.message || 'cannot load ' + (e.target.src || e.target)), true);
  window.addEventListener('unhandledrejection', (e) => fail('unhandled rejection: ' + e.reason));
  const viewers = [...document.querySelectorAll('model-viewer[data-model]')];
  const boxes = () => viewers.map((v) => {
    const r = v.getBoundingClientRect();
    return [v.id, Math.round(r.left + window.scrollX), Math.round(r.top + window.scrollY), Math.round(r.width), Math.round(r.height)].join(' ');
  }).join(';');
  for (const v of viewers) {
    v.addEventListener('load', () => { body.dataset.loaded = ++loaded; body.dataset.boxes = boxes(); });
    v.addEventListener('error', (e) => fail('viewer ' + v.id + ': ' + JSON.stringify(e.detail)));
    const uri = window.HIFA_MODELS && window.HIFA_MODELS[v.dataset.model];
    if (uri) v.src = uri; else fail('no model ' + v.dataset.model + ' in models.js');
  }
  body.dataset.boxes = boxes();
  for (const row of document.querySelectorAll('.row')) {
    const members = [...row.querySelectorAll('model-viewer')];
    for (const v of members) {
      v.addEventListener('camera-change', (e) => {
        if (e.detail.source !== 'user-interaction') return;
        const o = v.getCameraOrbit(), t = v.getCameraTarget();
        for (const w of members) {
          if (w === v) continue;
          w.cameraOrbit = o.theta + 'rad ' + o.phi + 'rad ' + o.radius + 'm';
          w.cameraTarget = t.x + 'm ' + t.y + 'm ' + t.z + 'm';
          w.fieldOfView = v.getFieldOfView() + 'deg';  // zooming changes it too
        }
      });
    }
  }
})();
)";

std::uintmax_t folder_bytes(const fs::path& dir) {
  std::uintmax_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

}  // namespace

fs::path viewer_script(const ReportOptions& options) {
  fs::path viewer = options.viewer;
  if (viewer.empty()) {
    const char* env = std::getenv("HIFA_MODEL_VIEWER");
    viewer = env != nullptr && *env != '\0' ? fs::path(env)
                                             : fs::path(HIFA_SOURCE_DIR) / ".deps/npm/node_modules/@google/model-viewer/dist/model-viewer-umd.min.js";
  }
  if (!fs::is_regular_file(viewer)) {
    throw Error(viewer.string(), "no <model-viewer> script there: run scripts/setup (it installs npm's @google/model-viewer "
                                 "into .deps/npm), or set HIFA_MODEL_VIEWER to its dist/model-viewer-umd.min.js");
  }
  return viewer;
}

namespace {

ReportSize write_folder(const ReportPage& page, const fs::path& partial, const fs::path& viewer, const ReportOptions& options) {
  std::error_code ec;
  fs::remove_all(partial, ec);
  fs::create_directories(partial / "images", ec);
  fs::create_directories(partial / "viewer", ec);
  if (ec) throw Error(partial.string(), "cannot create the folder: " + ec.message());
  fs::copy_file(viewer, partial / "viewer/model-viewer-umd.min.js", fs::copy_options::overwrite_existing);
  if (const fs::path licence = viewer.parent_path().parent_path() / "LICENSE"; fs::is_regular_file(licence)) {
    fs::copy_file(licence, partial / "viewer/LICENSE", fs::copy_options::overwrite_existing);
  }

  ReportSize size;
  std::ostringstream models;  // models.js
  models << "window.HIFA_MODELS = {\n";
  int model_count = 0, image_count = 0;
  const auto add_model = [&](const std::string& glb) {
    const std::string id = "m" + std::to_string(model_count++);
    models << "\"" << id << "\": \"data:model/gltf-binary;base64," << base64(glb) << "\",\n";
    return id;
  };
  const auto add_image = [&](const fs::path& png) -> std::string {
    if (png.empty()) return {};
    if (!fs::is_regular_file(png)) throw Error(png.string(), "no such image");
    const std::string name = "images/" + std::to_string(image_count++) + png.extension().string();
    fs::copy_file(png, partial / name, fs::copy_options::overwrite_existing);
    return name;
  };

  std::ostringstream html;
  html << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << escape(page.title) << "</title>\n<style>"
       << style << "</style>\n<script src=\"models.js\"></script>\n<script src=\"viewer/model-viewer-umd.min.js\"></script>\n</head>\n<body>\n"
       << "<h1>" << escape(page.title) << "</h1>\n<pre id=\"errors\" hidden></pre>\n";
  for (const std::string& note : page.notes) html << "<p>" << escape(note) << "</p>\n";

  // The table, the best value of each column marked.
  const ReportTable& t = page.table;
  if (!t.rows.empty()) {
    html << "<h2>Evaluation</h2>\n<table><tr><th></th>";
    for (const std::string& c : t.columns) html << "<th>" << escape(c) << "</th>";
    html << "</tr>\n";
    std::vector<std::optional<double>> best(t.columns.size());
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      std::vector<double> measured;
      for (const auto& row : t.rows)
        if (c < row.values.size() && row.values[c] && std::isfinite(*row.values[c])) measured.push_back(*row.values[c]);
      if (measured.empty()) continue;
      const bool lower = c < t.lower_is_better.size() && t.lower_is_better[c];
      const double b = lower ? *std::min_element(measured.begin(), measured.end()) : *std::max_element(measured.begin(), measured.end());
      // A column where every measured row ties has no best.
      if (measured.size() == 1 || std::count(measured.begin(), measured.end(), b) < std::ptrdiff_t(measured.size())) best[c] = b;
    }
    for (const auto& row : t.rows) {
      html << "<tr><td>" << escape(row.label) << "</td>";
      for (std::size_t c = 0; c < t.columns.size(); ++c) {
        const bool has = c < row.values.size() && row.values[c].has_value();
        const bool is_best = has && best[c] && *row.values[c] == *best[c];
        html << (is_best ? "<td class=\"best\">" : "<td>") << (has ? format_value(*row.values[c]) : "") << "</td>";
      }
      html << "</tr>\n";
    }
    html << "</table>\n";
    if (!t.caption.empty()) html << "<p>" << escape(t.caption) << " The best value of each column is marked.</p>\n";
  }

  // The subjects: images, then one viewer per mesh, cameras together.
  std::vector<std::string> methods;
  if (!page.subjects.empty()) {
    html << "<h2>Reconstructions</h2>\n<p>Drag to turn a model, scroll to zoom: the models of a row turn together.</p>\n";
  }
  for (const ReportSubject& s : page.subjects) {
    html << "<h3>" << escape(s.name) << "</h3>\n<div class=\"row\">\n";
    const std::pair<const char*, const fs::path*> images[] = {{"input", &s.image}, {"normals, front", &s.normal_front},
                                                              {"normals, back", &s.normal_back}};
    for (const auto& [caption, path] : images) {
      const std::string name = add_image(*path);
      if (!name.empty()) html << "<figure><img src=\"" << name << "\" alt=\"" << caption << "\"><figcaption>" << caption << "</figcaption></figure>\n";
    }
    for (const ReportMesh& m : s.meshes) {
      if (m.mesh.empty()) throw Error("hifa report", s.name + ": the " + m.label + " mesh has no faces");
    }
    const std::string camera = s.meshes.empty() ? "" : row_camera(s.meshes);
    for (const ReportMesh& m : s.meshes) {
      // Vertices and faces only (decimated when above the budget): mesh_glb gives smooth normals.
      TriMeshf shown = decimate(m.mesh, options.display_faces);
      std::string caption = m.label;
      if (shown.face_count() < m.mesh.face_count()) {
        ++size.decimated;
        caption += " (" + std::to_string(shown.face_count() / 1000) + "k of " + std::to_string(m.mesh.face_count() / 1000) + "k faces)";
      }
      shown.materials = {Material{m.label, colour_of(m.label, methods), {}}};
      const std::string id = add_model(mesh_glb(shown));
      html << "<figure><model-viewer id=\"" << id << "\" data-model=\"" << id << "\" camera-controls interaction-prompt=\"none\" "
           << camera << " shadow-intensity=\"0.6\" exposure=\"1.1\"></model-viewer><figcaption>" << escape(caption)
           << "</figcaption></figure>\n";
    }
    html << "</div>\n";
  }
  if (size.decimated > 0) {
    html << "<p>Meshes above " << options.display_faces
         << " faces are shown decimated (quadric edge collapse), as their captions say; every metric above is of the full mesh.</p>\n";
  }

  if (!page.avatars.empty()) html << "<h2>Animated avatar</h2>\n<div class=\"row\">\n";
  for (const ReportAvatar& a : page.avatars) {
    // model-viewer frames a model's rest pose; a motion reaches beyond it, so the camera starts
    // 1.6 times as far away (and may go farther than model-viewer's default limit, that framing).
    const std::string id = add_model(read_bytes(a.glb));
    html << "<figure><model-viewer class=\"avatar\" id=\"" << id << "\" data-model=\"" << id
         << "\" camera-controls autoplay interaction-prompt=\"none\" camera-orbit=\"0deg 80deg 160%\" max-camera-orbit=\"auto auto 400%\" shadow-intensity=\"0.6\">"
         << "</model-viewer><figcaption>" << escape(a.label) << "</figcaption></figure>\n";
  }
  if (!page.avatars.empty()) html << "</div>\n";

  if (!page.curves.empty()) html << "<h2>Loss curves</h2>\n";
  for (const ReportCurves& c : page.curves) {
    html << "<h3>" << escape(c.label) << "</h3>\n<img class=\"curves\" src=\"" << add_image(c.png) << "\" alt=\"loss curves of "
         << escape(c.label) << "\">\n";
  }
  html << "<script>" << script << "</script>\n</body></html>\n";
  models << "};\n";

  write_file_atomically(partial / "models.js", [&](std::ostream& os) { os << models.str(); });
  write_file_atomically(partial / "index.html", [&](std::ostream& os) { os << html.str(); });
  size.bytes = folder_bytes(partial);
  return size;
}

}  // namespace

ReportSize write_report(const ReportPage& page, const fs::path& out, const ReportOptions& options) {
  const fs::path viewer = viewer_script(options);
  const fs::path dir = out.has_filename() ? out : out.parent_path();  // REPORT/ is REPORT
  std::error_code ec;
  // The folder is replaced whole: never one that holds something else than a report.
  if (fs::is_directory(dir, ec) && !fs::is_empty(dir, ec) && !fs::is_regular_file(dir / "models.js", ec)) {
    throw Error(dir.string(), "exists and is not a hifa report (no models.js): give a new folder");
  }
  const fs::path partial = dir.string() + ".partial";
  ReportSize size;
  try {
    size = write_folder(page, partial, viewer, options);
  } catch (...) {
    fs::remove_all(partial, ec);  // the old page, if any, stays as it was
    throw;
  }
  fs::remove_all(dir, ec);
  fs::rename(partial, dir, ec);
  if (ec) throw Error(dir.string(), "cannot move the finished report into place: " + ec.message());
  return size;
}

}  // namespace hifa::trainer
