// Contact sheets and image operations: the sheet's documented size, thumbnails fitted with their
// aspect, labels drawn glyph for glyph from the built-in font, PNG output; area resizing,
// cover-cropping and alpha compositing against hand-computed values.
#include "hifa/render/contact_sheet.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/detail/font5x7.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/render/image_ops.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <set>
#include <string>
#include <vector>

using hifa::ContactSheetOptions;
using hifa::Image;
using hifa::Vec3f;

namespace {

Image<float> solid(int w, int h, const Vec3f& rgb) {
  Image<float> image(w, h, 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < 3; ++c) image(x, y, c) = rgb[c];
    }
  }
  return image;
}

bool is(const Image<float>& image, int x, int y, const Vec3f& rgb) {
  return image(x, y, 0) == rgb[0] && image(x, y, 1) == rgb[1] && image(x, y, 2) == rgb[2];
}

// Pixels of colour `rgb` in the rectangle [x0, x1) x [y0, y1).
int count(const Image<float>& image, int x0, int y0, int x1, int y1, const Vec3f& rgb) {
  int n = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) n += is(image, x, y, rgb);
  }
  return n;
}

int glyph_pixels(const std::string& text) {
  int n = 0;
  for (char ch : text) {
    for (int r = 0; r < hifa::detail::glyph_height; ++r) n += std::popcount(unsigned(hifa::detail::glyph(ch)[r]));
  }
  return n;
}

}  // namespace

TEST_CASE("a contact sheet has the documented size and draws every label glyph under its thumbnail", "[render][sheet]") {
  const Vec3f red(1, 0, 0), green(0, 1, 0);
  std::vector<Image<float>> images;
  for (int i = 0; i < 5; ++i) images.push_back(solid(40, 30, i % 2 ? green : red));
  const std::vector<std::string> labels = {"view 000", "VIEW_090", "a/b-c.png", "", "x"};
  ContactSheetOptions o;
  o.columns = 3;
  o.thumb_width = 60;
  o.thumb_height = 30;
  o.padding = 4;
  const Image<float> sheet = hifa::contact_sheet(images, labels, o);
  // 3 columns x 2 rows of 60 x (30 + 9) cells with 4 pixels between and around.
  CHECK(sheet.width() == 3 * (60 + 4) + 4);
  CHECK(sheet.height() == 2 * (30 + 9 + 4) + 4);
  CHECK(sheet.channels() == 3);
  for (int i = 0; i < 5; ++i) {
    const int cx = 4 + (i % 3) * 64, cy = 4 + (i / 3) * 43;
    // A 40 x 30 image in a 60 x 30 box: scale 1, centred, 10 columns of background either side.
    const Vec3f colour = i % 2 ? green : red;
    CHECK(count(sheet, cx + 10, cy, cx + 50, cy + 30, colour) == 40 * 30);
    CHECK(count(sheet, cx, cy, cx + 10, cy + 30, o.background) == 10 * 30);
    // The label row holds exactly the glyphs' pixels in the text colour.
    INFO("label " << labels[std::size_t(i)]);
    CHECK(count(sheet, cx, cy + 30, cx + 60, cy + 39, o.text) == glyph_pixels(labels[std::size_t(i)]));
  }
  CHECK(glyph_pixels("view 000") > 40);
  // The sixth cell of the grid is empty background.
  CHECK(count(sheet, 4 + 2 * 64, 4 + 43, 4 + 2 * 64 + 60, 4 + 43 + 39, o.background) == 60 * 39);
}

TEST_CASE("a long label keeps its end, and a sheet without labels has no label rows", "[render][sheet]") {
  const std::vector<Image<float>> images = {solid(8, 8, Vec3f(0.5f, 0.5f, 0.5f))};
  ContactSheetOptions o;
  o.thumb_width = 30;  // (30 + 1) / 6 = 5 characters fit
  o.thumb_height = 8;
  o.padding = 0;
  const std::vector<std::string> labels = {"subject_0123"};
  const Image<float> sheet = hifa::contact_sheet(images, labels, o);
  CHECK(count(sheet, 0, 8, 30, 17, o.text) == glyph_pixels("~0123"));
  const Image<float> bare = hifa::contact_sheet(images, {}, o);
  CHECK(bare.width() == 30);
  CHECK(bare.height() == 8);
}

TEST_CASE("grey, grey + alpha and RGBA images become RGB thumbnails over the background", "[render][sheet]") {
  Image<float> grey(4, 4, 1, 0.25f), grey_alpha(4, 4, 2, 0.5f), rgba(4, 4, 4, 1.0f);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) {
      grey_alpha(x, y, 1) = 0.0f;  // transparent: background shows
      rgba(x, y, 3) = 0.5f;
    }
  }
  ContactSheetOptions o;
  o.thumb_width = o.thumb_height = 4;
  o.padding = 0;
  o.columns = 3;
  o.background = Vec3f(0, 0, 0);
  const std::vector<Image<float>> images = {grey, grey_alpha, rgba};
  const Image<float> sheet = hifa::contact_sheet(images, {}, o);
  CHECK(is(sheet, 1, 1, Vec3f::Constant(0.25f)));
  CHECK(is(sheet, 5, 1, Vec3f::Zero()));
  CHECK(is(sheet, 9, 1, Vec3f::Constant(0.5f)));
}

TEST_CASE("a contact sheet is written as a PNG that reads back at its size", "[render][sheet]") {
  const hifa::test::TempDir dir;
  const std::vector<Image<float>> images = {solid(20, 10, Vec3f(1, 0, 0)), solid(10, 20, Vec3f(0, 0, 1))};
  const std::vector<std::string> labels = {"A", "B"};
  hifa::write_contact_sheet(dir / "sheet.png", images, labels);
  const Image<float> back = hifa::read_image(dir / "sheet.png");
  const Image<float> sheet = hifa::contact_sheet(images, labels);
  CHECK(back.width() == sheet.width());
  CHECK(back.height() == sheet.height());
  CHECK(back == hifa::read_image(dir / "sheet.png", 3));
  CHECK(back(4 + 64, 4 + 64, 0) == 1.0f);  // the red thumbnail's centre
}

TEST_CASE("the contact sheet rejects bad input with errors naming it", "[render][sheet]") {
  const std::vector<Image<float>> none;
  CHECK_THROWS_WITH(hifa::contact_sheet(none, {}), Catch::Contains("contact_sheet") && Catch::Contains("no images"));
  const std::vector<Image<float>> one = {solid(2, 2, Vec3f::Zero())};
  const std::vector<std::string> two = {"a", "b"};
  CHECK_THROWS_WITH(hifa::contact_sheet(one, two), Catch::Contains("2 labels for 1 images"));
  const std::vector<Image<float>> empty = {Image<float>()};
  CHECK_THROWS_WITH(hifa::contact_sheet(empty, {}), Catch::Contains("image 0 is empty"));
  ContactSheetOptions o;
  o.columns = 0;
  CHECK_THROWS_WITH(hifa::contact_sheet(one, {}, o), Catch::Contains("columns"));
  o = {};
  o.label_scale = 9;
  CHECK_THROWS_WITH(hifa::contact_sheet(one, {}, o), Catch::Contains("label_scale"));
}

TEST_CASE("every printable ASCII character has its own glyph, and space is blank", "[render][sheet]") {
  std::set<std::vector<int>> seen;
  for (int c = 33; c <= 126; ++c) {
    std::vector<int> rows(hifa::detail::glyph(char(c)), hifa::detail::glyph(char(c)) + 7);
    CHECK(glyph_pixels(std::string(1, char(c))) > 0);
    for (int r : rows) CHECK(r < 32);  // 5 columns
    seen.insert(rows);
  }
  CHECK(seen.size() == 94);
  CHECK(glyph_pixels(" ") == 0);
  CHECK(hifa::detail::glyph('\n') == hifa::detail::glyph('?'));
}

TEST_CASE("area resizing averages whole blocks and keeps a constant image constant", "[render][sheet]") {
  Image<float> image(4, 2, 1);
  for (int x = 0; x < 4; ++x) {
    image(x, 0) = float(x);
    image(x, 1) = float(10 * x);
  }
  const Image<float> half = hifa::resize_area(image, 2, 1);
  CHECK(half(0, 0) == Approx((0 + 1 + 0 + 10) / 4.0));
  CHECK(half(1, 0) == Approx((2 + 3 + 20 + 30) / 4.0));
  const Image<float> third = hifa::resize_area(solid(7, 5, Vec3f(0.3f, 0.6f, 0.9f)), 3, 2);
  for (std::size_t i = 0; i < third.size(); ++i) CHECK(third.data()[i] == Approx(0.3f * float(i % 3 + 1)));
  const Image<float> double_size = hifa::resize_area(image, 8, 4);
  CHECK(double_size(7, 3) == 30.0f);
  CHECK(double_size(2, 0) == 1.0f);
  CHECK_THROWS_WITH(hifa::resize_area(image, 0, 1), Catch::Contains("resize_area"));
  CHECK_THROWS_WITH(hifa::resize_area(Image<float>(), 1, 1), Catch::Contains("empty"));
}

TEST_CASE("cover resizing crops the centre to the target aspect", "[render][sheet]") {
  Image<float> wide(6, 2, 1);
  for (int x = 0; x < 6; ++x) wide(x, 0) = wide(x, 1) = float(x);
  const Image<float> square = hifa::resize_cover(wide, 2, 2);  // crop columns 2..3, then 1:1
  CHECK(square(0, 0) == 2.0f);
  CHECK(square(1, 1) == 3.0f);
}

TEST_CASE("compositing blends foreground over background by alpha", "[render][sheet]") {
  const Image<float> fg = solid(2, 1, Vec3f(1, 0.5f, 0)), bg = solid(2, 1, Vec3f(0, 0, 1));
  Image<float> alpha(2, 1, 1);
  alpha(0, 0) = 1.0f;
  alpha(1, 0) = 0.25f;
  const Image<float> out = hifa::composite_over(fg, alpha, bg);
  CHECK(is(out, 0, 0, Vec3f(1, 0.5f, 0)));
  CHECK(out(1, 0, 0) == Approx(0.25f));
  CHECK(out(1, 0, 1) == Approx(0.125f));
  CHECK(out(1, 0, 2) == Approx(0.75f));
  CHECK_THROWS_WITH(hifa::composite_over(fg, alpha, solid(3, 1, Vec3f::Zero())), Catch::Contains("composite_over"));
  CHECK_THROWS_WITH(hifa::composite_over(fg, Image<float>(2, 1, 3), bg), Catch::Contains("alpha"));
}
