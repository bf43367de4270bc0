#include "eval_report.hpp"

#include "hifa/core/atomic_file.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace hifa::app {
namespace {

// A number as JSON: non-finite values (an undefined IoU) become null.
std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void write_metrics_json(std::ostream& os, const ReconstructionMetrics& m) {
  os << "{\"p2s\": " << json_number(m.p2s) << ", \"pred_to_gt\": " << json_number(m.pred_to_gt)
     << ", \"gt_to_pred\": " << json_number(m.gt_to_pred) << ", \"chamfer\": " << json_number(m.chamfer)
     << ", \"normal_consistency\": " << json_number(m.normal_consistency)
     << ", \"precision\": " << json_number(m.precision) << ", \"recall\": " << json_number(m.recall)
     << ", \"fscore\": " << json_number(m.fscore) << ", \"iou\": " << json_number(m.iou)
     << ", \"side_iou\": " << json_number(m.side_iou) << "}";
}

// A CSV cell: quoted when it holds a separator, a quote or a line break.
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::optional<ReconstructionMetrics> mean_of(const std::vector<EvalRow>& rows) {
  ReconstructionMetrics sum;
  int n = 0;
  // The IoUs are NaN where undefined (nothing inside, no silhouette): averaged where defined.
  struct DefinedMean {
    double sum = 0;
    int n = 0;
    void add(double v) {
      if (std::isfinite(v)) {
        sum += v;
        ++n;
      }
    }
    double value() const { return n > 0 ? sum / n : std::nan(""); }
  } iou, side_iou;
  for (const auto& row : rows) {
    if (!row.metrics) continue;
    const auto& m = *row.metrics;
    sum.p2s += m.p2s;
    sum.pred_to_gt += m.pred_to_gt;
    sum.gt_to_pred += m.gt_to_pred;
    sum.chamfer += m.chamfer;
    sum.normal_consistency += m.normal_consistency;
    sum.precision += m.precision;
    sum.recall += m.recall;
    sum.fscore += m.fscore;
    iou.add(m.iou);
    side_iou.add(m.side_iou);
    ++n;
  }
  if (n == 0) return std::nullopt;
  for (double* v : {&sum.p2s, &sum.pred_to_gt, &sum.gt_to_pred, &sum.chamfer, &sum.normal_consistency,
                    &sum.precision, &sum.recall, &sum.fscore}) {
    *v /= n;
  }
  sum.iou = iou.value();
  sum.side_iou = side_iou.value();
  return sum;
}

void print_eval_table(const std::vector<EvalRow>& rows, const std::optional<ReconstructionMetrics>& mean,
                      const std::string& unit_name, const MetricOptions& options) {
  const bool metres = unit_name == "m";
  const std::string unit = unit_name == "other" ? "units" : unit_name;
  std::printf("%-24s %12s %12s", "subject", ("P2S " + unit).c_str(), ("Chamfer " + unit).c_str());
  if (metres) std::printf(" %10s %12s", "P2S cm", "Chamfer cm");
  char fscore[32];
  std::snprintf(fscore, sizeof fscore, "F@%g", options.fscore_threshold);
  std::printf(" %8s %10s %8s %9s\n", "NC", fscore, "IoU", "side IoU");
  const auto print = [&](const std::string& name, const ReconstructionMetrics& m) {
    std::printf("%-24s %12.6f %12.6f", name.c_str(), m.p2s, m.chamfer);
    if (metres) std::printf(" %10.4f %12.4f", 100 * m.p2s, 100 * m.chamfer);
    std::printf(" %8.4f %10.4f %8.4f %9.4f\n", m.normal_consistency, m.fscore, m.iou, m.side_iou);
  };
  for (const auto& row : rows) {
    if (row.metrics) {
      print(row.name, *row.metrics);
    } else {
      std::printf("%-24s %s\n", row.name.c_str(), row.problem.c_str());
    }
  }
  if (rows.size() > 1 && mean) print("mean", *mean);
}

void write_eval_json(const std::filesystem::path& path, const std::vector<EvalRow>& rows,
                     const std::optional<ReconstructionMetrics>& mean, const std::string& unit,
                     const MetricOptions& o) {
  write_file_atomically(path, [&](std::ostream& os) {
    os << "{\n  \"unit\": " << json_string(unit) << ",\n  \"samples\": " << o.samples << ",\n  \"seed\": " << o.seed
       << ",\n  \"fscore_threshold\": " << json_number(o.fscore_threshold)
       << ",\n  \"iou_resolution\": " << o.iou_resolution << ",\n  \"subjects\": [";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      os << (i ? ",\n" : "\n") << "    {\"name\": " << json_string(rows[i].name) << ", ";
      if (rows[i].metrics) {
        os << "\"metrics\": ";
        write_metrics_json(os, *rows[i].metrics);
      } else {
        os << "\"problem\": " << json_string(rows[i].problem);
      }
      os << "}";
    }
    os << "\n  ],\n  \"mean\": ";
    if (mean) {
      write_metrics_json(os, *mean);
    } else {
      os << "null";
    }
    os << "\n}\n";
  });
}

void write_eval_csv(const std::filesystem::path& path, const std::vector<EvalRow>& rows,
                    const std::optional<ReconstructionMetrics>& mean) {
  write_file_atomically(path, [&](std::ostream& os) {
    os << "subject,p2s,pred_to_gt,gt_to_pred,chamfer,normal_consistency,precision,recall,fscore,iou,side_iou,problem\n";
    const auto line = [&](const std::string& name, const std::optional<ReconstructionMetrics>& m,
                          const std::string& problem) {
      os << csv_cell(name);
      if (m) {
        for (const double v : {m->p2s, m->pred_to_gt, m->gt_to_pred, m->chamfer, m->normal_consistency, m->precision,
                               m->recall, m->fscore, m->iou, m->side_iou}) {
          os << ',' << (std::isfinite(v) ? json_number(v) : "");
        }
      } else {
        os << ",,,,,,,,,,";
      }
      os << ',' << csv_cell(problem) << '\n';
    };
    for (const auto& row : rows) line(row.name, row.metrics, row.problem);
    if (mean) line("mean", mean, "");
  });
}

}  // namespace hifa::app
