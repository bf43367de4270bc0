#include "train/loss_log.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/render/contact_sheet.hpp"
#include "hifa/render/image_io.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace hifa::trainer {
namespace {

std::string header(const std::vector<std::string>& columns) {
  std::string h = "stage,epoch,iteration";
  for (const std::string& c : columns) h += "," + c;
  return h + ",lr,seconds";
}

std::string number(double v) {
  if (!std::isfinite(v)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

std::string format(const LossRow& r) {
  std::string line = r.stage + "," + std::to_string(r.epoch) + "," + std::to_string(r.iteration);
  for (double v : r.terms) line += "," + number(v);
  return line + "," + number(r.lr) + "," + number(r.seconds);
}

LossRow parse(const std::string& line, std::size_t columns, const std::filesystem::path& csv, std::size_t line_number) {
  const std::vector<std::string> cells = csv_cells(line);
  const std::size_t expected = 3 + columns + 2;
  if (cells.size() != expected) {
    throw Error(csv.string(), "line " + std::to_string(line_number) + " has " + std::to_string(cells.size()) +
                                  " cells, expected " + std::to_string(expected));
  }
  auto value = [](const std::string& s) { return s.empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(s); };
  LossRow r;
  r.stage = cells[0];
  r.epoch = std::stoll(cells[1]);
  r.iteration = std::stoll(cells[2]);
  for (std::size_t i = 0; i < columns; ++i) r.terms.push_back(value(cells[3 + i]));
  r.lr = value(cells[3 + columns]);
  r.seconds = value(cells[4 + columns]);
  return r;
}

void write_all(const std::filesystem::path& csv, const std::vector<std::string>& columns, const std::vector<LossRow>& rows) {
  write_file_atomically(csv, [&](std::ostream& os) {
    os << header(columns) << '\n';
    for (const LossRow& r : rows) os << format(r) << '\n';
  });
}

}  // namespace

std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

LossLog::LossLog(std::filesystem::path csv, std::vector<std::string> columns)
    : csv_(std::move(csv)), columns_(std::move(columns)) {}

void LossLog::start() {
  rows_.clear();
  write_all(csv_, columns_, rows_);
}

void LossLog::resume(std::int64_t rows) {
  std::ifstream in(csv_);
  if (!in) throw Error(csv_.string(), "cannot open the run's loss log to resume it");
  std::string line;
  std::getline(in, line);
  if (line != header(columns_)) {
    throw Error(csv_.string(), "its header is '" + line + "', expected '" + header(columns_) + "' (not this model's loss log)");
  }
  rows_.clear();
  for (std::size_t n = 2; std::int64_t(rows_.size()) < rows && std::getline(in, line); ++n) {
    rows_.push_back(parse(line, columns_.size(), csv_, n));
  }
  if (std::int64_t(rows_.size()) < rows) {
    throw Error(csv_.string(), "has " + std::to_string(rows_.size()) + " rows, the checkpoint accounts for " +
                                   std::to_string(rows));
  }
  write_all(csv_, columns_, rows_);  // drops the rows written after the checkpoint (and a half-written last line)
}

void LossLog::append(const LossRow& row) {
  if (row.terms.size() != columns_.size()) {
    throw Error(csv_.string(), "a row of " + std::to_string(row.terms.size()) + " terms for " + std::to_string(columns_.size()) + " columns");
  }
  std::ofstream out(csv_, std::ios::app);
  out << format(row) << '\n';
  out.flush();
  if (!out) throw Error(csv_.string(), std::string("cannot append a row: ") + std::strerror(errno));
  rows_.push_back(row);
}

namespace {

// Column c takes colour c modulo the palette (a stage rarely logs more than five terms).
const std::array<Vec3f, 8> colours = {Vec3f(0.85f, 0.2f, 0.15f), Vec3f(0.95f, 0.6f, 0.1f), Vec3f(0.55f, 0.3f, 0.75f),
                                      Vec3f(0.15f, 0.45f, 0.85f), Vec3f(0.1f, 0.65f, 0.3f),  Vec3f(0.45f, 0.3f, 0.2f),
                                      Vec3f(0.9f, 0.4f, 0.7f),    Vec3f(0.4f, 0.4f, 0.4f)};

void set_pixel(Image<float>& image, int x, int y, const Vec3f& c) {
  if (x < 0 || y < 0 || x >= image.width() || y >= image.height()) return;
  for (int k = 0; k < 3; ++k) image(x, y, k) = c[k];
}

// A 2-pixel-wide segment, stepped along its longer axis.
void draw_line(Image<float>& image, double x0, double y0, double x1, double y1, const Vec3f& c) {
  const int steps = std::max(1, int(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))));
  for (int s = 0; s <= steps; ++s) {
    const double t = double(s) / steps;
    const int x = int(std::lround(x0 + t * (x1 - x0))), y = int(std::lround(y0 + t * (y1 - y0)));
    set_pixel(image, x, y, c);
    set_pixel(image, x, y + 1, c);
  }
}

std::string short_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

}  // namespace

void plot_loss_curves(const std::vector<LossRow>& rows, const std::vector<std::string>& columns,
                      const std::filesystem::path& png) {
  if (rows.empty()) return;
  std::vector<std::string> stages;
  for (const LossRow& r : rows) {
    if (std::find(stages.begin(), stages.end(), r.stage) == stages.end()) stages.push_back(r.stage);
  }
  constexpr int width = 720, panel = 220, left = 70, right = 150, top = 20, bottom = 24;
  const Vec3f ink(0.1f, 0.1f, 0.1f), grid(0.85f, 0.85f, 0.85f);
  Image<float> image(width, panel * int(stages.size()), 3, 1.0f);
  for (std::size_t p = 0; p < stages.size(); ++p) {
    std::vector<const LossRow*> mine;
    for (const LossRow& r : rows) {
      if (r.stage == stages[p]) mine.push_back(&r);
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    std::int64_t first = mine.front()->iteration, last = mine.back()->iteration;
    for (const LossRow* r : mine) {
      for (double v : r->terms) {
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
      }
    }
    const int y0 = int(p) * panel, px0 = left, px1 = width - right, py0 = y0 + top, py1 = y0 + panel - bottom;
    // Frame and two grid lines.
    for (int x = px0; x <= px1; ++x) set_pixel(image, x, py0, ink), set_pixel(image, x, py1, ink);
    for (int y = py0; y <= py1; ++y) set_pixel(image, px0, y, ink), set_pixel(image, px1, y, ink);
    for (int g = 1; g < 4; ++g) {
      for (int x = px0 + 1; x < px1; ++x) set_pixel(image, x, py0 + g * (py1 - py0) / 4, grid);
    }
    detail::draw_text(image, stages[p] + " stage", px0, y0 + 6, 1, ink);
    if (!std::isfinite(lo)) continue;  // a stage with no finite value: an empty panel
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) hi = lo + std::max(1e-6, std::abs(lo) * 0.01);
    detail::draw_text(image, short_number(hi), 4, py0, 1, ink);
    detail::draw_text(image, short_number(lo), 4, py1 - 7, 1, ink);
    detail::draw_text(image, std::to_string(first), px0, py1 + 6, 1, ink);
    const std::string last_text = "iteration " + std::to_string(last);
    detail::draw_text(image, last_text, px1 - int(last_text.size()) * 6, py1 + 6, 1, ink);
    auto sx = [&](std::int64_t it) {
      return last == first ? 0.5 * (px0 + px1) : px0 + double(it - first) / double(last - first) * (px1 - px0);
    };
    auto sy = [&](double v) { return py1 - (v - lo) / (hi - lo) * (py1 - py0); };
    int legend = 0;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const Vec3f& colour = colours[c % colours.size()];
      bool any = false;
      const LossRow* prev = nullptr;
      for (const LossRow* r : mine) {
        const double v = r->terms[c];
        if (!std::isfinite(v)) continue;
        any = true;
        if (prev) draw_line(image, sx(prev->iteration), sy(prev->terms[c]), sx(r->iteration), sy(v), colour);
        else draw_line(image, sx(r->iteration), sy(v), sx(r->iteration), sy(v), colour);
        prev = r;
      }
      if (!any) continue;
      const int ly = py0 + 4 + legend++ * 12;
      for (int x = px1 + 8; x < px1 + 22; ++x) set_pixel(image, x, ly + 3, colour), set_pixel(image, x, ly + 4, colour);
      detail::draw_text(image, columns[c], px1 + 26, ly, 1, ink);
    }
  }
  write_png(png, image);
}

}  // namespace hifa::trainer
