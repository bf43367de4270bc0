#include "data/prepared_dataset.hpp"

#include "prepare/dataset_writer.hpp"
#include "prepare/render_views.hpp"
#include "prepare/samples.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/sampling/mixture.hpp"
#include "hifa/sampling/mixture_spec.hpp"

#include <cmath>
#include <system_error>

namespace hifa::trainer {
namespace {

namespace fs = std::filesystem;
using prepare::Json;

// A JSON value of the expected kind, or an error naming the file and the key.
const Json& field(const Json& j, const std::string& key, const fs::path& file) {
  if (!j.is_object() || !j.contains(key)) throw Error(file.string(), "has no '" + key + "'");
  return j[key];
}

int int_field(const Json& j, const std::string& key, const fs::path& file) {
  const Json& v = field(j, key, file);
  if (!v.is_number_integer()) throw Error(file.string(), "'" + key + "' is not an integer: " + v.dump());
  return v.get<int>();
}

std::vector<std::string> names(const Json& split, const std::string& key, const fs::path& file) {
  const Json& v = field(split, key, file);
  if (!v.is_array()) throw Error(file.string(), "'" + key + "' is not a list of subject names");
  std::vector<std::string> out;
  for (const Json& n : v) {
    if (!n.is_string()) throw Error(file.string(), "'" + key + "' holds " + n.dump() + ", not a subject name");
    out.push_back(n.get<std::string>());
  }
  return out;
}

Image<float> read_map(const fs::path& path, int size, int channels) {
  if (!fs::exists(path)) throw Error(path.string(), "missing (the dataset is incomplete)");
  Image<float> im = read_image(path);
  if (im.width() != size || im.height() != size || im.channels() != channels) {
    throw Error(path.string(), "is " + std::to_string(im.width()) + " x " + std::to_string(im.height()) + " with " +
                                   std::to_string(im.channels()) + " channels; the dataset's views are " +
                                   std::to_string(size) + " x " + std::to_string(size) + " with " +
                                   std::to_string(channels));
  }
  return im;
}

// Stored (n + 1) / 2 -> n, and 0 where the mask is 0 (docs/dataset.md: the file holds 0 there).
void decode_normals(Image<float>& normals, const Image<float>& mask) {
  for (int y = 0; y < normals.height(); ++y) {
    for (int x = 0; x < normals.width(); ++x) {
      const bool covered = mask(x, y) > 0;
      for (int c = 0; c < 3; ++c) normals(x, y, c) = covered ? 2 * normals(x, y, c) - 1 : 0.0f;
    }
  }
}

}  // namespace

PreparedDataset::PreparedDataset(const fs::path& root) : root_(root) {
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) throw Error(root_.string(), "no such dataset folder (make one with hifa prepare)");
  const fs::path manifest_path = root_ / "manifest.json";
  if (!fs::exists(manifest_path, ec)) throw Error(manifest_path.string(), "missing: not a dataset hifa prepare wrote");
  const Json manifest = prepare::read_json(manifest_path);
  if (!manifest.is_object() || manifest.value("format", "") != prepare::dataset_format) {
    throw Error(manifest_path.string(), "format is not " + std::string(prepare::dataset_format));
  }
  // Version 1 is version 2 without body fits and canonical data: read as such.
  if (const int version = int_field(manifest, "version", manifest_path); version < 1 || version > prepare::dataset_version) {
    throw Error(manifest_path.string(), "dataset version " + manifest["version"].dump() + ", this hifa reads versions 1 to " +
                                            std::to_string(prepare::dataset_version) + " (a newer hifa wrote it)");
  }
  const Json& options = field(manifest, "options", manifest_path);
  views_ = int_field(options, "views", manifest_path);
  resolution_ = int_field(options, "resolution", manifest_path);
  fine_resolution_ = int_field(options, "fine_resolution", manifest_path);
  for (auto [key, value] : {std::pair{"sigma_coarse_cm", &sigma_coarse_cm_}, {"sigma_fine_cm", &sigma_fine_cm_}}) {
    const Json& v = field(options, key, manifest_path);
    if (!v.is_number()) throw Error(manifest_path.string(), "'" + std::string(key) + "' is not a number: " + v.dump());
    *value = v.get<double>();
  }
  if (views_ < 1 || resolution_ < 1 || fine_resolution_ < 0) {
    throw Error(manifest_path.string(), "options hold views " + std::to_string(views_) + ", resolution " +
                                            std::to_string(resolution_) + ", fine_resolution " +
                                            std::to_string(fine_resolution_));
  }

  const fs::path split_path = root_ / "split.json";
  const Json split = prepare::read_json(split_path);
  train_ = names(split, "train", split_path);
  test_ = names(split, "test", split_path);
  all_ = train_;
  all_.insert(all_.end(), test_.begin(), test_.end());
  for (const std::string& name : all_) {
    if (!fs::exists(subject_folder(name) / "subject.json", ec)) {
      throw Error(split_path.string(), "lists subject '" + name + "' but " + subject_folder(name).string() +
                                           " has no subject.json (removed or incomplete)");
    }
  }
}

const std::vector<std::string>& PreparedDataset::subjects(const std::string& split) const {
  if (split == "train") return train_;
  if (split == "test") return test_;
  if (split == "all") return all_;
  throw Error(root_.string(), "unknown split '" + split + "' (train, test or all)");
}

std::vector<ViewItem> PreparedDataset::items(const std::string& split) const {
  std::vector<ViewItem> out;
  for (const std::string& s : subjects(split)) {
    for (int v = 0; v < views_; ++v) out.push_back({s, v});
  }
  return out;
}

std::string PreparedDataset::view_name(int view) const { return prepare::view_name(view, views_); }

ViewMaps PreparedDataset::read_view(const ViewItem& item, bool fine) const {
  if (fine && fine_resolution_ == 0) throw Error(root_.string(), "has no fine images (prepared without --fine-res)");
  const fs::path folder = fine ? subject_folder(item.subject) / "fine" : subject_folder(item.subject);
  const std::string png = view_name(item.view) + ".png";
  const int size = fine ? fine_resolution_ : resolution_;
  ViewMaps m;
  m.image = read_map(folder / "image" / png, size, 3);
  m.mask = read_map(folder / "mask" / png, size, 1);
  m.normal_front = read_map(folder / "normal_front" / png, size, 3);
  m.normal_back = read_map(folder / "normal_back" / png, size, 3);
  decode_normals(m.normal_front, m.mask);
  decode_normals(m.normal_back, m.mask);
  return m;
}

Mat3<float> PreparedDataset::subject_to_view(const ViewItem& item) const {
  const fs::path path = subject_folder(item.subject) / "calib" / (view_name(item.view) + ".json");
  const Json calib = prepare::read_json(path);
  const Json& r = field(calib, "subject_to_view", path);
  Mat3<float> R;
  if (!r.is_array() || r.size() != 3) throw Error(path.string(), "'subject_to_view' is not 3 rows of 3 numbers");
  for (int i = 0; i < 3; ++i) {
    const Json& row = r[std::size_t(i)];
    if (!row.is_array() || row.size() != 3) throw Error(path.string(), "'subject_to_view' is not 3 rows of 3 numbers");
    for (int j = 0; j < 3; ++j) {
      if (!row[std::size_t(j)].is_number()) throw Error(path.string(), "'subject_to_view' holds " + row.dump());
      R(i, j) = row[std::size_t(j)].get<float>();
    }
  }
  return R;
}

template <class T, class Load>
std::shared_ptr<const T> PreparedDataset::cached(Cache<T>& cache, const std::pair<std::string, std::string>& key,
                                                 Load&& load) const {
  std::shared_ptr<CacheEntry<T>> entry;
  {
    const std::lock_guard lock(cache_mutex_);
    auto& slot = cache[key];
    if (!slot) slot = std::make_shared<CacheEntry<T>>();
    entry = slot;
  }
  std::call_once(entry->once, [&] { entry->value = load(); });
  return entry->value;
}

std::shared_ptr<const SubjectSamples> PreparedDataset::samples(const std::string& subject, const std::string& file) const {
  return cached(samples_cache_, {subject, file}, [&]() -> std::shared_ptr<const SubjectSamples> {
    const fs::path folder = subject_folder(subject);
    const fs::path path = folder / file;
    if (!fs::exists(path)) throw Error(path.string(), "missing (the dataset is incomplete)");
    prepare::SampleFile f = prepare::read_samples(path);
    auto s = std::make_shared<SubjectSamples>();
    s->sigma_cm = f.sigma_cm;
    s->records = std::move(f.records);
    if (s->count() == 0) throw Error(path.string(), "holds no samples");
    // Where the mixture's components end: the writer (prepare/samples.cpp) concatenates them in the
    // order of subject.json's mixture text, with the largest-remainder counts of the file's count.
    const fs::path meta_path = folder / "subject.json";
    const Json meta = prepare::read_json(meta_path);
    const Json& samples = field(meta, "samples", meta_path);
    const std::string level = file == "samples_fine.bin" ? "fine" : "coarse";
    const Json& info = field(samples, level, meta_path);
    if (!field(samples, "balanced", meta_path).get<bool>()) {
      const MixtureSpec spec = parse_mixture_spec(field(info, "mixture", meta_path).get<std::string>(), meta_path.string());
      std::vector<double> weights;
      for (const SamplerSpec& c : spec.components) weights.push_back(c.weight);
      const std::vector<std::size_t> counts = largest_remainder_counts(s->count(), weights);
      for (std::size_t k = 0; k < counts.size(); ++k) {
        (spec.components[k].kind == SamplerKind::box ? s->uniform : s->surface) += counts[k];
      }
      // Components of one kind must be adjacent for the two ranges to hold (PIFu's mix: 2 components).
      s->ordered = spec.components.size() == 2 && spec.components[0].kind != SamplerKind::box &&
                   spec.components[1].kind == SamplerKind::box;
      if (!s->ordered) s->surface = s->uniform = 0;
    }
    return s;
  });
}

std::shared_ptr<const prepare::CanonicalSamples> PreparedDataset::canonical_samples(const std::string& subject) const {
  return cached(canonical_cache_, {subject, "canonical"}, [&]() -> std::shared_ptr<const prepare::CanonicalSamples> {
    const fs::path folder = subject_folder(subject);
    const Json meta = prepare::read_json(folder / "subject.json");
    if (!meta.contains("canonical") || !meta["canonical"].is_object()) return nullptr;
    const fs::path path = folder / field(meta["canonical"], "samples", folder / "subject.json").get<std::string>();
    if (!fs::exists(path)) throw Error(path.string(), "missing (the dataset is incomplete)");
    return std::make_shared<prepare::CanonicalSamples>(prepare::read_canonical_samples(path));
  });
}

std::shared_ptr<const SubjectBodyFit> PreparedDataset::body_fit(const std::string& subject) const {
  return cached(body_cache_, {subject, "body"}, [&]() -> std::shared_ptr<const SubjectBodyFit> {
    const fs::path folder = subject_folder(subject), meta_path = folder / "subject.json";
    const Json meta = prepare::read_json(meta_path);
    if (!meta.contains("canonical") || !meta["canonical"].is_object()) return nullptr;
    auto out = std::make_shared<SubjectBodyFit>();
    const Json& body = field(meta, "body", meta_path);
    if (!body.is_string()) throw Error(meta_path.string(), "has canonical data but its \"body\" is not a file name");
    out->fit = prepare::read_body_fit(folder / body.get<std::string>());
    const Json& m = field(meta["canonical"], "posed_to_normalized", meta_path);
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) {
        const bool ok = m.is_array() && m.size() == 4 && m[std::size_t(i)].is_array() && m[std::size_t(i)].size() == 4 &&
                        m[std::size_t(i)][std::size_t(j)].is_number();
        if (!ok) throw Error(meta_path.string(), "'canonical.posed_to_normalized' is not 4 rows of 4 numbers");
        out->posed_to_normalized(i, j) = m[std::size_t(i)][std::size_t(j)].get<float>();
      }
    }
    return out;
  });
}

}  // namespace hifa::trainer
