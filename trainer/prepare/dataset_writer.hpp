#pragma once
// The on-disk layout of a prepared dataset (docs/dataset.md is the reference a trainer reads) and
// the writing of its files: every file atomically, every subject folder all at once.
//
//   DATASET/manifest.json            format, options, one entry per scan found: status done /
//                                    skipped (with reason) / pending (an interrupted run)
//   DATASET/report.json              the scans skipped and why; folder entries ignored
//   DATASET/split.json               train / test subject names (seeded, --test-fraction)
//   DATASET/subjects/<name>/         one complete subject (see docs/dataset.md)
//   DATASET/subjects/.partial-<name> a subject being written; removed by the next run
//
// SubjectStaging: begin() makes a fresh .partial-<name> folder; commit() renames it to <name> in
// one rename(2), so a subject folder either is complete or does not exist, whatever interrupts the
// run; the destructor removes an uncommitted staging folder.

#include "hifa/render/camera.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace hifa::prepare {

using Json = nlohmann::ordered_json;  // keys in insertion order: the same bytes every run

inline constexpr const char* dataset_format = "hifa-pifu-dataset";
inline constexpr int dataset_version = 2;  // 2: body fits and canonical data (docs/dataset.md)

struct Layout {
  std::filesystem::path root;
  std::filesystem::path manifest() const { return root / "manifest.json"; }
  std::filesystem::path report() const { return root / "report.json"; }
  std::filesystem::path split() const { return root / "split.json"; }
  std::filesystem::path subjects() const { return root / "subjects"; }
  std::filesystem::path subject(const std::string& name) const { return subjects() / name; }
  std::filesystem::path staging(const std::string& name) const { return subjects() / (".partial-" + name); }
};

// Removes the .partial-* folders a killed run left behind; returns how many.
int remove_leftover_staging(const Layout& layout);

class SubjectStaging {
 public:
  SubjectStaging(const Layout& layout, const std::string& name);
  ~SubjectStaging();
  SubjectStaging(const SubjectStaging&) = delete;
  SubjectStaging& operator=(const SubjectStaging&) = delete;

  const std::filesystem::path& path() const { return staging_; }
  void commit();

 private:
  std::filesystem::path staging_, final_;
  bool committed_ = false;
};

// A float as the shortest decimal that reads back as the same float (not the float's double
// expansion: 0.1f is written 0.1, not 0.10000000149011612).
double json_float(float v);
Json json_vec3(const Vec3f& v);
Json json_matrix(const Mat4<float>& m);
Json json_matrix(const Mat3<float>& m);

// Dumps `j` (2-space indent, newline at the end) to `path` atomically.
void write_json(const std::filesystem::path& path, const Json& j);
Json read_json(const std::filesystem::path& path);

// Creates `path` and its parents; errors name the path.
void make_folder(const std::filesystem::path& path);

}  // namespace hifa::prepare
