// hifa prepare: a folder of scans -> a PIFu/PIFuHD training dataset (trainer/prepare/prepare.hpp,
// docs/dataset.md). Each bad scan is one line "hifa: skipped <scan>: <reason>" on stderr and an
// entry of DATASET/report.json; the exit code is 1 only when no subject could be prepared.
// Ctrl-C (or SIGTERM) stops after the view in progress: the subject in progress is lost, every
// complete one stays, and the same command resumes.
// Across machines: --shard I/N prepares every N-th scan (by name) from the I-th; --merge SHARD...
// joins the N shard datasets into the one a single run writes (prepare.hpp merge_shards).

#ifdef HIFA_WITH_FIT_BODY
#include "body_fitter.hpp"
#endif
#include "interrupt_guard.hpp"
#include "prepare_with_progress.hpp"
#include "progress.hpp"
#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "prepare/body_model_path.hpp"
#include "prepare/prepare.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <tuple>
#include <utility>
#include <vector>
#include <cstdio>
#include <memory>
#include <optional>

namespace hifa::app {

prepare::PrepareSummary run_prepare_with_progress(const prepare::PrepareOptions& options) {
  std::optional<Progress> progress;
  prepare::PrepareEvents events;
  events.start = [&](std::size_t views) { progress.emplace("prepare (views)", views); };
  events.advance = [&](std::size_t views) { progress->advance(views); };
  events.skipped = [](const std::string& scan, const std::string& reason) {
    std::fprintf(stderr, "hifa: skipped %s: %s\n", scan.c_str(), reason.c_str());
  };
  const prepare::PrepareSummary s = prepare::run_prepare(options, events);
  if (progress) progress->finish();
  return s;
}

namespace {

struct PrepareArgs {
  prepare::PrepareOptions options;
  std::string body = "open";
  bool fit_body = false;
  std::string shard;  // "I/N"
  std::vector<std::filesystem::path> merge;
};

// "I/N" with 0 <= I < N.
std::pair<int, int> parse_shard(const std::string& text) {
  int index = -1, count = 0;
  char slash = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &index, &slash, &count, &rest) != 3 || slash != '/' || count < 1 || index < 0 ||
      index >= count) {
    throw Error("--shard", "'" + text + "' is not I/N with 0 <= I < N (e.g. 0/4 for the first of four)");
  }
  return {index, count};
}

void run_merge(const PrepareArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  const prepare::MergeSummary s = prepare::merge_shards(args.merge, args.options.out);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("merged %zu shards into %s in %.1f s: %zu subjects, %zu scans skipped\n", s.shards,
              args.options.out.string().c_str(), seconds, s.subjects, s.skipped);
}

void run_prepare_verb(const PrepareArgs& args) {
  if (!args.merge.empty()) {
    if (!args.options.scans.empty() || !args.shard.empty()) {
      throw Error("hifa prepare --merge", "takes the shard folders and --out only (not --scans or --shard)");
    }
    return run_merge(args);
  }
  if (args.options.scans.empty()) throw Error("hifa prepare", "--scans is required (or --merge SHARD... to join shards)");
  prepare::PrepareOptions options = args.options;
  if (!args.shard.empty()) std::tie(options.shard_index, options.shard_count) = parse_shard(args.shard);
  // OpenBody is needed only by subjects with body fits: its absence is their error, not the run's.
  options.body_model = args.body == "open" && !args.fit_body ? prepare::open_body_path() : prepare::body_model_path(args.body);
#ifdef HIFA_WITH_FIT_BODY
  if (args.fit_body) options.fit_body = make_body_fitter(options.body_model);
#endif
  const InterruptGuard guard;
  options.interrupt = guard.flag();
  const auto start = std::chrono::steady_clock::now();
  const prepare::PrepareSummary s = run_prepare_with_progress(options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("prepared %zu subjects (%zu already complete) of %zu scans into %s in %.1f s; skipped %zu",
              s.prepared, s.resumed, s.found, options.out.string().c_str(), seconds, s.skipped);
  if (s.leftovers_removed > 0) std::printf("; redid %d unfinished subjects", s.leftovers_removed);
  std::printf("; %s", s.lit ? "SH-lit with PRT" : "unlit albedo");
  std::printf("\n");
}

}  // namespace

void add_prepare(CLI::App& app, VerbAction& action) {
  auto args = std::make_shared<PrepareArgs>();
  prepare::PrepareOptions* o = &args->options;
  auto* verb = app.add_subcommand(
      "prepare", "Render views, normal maps and labelled point samples of a folder of scans: a PIFu training dataset");
  verb->add_option("--scans", o->scans, "Folder of scans: one .obj/.ply per file or per subfolder; repeat it to prepare several folders as one dataset");
  verb->add_option("--out", o->out, "Dataset folder (an existing one made with the same options is resumed)")
      ->required();
  verb->add_option("--views", o->views, "Views per subject, every 360/views degrees of yaw")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  verb->add_option("--res", o->resolution, "Image size in pixels (square)")->check(CLI::Range(8, 8192))->capture_default_str();
  verb->add_option("--fine-res", o->fine_resolution, "Also render at this size for PIFuHD's fine level (0: no)")
      ->check(CLI::Range(0, 8192))
      ->capture_default_str();
  verb->add_option("--samples", o->samples, "Labelled points per subject and sigma level")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  verb->add_option("--seed", o->seed, "Seed of every random choice")->capture_default_str();
  verb->add_option("--jobs", o->jobs, "Threads that encode and write images while views render (0: one per core)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  verb->add_option("--backgrounds", o->backgrounds, "Folder of background images (default: procedural backgrounds)");
  verb->add_option("--test-fraction", o->test_fraction, "Fraction of the subjects in the test split")
      ->check(CLI::Range(0.0, 0.999))
      ->capture_default_str();
  verb->add_option("--split", o->split_file,
                   "JSON file whose \"test\" list fixes the test subjects (e.g. data/split.json); overrides --test-fraction")
      ->check(CLI::ExistingFile);
  verb->add_option("--supersample", o->supersample, "k x k samples per pixel for anti-aliased edges")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  verb->add_option("--pitch-jitter", o->pitch_jitter, "Random pitch per view in [-DEG, DEG] (0: elevation 0)")
      ->check(CLI::Range(0.0, 89.0))
      ->capture_default_str();
  verb->add_option("--unit", o->unit, "Length unit of the scans: m, cm, mm, or auto (guessed from the height)")
      ->check(CLI::IsMember({"auto", "m", "cm", "mm"}))
      ->capture_default_str();
  verb->add_option("--sigma-coarse", o->sigma_coarse_cm, "Sample jitter of the coarse level, cm")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb->add_option("--sigma-fine", o->sigma_fine_cm, "Sample jitter of the fine level, cm")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  verb->add_flag("--balance", o->balance, "Keep as many inside as outside points (PIFu)");
  verb->add_flag("--unlit{false}", o->lighting, "Render the albedo, without SH lighting and PRT");
  verb->add_option("--body", args->body, std::string(prepare::body_option_help) +
                                             ": the model of the scans' body fits, for their canonical data")
      ->capture_default_str();
#ifdef HIFA_WITH_FIT_BODY
  verb->add_flag("--fit-body", args->fit_body,
                 "Fit the body model to every scan without a body file (cached in DATASET/cache, about 25 s a scan)");
#endif
  verb->add_option("--shard", args->shard, "I/N: prepare only every N-th scan (in name order) from the I-th, e.g. one "
                                           "task of a Slurm array; --merge joins the N datasets");
  verb->add_option("--merge", args->merge, "Shard datasets (of one --shard I/N set) to join into --out, byte for byte "
                                           "the dataset a single run writes")
      ->expected(1, -1);
  verb->callback([&action, args] { action = [args] { run_prepare_verb(*args); }; });
}

}  // namespace hifa::app
