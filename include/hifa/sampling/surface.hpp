#pragma once
// Area-weighted uniform samples on the surface of a triangle mesh.
//
//   hifa::SurfaceSampler<float> surface{mesh};
//   hifa::SurfaceSampler<float> textured{mesh, hifa::load_textures(mesh)};  // render/image_io.hpp
//   auto s = surface.sample(Kokkos::DefaultHostExecutionSpace{}, 10000, seed);
//
// Inputs:  a TriMesh<T> with at least one face of non-zero area and face indices in range (the
//          sampler keeps its own copy); optionally its textures, none or one image per material (a
//          mesh without materials counts as one; render/image.hpp, kept by value; an empty image for
//          a material without texture; this header reads no files). count samples, a 64-bit seed, a
//          host execution space.
// Outputs: PointSamples<T> with points, face_ids, barycentrics (corner weights of the face), unit
//          normals (the vertex normals interpolated at the barycentrics and renormalised when the
//          mesh has normals, else the face normal) and colours, chosen per face by its material m
//          as the rasterizer does: when the mesh has UVs and textures[m] is not empty, its RGB at
//          the interpolated UV (bilinear, OBJ convention with v up, repeating: render/texture.hpp);
//          else the interpolated vertex colour when the mesh has them; else material m's Kd when
//          the mesh has materials. Samplers with no colour source (no texture given, no vertex
//          colours, no materials) give none (0 rows).
// Method:  (Osada et al., "Shape distributions", ACM TOG 2002, section 4.2) a face is chosen with
//          probability proportional to its area by binary search of one uniform in the cumulative
//          area table (prefix sum in double, built once by the constructor; zero-area faces are never
//          chosen); the point is (1 - sqrt(r1)) A + sqrt(r1) (1 - r2) B + sqrt(r1) r2 C for uniforms
//          r1, r2, which is uniform on the triangle. Sample i draws its numbers from counter
//          (stream 0, index i) of CounterRng{seed} only: same bytes for any thread count.
// Errors:  hifa::Error naming "SurfaceSampler": no faces, a face, face-uv or face-material index out
//          of range (face uvs are checked when a texture is given), a texture count that is neither
//          0 nor the material count, a non-finite or zero total area; or more
//          than 2^31 - 1 samples requested.
// Cost:    O(F) construction; O(log F) per sample, in one parallel_for.

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/render/image.hpp"
#include "hifa/render/texture.hpp"
#include "hifa/sampling/concepts.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hifa {

template <class T = float>
class SurfaceSampler {
 public:
  using scalar = T;

  // One surface sample, before it is written out.
  struct Draw {
    int face;
    Vec3<T> barycentric;
    Vec3<T> point;
    Vec3<T> normal;
    Vec3<T> color;  // zero when the sampler has no colour source
  };

  explicit SurfaceSampler(TriMesh<T> mesh, std::vector<Image<float>> textures = {})
      : mesh_(std::move(mesh)), textures_(std::make_shared<const std::vector<Image<float>>>(std::move(textures))) {
    const Eigen::Index faces = mesh_.face_count();
    if (faces == 0) throw Error("SurfaceSampler", "the mesh has no faces");
    for (Eigen::Index f = 0; f < faces; ++f) {
      for (int k = 0; k < 3; ++k) {
        if (mesh_.faces(f, k) < 0 || mesh_.faces(f, k) >= mesh_.vertex_count()) {
          throw Error("SurfaceSampler", "face " + std::to_string(f) + " uses vertex " +
                                            std::to_string(mesh_.faces(f, k)) + " but there are " +
                                            std::to_string(mesh_.vertex_count()) + " vertices");
        }
      }
    }
    const std::size_t materials = std::max<std::size_t>(1, mesh_.materials.size());
    if (!textures_->empty() && textures_->size() != materials) {
      throw Error("SurfaceSampler", std::to_string(textures_->size()) + " textures for " +
                                        std::to_string(materials) + " materials: pass none or one per material");
    }
    if (mesh_.has_face_materials()) {
      for (Eigen::Index f = 0; f < faces; ++f) {
        const int m = mesh_.face_materials(f);
        if (m < 0 || std::size_t(m) >= mesh_.materials.size()) {
          throw Error("SurfaceSampler", "face " + std::to_string(f) + " uses material " + std::to_string(m) +
                                            " but there are " + std::to_string(mesh_.materials.size()));
        }
      }
    }
    for (const Image<float>& t : *textures_) samplers_.push_back(TextureSampler(t));
    const bool any_texture =
        std::any_of(textures_->begin(), textures_->end(), [](const Image<float>& t) { return !t.empty(); });
    if (any_texture && mesh_.has_uvs()) {
      for (Eigen::Index f = 0; f < faces; ++f) {
        for (int k = 0; k < 3; ++k) {
          if (mesh_.face_uvs(f, k) < 0 || mesh_.face_uvs(f, k) >= mesh_.uvs.rows()) {
            throw Error("SurfaceSampler", "face " + std::to_string(f) + " uses uv " +
                                              std::to_string(mesh_.face_uvs(f, k)) + " but there are " +
                                              std::to_string(mesh_.uvs.rows()) + " uvs");
          }
        }
      }
      textured_ = true;
    }
    cumulative_.resize(std::size_t(faces));
    double sum = 0;
    for (Eigen::Index f = 0; f < faces; ++f) {
      const double area = detail::doubled_area_vector(mesh_, f).norm() / 2;
      sum += area;
      cumulative_[std::size_t(f)] = sum;
      if (area > 0) last_face_ = int(f);
    }
    if (!(sum > 0) || !std::isfinite(sum)) {
      throw Error("SurfaceSampler", "the mesh's total area is " + std::to_string(sum) + ", nothing to sample");
    }
    face_normals_ = face_normals(mesh_);
  }

  const TriMesh<T>& mesh() const { return mesh_; }
  double area() const { return cumulative_.back(); }
  // Whether samples carry colours (from the textures, the vertex colours or the materials' Kd).
  bool has_colors() const { return textured_ || mesh_.has_colors() || !mesh_.materials.empty(); }

  // Sample `index` of CounterRng `rng` (stream 0): a pure function of (rng seed, index).
  Draw draw(const CounterRng& rng, std::uint64_t index) const {
    const RandomBits b = rng.bits(0, index);
    const double target = detail::unit_double(b.v[0], b.v[1]) * area();
    const auto above = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
    const int face = std::min(int(above - cumulative_.begin()), last_face_);  // target rounded up to area()
    const double root = std::sqrt(detail::unit_double(b.v[2]));
    const double r2 = detail::unit_double(b.v[3]);
    const Vec3d w(1 - root, root * (1 - r2), root * r2);

    Draw d{face, w.cast<T>(), Vec3<T>::Zero(), face_normals_.row(face).transpose(), Vec3<T>::Zero()};
    Vec3d point = Vec3d::Zero(), normal = Vec3d::Zero(), color = Vec3d::Zero();
    double u = 0, v = 0;
    const int material = mesh_.material_of(face);
    const bool textured = textured_ && !samplers_[std::size_t(material)].empty();
    for (int k = 0; k < 3; ++k) {
      const Eigen::Index i = mesh_.faces(face, k);
      point += w[k] * mesh_.vertices.row(i).transpose().template cast<double>();
      if (mesh_.has_normals()) normal += w[k] * mesh_.normals.row(i).transpose().template cast<double>();
      if (textured) {
        u += w[k] * double(mesh_.uvs(mesh_.face_uvs(face, k), 0));
        v += w[k] * double(mesh_.uvs(mesh_.face_uvs(face, k), 1));
      } else if (mesh_.has_colors()) {
        color += w[k] * mesh_.colors.row(i).transpose().template cast<double>();
      }
    }
    d.point = point.cast<T>();
    if (normal.norm() > 0) d.normal = normal.normalized().cast<T>();  // else keep the face normal
    d.color = color.cast<T>();
    if (textured) {
      float rgb[3];
      samplers_[std::size_t(material)].rgb(float(u), float(v), rgb);
      d.color = Vec3<T>(T(rgb[0]), T(rgb[1]), T(rgb[2]));
    } else if (!mesh_.has_colors() && !mesh_.materials.empty()) {
      d.color = mesh_.materials[std::size_t(material)].diffuse.template cast<T>();
    }
    return d;
  }

  template <class Space>
  PointSamples<T> sample(const Space& space, std::size_t count, std::uint64_t seed) const {
    static_assert(Kokkos::SpaceAccessibility<Space, Kokkos::HostSpace>::accessible,
                  "hifa::SurfaceSampler: the execution space must run on the host");
    detail::check_count(count, "SurfaceSampler");
    const Eigen::Index n = Eigen::Index(count);
    PointSamples<T> out;
    out.points.resize(n, 3);
    out.face_ids.resize(n);
    out.barycentrics.resize(n, 3);
    out.normals.resize(n, 3);
    if (has_colors()) out.colors.resize(n, 3);
    const auto points = detail::host_rows(out.points);
    const auto weights = detail::host_rows(out.barycentrics);
    const auto normals = detail::host_rows(out.normals);
    const auto colors = detail::host_rows(out.colors);
    int* const faces = out.face_ids.data();
    const SurfaceSampler* const self = this;
    const CounterRng rng{seed};
    Kokkos::parallel_for(
        "hifa::sampling::surface", Kokkos::RangePolicy<Space>(space, 0, count), [=](const std::size_t i) {
          const Draw d = self->draw(rng, i);
          faces[i] = d.face;
          for (int c = 0; c < 3; ++c) {
            points(i, c) = d.point[c];
            weights(i, c) = d.barycentric[c];
            normals(i, c) = d.normal[c];
            if (colors.extent(0) > 0) colors(i, c) = d.color[c];
          }
        });
    space.fence();
    return out;
  }

 private:
  TriMesh<T> mesh_;
  // Shared so that copies of the sampler keep the images samplers_ points into alive.
  std::shared_ptr<const std::vector<Image<float>>> textures_;
  std::vector<TextureSampler> samplers_;  // one per texture given
  bool textured_ = false;  // UV colours: the mesh has UVs and some texture was given
  std::vector<double> cumulative_;  // cumulative_[f] = area of faces 0..f
  RowMatrix3<T> face_normals_;
  int last_face_ = 0;  // the last face of non-zero area
};

}  // namespace hifa
