#pragma once
// A run's loss record: RUN/losses.csv and its plot RUN/loss_curves.png (no LibTorch here).
//
//   LossLog log(run / "losses.csv", {"normal", "coarse"});   // model_trainer.hpp's loss_columns
//   log.start();                       // a fresh run: the header only
//   log.resume(state.csv_rows);        // a resumed run: keeps the rows its checkpoint accounts for
//   log.append(row);
//   plot_loss_curves(log.rows(), log.columns(), run / "loss_curves.png");
//
// CSV columns: stage, epoch, iteration, then the model's loss columns, then lr, seconds. One row per
// train.log_every steps of a stage (and one for the stage's last steps): the mean of each term over
// those steps; a term the stage does not have is an empty cell. `iteration` counts the stage's
// steps up to the row (1-based), `epoch` is the last step's (0-based), `lr` the rate of the stage's
// optimizer, `seconds` the stage's training time so far. A run killed after its last checkpoint
// may have appended rows the checkpoint does not account for: resume() drops them, so a resumed
// run's file has no duplicate rows.
//
// Errors: hifa::Error naming the file (not writable, fewer rows than a checkpoint expects, or another
// header than the columns give: a log of another model type).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hifa::trainer {

struct LossRow {
  std::string stage;
  std::int64_t epoch = 0;
  std::int64_t iteration = 0;
  std::vector<double> terms;  // one per column; NaN: not a term of this stage
  double lr = 0;
  double seconds = 0;
};

class LossLog {
 public:
  LossLog(std::filesystem::path csv, std::vector<std::string> columns);
  void start();
  void resume(std::int64_t rows);
  void append(const LossRow& row);
  const std::vector<LossRow>& rows() const { return rows_; }
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  std::filesystem::path csv_;
  std::vector<std::string> columns_;
  std::vector<LossRow> rows_;
};

// The cells of one line of the CSV files hifa writes (no quoting; a trailing comma is an empty last
// cell): how losses.csv is read back, and bench/refine_convergence's reader.
std::vector<std::string> csv_cells(const std::string& line);

// One panel per stage (in the order the rows first name them), a line per term against iteration,
// value axis from the terms' minimum to maximum, labelled with the built-in 5x7 font. Written
// atomically; nothing is written for no rows.
void plot_loss_curves(const std::vector<LossRow>& rows, const std::vector<std::string>& columns,
                      const std::filesystem::path& png);

}  // namespace hifa::trainer
