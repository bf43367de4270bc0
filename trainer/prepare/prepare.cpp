#include "prepare/prepare.hpp"

#include "prepare/backgrounds.hpp"
#include "prepare/canonical_data.hpp"
#include "prepare/contact_sheet.hpp"
#include "prepare/dataset_writer.hpp"
#include "prepare/discovery.hpp"
#include "prepare/normalize.hpp"
#include "prepare/render_views.hpp"
#include "prepare/samples.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/render/prt.hpp"
#include "hifa/render/rasterize.hpp"
#include "hifa/sampling/concepts.hpp"
#include "hifa/sampling/surface.hpp"

#include <sched.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

namespace hifa::prepare {
namespace {

namespace fs = std::filesystem;

// A new thread inherits the CPU affinity of the thread that made it, and the Kokkos runtime binds
// the main thread to one core (OMP_PROC_BIND): without this, every worker would share the core of
// the rendering thread while the other cores idle. The kernel keeps the mask within the process's
// allowed CPUs (cgroups, taskset).
void unpin_this_thread() {
  cpu_set_t all;
  CPU_ZERO(&all);
  for (int c = 0; c < CPU_SETSIZE; ++c) CPU_SET(c, &all);
  (void)sched_setaffinity(0, sizeof all, &all);  // best effort: a failure only costs speed
}

// Worker threads that run CPU-only tasks (compositing, PNG encoding, file writing) while the main
// thread renders the next views with Kokkos. Kokkos' OpenMP backend must be driven from the thread
// that initialized it, so no task may call a Kokkos kernel. submit() blocks while `capacity` tasks
// wait, which bounds the rendered views held in memory.
class WritePool {
 public:
  WritePool(int threads, std::size_t capacity) : capacity_(capacity) {
    for (int t = 0; t < threads; ++t) {
      workers_.emplace_back([this] {
        unpin_this_thread();
        work();
      });
    }
  }
  ~WritePool() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    for (auto& w : workers_) w.join();
  }

  void submit(std::function<void()> task) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(task));
    ++pending_;
    changed_.notify_all();
  }

  // Waits until every submitted task has finished; returns the first failure since the last call.
  std::optional<std::string> wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pending_ == 0; });
    auto failure = std::move(failure_);
    failure_.reset();
    return failure;
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
        changed_.notify_all();
      }
      std::optional<std::string> failure;
      try {
        task();
      } catch (const std::exception& e) {
        failure = e.what();
      }
      const std::lock_guard lock(mutex_);
      if (failure && !failure_) failure_ = std::move(failure);
      --pending_;
      changed_.notify_all();
    }
  }

  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> queue_;
  std::size_t pending_ = 0;
  std::optional<std::string> failure_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

struct Interrupted {};

// Rays per vertex of the precomputed radiance transfer (render/prt.hpp's default; its Monte Carlo
// error is far below the 8-bit quantization of the shaded images).
constexpr int prt_rays = 64;

// FNV-1a: a subject's seed depends on its name only, so adding or removing other scans changes
// nothing about it.
std::uint64_t name_hash(const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// The options that decide the bytes of a subject; a resumed dataset must have been made with the
// same. (jobs and threads only change the speed; the split is recomputed every run.)
Json options_json(const PrepareOptions& o) {
  Json j;
  j["views"] = o.views;
  j["resolution"] = o.resolution;
  j["fine_resolution"] = o.fine_resolution;
  j["supersample"] = o.supersample;
  j["pitch_jitter_degrees"] = o.pitch_jitter;
  j["samples"] = o.samples;
  j["sigma_coarse_cm"] = o.sigma_coarse_cm;
  j["sigma_fine_cm"] = o.sigma_fine_cm;
  j["balance"] = o.balance;
  j["unit"] = o.unit;
  j["seed"] = o.seed;
  j["backgrounds"] = o.backgrounds.empty() ? Json("procedural") : Json(fs::absolute(o.backgrounds).lexically_normal().string());
  j["lighting"] = o.lighting ? Json({{"model", "sh-prt"}, {"rays", prt_rays}}) : Json("albedo");
  j["body_model"] = o.body_model.stem().string();
  j["fit_body"] = bool(o.fit_body);
  if (!o.fit_only.empty()) j["fit_only"] = o.fit_only;  // absent otherwise: datasets from before keep their options
  return j;
}

// A reason without the "<mesh path>: " prefix the toolkit's errors start with (the skip line and
// the report name the scan already).
std::string reason_of(const std::string& message, const ScanSource& scan) {
  const std::string prefix = scan.mesh.string() + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

// elsewhere: a scan another shard prepares (--shard I/N).
enum class Status { pending, done, skipped, elsewhere };

struct Entry {
  const ScanSource* scan;
  Status status = Status::pending;
  std::string reason;
};

// The shard of a --shard I/N run ({"index": I, "count": N}); null for a whole dataset.
Json shard_json(const PrepareOptions& o) {
  return o.shard_count > 1 ? Json{{"index", o.shard_index}, {"count", o.shard_count}} : Json();
}

const char* status_name(Status s) {
  switch (s) {
    case Status::done: return "done";
    case Status::skipped: return "skipped";
    case Status::elsewhere: return "another shard";
    case Status::pending: break;
  }
  return "pending";
}

Json manifest_json(const Json& options, const Json& shard, const std::vector<Entry>& entries) {
  Json j;
  j["format"] = dataset_format;
  j["version"] = dataset_version;
  j["options"] = options;
  if (!shard.is_null()) j["shard"] = shard;  // absent for a whole dataset: its bytes as before
  Json subjects = Json::array();
  for (const Entry& e : entries) {
    Json s;
    s["name"] = e.scan->name;
    s["source"] = e.scan->relative;
    s["status"] = status_name(e.status);
    if (e.status == Status::done) s["folder"] = "subjects/" + e.scan->name;
    if (e.status == Status::skipped) s["reason"] = e.reason;
    subjects.push_back(s);
  }
  j["subjects"] = subjects;
  return j;
}

// `ignored`: the folder entries discovery ignored, as {"path", "reason"} objects.
Json report_json(const std::vector<Entry>& entries, const Json& ignored) {
  Json j;
  std::size_t done = 0;
  Json skipped = Json::array();
  for (const Entry& e : entries) {
    if (e.status == Status::done) ++done;
    if (e.status == Status::skipped) skipped.push_back({{"scan", e.scan->relative}, {"reason", e.reason}});
  }
  j["scans"] = entries.size();
  j["prepared"] = done;
  j["skipped"] = skipped;
  j["ignored"] = ignored;
  return j;
}

Json ignored_json(const Discovery& found) {
  Json ignored = Json::array();
  for (const auto& i : found.ignored) ignored.push_back({{"path", i.relative}, {"reason", i.reason}});
  return ignored;
}

// Seeded split of the prepared subjects: each name gets a key from (seed, name); the
// round(fraction n) smallest keys are the test set (at least one when fraction > 0 and n >= 2,
// never all of them).
Json split_json(const std::vector<Entry>& entries, std::uint64_t seed, double fraction) {
  std::vector<std::pair<std::uint64_t, std::string>> keyed;
  const CounterRng rng{detail::mix_seed(seed, 0x5b117)};
  for (const Entry& e : entries) {
    if (e.status != Status::done) continue;
    const RandomBits b = rng.bits(0, name_hash(e.scan->name));
    keyed.emplace_back((std::uint64_t{b.v[0]} << 32) | b.v[1], e.scan->name);
  }
  std::sort(keyed.begin(), keyed.end());
  const std::size_t n = keyed.size();
  std::size_t test = std::size_t(std::llround(fraction * double(n)));
  if (fraction > 0 && n >= 2) test = std::clamp<std::size_t>(test, 1, n - 1);
  std::vector<std::string> test_names, train_names;
  for (std::size_t i = 0; i < n; ++i) (i < test ? test_names : train_names).push_back(keyed[i].second);
  std::sort(test_names.begin(), test_names.end());
  std::sort(train_names.begin(), train_names.end());
  Json j;
  j["seed"] = seed;
  j["test_fraction"] = fraction;
  j["train"] = train_names;
  j["test"] = test_names;
  return j;
}

// A fixed split (--split FILE, e.g. data/split.json): the names of its "test" list.
std::set<std::string> read_split_test_names(const fs::path& file) {
  const Json spec = read_json(file);
  if (!spec.is_object() || !spec.contains("test") || !spec["test"].is_array()) {
    throw Error(file.string(), "a split file needs a \"test\" list of subject names");
  }
  std::set<std::string> names;
  for (const Json& name : spec["test"]) {
    if (!name.is_string()) throw Error(file.string(), "\"test\" holds a value that is not a name: " + name.dump());
    names.insert(name.get<std::string>());
  }
  return names;
}

// The listed test names that were prepared are the test set, every other prepared subject trains.
// Listed names that were not prepared (skipped or absent) are kept in "missing", so a report on
// "the test five" shows when one is not there.
Json fixed_split_json(const std::vector<Entry>& entries, const fs::path& file, const std::set<std::string>& listed) {
  std::vector<std::string> test_names, train_names, missing;
  std::set<std::string> prepared;
  for (const Entry& e : entries) {
    if (e.status != Status::done) continue;
    prepared.insert(e.scan->name);
    (listed.count(e.scan->name) ? test_names : train_names).push_back(e.scan->name);
  }
  for (const std::string& name : listed) {
    if (!prepared.count(name)) missing.push_back(name);
  }
  std::sort(test_names.begin(), test_names.end());
  std::sort(train_names.begin(), train_names.end());
  Json j;
  j["split_file"] = fs::absolute(file).lexically_normal().string();
  j["train"] = train_names;
  j["test"] = test_names;
  j["missing"] = missing;
  return j;
}

// The output folder: fresh, or a dataset this command wrote with the same options.
void check_output(const Layout& layout, const PrepareOptions& options) {
  std::error_code ec;
  if (!fs::exists(layout.root, ec)) return;
  if (!fs::is_directory(layout.root, ec)) throw Error(layout.root.string(), "exists and is not a folder");
  if (fs::exists(layout.manifest(), ec)) {
    const Json manifest = read_json(layout.manifest());
    if (manifest.value("format", "") != dataset_format) {
      throw Error(layout.manifest().string(), "not a hifa prepare manifest (format is not " + std::string(dataset_format) + ")");
    }
    if (manifest.value("version", 0) != dataset_version) {
      throw Error(layout.root.string(), "is a dataset of version " + manifest.value("version", Json(0)).dump() +
                                            "; this hifa prepares version " + std::to_string(dataset_version) +
                                            " (with canonical data): prepare into a new --out");
    }
    const Json wanted_shard = shard_json(options), had_shard = manifest.value("shard", Json());
    if (wanted_shard != had_shard) {
      const auto text = [](const Json& shard) {
        return shard.is_null() ? std::string("the whole dataset")
                               : "shard " + shard["index"].dump() + "/" + shard["count"].dump();
      };
      throw Error(layout.root.string(), "holds " + text(had_shard) + ", not " + text(wanted_shard) +
                                            "; use another --out or the same --shard to resume");
    }
    const Json wanted = options_json(options);
    const Json& had = manifest.contains("options") ? manifest["options"] : Json();
    for (const auto& [key, value] : wanted.items()) {
      if (!had.contains(key) || had[key] != value) {
        throw Error(layout.root.string(), "was prepared with other options (" + key + ": " +
                                              (had.contains(key) ? had[key].dump() : "unset") + " there, " +
                                              value.dump() + " now); use another --out or the same options to resume");
      }
    }
    return;
  }
  if (!fs::is_empty(layout.root, ec)) {
    throw Error(layout.root.string(), "exists, is not empty and has no manifest.json: not a dataset hifa prepare wrote");
  }
}

// The mesh in the subject's normalized frame (what the samples live in).
TriMeshf normalized_mesh(const NormalizedScan& scan) {
  TriMeshf m;
  m.faces = scan.mesh.faces;
  m.vertices.resize(scan.mesh.vertex_count(), 3);
  for (Eigen::Index v = 0; v < scan.mesh.vertex_count(); ++v) {
    m.vertices.row(v) = world_to_normalized(scan.calibration, scan.mesh.vertex(v)).transpose();
  }
  return m;
}

Json samples_json(const std::string& file, const SampleSet& s) {
  std::size_t inside = 0;
  for (const auto l : s.labels) inside += l;
  return {{"file", file}, {"count", s.labels.size()}, {"inside", inside}, {"sigma_cm", json_float(s.sigma_cm)},
          {"sigma", json_float(s.sigma)}, {"mixture", s.mixture}};
}

class SubjectWriter {
 public:
  SubjectWriter(const PrepareOptions& options, const Layout& layout, const Backgrounds& backgrounds, WritePool& pool,
                const PrepareEvents& events)
      : options_(options), layout_(layout), backgrounds_(backgrounds), pool_(pool), events_(events),
        canonical_(options, layout) {
    settings_.views = options.views;
    settings_.resolution = options.resolution;
    settings_.fine_resolution = options.fine_resolution;
    settings_.supersample = options.supersample;
  }

  // Writes the subject of `scan` completely, or throws (Interrupted, or an error naming why).
  // `views_reported` counts the views this subject has advanced the progress by.
  void write(const ScanSource& scan, std::size_t& views_reported) {
    const Space space;
    NormalizedScan s = load_scan(scan, options_.unit);
    SubjectStaging staging(layout_, scan.name);
    const fs::path folder = staging.path();
    for (const char* sub : image_folders) {
      make_folder(folder / sub);
      if (options_.fine_resolution > 0) make_folder(folder / "fine" / sub);
    }
    make_folder(folder / "calib");

    // A failure below must wait for this subject's writes before the staging folder goes away.
    try {
      write_staged(scan, s, staging, views_reported);
    } catch (...) {
      pool_.wait();
      throw;
    }
    staging.commit();
  }

 private:
  void write_staged(const ScanSource& scan, const NormalizedScan& s, const SubjectStaging& staging,
                    std::size_t& views_reported) {
    const Space space;
    const fs::path folder = staging.path();
    const std::uint64_t seed = detail::mix_seed(options_.seed, name_hash(scan.name));
    RenderSettings settings = settings_;
    ShTransfer transfer;
    if (options_.lighting) {
      transfer = transfer_of(scan, s, seed);
      settings.transfer = &transfer;
      settings.faces = &s.mesh.faces;
      settings.light_seed = detail::mix_seed(seed, 0x11647);
    }
    {
      // Renders on this thread; each view is handed to the pool, which composites and writes it.
      const Rasterizer<Space> raster(space, s.mesh, s.textures);
      for (const ViewSpec& view : plan_views(s.calibration, options_.views, options_.pitch_jitter, seed)) {
        if (interrupted()) {
          pool_.wait();
          throw Interrupted{};
        }
        auto rendered = std::make_shared<RenderedView>(render_view(raster, space, view, settings));
        pool_.submit([rendered, folder, settings, this] { write_view(folder, *rendered, backgrounds_, settings); });
        ++views_reported;
        if (events_.advance) events_.advance(1);
      }
    }

    // Samples while the pool finishes the last views.
    const TriMeshf normalized = normalized_mesh(s);
    const HostBvh bvh(space, normalized);
    const SurfaceSampler<float> surface(normalized);
    // Uniform samples over the whole cube that hifa reconstruct evaluates, as PIFu's B_MIN..B_MAX:
    // drawn only in the subject's own box, nothing would tell the network that the space beyond it
    // is empty.
    const AABBf box(Vec3f(-1, -1, -1), Vec3f(1, 1, 1));
    const auto sample = [&](double sigma_cm, std::uint64_t salt) {
      SampleRequest r;
      r.count = std::size_t(options_.samples);
      r.sigma_cm = float(sigma_cm);
      r.sigma = float(sigma_in_normalized(s, sigma_cm));
      r.seed = detail::mix_seed(seed, salt);
      r.balance = options_.balance;
      return make_samples(space, bvh, surface, box, r);
    };
    const SampleSet coarse = sample(options_.sigma_coarse_cm, 0xc0a);
    const SampleSet fine = sample(options_.sigma_fine_cm, 0xf17e);
    write_samples(folder / "samples_coarse.bin", coarse);
    write_samples(folder / "samples_fine.bin", fine);

    // The body fit and its canonical data (the fit may take a while: the pool finishes meanwhile).
    const Json body = canonical_.write(scan, s, seed, folder);
    if (const auto failure = pool_.wait()) throw Error(scan.mesh.string(), "writing a view failed: " + *failure);
    if (interrupted()) throw Interrupted{};

    Json j;
    j["name"] = scan.name;
    j["source"] = scan.relative;
    j["body"] = body["body"];
    j["body_source"] = body["body_source"];
    j["unit"] = s.unit;
    j["unit_reason"] = s.unit_reason;
    j["cm_per_unit"] = s.cm_per_unit;
    j["height"] = s.height;
    const Calibration& c = s.calibration;
    j["normalization"] = {{"scale", json_float(c.scale)},
                          {"centre", json_vec3(c.centre)},
                          {"margin", json_float(pifu_margin)},
                          {"fit", s.fit},
                          {"world_to_normalized", json_matrix(world_to_normalized_matrix(c))}};
    j["mesh"] = {{"faces_loaded", s.faces_loaded},
                 {"faces_used", s.mesh.face_count()},
                 {"opposite_pairs_removed", s.opposite_pairs_removed},
                 {"flipped_faces", s.flipped_faces},
                 {"pieces", s.pieces},
                 {"normals_replaced", s.normals_replaced},
                 {"materials", s.mesh.materials.size()},
                 {"textured", std::any_of(s.textures.begin(), s.textures.end(),
                                          [](const Image<float>& t) { return !t.empty(); })},
                 {"vertex_colours", s.mesh.has_colors()}};
    j["views"] = options_.views;
    j["resolution"] = options_.resolution;
    j["fine_resolution"] = options_.fine_resolution;
    j["supersample"] = options_.supersample;
    if (options_.lighting) {
      j["lighting"] = {{"model", "order-2 SH light per view (calib/<view>.json), per-vertex shadowed PRT"},
                       {"rays", prt_rays},
                       {"cache", "cache/" + scan.name + ".prt"}};
    } else {
      j["lighting"] = "albedo (unlit)";
    }
    j["samples"] = {{"frame", "subject normalized"},
                    {"box", {{"min", json_vec3(box.min())}, {"max", json_vec3(box.max())}}},
                    {"balanced", options_.balance},
                    {"coarse", samples_json("samples_coarse.bin", coarse)},
                    {"fine", samples_json("samples_fine.bin", fine)}};
    j["canonical"] = body["canonical"];
    if (body.contains("canonical_missing")) j["canonical_missing"] = body["canonical_missing"];
    write_json(folder / "subject.json", j);
  }

  // The scan's transfer from DATASET/cache/<name>.prt when it is there and matches the mesh and
  // options (render/prt.hpp's checked cache), else computed and saved: computed once per scan,
  // even across an interrupted subject. (Kokkos kernels: this thread only, like the rendering.)
  ShTransfer transfer_of(const ScanSource& scan, const NormalizedScan& s, std::uint64_t seed) {
    const Space space;
    PrtOptions prt;
    prt.rays = prt_rays;
    prt.seed = detail::mix_seed(seed, 0x505254);
    const PrtCacheKey key = prt_cache_key(s.mesh, prt);
    make_folder(layout_.root / "cache");
    const fs::path cache = layout_.root / "cache" / (scan.name + ".prt");
    std::error_code ec;
    if (fs::exists(cache, ec)) {
      try {
        return load_prt(cache, key);
      } catch (const Error&) {
        // stale (the scan changed) or damaged: recompute below
      }
    }
    ShTransfer t = compute_prt(space, s.mesh, prt);
    save_prt(cache, t, key);
    return t;
  }

  bool interrupted() const { return options_.interrupt && options_.interrupt->load(); }

  const PrepareOptions& options_;
  const Layout& layout_;
  const Backgrounds& backgrounds_;
  WritePool& pool_;
  const PrepareEvents& events_;
  RenderSettings settings_;
  CanonicalData canonical_;
};

bool in_shard(std::size_t position, int index, int count) { return int(position % std::size_t(count)) == index; }

void check_options(const PrepareOptions& o) {
  const auto require = [](bool ok, const char* flag, const std::string& problem) {
    if (!ok) throw Error(flag, problem);
  };
  require(o.views >= 1 && o.views <= 3600, "--views", "must be in 1..3600");
  require(o.resolution >= 8 && o.resolution <= 8192, "--res", "must be in 8..8192");
  require(o.fine_resolution == 0 || (o.fine_resolution >= 8 && o.fine_resolution <= 8192), "--fine-res",
          "must be 0 (none) or in 8..8192");
  require(o.supersample >= 1 && o.supersample <= 8, "--supersample", "must be in 1..8");
  require(o.samples >= 1, "--samples", "must be >= 1");
  require(o.pitch_jitter >= 0 && o.pitch_jitter < 90, "--pitch-jitter", "must be in [0, 90) degrees");
  require(o.test_fraction >= 0 && o.test_fraction < 1, "--test-fraction", "must be in [0, 1)");
  require(o.sigma_coarse_cm > 0 && o.sigma_fine_cm > 0, "--sigma", "must be > 0 cm");
  require(o.shard_count >= 1 && o.shard_index >= 0 && o.shard_index < o.shard_count, "--shard",
          "must be I/N with 0 <= I < N");
  require(o.unit == "auto" || o.unit == "m" || o.unit == "cm" || o.unit == "mm", "--unit", "must be m, cm, mm or auto");
}

}  // namespace

PrepareSummary run_prepare(const PrepareOptions& options, const PrepareEvents& events) {
  check_options(options);
  const Backgrounds backgrounds =
      options.backgrounds.empty() ? Backgrounds::procedural() : Backgrounds::from_folder(options.backgrounds);
  // A bad split file fails before the work.
  const std::set<std::string> fixed_test =
      options.split_file.empty() ? std::set<std::string>{} : read_split_test_names(options.split_file);
  const Discovery found = discover_scans(options.scans);
  if (found.scans.empty()) {
    std::string folders;
    for (const auto& f : options.scans) folders += (folders.empty() ? "" : ", ") + f.string();
    throw Error(folders, "no scans (.obj or .ply files, or folders with one)");
  }

  const Layout layout{options.out};
  check_output(layout, options);
  make_folder(layout.subjects());
  PrepareSummary summary;
  summary.lit = options.lighting;
  summary.found = found.scans.size();
  summary.leftovers_removed = remove_leftover_staging(layout);

  std::vector<Entry> entries;
  std::size_t to_do = 0;
  for (const ScanSource& scan : found.scans) {
    Entry e{&scan};
    std::error_code ec;
    if (!in_shard(entries.size(), options.shard_index, options.shard_count)) {
      e.status = Status::elsewhere;
    } else if (scan.problem.empty() && fs::is_directory(layout.subject(scan.name), ec)) {
      e.status = Status::done;
      ++summary.resumed;
    } else if (scan.problem.empty()) {
      ++to_do;
    }
    entries.push_back(e);
  }
  const Json options_record = options_json(options), shard_record = shard_json(options);
  write_json(layout.manifest(), manifest_json(options_record, shard_record, entries));

  const int jobs = options.jobs > 0 ? options.jobs : int(std::max(1u, std::thread::hardware_concurrency()));
  WritePool pool(jobs, std::size_t(jobs) + 1);
  SubjectWriter writer(options, layout, backgrounds, pool, events);
  if (events.start) events.start(to_do * std::size_t(options.views));
  bool interrupted = false;
  for (Entry& e : entries) {
    if (e.status == Status::done || e.status == Status::elsewhere) continue;
    if (!e.scan->problem.empty()) {
      e.status = Status::skipped;
      e.reason = e.scan->problem;
    } else {
      std::size_t reported = 0;
      try {
        writer.write(*e.scan, reported);
        e.status = Status::done;
        ++summary.prepared;
      } catch (const Interrupted&) {
        interrupted = true;
      } catch (const std::exception& ex) {
        pool.wait();  // the failed subject's remaining writes finish before its folder is removed
        e.status = Status::skipped;
        e.reason = reason_of(ex.what(), *e.scan);
      }
      if (events.advance && !interrupted && reported < std::size_t(options.views)) {
        events.advance(std::size_t(options.views) - reported);
      }
    }
    if (interrupted) break;
    if (e.status == Status::skipped) {
      ++summary.skipped;
      if (events.skipped) events.skipped(e.scan->relative, e.reason);
    }
    write_json(layout.manifest(), manifest_json(options_record, shard_record, entries));
  }

  write_json(layout.manifest(), manifest_json(options_record, shard_record, entries));
  write_json(layout.report(), report_json(entries, ignored_json(found)));
  write_json(layout.split(), options.split_file.empty() ? split_json(entries, options.seed, options.test_fraction)
                                                       : fixed_split_json(entries, options.split_file, fixed_test));
  const std::size_t done = summary.prepared + summary.resumed;
  if (!interrupted) {
    // After the subjects, from their files: a resumed run's sheet shows every complete subject.
    std::vector<std::string> names;
    for (const Entry& e : entries) {
      if (e.status == Status::done) names.push_back(e.scan->name);
    }
    write_dataset_contact_sheet(layout, names, options.views, options.resolution);
    write_canonical_contact_sheet(layout, names);
  }
  if (interrupted) {
    throw Error(options.out.string(), "interrupted with " + std::to_string(done) + " of " +
                                          std::to_string(entries.size()) +
                                          " subjects complete; run the same command again to resume");
  }
  if (done == 0 && options.shard_count == 1) {  // a shard may have no scan of its own
    throw Error(layout.report().string(), "no subject could be prepared (" + std::to_string(summary.skipped) +
                                              " scans skipped, reasons listed there)");
  }
  return summary;
}

namespace {

struct ShardDataset {
  Layout layout;
  Json manifest;
};

// The shards by index, checked to be one complete set of the same options and scans.
std::vector<ShardDataset> read_shard_set(const std::vector<fs::path>& folders) {
  std::vector<std::optional<ShardDataset>> slots;
  for (const fs::path& folder : folders) {
    const Layout layout{folder};
    std::error_code ec;
    if (!fs::exists(layout.manifest(), ec)) throw Error(folder.string(), "not a dataset of hifa prepare (no manifest.json)");
    const Json m = read_json(layout.manifest());
    if (m.value("format", "") != dataset_format || m.value("version", 0) != dataset_version) {
      throw Error(layout.manifest().string(), "not a manifest of a version-" + std::to_string(dataset_version) + " hifa prepare dataset");
    }
    if (!m.contains("shard")) throw Error(folder.string(), "is a whole dataset, not a shard (prepared without --shard)");
    const int index = m["shard"]["index"].get<int>(), count = m["shard"]["count"].get<int>();
    const std::string name = "shard " + std::to_string(index) + "/" + std::to_string(count);
    if (slots.empty()) slots.resize(std::size_t(count));
    const ShardDataset* first = nullptr;
    for (const auto& s : slots) {
      if (s) first = &*s;
    }
    if (count != int(slots.size())) {
      throw Error(folder.string(), "is " + name + ", but " + folders.front().string() + " is of " + std::to_string(slots.size()) + " shards");
    }
    if (first != nullptr && m["options"] != first->manifest["options"]) {
      throw Error(folder.string(), "was prepared with other options than " + first->layout.root.string());
    }
    const auto scans = [](const Json& manifest) {
      std::vector<std::pair<std::string, std::string>> list;
      for (const Json& s : manifest["subjects"]) list.emplace_back(s["name"], s["source"]);
      return list;
    };
    if (first != nullptr && scans(m) != scans(first->manifest)) {
      throw Error(folder.string(), "was prepared from other scans than " + first->layout.root.string());
    }
    if (slots[std::size_t(index)]) throw Error(folder.string(), "is " + name + ", as is " + slots[std::size_t(index)]->layout.root.string());
    slots[std::size_t(index)] = ShardDataset{layout, m};
  }
  std::vector<ShardDataset> set;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!slots[i]) throw Error("--merge", "shard " + std::to_string(i) + "/" + std::to_string(slots.size()) + " is missing");
    set.push_back(*slots[i]);
  }
  return set;
}

void copy_tree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::skip_existing, ec);
  if (ec) throw Error(from.string(), "cannot copy to " + to.string() + ": " + ec.message());
}

}  // namespace

MergeSummary merge_shards(const std::vector<fs::path>& folders, const fs::path& out_as_given) {
  if (folders.empty()) throw Error("--merge", "no shard folders given");
  const fs::path out = out_as_given.has_filename() ? out_as_given : out_as_given.parent_path();  // "DATASET/"
  std::error_code ec;
  if (fs::exists(out, ec)) throw Error(out.string(), "exists: merge into a new --out");
  const std::vector<ShardDataset> shards = read_shard_set(folders);
  // The split's settings (--test-fraction, --split) are not among the manifest's options.
  const Json split = read_json(shards.front().layout.split());
  const auto split_settings = [](const Json& j) {
    Json settings;
    for (const char* key : {"seed", "test_fraction", "split_file"}) {
      if (j.contains(key)) settings[key] = j[key];
    }
    return settings;
  };
  for (const ShardDataset& shard : shards) {
    if (split_settings(read_json(shard.layout.split())) != split_settings(split)) {
      throw Error(shard.layout.root.string(), "was split with other settings (--test-fraction, --split) than " +
                                                  shards.front().layout.root.string());
    }
  }
  const std::size_t count = shards.size();
  const Json& list = shards.front().manifest["subjects"];

  // Every scan as its owner shard left it (run_prepare's round-robin).
  std::vector<ScanSource> scans(list.size());
  std::vector<Entry> entries;
  MergeSummary summary;
  summary.shards = count;
  for (std::size_t i = 0; i < list.size(); ++i) {
    scans[i].name = list[i]["name"];
    scans[i].relative = list[i]["source"];
    const ShardDataset& owner = shards[i % count];
    const Json& mine = owner.manifest["subjects"][i];
    Entry e{&scans[i]};
    if (mine["status"] == "done") {
      e.status = Status::done;
      ++summary.subjects;
    } else if (mine["status"] == "skipped") {
      e.status = Status::skipped;
      e.reason = mine.value("reason", "");
      ++summary.skipped;
    } else {
      throw Error(owner.layout.root.string(), "is not complete (" + scans[i].name + " is " + mine["status"].dump() +
                                                  "): run its hifa prepare --shard again to finish it");
    }
    entries.push_back(e);
  }

  // Built beside `out` and renamed into place when complete; a killed merge's leftover goes first.
  const fs::path staging = out.string() + ".partial-merge";
  fs::remove_all(staging, ec);
  const Layout layout{staging};
  make_folder(layout.subjects());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].status == Status::done) copy_tree(shards[i % count].layout.subject(scans[i].name), layout.subject(scans[i].name));
  }
  for (const ShardDataset& shard : shards) {  // body-fit and PRT caches, one file per subject
    if (fs::is_directory(shard.layout.root / "cache", ec)) copy_tree(shard.layout.root / "cache", staging / "cache");
  }
  const Json& options = shards.front().manifest["options"];
  write_json(layout.manifest(), manifest_json(options, Json(), entries));
  write_json(layout.report(), report_json(entries, read_json(shards.front().layout.report())["ignored"]));
  if (split.contains("split_file")) {
    // Every listed name is in a shard's "test" (prepared there) or "missing" (not prepared there).
    std::set<std::string> listed;
    for (const char* key : {"test", "missing"}) {
      for (const Json& name : split[key]) listed.insert(name.get<std::string>());
    }
    write_json(layout.split(), fixed_split_json(entries, split["split_file"].get<std::string>(), listed));
  } else {
    write_json(layout.split(), split_json(entries, split["seed"].get<std::uint64_t>(), split["test_fraction"].get<double>()));
  }
  std::vector<std::string> names;
  for (const Entry& e : entries) {
    if (e.status == Status::done) names.push_back(e.scan->name);
  }
  write_dataset_contact_sheet(layout, names, options["views"].get<int>(), options["resolution"].get<int>());
  write_canonical_contact_sheet(layout, names);
  fs::rename(staging, out, ec);
  if (ec) throw Error(out.string(), "cannot rename " + staging.string() + " into place: " + ec.message());
  return summary;
}

}  // namespace hifa::prepare
