#pragma once
// An orthographic CPU rasterizer, parallel over screen tiles with Kokkos: one view of a mesh into
// the maps PIFu/PIFuHD train on — colour, alpha mask, depth, front and back normal maps.
//
//   const hifa::Rasterizer<Kokkos::DefaultHostExecutionSpace> raster(space, mesh, hifa::load_textures(mesh));
//   hifa::RenderOptions options;  options.width = options.height = 512;  options.supersample = 2;
//   hifa::RenderMaps maps = raster.render(space, calibration, options);
//   hifa::write_png("normal_F.png", maps.front_normal);
//
// Inputs:  mesh      TriMesh<float>: vertices #V x 3 (finite), faces #F x 3 (indices in [0, #V));
//                    optional normals #V x 3, colors #V x 3 in [0, 1], uvs + face_uvs (indices in
//                    [0, #T)), materials + face_materials (ids in [0, #materials); none stored per
//                    face: all material 0). Both windings are drawn (no back-face culling). The
//                    rasterizer copies what it needs; the mesh may go away.
//          textures  none, or one float image per material (1..4 channels, values in [0, 1]; a mesh
//                    without materials counts as one material), e.g. image_io.hpp's load_textures;
//                    an empty image for a material without texture. Looked up at the mesh's UVs
//                    (render/texture.hpp: OBJ convention, v up, bilinear, repeating); kept by value
//                    (copies of the rasterizer share them).
//          calibration  render/camera.hpp: scan units -> normalized cube; the camera looks along -z.
//          options   width x height output pixels (each 1..16384), supersample k in 1..8 (the view is
//                    rasterized at (k W) x (k H) samples and box-filtered down), albedo: the colour
//                    of a mesh without texture and without vertex colours.
// Outputs: RenderMaps, every image width x height, row 0 at the top (camera.hpp's pixel convention:
//          sample (i, j) of the k-times grid sits at pixel coordinates ((i + 0.5) / k, (j + 0.5) / k)).
//          Per sample, the NEAREST surface is the covering triangle with the largest normalized z
//          (ties: lowest face id) and the FARTHEST the one with the smallest z (ties: lowest face id).
//            alpha         1 channel: covered samples / k² (1 inside, 0 outside, fractional on edges)
//            color         3: RGB of the nearest surface, averaged over the covered samples of the
//                          pixel (straight, not premultiplied: composite as alpha·color + (1-alpha)·bg);
//                          per face, by its material m: textures[m] at the interpolated UV when the
//                          mesh has UVs and textures[m] is not empty, else interpolated vertex colours
//                          when the mesh has them, else material m's Kd when the mesh has materials,
//                          else options.albedo. Unlit.
//            depth         1: normalized z of the nearest surface averaged over the covered samples
//                          (larger = nearer; points of the cube lie in [-1, 1]); no near/far clipping
//            front_normal  3: unit camera-space normal (R n, camera.hpp) of the nearest surface,
//                          stored (n + 1) / 2: the interpolated vertex normal when the mesh has normals,
//                          else the face normal, turned to face the camera (n_z >= 0 for the face's
//                          geometric normal) — so meshes with open boundaries or every triangle stored
//                          twice give the visible side; a closed outward-oriented mesh is unchanged.
//                          Averaged over the covered samples and renormalised.
//            back_normal   3: the same for the farthest surface (PIFuHD's back-normal target), turned
//                          to face away from the camera (geometric n_z <= 0).
//            face          1 (int): the nearest face at the pixel's shading sample: sample (k/2, k/2)
//                          of the pixel (its centre for odd k) when covered, else the first covered
//                          sample in row-major order (an edge pixel); -1 exactly where alpha is 0
//            barycentric   3: the weights of corners faces(face, 0), (face, 1), (face, 2) at that same
//                          shading sample (>= 0, sum 1 to rounding), so any per-vertex attribute can
//                          be interpolated at the pixel afterwards (prt.hpp's shade_prt does, with
//                          the per-vertex radiance transfer); 0 where alpha is 0
//          Every image is 0 (face -1) where alpha is 0. The output is the same bytes for every thread
//          count and host backend: coverage is exact (integer edge functions), the winner of each
//          sample is a total order on (z, face id) independent of the order triangles are visited, and
//          each pixel is shaded by one sequential loop.
// Method:  vertices are projected and snapped to 1/256 sample; each triangle is binned to the 16 x 16
//          sample tiles its box touches; tiles are rasterized in parallel (Pineda edge functions,
//          Direct3D's top-left rule, detail/raster_triangle.hpp), keeping the nearest and the farthest
//          (z, face) per sample; a second pass shades each output pixel from the winning faces.
//          Triangles with zero area on screen (edge-on), or with a corner more than 2^22 samples
//          outside the image, are not drawn.
// Errors:  hifa::Error naming "Rasterizer": no vertices, a non-finite vertex, a face, face-uv or
//          face-material index out of range (face uvs are checked when a texture is given), a texture
//          count that is neither 0 nor the material count, more than 2^31 - 1 faces; naming
//          "Rasterizer::render": a size or supersample factor out of range, more than 2^31 - 1
//          samples, or a bad calibration (check_calibration).
// Cost:    O(V + F + samples covered by triangle boxes), in parallel kernels; memory per render: two
//          64-bit keys per sample ((k W) (k H) · 16 bytes), per-vertex screen data and the bins.
//          render() returns finished host images, so it fences `space` before returning.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/detail/raster_triangle.hpp"
#include "hifa/render/image.hpp"
#include "hifa/render/texture.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace hifa {

struct RenderOptions {
  int width = 512;
  int height = 512;
  int supersample = 1;                       // k: k x k samples per pixel, box-filtered
  Vec3f albedo = Vec3f::Constant(1.0f);      // colour without texture or vertex colours
};

struct RenderMaps {
  Image<float> color;         // W x H x 3
  Image<float> alpha;         // W x H x 1
  Image<float> depth;         // W x H x 1, normalized z
  Image<float> front_normal;  // W x H x 3, (n + 1) / 2
  Image<float> back_normal;   // W x H x 3, (n + 1) / 2
  Image<int> face;            // W x H x 1, -1 for background
  Image<float> barycentric;   // W x H x 3, weights of face's corners at the pixel's shading sample
};

template <class ExecutionSpace = Kokkos::DefaultHostExecutionSpace>
class Rasterizer {
  static_assert(Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible,
                "hifa::Rasterizer: a CPU rasterizer; the execution space must run on the host");

 public:
  using execution_space = ExecutionSpace;
  static constexpr int tile_size = 16;  // samples per tile side

  Rasterizer(const ExecutionSpace& space, const TriMesh<float>& mesh, std::vector<Image<float>> textures = {})
      : textures_(std::make_shared<const std::vector<Image<float>>>(std::move(textures))) {
    const char* where = "Rasterizer";
    if (mesh.vertex_count() == 0) throw Error(where, "the mesh has no vertices");
    if (mesh.face_count() > Eigen::Index(std::numeric_limits<int>::max())) {
      throw Error(where, "more than 2^31 - 1 faces");
    }
    if (!mesh.vertices.allFinite()) throw Error(where, "the mesh has a non-finite vertex");
    check_indices(mesh.faces, mesh.vertex_count(), "face", "vertex");
    vertex_count_ = int(mesh.vertex_count());
    face_count_ = int(mesh.face_count());
    positions_ = copy3<float>(space, mesh.vertices, "hifa::render::rasterizer::positions");
    faces_ = copy3<int>(space, mesh.faces, "hifa::render::rasterizer::faces");
    if (mesh.has_normals()) normals_ = copy3<float>(space, mesh.normals, "hifa::render::rasterizer::normals");
    set_up_materials(space, mesh);
    const bool any_texture =
        std::any_of(textures_->begin(), textures_->end(), [](const Image<float>& t) { return !t.empty(); });
    if (mesh.has_uvs() && any_texture) {
      check_indices(mesh.face_uvs, mesh.uvs.rows(), "face uv", "uv");
      face_uvs_ = copy3<int>(space, mesh.face_uvs, "hifa::render::rasterizer::face_uvs");
      uvs_ = Kokkos::View<float* [2], Memory>(alloc(space, "hifa::render::rasterizer::uvs"), std::size_t(mesh.uvs.rows()));
      for (Eigen::Index t = 0; t < mesh.uvs.rows(); ++t) {
        uvs_(t, 0) = mesh.uvs(t, 0);
        uvs_(t, 1) = mesh.uvs(t, 1);
      }
    }
    if (mesh.has_colors()) colors_ = copy3<float>(space, mesh.colors, "hifa::render::rasterizer::colors");
  }

  int face_count() const { return face_count_; }

  RenderMaps render(const ExecutionSpace& space, const Calibration& calibration, const RenderOptions& options) const {
    const char* where = "Rasterizer::render";
    check_calibration(calibration);
    if (options.width < 1 || options.width > 16384 || options.height < 1 || options.height > 16384) {
      throw Error(where, "width and height must be in 1..16384, got " + std::to_string(options.width) + " x " +
                             std::to_string(options.height));
    }
    if (options.supersample < 1 || options.supersample > 8) {
      throw Error(where, "supersample must be in 1..8, got " + std::to_string(options.supersample));
    }
    const int k = options.supersample;
    const int sw = options.width * k, sh = options.height * k;
    if (std::int64_t(sw) * sh > std::int64_t(std::numeric_limits<int>::max())) {
      throw Error(where, std::to_string(sw) + " x " + std::to_string(sh) + " samples is more than 2^31 - 1");
    }
    Kokkos::Profiling::pushRegion("hifa::render::rasterize");
    const Screen screen = project(space, calibration, sw, sh);
    const Setup setup = set_up(space, screen, calibration_rotation(calibration), sw, sh);
    const Bins bins = bin(space, setup, sw, sh);
    const Samples samples = rasterize(space, screen, setup, bins, sw, sh);
    RenderMaps maps = shade(space, screen, setup, samples, options);
    space.fence();
    Kokkos::Profiling::popRegion();
    return maps;
  }

 private:
  using Memory = typename ExecutionSpace::memory_space;
  using Policy = Kokkos::RangePolicy<ExecutionSpace>;

  // Per-vertex screen data for one view.
  struct Screen {
    Kokkos::View<std::int32_t* [2], Memory> fixed;  // snapped sample coordinates
    Kokkos::View<float*, Memory> z;                 // normalized z
    Kokkos::View<bool*, Memory> valid;              // finite and within the fixed-point range
    Kokkos::View<float* [3], Memory> normals;       // camera-space vertex normals (when the mesh has them)
  };
  // Per-face set-up; tiles.extent(0) == F, tile box [x0, x1] x [y0, y1], empty when x0 > x1.
  struct Setup {
    Kokkos::View<detail::RasterTriangle*, Memory> triangles;
    Kokkos::View<int* [4], Memory> tiles;
    Kokkos::View<float* [3], Memory> face_normals;  // camera-space unit face normals
  };
  struct Bins {
    int tiles_x, tiles_y;
    Kokkos::View<std::int64_t*, Memory> offsets;  // tiles + 1
    Kokkos::View<int*, Memory> faces;
  };
  struct Samples {
    Kokkos::View<std::uint64_t*, Memory> front, back;  // sw * sh keys, row-major
  };

  static auto alloc(const ExecutionSpace& space, const char* label) {
    return Kokkos::view_alloc(space, Kokkos::WithoutInitializing, std::string(label));
  }

  template <class T, class M>
  static Kokkos::View<T* [3], Memory> copy3(const ExecutionSpace& space, const M& m, const char* label) {
    Kokkos::View<T* [3], Memory> out(alloc(space, label), std::size_t(m.rows()));
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      for (int c = 0; c < 3; ++c) out(r, c) = T(m(r, c));
    }
    return out;
  }

  // One sampler and one Kd per material (a mesh without materials: one, its colour options.albedo),
  // and each face's material when the mesh stores them.
  void set_up_materials(const ExecutionSpace& space, const TriMesh<float>& mesh) {
    const std::size_t count = std::max<std::size_t>(1, mesh.materials.size());
    if (!textures_->empty() && textures_->size() != count) {
      throw Error("Rasterizer", std::to_string(textures_->size()) + " textures for " + std::to_string(count) +
                                    " materials: pass none or one per material");
    }
    samplers_ = Kokkos::View<TextureSampler*, Memory>(alloc(space, "hifa::render::rasterizer::textures"), count);
    diffuse_ = Kokkos::View<float* [3], Memory>(alloc(space, "hifa::render::rasterizer::diffuse"), count);
    for (std::size_t m = 0; m < count; ++m) {
      samplers_(m) = m < textures_->size() ? TextureSampler((*textures_)[m]) : TextureSampler();
      for (int c = 0; c < 3; ++c) diffuse_(m, c) = m < mesh.materials.size() ? mesh.materials[m].diffuse[c] : 1.0f;
    }
    with_materials_ = !mesh.materials.empty();
    if (mesh.has_face_materials()) {
      face_materials_ = Kokkos::View<int*, Memory>(alloc(space, "hifa::render::rasterizer::face_materials"),
                                                   std::size_t(mesh.face_count()));
      for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
        const int m = mesh.face_materials(f);
        if (m < 0 || std::size_t(m) >= mesh.materials.size()) {
          throw Error("Rasterizer", "face " + std::to_string(f) + " uses material " + std::to_string(m) +
                                        " but there are " + std::to_string(mesh.materials.size()));
        }
        face_materials_(f) = m;
      }
    }
  }

  static void check_indices(const FaceMatrix& faces, Eigen::Index count, const char* what, const char* of) {
    for (Eigen::Index f = 0; f < faces.rows(); ++f) {
      for (int c = 0; c < 3; ++c) {
        if (faces(f, c) < 0 || faces(f, c) >= count) {
          throw Error("Rasterizer", std::string(what) + " " + std::to_string(f) + " uses " + of + " " +
                                        std::to_string(faces(f, c)) + " but there are " + std::to_string(count));
        }
      }
    }
  }

  Screen project(const ExecutionSpace& space, const Calibration& calibration, int sw, int sh) const {
    Screen s;
    const std::size_t n = std::size_t(vertex_count_);
    s.fixed = decltype(s.fixed)(alloc(space, "hifa::render::rasterize::fixed"), n);
    s.z = decltype(s.z)(alloc(space, "hifa::render::rasterize::z"), n);
    s.valid = decltype(s.valid)(alloc(space, "hifa::render::rasterize::valid"), n);
    const bool with_normals = normals_.extent(0) > 0;
    if (with_normals) s.normals = decltype(s.normals)(alloc(space, "hifa::render::rasterize::normals"), n);
    const Mat3<float> r = calibration_rotation(calibration);
    const Mat3<float> sr = calibration.scale * r;
    const Vec3f c = calibration.centre;
    const auto positions = positions_;
    const auto normals = normals_;
    const Screen out = s;
    Kokkos::parallel_for(
        "hifa::render::rasterize::project", Policy(space, 0, n), [=](const std::size_t v) {
          const Vec3f p(positions(v, 0) - c.x(), positions(v, 1) - c.y(), positions(v, 2) - c.z());
          const Vec3f q = sr * p;  // the same expression as world_to_normalized
          std::int32_t fx = 0, fy = 0;
          const bool ok = detail::snap(normalized_to_pixel_x(q.x(), sw), fx) &&
                          detail::snap(normalized_to_pixel_y(q.y(), sh), fy) && std::isfinite(q.z());
          out.fixed(v, 0) = fx;
          out.fixed(v, 1) = fy;
          out.z(v) = q.z();
          out.valid(v) = ok;
          if (with_normals) {
            const Vec3f m = r * Vec3f(normals(v, 0), normals(v, 1), normals(v, 2));
            for (int d = 0; d < 3; ++d) out.normals(v, d) = m[d];
          }
        });
    return s;
  }

  Setup set_up(const ExecutionSpace& space, const Screen& screen, const Mat3<float>& rotation, int sw, int sh) const {
    Setup s;
    const std::size_t n = std::size_t(face_count_);
    s.triangles = decltype(s.triangles)(alloc(space, "hifa::render::rasterize::triangles"), n);
    s.tiles = decltype(s.tiles)(alloc(space, "hifa::render::rasterize::face_tiles"), n);
    s.face_normals = decltype(s.face_normals)(alloc(space, "hifa::render::rasterize::face_normals"), n);
    const auto faces = faces_;
    const auto positions = positions_;
    const Setup out = s;
    Kokkos::parallel_for(
        "hifa::render::rasterize::setup", Policy(space, 0, n), [=](const std::size_t f) {
          std::int32_t fx[3], fy[3];
          Vec3f p[3];
          bool ok = true;
          for (int c = 0; c < 3; ++c) {
            const int v = faces(f, c);
            fx[c] = screen.fixed(v, 0);
            fy[c] = screen.fixed(v, 1);
            ok = ok && screen.valid(v);
            p[c] = Vec3f(positions(v, 0), positions(v, 1), positions(v, 2));
          }
          detail::RasterTriangle t{};
          ok = ok && t.setup(fx, fy);
          out.triangles(f) = t;
          // Tiles touched by the samples of the triangle's box, clipped to the image; empty (x0 > x1)
          // when the triangle is degenerate, invalid or off screen.
          int x0 = 1, x1 = 0, y0 = 1, y1 = 0;
          const int lo_i = std::max(t.min_i, 0), hi_i = std::min(t.max_i, sw - 1);
          const int lo_j = std::max(t.min_j, 0), hi_j = std::min(t.max_j, sh - 1);
          if (ok && lo_i <= hi_i && lo_j <= hi_j) {
            x0 = lo_i / tile_size;
            x1 = hi_i / tile_size;
            y0 = lo_j / tile_size;
            y1 = hi_j / tile_size;
          }
          out.tiles(f, 0) = x0;
          out.tiles(f, 1) = x1;
          out.tiles(f, 2) = y0;
          out.tiles(f, 3) = y1;
          // The geometric normal in camera space, R (e1 x e2) normalised (rotation commutes with
          // the cross product), from the scan-unit corners rather than the snapped screen ones.
          const Vec3f m = rotation * (p[1] - p[0]).cross(p[2] - p[0]);
          const float len = m.norm();
          for (int d = 0; d < 3; ++d) out.face_normals(f, d) = len > 0 ? m[d] / len : 0.0f;
        });
    return s;
  }

  Bins bin(const ExecutionSpace& space, const Setup& setup, int sw, int sh) const {
    Bins b;
    b.tiles_x = (sw + tile_size - 1) / tile_size;
    b.tiles_y = (sh + tile_size - 1) / tile_size;
    const int tiles_x = b.tiles_x;
    const std::size_t tiles = std::size_t(b.tiles_x) * std::size_t(b.tiles_y);
    const Kokkos::View<std::int64_t*, Memory> counts(
        Kokkos::view_alloc(space, std::string("hifa::render::rasterize::tile_counts")), tiles + 1);
    const auto boxes = setup.tiles;
    const std::size_t n = std::size_t(face_count_);
    Kokkos::parallel_for(
        "hifa::render::rasterize::count_bins", Policy(space, 0, n), [=](const std::size_t f) {
          for (int ty = boxes(f, 2); ty <= boxes(f, 3); ++ty) {
            for (int tx = boxes(f, 0); tx <= boxes(f, 1); ++tx) {
              Kokkos::atomic_increment(&counts(std::size_t(ty) * tiles_x + tx));
            }
          }
        });
    // Exclusive prefix sum in place: counts becomes the offsets, counts(tiles) the total.
    std::int64_t total = 0;
    Kokkos::parallel_scan(
        "hifa::render::rasterize::bin_offsets", Policy(space, 0, tiles + 1),
        [=](const std::size_t t, std::int64_t& sum, const bool final) {
          const std::int64_t c = t < tiles ? counts(t) : 0;
          if (final) counts(t) = sum;
          sum += c;
        },
        total);
    b.offsets = counts;
    b.faces = decltype(b.faces)(alloc(space, "hifa::render::rasterize::bins"), std::size_t(total));
    const Kokkos::View<std::int64_t*, Memory> cursor(alloc(space, "hifa::render::rasterize::bin_cursor"), tiles);
    Kokkos::deep_copy(space, cursor, Kokkos::subview(counts, std::make_pair(std::size_t(0), tiles)));
    const auto faces = b.faces;
    // The order of faces inside a bin depends on the threads; the result does not (see render).
    Kokkos::parallel_for(
        "hifa::render::rasterize::fill_bins", Policy(space, 0, n), [=](const std::size_t f) {
          for (int ty = boxes(f, 2); ty <= boxes(f, 3); ++ty) {
            for (int tx = boxes(f, 0); tx <= boxes(f, 1); ++tx) {
              const std::int64_t at = Kokkos::atomic_fetch_add(&cursor(std::size_t(ty) * tiles_x + tx), std::int64_t{1});
              faces(at) = int(f);
            }
          }
        });
    return b;
  }

  Samples rasterize(const ExecutionSpace& space, const Screen& screen, const Setup& setup, const Bins& bins, int sw,
                    int sh) const {
    Samples s;
    const std::size_t n = std::size_t(sw) * std::size_t(sh);
    s.front = decltype(s.front)(alloc(space, "hifa::render::rasterize::front"), n);
    s.back = decltype(s.back)(alloc(space, "hifa::render::rasterize::back"), n);
    const auto front = s.front, back = s.back;
    const auto triangles = setup.triangles;
    const auto faces = faces_;
    const auto z = screen.z;
    const int tiles_x = bins.tiles_x;
    const auto offsets = bins.offsets;
    const auto binned = bins.faces;
    const std::size_t tiles = std::size_t(bins.tiles_x) * std::size_t(bins.tiles_y);
    // Tiles differ a lot in work (empty background vs. dense detail): hand them out dynamically.
    Kokkos::parallel_for(
        "hifa::render::rasterize::tiles", Kokkos::RangePolicy<ExecutionSpace, Kokkos::Schedule<Kokkos::Dynamic>>(space, 0, tiles),
        [=](const std::size_t tile) {
          const int i0 = int(tile % tiles_x) * tile_size, j0 = int(tile / tiles_x) * tile_size;
          const int i1 = std::min(i0 + tile_size, sw) - 1, j1 = std::min(j0 + tile_size, sh) - 1;
          for (int j = j0; j <= j1; ++j) {
            for (int i = i0; i <= i1; ++i) {
              front(std::size_t(j) * sw + i) = 0;
              back(std::size_t(j) * sw + i) = detail::no_back;
            }
          }
          for (std::int64_t e = offsets(tile); e < offsets(tile + 1); ++e) {
            const int f = binned(e);
            const detail::RasterTriangle& t = triangles(f);
            const int a0 = std::max(t.min_i, i0), a1 = std::min(t.max_i, i1);
            const int b0 = std::max(t.min_j, j0), b1 = std::min(t.max_j, j1);
            if (a0 > a1 || b0 > b1) continue;
            const float z0 = z(faces(f, 0)), z1 = z(faces(f, 1)), z2 = z(faces(f, 2));
            const std::int64_t px = detail::RasterTriangle::centre(a0);
            std::int64_t row[3];
            for (int c = 0; c < 3; ++c) row[c] = t.edge(c, px, detail::RasterTriangle::centre(b0));
            const std::int64_t sx[3] = {t.step_x(0), t.step_x(1), t.step_x(2)};
            const std::int64_t sy[3] = {t.step_y(0), t.step_y(1), t.step_y(2)};
            for (int j = b0; j <= b1; ++j) {
              std::int64_t e0 = row[0], e1 = row[1], e2 = row[2];
              for (int i = a0; i <= a1; ++i) {
                if (t.covers(e0, e1, e2)) {
                  double w[3];
                  t.weights(e0, e1, e2, w);
                  const float depth = float(w[0] * z0 + w[1] * z1 + w[2] * z2);
                  const std::size_t at = std::size_t(j) * sw + i;
                  const std::uint64_t fk = detail::front_key(depth, f), bk = detail::back_key(depth, f);
                  if (fk > front(at)) front(at) = fk;
                  if (bk < back(at)) back(at) = bk;
                }
                e0 += sx[0];
                e1 += sx[1];
                e2 += sx[2];
              }
              for (int c = 0; c < 3; ++c) row[c] += sy[c];
            }
          }
        });
    return s;
  }

  // Shades output pixel p from the winners of its k x k samples (one sequential loop per pixel).
  struct Shader {
    Kokkos::View<std::uint64_t*, Memory> front, back;
    Kokkos::View<detail::RasterTriangle*, Memory> triangles;
    Kokkos::View<float* [3], Memory> face_normals, vertex_normals, colors;
    Kokkos::View<int* [3], Memory> faces, face_uvs;
    Kokkos::View<float*, Memory> z;
    Kokkos::View<float* [2], Memory> uvs;
    Kokkos::View<TextureSampler*, Memory> textures;  // per material
    Kokkos::View<float* [3], Memory> diffuse;        // Kd per material
    Kokkos::View<int*, Memory> face_materials;        // per face, or empty: material 0
    float albedo[3];
    int w, k, sw;
    bool smooth, textured, coloured, with_materials;
    float *color, *alpha, *depth, *front_normal, *back_normal, *barycentric;
    int* face_id;

    // Weights of face f's corners at sample (i, j), which the face covers.
    KOKKOS_FORCEINLINE_FUNCTION void weights_at(int f, int i, int j, double (&wt)[3]) const {
      const detail::RasterTriangle& t = triangles(f);
      const std::int64_t px = detail::RasterTriangle::centre(i), py = detail::RasterTriangle::centre(j);
      t.weights(t.edge(0, px, py), t.edge(1, px, py), t.edge(2, px, py), wt);
    }

    // Camera-space unit normal of face f at weights wt, turned so that the face's geometric normal
    // has z >= 0 (towards) or z <= 0 (away from the camera), added to sum.
    KOKKOS_FORCEINLINE_FUNCTION void add_normal(int f, const double (&wt)[3], bool towards, double (&sum)[3]) const {
      const float fz = face_normals(f, 2);
      const double sign = (towards ? fz < 0 : fz > 0) ? -1.0 : 1.0;
      double m[3] = {face_normals(f, 0), face_normals(f, 1), fz};
      if (smooth) {
        double s[3] = {0, 0, 0};
        for (int c = 0; c < 3; ++c) {
          const int v = faces(f, c);
          for (int d = 0; d < 3; ++d) s[d] += wt[c] * vertex_normals(v, d);
        }
        const double len2 = s[0] * s[0] + s[1] * s[1] + s[2] * s[2];
        if (len2 > 0) {
          const double inv = 1.0 / std::sqrt(len2);
          for (int d = 0; d < 3; ++d) m[d] = s[d] * inv;
        }
      }
      for (int d = 0; d < 3; ++d) sum[d] += sign * m[d];
    }

    KOKKOS_FORCEINLINE_FUNCTION void add_color(int f, const double (&wt)[3], double (&sum)[3]) const {
      const int m = face_materials.extent(0) > 0 ? face_materials(f) : 0;
      if (textured && !textures(m).empty()) {
        float u = 0, v = 0;
        for (int q = 0; q < 3; ++q) {
          u += float(wt[q]) * uvs(face_uvs(f, q), 0);
          v += float(wt[q]) * uvs(face_uvs(f, q), 1);
        }
        float c[3];
        textures(m).rgb(u, v, c);
        for (int d = 0; d < 3; ++d) sum[d] += c[d];
      } else if (coloured) {
        for (int d = 0; d < 3; ++d) {
          sum[d] += float(wt[0] * colors(faces(f, 0), d) + wt[1] * colors(faces(f, 1), d) + wt[2] * colors(faces(f, 2), d));
        }
      } else if (with_materials) {
        for (int d = 0; d < 3; ++d) sum[d] += diffuse(m, d);
      } else {
        for (int d = 0; d < 3; ++d) sum[d] += albedo[d];
      }
    }

    static KOKKOS_FORCEINLINE_FUNCTION void store_normal(float* out, const double (&sum)[3]) {
      const double len = std::sqrt(sum[0] * sum[0] + sum[1] * sum[1] + sum[2] * sum[2]);
      for (int d = 0; d < 3; ++d) out[d] = len > 0 ? float(0.5 * (sum[d] / len + 1.0)) : 0.5f;
    }

    // Row y of the output, left to right.
    KOKKOS_FUNCTION void operator()(const int y) const {
      for (int x = 0; x < w; ++x) pixel(x, y);
    }

    KOKKOS_FORCEINLINE_FUNCTION void pixel(const int x, const int y) const {
      const std::size_t p = std::size_t(y) * std::size_t(w) + std::size_t(x);
      const int centre = k / 2;
      int covered = 0;
      double rgb[3] = {0, 0, 0}, fn[3] = {0, 0, 0}, bn[3] = {0, 0, 0}, zsum = 0;
      // The shading sample: the centre sample when covered, else the first covered one.
      int shading_face = -1;
      double shading_weights[3] = {0, 0, 0};
      for (int b = 0; b < k; ++b) {
        for (int a = 0; a < k; ++a) {
          const int i = x * k + a, j = y * k + b;
          const std::size_t at = std::size_t(j) * std::size_t(sw) + std::size_t(i);
          const int f = detail::front_face(front(at));
          if (f < 0) continue;
          ++covered;
          double wt[3];
          weights_at(f, i, j, wt);
          const bool is_centre = a == centre && b == centre;
          if (is_centre || shading_face < 0) {  // samples after the centre one never replace it
            shading_face = f;
            for (int c = 0; c < 3; ++c) shading_weights[c] = wt[c];
          }
          // The same expression as the depth test's, so depth is the winning sample's z exactly.
          zsum += float(wt[0] * z(faces(f, 0)) + wt[1] * z(faces(f, 1)) + wt[2] * z(faces(f, 2)));
          add_normal(f, wt, true, fn);
          add_color(f, wt, rgb);
          const int g = detail::back_face(back(at));
          weights_at(g, i, j, wt);
          add_normal(g, wt, false, bn);
        }
      }
      if (covered == 0) return;  // the images were allocated as background (0, face -1)
      face_id[p] = shading_face;
      for (int c = 0; c < 3; ++c) barycentric[3 * p + c] = float(shading_weights[c]);
      alpha[p] = float(covered) / float(k * k);
      depth[p] = float(zsum / covered);
      for (int d = 0; d < 3; ++d) color[3 * p + d] = float(rgb[d] / covered);
      store_normal(front_normal + 3 * p, fn);
      store_normal(back_normal + 3 * p, bn);
    }
  };

  RenderMaps shade(const ExecutionSpace& space, const Screen& screen, const Setup& setup, const Samples& samples,
                   const RenderOptions& options) const {
    const int w = options.width, h = options.height, k = options.supersample;
    RenderMaps maps{Image<float>(w, h, 3), Image<float>(w, h, 1), Image<float>(w, h, 1),
                    Image<float>(w, h, 3), Image<float>(w, h, 3), Image<int>(w, h, 1, -1),
                    Image<float>(w, h, 3)};
    Shader shader{samples.front, samples.back, setup.triangles, setup.face_normals, screen.normals, colors_,
                  faces_, face_uvs_, screen.z, uvs_, samplers_, diffuse_, face_materials_,
                  {options.albedo.x(), options.albedo.y(), options.albedo.z()}, w, k, w * k,
                  screen.normals.extent(0) > 0, uvs_.extent(0) > 0, colors_.extent(0) > 0, with_materials_,
                  maps.color.data(), maps.alpha.data(), maps.depth.data(), maps.front_normal.data(),
                  maps.back_normal.data(), maps.barycentric.data(), maps.face.data()};
    Kokkos::parallel_for("hifa::render::rasterize::shade", Kokkos::RangePolicy<ExecutionSpace>(space, 0, h), shader);
    return maps;
  }

  // Shared so that copies of the rasterizer keep the images samplers_ points into alive.
  std::shared_ptr<const std::vector<Image<float>>> textures_;
  Kokkos::View<TextureSampler*, Memory> samplers_;
  Kokkos::View<float* [3], Memory> diffuse_;
  Kokkos::View<int*, Memory> face_materials_;
  bool with_materials_ = false;
  int vertex_count_ = 0, face_count_ = 0;
  Kokkos::View<float* [3], Memory> positions_, normals_, colors_;
  Kokkos::View<int* [3], Memory> faces_, face_uvs_;
  Kokkos::View<float* [2], Memory> uvs_;
};

// One view without keeping the rasterizer (it is rebuilt each call; keep a Rasterizer to render
// many views of one mesh).
template <class ExecutionSpace>
RenderMaps render_view(const ExecutionSpace& space, const TriMesh<float>& mesh,
                       const std::vector<Image<float>>& textures, const Calibration& calibration,
                       const RenderOptions& options) {
  return Rasterizer<ExecutionSpace>(space, mesh, textures).render(space, calibration, options);
}

}  // namespace hifa
