#include "demo_table.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "prepare/dataset_writer.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace hifa::app {
namespace {

std::string cell(const std::optional<ReconstructionMetrics>& m, double ReconstructionMetrics::*field, int digits) {
  if (!m || !std::isfinite((*m).*field)) return "";  // no row, or an undefined IoU
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, (*m).*field);
  return text;
}

struct Line {
  std::string subject, model;
  std::optional<ReconstructionMetrics> metrics;
  std::string problem;
};

const std::pair<double ReconstructionMetrics::*, int> columns[] = {{&ReconstructionMetrics::p2s, 3},
                                                                   {&ReconstructionMetrics::chamfer, 3},
                                                                   {&ReconstructionMetrics::normal_consistency, 4},
                                                                   {&ReconstructionMetrics::side_iou, 3}};

}  // namespace

ModelResult read_model_result(const std::string& label, const std::filesystem::path& file) {
  const prepare::Json j = prepare::read_json(file);
  ModelResult r{label, {}, std::nullopt};
  try {
    for (const auto& s : j.at("subjects")) {
      EvalRow row{s.at("name").get<std::string>(), std::nullopt, ""};
      if (s.contains("metrics")) {
        const auto& m = s.at("metrics");
        ReconstructionMetrics v;
        v.p2s = m.at("p2s").get<double>();
        v.chamfer = m.at("chamfer").get<double>();
        v.normal_consistency = m.at("normal_consistency").get<double>();
        const auto side = m.find("side_iou");  // null where undefined
        v.side_iou = side != m.end() && side->is_number() ? side->get<double>() : std::nan("");
        row.metrics = v;
      } else {
        row.problem = s.at("problem").get<std::string>();
      }
      r.rows.push_back(row);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string(), std::string("not the demo's metrics file: ") + e.what());
  }
  r.mean = mean_of(r.rows);
  return r;
}

void write_demo_table(const std::filesystem::path& out, const std::vector<ModelResult>& models) {
  std::vector<Line> lines;
  if (!models.empty()) {
    for (const EvalRow& first : models.front().rows) {
      for (const ModelResult& m : models) {
        Line l{first.name, m.label, std::nullopt, "no evaluation"};
        for (const EvalRow& row : m.rows) {
          if (row.name == first.name) l = {first.name, m.label, row.metrics, row.problem};
        }
        lines.push_back(l);
      }
    }
  }
  for (const ModelResult& m : models) lines.push_back({"mean", m.label, m.mean, ""});

  std::ostringstream md;
  md << "| subject | model | P2S cm | Chamfer cm | normal consistency | side IoU |\n|---|---|---:|---:|---:|---:|\n";
  for (const Line& l : lines) {
    md << "| " << l.subject << " | " << l.model;
    for (const auto& [field, digits] : columns) md << " | " << cell(l.metrics, field, digits);
    md << " |" << (l.problem.empty() ? "" : " " + l.problem) << "\n";
  }
  write_file_atomically(out / "eval_table.md", [&](std::ostream& os) { os << md.str(); });
  write_file_atomically(out / "eval_table.csv", [&](std::ostream& os) {
    os << "subject,model,p2s_cm,chamfer_cm,normal_consistency,side_iou,problem\n";
    for (const Line& l : lines) {
      os << l.subject << ',' << l.model;
      for (const auto& [field, digits] : columns) os << ',' << cell(l.metrics, field, 6);
      std::string problem = l.problem;
      for (char& c : problem) c = c == ',' || c == '"' || c == '\n' ? ' ' : c;  // one plain cell
      os << ',' << problem << "\n";
    }
  });
  std::printf("\n%s\n", md.str().c_str());
}

}  // namespace hifa::app
