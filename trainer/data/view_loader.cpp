#include "data/view_loader.hpp"

#include "body/body_render.hpp"
#include "body/canonical_skinning.hpp"
#include "config/factory.hpp"
#include "prepare/canonical_scan.hpp"

#include "hifa/body/body_model.hpp"
#include "hifa/body/smpl_model.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/render/image_ops.hpp"
#include "hifa/sampling/concepts.hpp"
#include "hifa/sampling/mixture.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <utility>

namespace hifa::trainer {
namespace {

namespace fs = std::filesystem;

// Salts of the run seed: one for the epoch permutation, one for the per-item seeds.
constexpr std::uint64_t shuffle_salt = 0x5e1ec7, item_salt = 0x17e3;
// Streams of an item's CounterRng besides augment.cpp's stream 0.
enum Stream : std::uint64_t {
  crop_stream = 1,
  other_view_stream = 2,
  coarse_points_stream = 3,
  fine_points_stream = 4,
  canonical_points_stream = 5
};

std::uint64_t key64(const RandomBits& b) { return (std::uint64_t{b.v[0]} << 32) | b.v[1]; }

// The samples file whose sigma is the sampler's (the manifest records both prepared sigmas).
std::string samples_file(const PreparedDataset& d, double sigma_cm, const std::string& key, const Config& config) {
  const auto same = [](double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b)); };
  if (same(sigma_cm, d.sigma_coarse_cm())) return "samples_coarse.bin";
  if (same(sigma_cm, d.sigma_fine_cm())) return "samples_fine.bin";
  std::ostringstream os;
  os << "'" << key << "' is " << sigma_cm << " cm but " << d.root().string() << " was prepared with sigma "
     << d.sigma_coarse_cm() << " cm (samples_coarse.bin) and " << d.sigma_fine_cm() << " cm (samples_fine.bin)";
  throw Error(config.source, os.str());
}

ViewMaps resized(ViewMaps m, int size) {
  if (m.image.width() == size) return m;
  for (Image<float>* im : {&m.image, &m.mask, &m.normal_front, &m.normal_back}) *im = resize_area(*im, size, size);
  return m;
}

// `k` members of `pool`, in the order of their random keys, cycling through that order when k is
// larger (see the header).
void draw_from(const std::vector<std::size_t>& pool, std::size_t k, const CounterRng& rng, std::uint64_t stream,
               std::vector<std::size_t>& out) {
  if (k == 0 || pool.empty()) return;
  std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
  keyed.reserve(pool.size());
  for (const std::size_t i : pool) keyed.emplace_back(key64(rng.bits(stream, i)), i);
  std::sort(keyed.begin(), keyed.end());
  for (std::size_t n = 0; n < k; ++n) out.push_back(keyed[n % keyed.size()].second);
}

// Record indices for one sampler: see "points" in the header. `unbalanced` is set when a balanced
// draw found a class empty.
std::vector<std::size_t> draw_points(const SubjectSamples& s, const SamplerConfig& c, const std::vector<bool>* allowed,
                                     const CounterRng& rng, std::uint64_t stream, bool& unbalanced) {
  // members[r][l]: the allowed records of range r (0 surface, 1 uniform; one range when unordered)
  // with label l.
  const std::size_t ranges = s.ordered ? 2 : 1;
  std::vector<std::size_t> members[2][2];
  for (std::size_t i = 0; i < s.count(); ++i) {
    if (allowed && !(*allowed)[i]) continue;
    members[s.ordered && i >= s.surface ? 1 : 0][s.records[4 * i + 3] > 0.5f ? 1 : 0].push_back(i);
  }
  const double weight[2] = {s.ordered ? double(c.surface_weight) : 1.0, double(c.uniform_weight)};
  const auto size = [&](std::size_t r) { return double(members[r][0].size() + members[r][1].size()); };
  std::vector<std::size_t> out;
  out.reserve(std::size_t(c.points));
  // Draws `count` records of label class `cls` (0, 1, or 2 for both) over the ranges, range r taking
  // a largest-remainder share by weight[r] times the fraction of its records in the class: the mix a
  // weighted draw followed by PIFu's balancing gives in expectation.
  const auto draw_class = [&](int cls, std::size_t count) {
    std::vector<double> share(ranges, 0.0);
    for (std::size_t r = 0; r < ranges; ++r) {
      if (size(r) == 0) continue;
      const double in_class = cls == 2 ? size(r) : double(members[r][std::size_t(cls)].size());
      share[r] = weight[r] * in_class / size(r);
    }
    if (std::all_of(share.begin(), share.end(), [](double w) { return w <= 0; })) return false;
    const std::vector<std::size_t> counts = largest_remainder_counts(count, share);
    for (std::size_t r = 0; r < ranges; ++r) {
      std::vector<std::size_t> pool;
      if (cls == 2) {
        pool = members[r][0];
        pool.insert(pool.end(), members[r][1].begin(), members[r][1].end());
      } else {
        pool = members[r][std::size_t(cls)];
      }
      draw_from(pool, counts[r], rng, (stream << 8) | (r << 4) | std::uint64_t(cls), out);
    }
    return true;
  };
  const std::size_t n = std::size_t(c.points);
  // Balanced: half inside, half outside; a class with no records (or none the weights allow) leaves
  // the whole draw to the other.
  unbalanced = false;
  if (!c.balance || !draw_class(1, n / 2) || !draw_class(0, n - n / 2)) {
    unbalanced = c.balance;
    out.clear();
    if (!draw_class(2, n)) throw Error("ViewLoader", "no samples to draw from");
  }
  return out;
}

// H x W x C image -> C x H x W tensor (a copy), scaled a v + b.
torch::Tensor chw(const Image<float>& im, float a = 1, float b = 0) {
  const torch::Tensor t = torch::from_blob(const_cast<float*>(im.data()), {im.height(), im.width(), im.channels()},
                                           torch::kFloat32);
  return (t.permute({2, 0, 1}) * a + b).contiguous();
}

// One level's maps of a batch's items, stacked into B x C x H x W tensors (image to [-1, 1]).
struct MapStack {
  std::vector<torch::Tensor> image, mask, front, back;
  void add(const ViewMaps& m) {
    image.push_back(chw(m.image, 2, -1));
    mask.push_back(chw(m.mask));
    front.push_back(chw(m.normal_front));
    back.push_back(chw(m.normal_back));
  }
  void stack(torch::Tensor& image_out, torch::Tensor& mask_out, torch::Tensor& front_out, torch::Tensor& back_out) const {
    image_out = torch::stack(image);
    mask_out = torch::stack(mask);
    front_out = torch::stack(front);
    back_out = torch::stack(back);
  }
};

}  // namespace

// A subject's canonical samples and the blend of each into the subject's normalized frame.
struct ViewLoader::SubjectCanonical {
  std::shared_ptr<const prepare::CanonicalSamples> samples;
  CanonicalSkinning skinning;  // the subject's normalized frame
  Vec3f rest_root;
  TriMeshf posed_body;         // the fitted body in the subject's normalized frame (with body_normals)
};

struct ViewLoader::Item {
  ViewMaps coarse, fine;
  std::vector<float> points, labels;            // N x 3 (view frame), N
  std::vector<float> fine_points, fine_crop, fine_labels;
  int64_t crop_x = 0, crop_y = 0;  // the fine crop's top-left pixel
  ViewBody body;                   // with body targets
  // Canonical samples (model.type car): N x 3, N, N x 3, N x 12, N.
  std::vector<float> canonical, sdf, normals, blend, front;
  torch::Tensor body_normals;  // 6 x R x R (with body_normals)
  bool coarse_unbalanced = false, fine_unbalanced = false, fine_outside_crop = false;
};

ViewLoader::ViewLoader(const fs::path& dataset, const Config& config, const std::string& split)
    : dataset_(dataset),
      items_(dataset_.items(split)),
      coarse_sampler_(config.train.coarse_sampler),
      fine_sampler_(config.train.fine_sampler),
      augment_(config.train.augment),
      seed_(config.train.seed),
      coarse_size_(input_image_size(config)),
      points_(config.model_type == "pifuhd" || config.model_type == "pifu"),
      car_sampler_(config.train.car_sampler),
      body_normals_(config.normal_net.body_normals) {
  if (config.body_net || config.car) load_bodies(config);
  if (!points_) return;
  coarse_file_ = samples_file(dataset_, coarse_sampler_.sigma_cm, "train.coarse_sampler.sigma_cm", config);
  if (config.fine && dataset_.fine_resolution() > 0) {
    fine_size_ = config.fine->image_size;
    crop_ = config.train.fine_crop;
    if (crop_ > fine_size_) {
      throw Error(config.source, "'train.fine_crop' is " + std::to_string(crop_) +
                                     ", larger than the fine image (model.fine.image_size " + std::to_string(fine_size_) + ")");
    }
    fine_file_ = samples_file(dataset_, fine_sampler_.sigma_cm, "train.fine_sampler.sigma_cm", config);
  }
}

void ViewLoader::load_bodies(const Config& config) {
  const fs::path path = body_model_file(config);
  const SmplModel<float> model = SmplModel<float>::load(path);
  if (config.body_net) shape_count_ = model.shape_count();
  std::vector<ViewItem> with_fit;
  for (const ViewItem& item : items_) {
    if (!rest_root_.contains(item.subject)) {
      const auto fit = dataset_.body_fit(item.subject);
      if (!fit) continue;
      if (fit->fit.model != path.stem().string()) {
        throw Error((dataset_.subject_folder(item.subject) / "subject.json").string(),
                    "its body fit was made with the body model '" + fit->fit.model + "', the config's body model is " +
                        path.string());
      }
      const std::size_t n = std::min(fit->fit.betas.size(), std::size_t(model.shape_count()));
      const RowMatrix3<float> rest_joints = model.rest_joints(model.rest_vertices(std::span(fit->fit.betas.data(), n)));
      const Vec3f root = rest_joints.row(0).transpose();
      rest_root_.emplace(item.subject, root);
      if (config.car) canonical_.emplace(item.subject, load_canonical(model, *fit, item.subject));
    }
    with_fit.push_back(item);
  }
  if (with_fit.empty()) {
    throw Error(dataset_.root().string(), std::string("no subject of the split has a body fit") +
                                              (config.car ? " and canonical samples, which CAR trains on" : "") +
                                              " (prepare it with --fit-body, or give body files beside the scans)");
  }
  items_ = std::move(with_fit);
}

std::shared_ptr<const ViewLoader::SubjectCanonical> ViewLoader::load_canonical(const SmplModel<float>& model,
                                                                               const SubjectBodyFit& fit,
                                                                               const std::string& subject) const {
  auto c = std::make_shared<SubjectCanonical>();
  c->samples = dataset_.canonical_samples(subject);
  if (!c->samples) {
    throw Error((dataset_.subject_folder(subject) / "subject.json").string(), "has a body fit but no canonical samples");
  }
  for (int g = 0; g < prepare::canonical_group_count; ++g) {
    if (c->samples->counts[std::size_t(g)] == 0) {
      throw Error((dataset_.subject_folder(subject) / "canonical" / "samples.bin").string(),
                  "has an empty sample group (" + std::to_string(g) + "); prepare it again with --samples > 0");
    }
  }
  const prepare::FittedBody body = prepare::fitted_body(model, fit.fit);
  c->rest_root = body.rest_root;
  const RowMatrix3<float> relative = c->samples->canonical.rowwise() - body.rest_root.transpose();
  c->skinning = CanonicalSkinner(body).skin(relative, fit.posed_to_normalized);
  if (body_normals_) c->posed_body = transformed(body.posed, fit.posed_to_normalized);
  return c;
}

int64_t ViewLoader::batches_per_epoch(int batch) const {
  if (batch < 1) throw Error("ViewLoader", "batch size must be >= 1, got " + std::to_string(batch));
  return items() / batch;
}

std::vector<int64_t> ViewLoader::epoch_order(int64_t epoch) const {
  const CounterRng rng{detail::mix_seed(seed_, shuffle_salt)};
  std::vector<std::pair<std::uint64_t, int64_t>> keyed;
  for (int64_t i = 0; i < items(); ++i) keyed.emplace_back(key64(rng.bits(std::uint64_t(epoch), std::uint64_t(i))), i);
  std::sort(keyed.begin(), keyed.end());
  std::vector<int64_t> order;
  for (const auto& k : keyed) order.push_back(k.second);
  return order;
}

ViewLoader::Item ViewLoader::load_item(int64_t epoch, int64_t index, bool augment) const {
  const ViewItem& view = items_[std::size_t(index)];
  const CounterRng run{detail::mix_seed(seed_, item_salt)};
  const CounterRng rng{key64(run.bits(std::uint64_t(epoch), std::uint64_t(index)))};
  const ItemAugment aug = augment ? draw_augment(augment_, rng.seed()) : ItemAugment{};

  Item out;
  out.coarse = warp_view(resized(dataset_.read_view(view, false), coarse_size_), aug.affine, 0, 0, coarse_size_);
  int ox = 0, oy = 0;
  if (has_fine()) {
    ox = int(rng.below(std::uint64_t(fine_size_ - crop_ + 1), crop_stream, 0));
    oy = int(rng.below(std::uint64_t(fine_size_ - crop_ + 1), crop_stream, 1));
    out.fine = warp_view(resized(dataset_.read_view(view, true), fine_size_), aug.affine, ox, oy, crop_);
    out.crop_x = ox;
    out.crop_y = oy;
  }

  if (aug.swap_background) {
    // One background picture for both levels (prepare/backgrounds.hpp draws over the unit square).
    Image<float> coarse_bg = backgrounds_.make(aug.background_seed, coarse_size_);
    Image<float> fine_bg = has_fine() ? backgrounds_.make(aug.background_seed, fine_size_) : Image<float>();
    if (augment_.background_source == "other_view" && items() > 1) {
      // Another item's background region; where that item's subject is, the procedural picture.
      int64_t other = int64_t(rng.below(std::uint64_t(items() - 1), other_view_stream, 0));
      if (other >= index) ++other;
      const ViewItem& o = items_[std::size_t(other)];
      const ViewMaps oc = resized(dataset_.read_view(o, false), coarse_size_);
      swap_background(coarse_bg, oc.mask, oc.image);
      if (has_fine()) {
        const ViewMaps of = resized(dataset_.read_view(o, true), fine_size_);
        swap_background(fine_bg, of.mask, of.image);
      }
    }
    swap_background(out.coarse.image, out.coarse.mask, coarse_bg);
    if (has_fine()) swap_background(out.fine.image, out.fine.mask, crop_image(fine_bg, ox, oy, crop_));
  }
  if (aug.color_jitter) {
    std::vector<Image<float>*> images{&out.coarse.image};
    if (has_fine()) images.push_back(&out.fine.image);
    color_jitter(images, aug.jitter);
  }

  const Mat3<float> R = dataset_.subject_to_view(view);
  if (shape_count_ > 0) out.body = body_in_view(*dataset_.body_fit(view.subject), rest_root_.at(view.subject), R, aug.affine, shape_count_);
  if (!canonical_.empty()) draw_canonical(*canonical_.at(view.subject), R, aug.affine, rng, out);
  if (body_normals_) {
    TriMeshf body = canonical_.at(view.subject)->posed_body;
    for (Eigen::Index v = 0; v < body.vertices.rows(); ++v) {
      body.vertices.row(v) = aug.affine.apply(R * body.vertices.row(v).transpose()).transpose();
    }
    out.body_normals = body_normal_channels(body, coarse_size_);
  }
  if (!points_) return out;
  const auto to_view = [&](const SubjectSamples& s, std::size_t i) {
    const Vec3f p(s.records[4 * i], s.records[4 * i + 1], s.records[4 * i + 2]);
    return aug.affine.apply(R * p);
  };
  const auto coarse = dataset_.samples(view.subject, coarse_file_);
  for (const std::size_t i : draw_points(*coarse, coarse_sampler_, nullptr, rng, coarse_points_stream, out.coarse_unbalanced)) {
    const Vec3f p = to_view(*coarse, i);
    out.points.insert(out.points.end(), {p.x(), p.y(), p.z()});
    out.labels.push_back(coarse->records[4 * i + 3]);
  }
  if (has_fine()) {
    // The crop frame: the window's centre (cx, cy) in the view frame, scaled k = fine size / crop.
    const float k = float(fine_size_) / float(crop_);
    const float cx = 2 * (float(ox) + 0.5f * float(crop_)) / float(fine_size_) - 1;
    const float cy = 1 - 2 * (float(oy) + 0.5f * float(crop_)) / float(fine_size_);
    const auto to_crop = [&](const Vec3f& p) { return Vec3f((p.x() - cx) * k, (p.y() - cy) * k, p.z() * k); };
    const auto fine = dataset_.samples(view.subject, fine_file_);
    std::vector<bool> inside(fine->count());
    bool any = false;
    for (std::size_t i = 0; i < fine->count(); ++i) {
      const Vec3f c = to_crop(to_view(*fine, i));
      inside[i] = std::abs(c.x()) <= 1 && std::abs(c.y()) <= 1;
      any = any || inside[i];
    }
    out.fine_outside_crop = !any;
    for (const std::size_t i :
         draw_points(*fine, fine_sampler_, any ? &inside : nullptr, rng, fine_points_stream, out.fine_unbalanced)) {
      const Vec3f p = to_view(*fine, i), c = to_crop(p);
      out.fine_points.insert(out.fine_points.end(), {p.x(), p.y(), p.z()});
      out.fine_crop.insert(out.fine_crop.end(), {c.x(), c.y(), c.z()});
      out.fine_labels.push_back(fine->records[4 * i + 3]);
    }
  }
  return out;
}

void ViewLoader::draw_canonical(const SubjectCanonical& c, const Mat3<float>& subject_to_view, const ViewAffine& affine,
                                const CounterRng& rng, Item& out) const {
  const prepare::CanonicalSamples& s = *c.samples;
  const auto group = [&](prepare::CanonicalGroup g) {
    std::vector<std::size_t> pool(s.counts[std::size_t(g)]);
    std::iota(pool.begin(), pool.end(), s.first(g));
    return pool;
  };
  std::vector<std::size_t> picked;
  const std::size_t near_coarse = std::size_t(car_sampler_.near / 2);
  const std::pair<prepare::CanonicalGroup, std::size_t> draws[] = {
      {prepare::surface_group, std::size_t(car_sampler_.surface)},
      {prepare::near_coarse_group, near_coarse},
      {prepare::near_fine_group, std::size_t(car_sampler_.near) - near_coarse},
      {prepare::uniform_group, std::size_t(car_sampler_.uniform)}};
  for (const auto& [g, k] : draws) draw_from(group(g), k, rng, (canonical_points_stream << 8) | std::uint64_t(g), picked);
  // View = affine(R n): linear a R, offset (tx, ty, 0) (augment.hpp).
  const Mat3<float> a = affine.scale * subject_to_view;
  const Vec3f shift(affine.tx, affine.ty, 0);
  for (const std::size_t i : picked) {
    const auto e = Eigen::Index(i);
    const Vec3f x = s.canonical.row(e).transpose() - c.rest_root;
    out.canonical.insert(out.canonical.end(), {x.x(), x.y(), x.z()});
    out.sdf.push_back(s.sdf[i]);
    out.normals.insert(out.normals.end(), {s.normals(e, 0), s.normals(e, 1), s.normals(e, 2)});
    Eigen::Matrix<float, 3, 4, Eigen::RowMajor> blend = Eigen::Map<const Eigen::Matrix<float, 3, 4, Eigen::RowMajor>>(
        c.skinning.blend.row(e).data());
    blend.leftCols<3>() = a * blend.leftCols<3>();
    blend.col(3) = a * blend.col(3) + shift;
    out.blend.insert(out.blend.end(), blend.data(), blend.data() + 12);
    out.front.push_back((subject_to_view * c.skinning.body_normal.row(e).transpose()).z() > 0 ? 1.0f : 0.0f);
  }
}

ViewBatch ViewLoader::batch(int64_t epoch, int64_t index, int batch_size, bool augment, Shard shard) const {
  const int64_t batches = batches_per_epoch(batch_size);
  if (index < 0 || index >= batches) {
    throw Error("ViewLoader", "batch " + std::to_string(index) + " of an epoch of " + std::to_string(batches) +
                                  " batches of " + std::to_string(batch_size) + " (" + std::to_string(items()) + " items)");
  }
  const std::vector<int64_t> order = epoch_order(epoch);
  MapStack coarse, fine;
  std::vector<torch::Tensor> pts, lab, fpts, fcrop, flab, forigin, rotations, betas, scale, translation;
  std::vector<torch::Tensor> canonical, sdf, normals, blend, front, body_normals;
  ViewBatch b;
  b.first_item = shard.first(batch_size);
  b.global_size = batch_size;
  for (int64_t k = b.first_item; k < b.first_item + shard.count(batch_size); ++k) {
    const int64_t item = order[std::size_t(index * batch_size + k)];
    const Item it = load_item(epoch, item, augment);
    b.subjects.push_back(items_[std::size_t(item)].subject);
    b.views.push_back(items_[std::size_t(item)].view);
    b.fallbacks += DrawFallbacks{it.coarse_unbalanced, it.fine_unbalanced, it.fine_outside_crop};
    coarse.add(it.coarse);
    if (body_normals_) body_normals.push_back(it.body_normals);
    if (shape_count_ > 0) {
      rotations.push_back(torch::tensor(it.body.rotations).view({-1, 3, 3}));
      betas.push_back(torch::tensor(it.body.betas));
      scale.push_back(torch::tensor(it.body.scale));
      translation.push_back(torch::tensor(std::vector<float>{it.body.translation.x(), it.body.translation.y(), it.body.translation.z()}));
    }
    if (!canonical_.empty()) {
      const auto n = int64_t(it.sdf.size());
      canonical.push_back(torch::tensor(it.canonical).view({n, 3}));
      sdf.push_back(torch::tensor(it.sdf));
      normals.push_back(torch::tensor(it.normals).view({n, 3}));
      blend.push_back(torch::tensor(it.blend).view({n, 3, 4}));
      front.push_back(torch::tensor(it.front));
    }
    if (points_) {
      const auto n = int64_t(it.labels.size());
      pts.push_back(torch::tensor(it.points).view({n, 3}).t());
      lab.push_back(torch::tensor(it.labels).view({1, n}));
    }
    if (has_fine()) {
      fine.add(it.fine);
      const auto m = int64_t(it.fine_labels.size());
      fpts.push_back(torch::tensor(it.fine_points).view({m, 3}).t());
      fcrop.push_back(torch::tensor(it.fine_crop).view({m, 3}).t());
      flab.push_back(torch::tensor(it.fine_labels).view({1, m}));
      forigin.push_back(torch::tensor(std::vector<int64_t>{it.crop_x, it.crop_y}, torch::kInt64));
    }
  }
  coarse.stack(b.image, b.mask, b.normal_front, b.normal_back);
  if (body_normals_) b.body_normals = torch::stack(body_normals);
  if (points_) {
    b.points = torch::stack(pts);
    b.labels = torch::stack(lab);
  }
  if (!canonical_.empty()) {
    b.canonical_points = torch::stack(canonical);
    b.canonical_sdf = torch::stack(sdf);
    b.canonical_normals = torch::stack(normals);
    b.canonical_blend = torch::stack(blend);
    b.canonical_front = torch::stack(front);
  }
  if (shape_count_ > 0) {
    b.body_rotations = torch::stack(rotations);
    b.body_betas = torch::stack(betas);
    b.body_scale = torch::stack(scale);
    b.body_translation = torch::stack(translation);
  }
  if (has_fine()) {
    fine.stack(b.fine_image, b.fine_mask, b.fine_normal_front, b.fine_normal_back);
    b.fine_points = torch::stack(fpts);
    b.fine_points_crop = torch::stack(fcrop);
    b.fine_labels = torch::stack(flab);
    b.fine_crop_origin = torch::stack(forigin);
  }
  return b;
}

BatchPrefetcher::BatchPrefetcher(const ViewLoader& loader, int64_t epoch, int64_t first_index, int batch_size,
                                 int workers, int depth, Shard shard)
    : loader_(loader),
      epoch_(epoch),
      end_(loader.batches_per_epoch(batch_size)),
      batch_size_(batch_size),
      depth_(std::max(1, depth)),
      shard_(shard),
      next_claim_(first_index),
      next_out_(first_index) {
  for (int w = 0; w < std::max(1, workers); ++w) threads_.emplace_back([this] { work(); });
}

BatchPrefetcher::~BatchPrefetcher() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void BatchPrefetcher::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    // Claim the next index once it is within `depth` of the one next() waits for.
    changed_.wait(lock, [&] { return stop_ || next_claim_ >= end_ || next_claim_ < next_out_ + depth_; });
    if (stop_ || next_claim_ >= end_) return;
    const int64_t i = next_claim_++;
    lock.unlock();
    std::optional<ViewBatch> b;
    std::exception_ptr error;
    try {
      b = loader_.batch(epoch_, i, batch_size_, true, shard_);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error) {
      failed_[i] = error;
    } else {
      ready_[i] = std::move(*b);
    }
    changed_.notify_all();
  }
}

std::optional<ViewBatch> BatchPrefetcher::next() {
  std::unique_lock lock(mutex_);
  if (next_out_ >= end_) return std::nullopt;
  const int64_t i = next_out_;
  changed_.wait(lock, [&] { return ready_.count(i) || failed_.count(i); });
  ++next_out_;
  changed_.notify_all();
  if (const auto f = failed_.find(i); f != failed_.end()) {
    const std::exception_ptr e = f->second;
    failed_.erase(f);
    std::rethrow_exception(e);
  }
  ViewBatch b = std::move(ready_.at(i));
  ready_.erase(i);
  return b;
}

}  // namespace hifa::trainer
