#include "train/train_loop.hpp"

#include "data/view_loader.hpp"
#include "hifa/core/error.hpp"
#include "train/checkpoint.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>

namespace hifa::trainer {
namespace {

namespace fs = std::filesystem;

void say(const TrainEvents& events, const std::string& line) {
  if (events.log) events.log(line);
}

// The epoch's point-draw fallbacks that the stage's losses saw (StageSpec says which draws they use),
// as one log line; empty when there were none.
std::string fallback_line(const StageSpec& stage, std::int64_t epoch, std::int64_t items, DrawFallbacks f) {
  if (!stage.coarse_points) f.coarse_unbalanced = 0;
  if (!stage.fine_points) f.fine_unbalanced = f.fine_outside_crop = 0;
  if (!f.any()) return {};
  std::ostringstream line;
  line << stage.name << " epoch " << epoch << ", point-draw fallbacks among " << items << " items:";
  const char* separator = " ";
  const auto part = [&](std::int64_t n, const char* what) {
    if (n == 0) return;
    line << separator << n << " " << what;
    separator = "; ";
  };
  part(f.coarse_unbalanced, "coarse draws with one class only (not balanced)");
  part(f.fine_unbalanced, "fine draws with one class only (not balanced)");
  part(f.fine_outside_crop, "fine crops without samples (points from the whole subject)");
  return line.str();
}

std::vector<StageSpec> chosen_stages(const ModelTrainer& trainer, const Config& config, const std::vector<std::string>& asked) {
  const std::vector<StageSpec>& has = trainer.stages();
  for (const std::string& name : asked) find_stage(has, name, config.source);
  if (asked.empty()) return has;
  std::vector<StageSpec> out;
  for (const StageSpec& s : has) {
    if (std::find(asked.begin(), asked.end(), s.name) != asked.end()) out.push_back(s);
  }
  return out;
}

// The stage's position in the model's training order.
int stage_index(const ModelTrainer& trainer, const std::string& name, const std::string& what) {
  const std::vector<StageSpec>& all = trainer.stages();
  return int(&find_stage(all, name, what) - all.data());
}

void prepare_run_folder(const fs::path& run) {
  std::error_code ec;
  fs::create_directories(run, ec);
  if (ec || !fs::is_directory(run)) {
    throw Error(run.string(), "cannot create the run folder: " + (ec ? ec.message() : std::string("not a folder")));
  }
}

// A run killed while writing leaves write_file_atomically's "<name>.tmp-<pid>" behind.
void remove_stale_temporaries(const fs::path& run) {
  for (const auto& entry : fs::directory_iterator(run)) {
    const std::string name = entry.path().filename().string();
    for (const char* own : {"checkpoint.pt.tmp-", "losses.csv.tmp-", "loss_curves.png.tmp-", "config.yaml.tmp-"}) {
      if (name.rfind(own, 0) == 0) {
        std::error_code ignored;
        fs::remove(entry.path(), ignored);
      }
    }
  }
}

}  // namespace

BatchSource loader_source(const ViewLoader& loader, int workers, Shard shard) {
  BatchSource source;
  source.batches_per_epoch = [&loader](int batch) { return loader.batches_per_epoch(batch); };
  source.open = [&loader, workers, shard](std::int64_t epoch, std::int64_t first, int batch) {
    auto ahead = std::make_shared<BatchPrefetcher>(loader, epoch, first, batch, workers, 4, shard);
    return std::function<std::optional<ViewBatch>()>([ahead] { return ahead->next(); });
  };
  return source;
}

void train(const Config& config, const BatchSource& source, const TrainOptions& options, const TrainEvents& all_events) {
  Collective* group = options.group;
  const bool root = group == nullptr || group->rank() == 0;
  const TrainEvents events = root ? all_events : TrainEvents{};
  const std::unique_ptr<ModelTrainer> trainer = make_trainer(config, options.device);
  trainer->set_group(group);
  const std::vector<StageSpec> stages = chosen_stages(*trainer, config, options.stages);
  for (const std::string& name : options.snapshot_after) find_stage(trainer->stages(), name, config.source);
  const auto snapshot_wanted = [&](const std::string& stage) {
    return std::find(options.snapshot_after.begin(), options.snapshot_after.end(), stage) != options.snapshot_after.end();
  };
  const std::vector<std::string> columns = trainer->log_columns();
  std::optional<LossLog> log;  // rank 0's
  std::string resume_bytes;
  std::exception_ptr root_failed;
  if (root) {
    try {
      prepare_run_folder(options.run);
      if (options.resume) {
        check_run_config(options.run, config);
        remove_stale_temporaries(options.run);
        resume_bytes = read_checkpoint_bytes(options.run);
      } else if (fs::exists(checkpoint_file(options.run))) {
        throw Error(options.run.string(), "already holds a run (checkpoint.pt): pass --resume to continue it, or train into another --out");
      }
      log.emplace(options.run / "losses.csv", columns);
    } catch (...) {
      root_failed = std::current_exception();
    }
  }
  // Every rank learns whether rank 0 could open the run before any of them waits for its data.
  if (sum_over_ranks(group, {root_failed ? 1.0 : 0.0})[0] > 0) {
    if (root_failed) std::rethrow_exception(root_failed);
    throw Error("distributed training", "rank 0 could not open " + options.run.string() + " (its error says why)");
  }
  TrainState state;
  int at = -1;  // the checkpoint's stage (training order), -1 for a fresh run
  if (options.resume) {
    resume_bytes = broadcast_bytes(group, std::move(resume_bytes));
    state = read_checkpoint(options.run, resume_bytes, config, trainer->module(), trainer->optimizers(), options.device);
    resume_bytes.clear();
    at = stage_index(*trainer, state.stage, checkpoint_file(options.run).string());
    if (log) log->resume(state.csv_rows);
    say(events, "resuming " + options.run.string() + " at stage " + state.stage + ", epoch " + std::to_string(state.epoch) +
                    ", step " + std::to_string(state.iteration));
  } else {
    broadcast_module(group, trainer->module());  // the seed makes them equal already; DDP's guarantee
    if (root) {
      write_run_config(options.run, config);
      log->start();
    }
  }
  const int log_every = config.train.log_every;
  auto checkpoint = [&] {
    if (!root) return;
    write_checkpoint(options.run, config, trainer->module(), trainer->optimizers(), state, options.device);
    plot_loss_curves(log->rows(), columns, options.run / "loss_curves.png");
  };
  const int world = group != nullptr ? group->world() : 1;

  for (const StageSpec& spec : stages) {
    const std::string& stage = spec.name;
    const int index = stage_index(*trainer, stage, config.source);
    if (index < at) {
      say(events, stage + " stage: skipped, the run is already at the " + state.stage + " stage" +
                      (snapshot_wanted(stage) && !fs::exists(snapshot_folder(options.run, stage)) ? " (too late for its snapshot)" : ""));
      continue;
    }
    if (index > at) {
      state = TrainState{stage, 0, 0, 0, state.csv_rows, {}, 0, 0.0};
      at = index;
    }
    // The log window sums one value per column of the run's log, NaN for the stage's other columns.
    state.window_sums.resize(columns.size(), 0.0);
    std::vector<std::size_t> column_of;
    for (const std::string& l : spec.losses) {
      column_of.push_back(std::size_t(std::find(columns.begin(), columns.end(), l) - columns.begin()));
    }
    const OptimizerConfig& oc = spec.optimizer;
    if (oc.batch % world != 0) {
      throw Error(config.source, "train." + stage + ".batch is " + std::to_string(oc.batch) + ", which " +
                                     std::to_string(world) + " ranks cannot share equally (each takes batch / ranks items)");
    }
    const std::int64_t per_epoch = source.batches_per_epoch(oc.batch);
    if (per_epoch <= 0) {
      throw Error(config.source, "train." + stage + ".batch is " + std::to_string(oc.batch) + ", more than the dataset's items");
    }
    std::int64_t total = oc.epochs * per_epoch;
    if (options.max_iterations >= 0) total = std::min(total, options.max_iterations);
    if (const std::string line = trainer->describe(stage); !line.empty()) say(events, line);
    if (events.stage_begin) events.stage_begin(spec, std::min(state.iteration, total), total);

    const double collective_start = group != nullptr ? group->seconds_in_collectives() : 0, step_start = state.seconds;
    while (state.iteration < total) {
      trainer->set_epoch(stage, state.epoch);
      auto next = source.open(state.epoch, state.index, oc.batch);
      DrawFallbacks fallbacks;  // this epoch's, since the start or the resume
      std::int64_t items = 0;
      while (state.iteration < total) {
        std::optional<ViewBatch> batch = next();
        if (!batch) {
          throw Error("training data", "epoch " + std::to_string(state.epoch) + " ended after " + std::to_string(state.index) +
                                           " of " + std::to_string(per_epoch) + " batches");
        }
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<double> losses = trainer->step(stage, *batch, state.iteration);
        // The step's figures over every rank: the losses' mean, the counts' sums, anyone's interrupt.
        const DrawFallbacks& f = batch->fallbacks;
        std::vector<double> shared = losses;
        for (const std::int64_t n : {f.coarse_unbalanced, f.fine_unbalanced, f.fine_outside_crop, batch->size()}) {
          shared.push_back(double(n));
        }
        shared.push_back(options.interrupt && options.interrupt->load() ? 1.0 : 0.0);
        shared = sum_over_ranks(group, std::move(shared));
        for (std::size_t l = 0; l < losses.size(); ++l) losses[l] = shared[l] / world;
        const std::size_t n = losses.size();
        fallbacks += DrawFallbacks{std::int64_t(shared[n]), std::int64_t(shared[n + 1]), std::int64_t(shared[n + 2])};
        items += std::int64_t(shared[n + 3]);
        const bool interrupted_before = shared[n + 4] > 0;
        state.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::vector<double> row_terms(columns.size(), std::nan(""));
        for (std::size_t l = 0; l < losses.size(); ++l) row_terms[column_of[l]] = losses[l];
        for (std::size_t c = 0; c < columns.size(); ++c) state.window_sums[c] += row_terms[c];  // NaN stays NaN
        ++state.window_count;
        ++state.iteration;
        const std::int64_t epoch = state.epoch;
        if (++state.index == per_epoch) {
          ++state.epoch;
          state.index = 0;
        }
        if (state.window_count == log_every || state.iteration == total) {
          LossRow row{stage, epoch, state.iteration, {}, trainer->lr(stage), state.seconds};
          for (double sum : state.window_sums) row.terms.push_back(sum / double(state.window_count));
          if (log) log->append(row);
          ++state.csv_rows;
          std::fill(state.window_sums.begin(), state.window_sums.end(), 0.0);
          state.window_count = 0;
        }
        if (events.step) events.step(spec, state.iteration, losses, trainer->lr(stage));
        const bool epoch_end = state.index == 0;
        // One process also takes an interrupt that came during events.step; ranks must agree, so
        // they take it at the next step's sum.
        const bool interrupted =
            interrupted_before || (group == nullptr && options.interrupt != nullptr && options.interrupt->load());
        if (state.iteration % config.train.checkpoint_every == 0 || epoch_end || state.iteration == total || interrupted) {
          checkpoint();
        }
        if (interrupted) {
          sum_over_ranks(group, {0.0});  // every rank ends after rank 0's checkpoint is written
          throw Error(options.run.string(), "interrupted at " + stage + " step " +
                                                std::to_string(state.iteration) + " of " + std::to_string(total) +
                                                "; checkpoint written: run the same command with --resume to continue");
        }
        if (epoch_end) break;  // the next epoch's rate and stream
      }
      const std::string fallback = fallback_line(spec, state.epoch - (state.index == 0 ? 1 : 0), items, fallbacks);
      if (!fallback.empty()) say(events, fallback);
    }
    // At the stage's end, also on a resume whose checkpoint was the stage's last: the model is the
    // stage's final one either way (a run killed before this line retrains nothing).
    if (group != nullptr && state.seconds > step_start) {
      const double waiting = group->seconds_in_collectives() - collective_start, stepping = state.seconds - step_start;
      std::ostringstream line;
      line.precision(3);
      line << stage << " stage on " << world << " ranks: " << waiting << " s of " << stepping
           << " s of steps in collectives (" << 100 * waiting / stepping << "%, rank 0)";
      say(events, line.str());
    }
    if (snapshot_wanted(stage) && root) {
      write_model_only(snapshot_folder(options.run, stage), config, trainer->module());
    }
    if (events.stage_end) events.stage_end(spec);
  }
}

}  // namespace hifa::trainer
