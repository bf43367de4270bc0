#include "prepare/dataset_writer.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <system_error>

namespace hifa::prepare {

namespace fs = std::filesystem;

int remove_leftover_staging(const Layout& layout) {
  std::error_code ec;
  if (!fs::is_directory(layout.subjects(), ec)) return 0;
  std::vector<fs::path> leftovers;
  for (fs::directory_iterator it(layout.subjects(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(".partial-", 0) == 0) leftovers.push_back(it->path());
  }
  if (ec) throw Error(layout.subjects().string(), "cannot list the folder: " + ec.message());
  for (const auto& p : leftovers) {
    fs::remove_all(p, ec);
    if (ec) throw Error(p.string(), "cannot remove the unfinished subject: " + ec.message());
  }
  return int(leftovers.size());
}

SubjectStaging::SubjectStaging(const Layout& layout, const std::string& name)
    : staging_(layout.staging(name)), final_(layout.subject(name)) {
  std::error_code ec;
  fs::remove_all(staging_, ec);
  make_folder(staging_);
}

SubjectStaging::~SubjectStaging() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void SubjectStaging::commit() {
  std::error_code ec;
  fs::rename(staging_, final_, ec);
  if (ec) throw Error(final_.string(), "cannot move the finished subject into place: " + ec.message());
  committed_ = true;
}

double json_float(float v) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text - 1, v).ptr;
  *end = '\0';
  return std::strtod(text, nullptr);
}

Json json_vec3(const Vec3f& v) { return Json::array({json_float(v.x()), json_float(v.y()), json_float(v.z())}); }

template <class M>
Json matrix_rows(const M& m) {
  Json rows = Json::array();
  for (int r = 0; r < m.rows(); ++r) {
    Json row = Json::array();
    for (int c = 0; c < m.cols(); ++c) row.push_back(json_float(m(r, c)));
    rows.push_back(row);
  }
  return rows;
}
Json json_matrix(const Mat4<float>& m) { return matrix_rows(m); }
Json json_matrix(const Mat3<float>& m) { return matrix_rows(m); }

void write_json(const fs::path& path, const Json& j) {
  write_file_atomically(path, [&](std::ostream& os) { os << j.dump(2) << '\n'; });
}

Json read_json(const fs::path& path) {
  std::ifstream is(path);
  if (!is) throw Error(path.string(), "cannot open for reading");
  try {
    return Json::parse(is);
  } catch (const std::exception& e) {
    throw Error(path.string(), std::string("not valid JSON: ") + e.what());
  }
}

void make_folder(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw Error(path.string(), "cannot create the folder: " + ec.message());
}

}  // namespace hifa::prepare
