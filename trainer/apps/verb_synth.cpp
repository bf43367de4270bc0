// hifa synth: synthetic clothed subjects with known body fit, canonical shape and colours
// (trainer/synth/synth.hpp, docs/synth.md). Ctrl-C (or SIGTERM) stops after the subject in
// progress: every complete subject stays, and the same command resumes.

#include "interrupt_guard.hpp"
#include "progress.hpp"
#include "synth_with_progress.hpp"
#include "verbs.hpp"

#include "prepare/body_model_path.hpp"
#include "synth/synth.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

namespace hifa::app {

synth::SynthSummary run_synth_with_progress(const synth::SynthOptions& options, const std::string& label) {
  std::optional<Progress> progress;
  synth::SynthEvents events;
  events.start = [&](std::size_t todo) { progress.emplace(label, todo); };
  events.advance = [&] { progress->advance(); };
  const synth::SynthSummary summary = synth::run_synth(options, events);
  if (progress) progress->finish();
  return summary;
}

namespace {

struct SynthArgs {
  synth::SynthOptions options;
  std::string preset = "default";
  std::string body = "open";
};

void run_synth_verb(SynthArgs args) {
  synth::SynthOptions& o = args.options;
  o.preset = synth::parse_preset(args.preset);
  o.body = prepare::body_model_path(args.body);
  const InterruptGuard guard;
  o.interrupt = guard.flag();
  const auto start = std::chrono::steady_clock::now();
  const synth::SynthSummary s = run_synth_with_progress(o, "synth (subjects)");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("made %zu subjects (%zu already complete) in %s in %.1f s", s.made, s.resumed, o.out.string().c_str(), seconds);
  if (s.leftovers_removed > 0) std::printf("; redid %d unfinished subjects", s.leftovers_removed);
  std::printf("; poses: %s; contact sheet: %s\n", s.pose_library ? "motion library" : "random within joint limits",
              (o.out / "contact_sheet.png").string().c_str());
}

}  // namespace

void add_synth(CLI::App& app, VerbAction& action) {
  auto a = std::make_shared<SynthArgs>();
  a->options.motion = "data/motion";
  auto* verb = app.add_subcommand(
      "synth", "Generate clothed subjects (posed + canonical mesh, colours, body fit, skinning weights) as a scan folder");
  verb->add_option("--out", a->options.out, "Output folder (an existing one made with the same options is resumed)")->required();
  verb->add_option("--count", a->options.count, "Subjects")->check(CLI::Range(0, 1000000))->capture_default_str();
  verb->add_option("--seed", a->options.seed, "Seed of every random choice")->capture_default_str();
  verb->add_option("--jobs", a->options.jobs, "Subjects written in parallel while the next is made")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  verb->add_option("--preset", a->preset, "Outfit and body mix")
      ->check(CLI::IsMember({"default", "children", "loose"}))
      ->capture_default_str();
  verb->add_option("--res", a->options.resolution, "Canonical grid points along the subject's height")
      ->check(CLI::Range(16, 2048))
      ->capture_default_str();
  verb->add_option("--body", a->body, prepare::body_option_help)->capture_default_str();
  verb->add_option("--motion", a->options.motion, "Folder of .bvh files for poses (missing: random poses)")
      ->capture_default_str();
  verb->callback([&action, a] { action = [a] { run_synth_verb(*a); }; });
}

}  // namespace hifa::app
