// refine_convergence UNREFINED HYPER RANDOM PLOT.png: CAR's refinement started by the hypernetwork
// against started from the sphere (docs/refine.md, "Convergence"), from three hifa eval-run
// folders of one CAR run on the same views: without --refine, with --refine HYPER_RUN, and with
// --refine HYPER_RUN --refine-init random (bench/refine_convergence.sh makes them).
// Per view (the <subject>_<view>_avatar/refine_log.csv both refined folders hold): K, the random
// start's normal loss after its K iterations, the first iteration at which the hypernetwork's start
// is as low, and K / that (the goal: >= 5, the median over the views); beside it the first
// iteration at which the random start itself is as low, since a ratio >= 5 says nothing about the
// hypernetwork when both starts get there as soon. The curves are compared as trailing means over
// `smoothing` iterations: the loss jumps each time the surface points are re-projected (every 10
// steps), and a raw curve touches another's end value by chance long before it stays there. Then
// the mean normal consistency and Chamfer of the three folders (metrics.csv's mean row). PLOT.png:
// one panel per view, the raw normal loss of both starts against the iteration
// (train/loss_log.hpp's plotter).
#include "train/loss_log.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The named columns of a CSV file with a header row, one vector of strings per row.
std::vector<std::vector<std::string>> read_columns(const fs::path& file, const std::vector<std::string>& names) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot read");
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = hifa::trainer::csv_cells(line);
  std::vector<std::size_t> at;
  for (const std::string& n : names) {
    const auto it = std::find(header.begin(), header.end(), n);
    if (it == header.end()) throw std::runtime_error(file.string() + ": no column '" + n + "'");
    at.push_back(std::size_t(it - header.begin()));
  }
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> c = hifa::trainer::csv_cells(line);
    std::vector<std::string> row;
    for (const std::size_t i : at) row.push_back(i < c.size() ? c[i] : "");
    rows.push_back(row);
  }
  return rows;
}

std::vector<double> normal_curve(const fs::path& log) {
  std::vector<double> out;
  for (const auto& row : read_columns(log, {"normal"})) out.push_back(std::stod(row[0]));
  if (out.empty()) throw std::runtime_error(log.string() + ": no iterations");
  return out;
}

// {normal consistency, Chamfer} of the folder's mean row.
std::pair<double, double> quality(const fs::path& folder) {
  for (const auto& row : read_columns(folder / "metrics.csv", {"subject", "normal_consistency", "chamfer"})) {
    if (row[0] == "mean") return {std::stod(row[1]), std::stod(row[2])};
  }
  throw std::runtime_error((folder / "metrics.csv").string() + ": no mean row");
}

constexpr std::size_t smoothing = 20;  // two re-projection periods of the shipped configs

std::vector<double> trailing_mean(const std::vector<double>& v) {
  std::vector<double> out(v.size());
  double sum = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    sum += v[i];
    if (i >= smoothing) sum -= v[i - smoothing];
    out[i] = sum / double(std::min(i + 1, smoothing));
  }
  return out;
}

// The 1-based first iteration at which `curve` is at most `target`; 0: never.
std::size_t first_at_most(const std::vector<double>& curve, double target) {
  for (std::size_t i = 0; i < curve.size(); ++i) {
    if (curve[i] <= target) return i + 1;
  }
  return 0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: refine_convergence UNREFINED_EVAL HYPER_EVAL RANDOM_EVAL PLOT.png\n");
    return 2;
  }
  try {
    const fs::path unrefined = argv[1], hyper = argv[2], random = argv[3], plot = argv[4];
    std::vector<std::string> views;
    for (const auto& entry : fs::directory_iterator(hyper)) {
      if (fs::is_regular_file(entry.path() / "refine_log.csv")) views.push_back(entry.path().filename().string());
    }
    std::sort(views.begin(), views.end());
    if (views.empty()) throw std::runtime_error(hyper.string() + ": no <view>_avatar/refine_log.csv (eval-run --refine)");
    std::vector<hifa::trainer::LossRow> rows;
    std::vector<double> speedups;
    std::printf("trailing means over %zu iterations\n", smoothing);
    std::printf("%-28s %6s %12s %12s %11s %8s %12s\n", "view", "K", "random at K", "hyper at K", "hyper hits", "K / hits",
                "random hits");
    for (const std::string& v : views) {
      const std::vector<double> h = normal_curve(hyper / v / "refine_log.csv"), r = normal_curve(random / v / "refine_log.csv");
      const std::size_t k = std::min(h.size(), r.size());
      const std::vector<double> hs = trailing_mean({h.begin(), h.begin() + long(k)}), rs = trailing_mean({r.begin(), r.begin() + long(k)});
      const double target = rs[k - 1];
      const std::size_t hit = first_at_most(hs, target), own = first_at_most(rs, target);
      const double speedup = hit > 0 ? double(k) / double(hit) : 0.0;  // 0: not within K
      speedups.push_back(speedup);
      std::printf("%-28s %6zu %12.4f %12.4f %11s %8.2f %12zu\n", v.c_str(), k, target, hs[k - 1],
                  hit > 0 ? std::to_string(hit).c_str() : "never", speedup, own);
      const std::string panel = v.substr(0, v.size() - std::string("_avatar").size());
      for (std::size_t i = 0; i < k; ++i) rows.push_back({panel, 0, std::int64_t(i + 1), {h[i], r[i]}, 0, 0});
    }
    std::printf("median K / hits over %zu views: %.2f (goal >= 5: the hypernetwork's start reaches the random start's "
                "loss after K in <= K/5 iterations)\n",
                speedups.size(), median(speedups));
    hifa::trainer::plot_loss_curves(rows, {"hyper start", "random start"}, plot);
    std::printf("curves: %s\n", plot.string().c_str());
    const auto [nc0, ch0] = quality(unrefined);
    std::printf("%-22s %10s %12s\n", "mean over the views", "normal c.", "Chamfer cm");
    std::printf("%-22s %10.3f %12.2f\n", "unrefined", nc0, ch0);
    for (const auto& [label, folder] : std::vector<std::pair<std::string, fs::path>>{{"refined, hyper start", hyper},
                                                                                        {"refined, random start", random}}) {
      const auto [nc, ch] = quality(folder);
      std::printf("%-22s %10.3f %12.2f   normal consistency %+.3f (goal >= +0.03), Chamfer %+.1f%% (goal <= +5%%)\n",
                  label.c_str(), nc, ch, nc - nc0, 100 * (ch - ch0) / ch0);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "refine_convergence: %s\n", e.what());
    return 1;
  }
  return 0;
}
