#include "prepare/contact_sheet.hpp"

#include "prepare/render_views.hpp"

#include "hifa/render/contact_sheet.hpp"
#include "hifa/render/image_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>

namespace hifa::prepare {

std::vector<int> contact_sheet_views(int views) {
  std::vector<int> out;
  for (int k = 0; k < 4; ++k) {
    const int v = int((std::int64_t(k) * views) / 4);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

void write_dataset_contact_sheet(const Layout& layout, const std::vector<std::string>& subjects, int views,
                                 int resolution) {
  if (subjects.empty()) return;
  const std::vector<int> shown = contact_sheet_views(views);
  std::vector<Image<float>> images;
  std::vector<std::string> labels;
  for (const std::string& name : subjects) {
    for (const int v : shown) {
      const std::string yaw = std::to_string(int(std::lround(360.0 * v / views)));
      for (const char* map : contact_sheet_maps) {
        images.push_back(read_image(layout.subject(name) / map / (view_name(v, views) + ".png")));
        const std::string what = map == std::string("image") ? name + " " + yaw
                                 : map == std::string("mask") ? yaw + " mask"
                                 : map == std::string("normal_front") ? yaw + " front"
                                                                      : yaw + " back";
        labels.push_back(what);
      }
    }
  }
  ContactSheetOptions o;
  o.columns = int(shown.size() * std::size(contact_sheet_maps));  // one row per subject
  o.thumb_width = o.thumb_height = std::min(128, resolution);
  o.padding = 4;
  write_contact_sheet(layout.root / "contact_sheet.png", images, labels, o);
}

void write_canonical_contact_sheet(const Layout& layout, const std::vector<std::string>& subjects) {
  struct Row {
    double touching, other_part, torn, inside;
    std::string name;
  };
  std::vector<Row> worst_first;
  for (const std::string& name : subjects) {
    const Json subject = read_json(layout.subject(name) / "subject.json");
    const Json& canonical = subject.contains("canonical") ? subject["canonical"] : Json();
    if (canonical.is_object()) {
      worst_first.push_back({canonical.at("touching_fraction").get<double>(),
                             canonical.at("inside_other_part_fraction").get<double>(),
                             canonical.at("on_torn_face_fraction").get<double>(),
                             canonical.at("inside_body_fraction").get<double>(), name});
    }
  }
  if (worst_first.empty()) return;
  std::stable_sort(worst_first.begin(), worst_first.end(),
                   [](const Row& a, const Row& b) { return a.touching > b.touching; });
  std::vector<Image<float>> images;
  std::vector<std::string> labels;
  for (const Row& r : worst_first) {
    images.push_back(read_image(layout.subject(r.name) / "canonical" / "preview.png"));
    char label[200];
    std::snprintf(label, sizeof label, "%s: touching %.1f%% (inside another part %.1f%%, torn faces %.1f%%), inside the body %.1f%%",
                  r.name.c_str(), 100 * r.touching, 100 * r.other_part, 100 * r.torn, 100 * r.inside);
    labels.emplace_back(label);
  }
  ContactSheetOptions o;
  o.columns = 1;
  o.thumb_width = images.front().width();
  o.thumb_height = images.front().height();
  o.padding = 4;
  write_contact_sheet(layout.root / "canonical_sheet.png", images, labels, o);
}

}  // namespace hifa::prepare
