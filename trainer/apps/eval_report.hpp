#pragma once
// The reconstruction-metrics report shared by `hifa eval` and `hifa eval-run`: rows of metrics
// (hifa/metrics/reconstruction.hpp) per subject, their mean, a table on stdout and the same as JSON
// or CSV (each written atomically).
//
// Units: `unit` names the meshes' unit: "m" also prints centimetres; "other" prints "units".
// The mean is over the rows that have metrics (each IoU over the rows where it is defined); a row without
// metrics carries why (`problem`) and prints that instead.

#include "hifa/metrics/reconstruction.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hifa::app {

struct EvalRow {
  std::string name;
  std::optional<ReconstructionMetrics> metrics;
  std::string problem;
};

std::optional<ReconstructionMetrics> mean_of(const std::vector<EvalRow>& rows);

void print_eval_table(const std::vector<EvalRow>& rows, const std::optional<ReconstructionMetrics>& mean,
                      const std::string& unit, const MetricOptions& options);

void write_eval_json(const std::filesystem::path& path, const std::vector<EvalRow>& rows,
                     const std::optional<ReconstructionMetrics>& mean, const std::string& unit,
                     const MetricOptions& options);

// One line per row (name, then every metric; empty cells and the problem for a row without
// metrics), then "mean". Distances in `unit`.
void write_eval_csv(const std::filesystem::path& path, const std::vector<EvalRow>& rows,
                    const std::optional<ReconstructionMetrics>& mean);

}  // namespace hifa::app
