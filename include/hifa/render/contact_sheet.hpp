#pragma once
// A contact sheet: a grid of thumbnails, each with a text label under it, so a person sees a whole
// dataset (every subject's views, masks, normal maps) at a glance.
//
//   std::vector<hifa::Image<float>> images = ...;   std::vector<std::string> labels = ...;
//   hifa::ContactSheetOptions o;  o.columns = 10;  o.thumb_width = o.thumb_height = 96;
//   hifa::write_contact_sheet("dataset/contact_sheet.png", images, labels, o);
//   hifa::Image<float> sheet = hifa::contact_sheet(images, labels, o);   // the same, in memory
//
// Inputs:  images   N >= 1 non-empty float images (values in [0, 1]): 1 channel grey, 2 grey + alpha,
//                   3 RGB, 4 RGBA; alpha is composited over the sheet's background
//          labels   N strings (or none at all: no label rows); printable ASCII is drawn with the
//                   built-in 5 x 7 font (detail/font5x7.hpp), anything else as '?'; a label longer
//                   than its cell keeps its END ("~" + the last characters that fit): file names
//                   differ at the end
//          options  columns >= 1; thumbnail box thumb_width x thumb_height in 1..4096; padding 0..256
//                   pixels between and around cells; label_scale 1..8 (font pixel size); colours
// Outputs: an RGB image of columns' x rows cells, columns' = min(columns, N), rows = ceil(N / columns),
//          filled row by row: cell width thumb_width, height thumb_height + label height, where the
//          label height is 9 · label_scale (7 glyph rows and one row of space above and below) or 0
//          without labels; sheet size (columns' (thumb_width + padding) + padding) x
//          (rows (cell height + padding) + padding). Each image is resized with its aspect kept to
//          fit the thumbnail box (image_ops.hpp's resize_area, a box filter) and centred in it; its
//          label is centred under it, each glyph 6 · label_scale pixels wide with the spacing.
// Errors:  hifa::Error naming "contact_sheet": no images, an empty image, labels neither empty nor N,
//          options out of range, a sheet of more than 2^31 - 1 values; write_contact_sheet also
//          write_png's errors naming the file.
// Cost:    O(source pixels + sheet pixels); serial, the same bytes everywhere.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/render/detail/font5x7.hpp"
#include "hifa/render/image.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/render/image_ops.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace hifa {

struct ContactSheetOptions {
  int columns = 8;
  int thumb_width = 128;
  int thumb_height = 128;
  int padding = 4;
  int label_scale = 1;
  Vec3f background = Vec3f::Constant(0.12f);
  Vec3f text = Vec3f::Constant(1.0f);
};

namespace detail {

// Draws `text` with its top-left corner at (x0, y0), glyph pixels scale x scale, clipped to the image.
inline void draw_text(Image<float>& image, const std::string& text, int x0, int y0, int scale, const Vec3f& colour) {
  for (std::size_t n = 0; n < text.size(); ++n) {
    const std::uint8_t* rows = glyph(text[n]);
    const int gx = x0 + int(n) * (glyph_width + 1) * scale;
    for (int r = 0; r < glyph_height; ++r) {
      for (int col = 0; col < glyph_width; ++col) {
        if (!((rows[r] >> (glyph_width - 1 - col)) & 1u)) continue;
        for (int sy = 0; sy < scale; ++sy) {
          for (int sx = 0; sx < scale; ++sx) {
            const int x = gx + col * scale + sx, y = y0 + r * scale + sy;
            if (x < 0 || y < 0 || x >= image.width() || y >= image.height()) continue;
            for (int c = 0; c < 3; ++c) image(x, y, c) = colour[c];
          }
        }
      }
    }
  }
}

}  // namespace detail

inline Image<float> contact_sheet(std::span<const Image<float>> images, std::span<const std::string> labels,
                                  const ContactSheetOptions& options = {}) {
  const char* where = "contact_sheet";
  if (images.empty()) throw Error(where, "no images");
  if (!labels.empty() && labels.size() != images.size()) {
    throw Error(where, std::to_string(labels.size()) + " labels for " + std::to_string(images.size()) +
                           " images (give one per image, or none)");
  }
  const ContactSheetOptions& o = options;
  if (o.columns < 1) throw Error(where, "columns must be >= 1, got " + std::to_string(o.columns));
  if (o.thumb_width < 1 || o.thumb_width > 4096 || o.thumb_height < 1 || o.thumb_height > 4096) {
    throw Error(where, "thumbnail size must be in 1..4096, got " + std::to_string(o.thumb_width) + " x " +
                           std::to_string(o.thumb_height));
  }
  if (o.padding < 0 || o.padding > 256) throw Error(where, "padding must be in 0..256, got " + std::to_string(o.padding));
  if (o.label_scale < 1 || o.label_scale > 8) {
    throw Error(where, "label_scale must be in 1..8, got " + std::to_string(o.label_scale));
  }
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (images[i].empty()) throw Error(where, "image " + std::to_string(i) + " is empty");
  }
  const std::int64_t n = std::int64_t(images.size());
  const std::int64_t columns = std::min<std::int64_t>(o.columns, n), rows = (n + o.columns - 1) / o.columns;
  const int label_height = labels.empty() ? 0 : (detail::glyph_height + 2) * o.label_scale;
  const std::int64_t cell_w = o.thumb_width, cell_h = o.thumb_height + label_height;
  const std::int64_t sheet_w = columns * (cell_w + o.padding) + o.padding, sheet_h = rows * (cell_h + o.padding) + o.padding;
  if (sheet_w * sheet_h * 3 > std::int64_t(2147483647)) {
    throw Error(where, std::to_string(sheet_w) + " x " + std::to_string(sheet_h) + " x 3 values is more than 2^31 - 1");
  }
  Image<float> sheet(int(sheet_w), int(sheet_h), 3);
  for (int y = 0; y < sheet.height(); ++y) {
    for (int x = 0; x < sheet.width(); ++x) {
      for (int c = 0; c < 3; ++c) sheet(x, y, c) = o.background[c];
    }
  }
  const int glyph_step = (detail::glyph_width + 1) * o.label_scale;
  for (std::int64_t i = 0; i < n; ++i) {
    const Image<float>& image = images[std::size_t(i)];
    const int cx = int(o.padding + (i % o.columns) * (cell_w + o.padding));
    const int cy = int(o.padding + (i / o.columns) * (cell_h + o.padding));
    const double s = std::min(double(o.thumb_width) / image.width(), double(o.thumb_height) / image.height());
    const int tw = std::clamp(int(std::lround(image.width() * s)), 1, o.thumb_width);
    const int th = std::clamp(int(std::lround(image.height() * s)), 1, o.thumb_height);
    const Image<float> thumb = resize_area(image, tw, th);
    const int tx = cx + (o.thumb_width - tw) / 2, ty = cy + (o.thumb_height - th) / 2;
    const int ch = thumb.channels();
    for (int y = 0; y < th; ++y) {
      for (int x = 0; x < tw; ++x) {
        const bool has_alpha = ch == 2 || ch == 4;
        const float a = has_alpha ? std::clamp(thumb(x, y, ch - 1), 0.0f, 1.0f) : 1.0f;
        for (int c = 0; c < 3; ++c) {
          const float v = ch >= 3 ? thumb(x, y, c) : thumb(x, y, 0);
          sheet(tx + x, ty + y, c) = a * v + (1 - a) * o.background[c];
        }
      }
    }
    if (labels.empty()) continue;
    std::string text = labels[std::size_t(i)];
    const std::size_t fit = std::size_t(std::max(1, (o.thumb_width + o.label_scale) / glyph_step));
    if (text.size() > fit) text = "~" + text.substr(text.size() - (fit - 1));
    const int text_w = int(text.size()) * glyph_step - o.label_scale;  // no spacing after the last glyph
    detail::draw_text(sheet, text, cx + (o.thumb_width - text_w) / 2, cy + o.thumb_height + o.label_scale, o.label_scale,
                      o.text);
  }
  return sheet;
}

inline void write_contact_sheet(const std::filesystem::path& path, std::span<const Image<float>> images,
                                std::span<const std::string> labels, const ContactSheetOptions& options = {}) {
  write_png(path, contact_sheet(images, labels, options));
}

}  // namespace hifa
