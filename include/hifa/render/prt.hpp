#pragma once
// Precomputed radiance transfer per vertex (Sloan, Kautz & Snyder, "Precomputed radiance transfer
// for real-time rendering in dynamic, low-frequency lighting environments", SIGGRAPH 2002): the 9
// SH coefficients of each vertex's visibility-weighted clamped cosine, from BVH ray casts; shading a
// rendered view with them under an SH light; a binary cache so a scan's transfer is computed once.
//
//   const hifa::PrtOptions options;                                    // 64 rays, seed 0
//   hifa::ShTransfer t = hifa::compute_prt(space, mesh, options);      // #V x 9
//   const hifa::PrtCacheKey key = hifa::prt_cache_key(mesh, options);
//   hifa::save_prt("scan.prt", t, key);                                // atomic
//   t = hifa::load_prt("scan.prt", key);                               // hifa::Error if stale/corrupt
//   hifa::Image<float> lit = hifa::shade_prt(space, maps, mesh.faces, t, light, calibration);
//
// Transfer (Sloan 2002 §5, diffuse shadowed transfer, albedo factored out):
//     T_i(v) = (1/π) ∫ over the hemisphere around n_v of Y_i(ω) (n_v · ω) V_v(ω) dω,   i = 0..8
//   with Y_i the real SH of sh_lighting.hpp (Ramamoorthi & Hanrahan 2001 normalization) in the
//   MESH's frame, and V_v(ω) = 0 when the ray from the vertex along ω hits the mesh within
//   max_distance, else 1. Then a light with SH coefficients L (radiance) reflects off a Lambertian
//   vertex of albedo ρ as ρ Σ_i T_i L_i: the 1/π is the Lambertian BRDF's, so a constant unit
//   radiance gives ρ exactly at an unoccluded vertex and less in a concavity.
// unshadowed_transfer(normals): V = 1, analytically T_i = (Â_l / π) Y_i(n) with Â = π, 2π/3, π/4
//   (R&H 2001 Eq. 7): (1, 2/3, 1/4) · Y_i(n). PRT of a convex mesh equals it up to Monte Carlo error.
//
// compute_prt: Inputs
//   mesh     TriMesh<float>, #V >= 1 vertices (finite), #F >= 1 faces; the normals are prt_normals(mesh)
//   bvh      optional MeshBvh of the same mesh (the overload without one builds it)
//   options  rays N in 1..65536: rays cast per vertex on average; seed; max_distance > 0
//            (+infinity: any hit occludes, as PIFu's PRT does; a finite value gives local ambient
//            occlusion); offset >= 0 in mesh units (0: 1e-4 of the bounding-box diagonal);
//            rays_per_batch >= 1 bounds memory
// Method: M = 2N directions ω_k on the whole sphere, a spherical Fibonacci lattice (González,
//   "Measurement of areas on a sphere using Fibonacci and latitude-longitude lattices", Math.
//   Geosci. 2010: z_k = 1 - (2k + 1) / M, azimuth k times the golden angle) turned by one uniformly
//   random rotation drawn from CounterRng(seed) (stream prt_stream; Shoemake's quaternion, Graphics
//   Gems III), SHARED by every vertex — as PIFu's prt_util.py shares its random directions. Each
//   vertex casts the directions of its hemisphere (n_v · ω_k > 0, about N of them) and sums the
//   equal-area quadrature
//       T_i(v) ≈ (1/π) (4π / M) Σ_{k: n_v·ω_k > 0} Y_i(ω_k) (n_v · ω_k) V_v(ω_k).
//   Why shared directions: per-vertex random directions give every vertex its own Monte Carlo
//   error, visible as speckle at 64 rays (measured on the mannequin); with one direction set the
//   error is a smooth function of the normal (weights vanish continuously at the hemisphere's
//   rim), so neighbouring vertices err alike and the shading stays smooth. A lattice, not random
//   points, keeps that error small: on an unoccluded sphere it is below 0.01 per coefficient at
//   N = 128 (tests/render/test_prt.cpp).
//   Rays start at p_v + offset · n_v and go through MeshBvh::first_hits.
//   Why the offset: a ray starting ON the surface may "hit" the vertex's own faces at t ≈ 0 by
//   rounding — and a mesh that stores every triangle twice (both windings, as the standing figures
//   of scripts/fetch-data do) has a coincident twin of each face there. Lifted along the normal the
//   origin lies strictly above the plane of every incident face whose normal agrees with n_v, so rays
//   of the hemisphere leave those faces and their twins (coplanar with them) without touching them;
//   1e-4 of the diagonal is ~1000x the float rounding of the ray test yet below any real gap
//   between layers (0.2 mm on a 2 m scan). Faces meeting at a concave crease still occlude, as they
//   should. Open meshes need nothing special: the hemisphere is the side n_v points to.
// prt_normals(mesh): mesh.normals when the mesh has them (normalised), else the area-weighted sum of
//   the incident faces' normals (normalised). A vertex whose normal is not usable — zero or
//   non-finite given normal, no incident face, or incident faces cancelling (|Σ area · n| below
//   1e-3 of Σ area, as a face and its reversed twin sharing the vertex do) — has no hemisphere: its
//   transfer is the ambient-only (Y_00, 0, ..., 0) = (0.282095, 0, ...), the average over all
//   normals of the unshadowed transfer, rather than black. Give such meshes separate vertices per
//   side (or normals) for a shadowed result.
// Outputs: ShTransfer, #V x 9 float, row v = T(v). Same bytes for every thread count and backend
//   (the directions are a pure function of (seed, k), first_hits is deterministic, each vertex sums
//   its rays sequentially in order k = 0..M-1).
// Errors: hifa::Error naming "compute_prt" for rays, max_distance, offset or rays_per_batch out of
//   range, no vertices, and MeshBvh's errors for a bad mesh.
// Cost: about V N rays (first_hits, O(log F) boxes each; the M - N directions outside a vertex's
//   hemisphere are invalid rays, skipped without traversal); memory per batch ~ 60 bytes per
//   direction (origins, directions, hits, first_hits' Morton keys): 2^20 per batch, ~60 MB.
//
// Cache (save_prt / load_prt): little-endian binary
//     offset  0  char[8]  magic "HIFAPRT\0"
//             8  u32      format version (prt_cache_version = 1)
//            12  u32      coefficients per vertex (9)
//            16  u64      vertex count V
//            24  u32      rays per vertex N
//            28  u32      0 (reserved)
//            32  u64      seed
//            40  f32      max_distance        44  f32  offset (as given in PrtOptions; 0 = auto)
//            48  u64      mesh hash: FNV-1a 64 over V, F, the vertex, face and (when present) normal
//                         arrays' bytes — any change to the mesh's geometry changes it
//            56  f32[V*9] the transfer, row-major
//     then   u64      FNV-1a 64 of the transfer's bytes (a checksum: a flipped byte is caught)
//   save_prt writes through core/atomic_file.hpp (whole file or none). load_prt checks every header
//   field against the expected PrtCacheKey, the size and the checksum.
// Errors: hifa::Error naming the FILE: cannot open/write; bad magic; another version; a field that
//   differs from the key (naming the field and both values); truncated or too long; checksum
//   mismatch. The caller catches it and recomputes. save_prt: naming "save_prt" when the transfer's
//   rows differ from the key's vertex count.
//
// shade_prt(space, maps, faces, transfer, light, calibration): Inputs maps from Rasterizer::render
//   of this mesh with `calibration` (face, barycentric, color as albedo, alpha), faces the mesh's
//   #F x 3, transfer #V x 9 (compute_prt or unshadowed_transfer), light in the CAMERA frame of that
//   view (random_sh_light's frame); it is turned into the mesh frame with sh_rotate(light, Rᵀ).
//   Output: W x H x 3, per pixel with alpha > 0: clamp(color_c · Σ_i T_i(pixel) L_c,i, 0, 1) where
//   T(pixel) = Σ_c barycentric_c T(faces(face, c)) (transfer is linear, so interpolating it is
//   interpolating the shading); 0 where alpha is 0. Straight colour like maps.color: composite with
//   maps.alpha. Transfer is read at one shading sample per pixel (rasterize.hpp) while the albedo is
//   the supersampled average: transfer is low-frequency by construction (order-2 SH).
//   Same bytes for every thread count (one sequential computation per pixel).
// Errors: hifa::Error naming "shade_prt": maps without face/barycentric/colour of one size, a face
//   id not in faces, a face index not below transfer.rows().
// Cost: O(W H) with 81 multiply-adds per covered pixel, plus O(F) to check indices.

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/image.hpp"
#include "hifa/render/rasterize.hpp"
#include "hifa/render/sh_lighting.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <numbers>
#include <string>
#include <type_traits>
#include <vector>

namespace hifa {

// Per-vertex transfer, #V x 9, row-major (a View can wrap it).
using ShTransfer = Eigen::Matrix<float, Eigen::Dynamic, 9, Eigen::RowMajor>;

struct PrtOptions {
  int rays = 64;                                                // per vertex, 1..65536
  std::uint64_t seed = 0;
  float max_distance = std::numeric_limits<float>::infinity();  // hits farther away do not occlude
  float offset = 0.0f;                                          // along the normal; 0: 1e-4 x box diagonal
  std::int64_t rays_per_batch = std::int64_t{1} << 20;          // memory bound (~60 bytes per ray)
};

// CounterRng stream of compute_prt's random rotation ("PRT" << 40).
inline constexpr std::uint64_t prt_stream = std::uint64_t{0x505254} << 40;

// The normals compute_prt uses (see the top of this header); a vertex without a usable normal gets
// (0, 0, 0).
inline RowMatrix3<float> prt_normals(const TriMesh<float>& mesh) {
  const Eigen::Index nv = mesh.vertex_count();
  RowMatrix3<float> out = RowMatrix3<float>::Zero(nv, 3);
  if (mesh.has_normals()) {
    for (Eigen::Index v = 0; v < nv; ++v) {
      const Vec3d n = mesh.normals.row(v).transpose().cast<double>();
      const double len = n.norm();
      if (std::isfinite(len) && len > 0) out.row(v) = (n / len).cast<float>().transpose();
    }
    return out;
  }
  std::vector<Vec3d> sum(std::size_t(nv), Vec3d::Zero());
  std::vector<double> area(std::size_t(nv), 0.0);
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const Vec3d a = mesh.vertex(mesh.faces(f, 0)).cast<double>(), b = mesh.vertex(mesh.faces(f, 1)).cast<double>(),
                c = mesh.vertex(mesh.faces(f, 2)).cast<double>();
    const Vec3d m = (b - a).cross(c - a);  // twice the area times the unit normal
    for (int k = 0; k < 3; ++k) {
      sum[std::size_t(mesh.faces(f, k))] += m;
      area[std::size_t(mesh.faces(f, k))] += m.norm();
    }
  }
  for (Eigen::Index v = 0; v < nv; ++v) {
    const double len = sum[std::size_t(v)].norm();
    if (std::isfinite(len) && len > 1e-3 * area[std::size_t(v)] && len > 0) {
      out.row(v) = (sum[std::size_t(v)] / len).cast<float>().transpose();
    }
  }
  return out;
}

namespace detail {

// Unshadowed transfer (Â_l / π) Y_i(n) of a unit normal; ambient-only for a zero normal.
KOKKOS_INLINE_FUNCTION void unshadowed_row(float x, float y, float z, float (&t)[9]) {
  if (x == 0 && y == 0 && z == 0) {
    t[0] = 0.282094791773878143f;
    for (int i = 1; i < 9; ++i) t[i] = 0;
    return;
  }
  sh_basis(x, y, z, t);
  for (int i = 0; i < 9; ++i) t[i] *= sh_cosine_lobe(sh_band(i)) / std::numbers::pi_v<float>;
}

// The M directions of compute_prt: a spherical Fibonacci lattice turned by a random rotation
// (Shoemake's uniform quaternion from three uniforms of CounterRng(seed), stream prt_stream).
inline std::vector<Vec3f> prt_directions(int m, std::uint64_t seed) {
  const CounterRng rng{seed};
  const RandomBits bits = rng.bits(prt_stream, 0);
  const auto unit = [](std::uint32_t x) { return double(x) / 4294967296.0; };
  const double u1 = unit(bits.v[0]), u2 = 2 * std::numbers::pi * unit(bits.v[1]), u3 = 2 * std::numbers::pi * unit(bits.v[2]);
  const Eigen::Quaterniond q(std::sqrt(u1) * std::cos(u3), std::sqrt(1 - u1) * std::sin(u2), std::sqrt(1 - u1) * std::cos(u2),
                             std::sqrt(u1) * std::sin(u3));
  const Eigen::Matrix3d r = q.normalized().toRotationMatrix();
  const double golden_angle = std::numbers::pi * (3 - std::sqrt(5.0));
  std::vector<Vec3f> out(static_cast<std::size_t>(m));
  for (int k = 0; k < m; ++k) {
    const double z = 1 - (2.0 * k + 1) / m, rho = std::sqrt(std::max(0.0, 1 - z * z)), phi = golden_angle * k;
    const Eigen::Vector3d d(rho * std::cos(phi), rho * std::sin(phi), z);
    out[static_cast<std::size_t>(k)] = (r * d).normalized().cast<float>();
  }
  return out;
}

// FNV-1a 64 (Fowler, Noll, Vo) over bytes, continuing from `h`.
inline std::uint64_t fnv1a(const void* data, std::size_t size, std::uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace detail

// The analytic unshadowed transfer of unit normals (#V x 3), #V x 9; a zero row gets ambient-only.
inline ShTransfer unshadowed_transfer(const RowMatrix3<float>& normals) {
  ShTransfer out(normals.rows(), 9);
  for (Eigen::Index v = 0; v < normals.rows(); ++v) {
    float t[9];
    detail::unshadowed_row(normals(v, 0), normals(v, 1), normals(v, 2), t);
    for (int i = 0; i < 9; ++i) out(v, i) = t[i];
  }
  return out;
}

template <class ExecutionSpace>
ShTransfer compute_prt(const ExecutionSpace& space, const MeshBvh<typename ExecutionSpace::memory_space>& bvh,
                       const TriMesh<float>& mesh, const PrtOptions& options) {
  const char* where = "compute_prt";
  using Memory = typename ExecutionSpace::memory_space;
  using Policy = Kokkos::RangePolicy<ExecutionSpace>;
  if (options.rays < 1 || options.rays > 65536) {
    throw Error(where, "rays per vertex must be in 1..65536, got " + std::to_string(options.rays));
  }
  if (!(options.max_distance > 0)) {
    throw Error(where, "max_distance must be > 0 (+infinity: any hit occludes), got " + std::to_string(options.max_distance));
  }
  if (!(options.offset >= 0) || !std::isfinite(options.offset)) {
    throw Error(where, "offset must be finite and >= 0 (0: automatic), got " + std::to_string(options.offset));
  }
  if (options.rays_per_batch < 1) {
    throw Error(where, "rays_per_batch must be >= 1, got " + std::to_string(options.rays_per_batch));
  }
  const Eigen::Index nv = mesh.vertex_count();
  if (nv == 0) throw Error(where, "the mesh has no vertices");
  if (!mesh.vertices.allFinite()) throw Error(where, "the mesh has a non-finite vertex");
  Kokkos::Profiling::pushRegion("hifa::render::prt");

  float offset = options.offset;
  if (offset == 0) {
    AABBf box;
    for (Eigen::Index v = 0; v < nv; ++v) box.extend(mesh.vertex(v));
    offset = 1e-4f * box.diagonal().norm();
    if (!(offset > 0)) offset = 1e-7f;  // a single point: any positive lift
  }
  const RowMatrix3<float> host_normals = prt_normals(mesh);
  using Unmanaged = Kokkos::View<const float* [3], Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  const auto alloc = [&](const char* label) { return Kokkos::view_alloc(space, Kokkos::WithoutInitializing, std::string(label)); };
  const Kokkos::View<float* [3], Memory> positions(alloc("hifa::render::prt::positions"), std::size_t(nv));
  const Kokkos::View<float* [3], Memory> normals(alloc("hifa::render::prt::normals"), std::size_t(nv));
  Kokkos::deep_copy(space, positions, Unmanaged(mesh.vertices.data(), std::size_t(nv)));
  Kokkos::deep_copy(space, normals, Unmanaged(host_normals.data(), std::size_t(nv)));

  const int n_rays = 2 * options.rays;  // M directions per vertex, about half of them cast
  const std::vector<Vec3f> host_directions = detail::prt_directions(n_rays, options.seed);
  const Kokkos::View<float* [3], Memory> lattice(alloc("hifa::render::prt::lattice"), std::size_t(n_rays));
  {
    const auto mirror = Kokkos::create_mirror_view(lattice);
    for (int k = 0; k < n_rays; ++k) {
      for (int c = 0; c < 3; ++c) mirror(k, c) = host_directions[std::size_t(k)][c];
    }
    Kokkos::deep_copy(space, lattice, mirror);
  }
  const std::int64_t batch_vertices = std::max<std::int64_t>(1, options.rays_per_batch / n_rays);
  const std::size_t batch_rays = std::size_t(std::min<std::int64_t>(batch_vertices, nv)) * std::size_t(n_rays);
  const Kokkos::View<float* [3], Memory> origins(alloc("hifa::render::prt::origins"), batch_rays);
  const Kokkos::View<float* [3], Memory> directions(alloc("hifa::render::prt::directions"), batch_rays);
  const auto hits = RayHits<Memory>::allocate(space, batch_rays);
  const Kokkos::View<float* [9], Memory> transfer(alloc("hifa::render::prt::transfer"), std::size_t(nv));
  const float max_distance = options.max_distance;

  for (std::int64_t v0 = 0; v0 < nv; v0 += batch_vertices) {
    const std::int64_t v1 = std::min<std::int64_t>(nv, v0 + batch_vertices);
    const std::size_t count = std::size_t(v1 - v0) * std::size_t(n_rays);
    const auto o = Kokkos::subview(origins, std::make_pair(std::size_t(0), count), Kokkos::ALL);
    const auto d = Kokkos::subview(directions, std::make_pair(std::size_t(0), count), Kokkos::ALL);
    Kokkos::parallel_for(
        "hifa::render::prt::rays", Policy(space, 0, count), KOKKOS_LAMBDA(const std::size_t r) {
          const std::size_t v = std::size_t(v0) + r / std::size_t(n_rays);
          const int k = int(r % std::size_t(n_rays));
          const float n[3] = {normals(v, 0), normals(v, 1), normals(v, 2)};
          const float w[3] = {lattice(k, 0), lattice(k, 1), lattice(k, 2)};
          // Outside the hemisphere (or no normal at all): an invalid (zero) ray, skipped by first_hits.
          const bool cast = n[0] * w[0] + n[1] * w[1] + n[2] * w[2] > 0;
          for (int c = 0; c < 3; ++c) {
            o(r, c) = positions(v, c) + offset * n[c];
            d(r, c) = cast ? w[c] : 0.0f;
          }
        });
    const RayHits<Memory> h{Kokkos::subview(hits.t, std::make_pair(std::size_t(0), count)),
                            Kokkos::subview(hits.face, std::make_pair(std::size_t(0), count)),
                            Kokkos::subview(hits.barycentric, std::make_pair(std::size_t(0), count), Kokkos::ALL)};
    bvh.first_hits(space, o, d, h);
    Kokkos::parallel_for(
        "hifa::render::prt::accumulate", Policy(space, std::size_t(v0), std::size_t(v1)), KOKKOS_LAMBDA(const std::size_t v) {
          const std::size_t first = (v - std::size_t(v0)) * std::size_t(n_rays);
          const float n[3] = {normals(v, 0), normals(v, 1), normals(v, 2)};
          if (n[0] == 0 && n[1] == 0 && n[2] == 0) {
            float t[9];
            detail::unshadowed_row(0, 0, 0, t);
            for (int i = 0; i < 9; ++i) transfer(v, i) = t[i];
            return;
          }
          double sum[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
          for (int k = 0; k < n_rays; ++k) {
            const std::size_t r = first + std::size_t(k);
            if (d(r, 0) == 0 && d(r, 1) == 0 && d(r, 2) == 0) continue;  // not in the hemisphere
            if (h.face(r) >= 0 && h.t(r) <= max_distance) continue;      // occluded
            const float w[3] = {lattice(k, 0), lattice(k, 1), lattice(k, 2)};
            const float cosine = n[0] * w[0] + n[1] * w[1] + n[2] * w[2];
            float y[9];
            sh_basis(w[0], w[1], w[2], y);
            for (int i = 0; i < 9; ++i) sum[i] += double(y[i]) * cosine;
          }
          // (1/π) (4π / M) Σ: the equal-area weight of each lattice direction.
          for (int i = 0; i < 9; ++i) transfer(v, i) = float(4.0 * sum[i] / n_rays);
        });
  }
  ShTransfer out(nv, 9);
  Kokkos::deep_copy(space, Kokkos::View<float* [9], Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(out.data(), std::size_t(nv)),
                    transfer);
  space.fence();
  Kokkos::Profiling::popRegion();
  return out;
}

// compute_prt building the BVH of `mesh` on `space` first.
template <class ExecutionSpace>
ShTransfer compute_prt(const ExecutionSpace& space, const TriMesh<float>& mesh, const PrtOptions& options = {}) {
  const MeshBvh<typename ExecutionSpace::memory_space> bvh(space, mesh);
  return compute_prt(space, bvh, mesh, options);
}

// ---------------------------------------------------------------------------------------- cache

inline constexpr std::uint32_t prt_cache_version = 1;

// What a cached transfer must match: the mesh (by hash and vertex count) and the options.
struct PrtCacheKey {
  std::uint64_t vertex_count = 0;
  std::uint32_t rays = 0;
  std::uint64_t seed = 0;
  float max_distance = 0;
  float offset = 0;
  std::uint64_t mesh_hash = 0;

  friend bool operator==(const PrtCacheKey&, const PrtCacheKey&) = default;
};

// FNV-1a 64 of the mesh's geometry (see the top of this header).
inline std::uint64_t prt_mesh_hash(const TriMesh<float>& mesh) {
  const std::uint64_t counts[2] = {std::uint64_t(mesh.vertex_count()), std::uint64_t(mesh.face_count())};
  std::uint64_t h = detail::fnv1a(counts, sizeof counts);
  h = detail::fnv1a(mesh.vertices.data(), std::size_t(mesh.vertices.size()) * sizeof(float), h);
  h = detail::fnv1a(mesh.faces.data(), std::size_t(mesh.faces.size()) * sizeof(int), h);
  if (mesh.has_normals()) h = detail::fnv1a(mesh.normals.data(), std::size_t(mesh.normals.size()) * sizeof(float), h);
  return h;
}

inline PrtCacheKey prt_cache_key(const TriMesh<float>& mesh, const PrtOptions& options) {
  return {std::uint64_t(mesh.vertex_count()), std::uint32_t(options.rays), options.seed, options.max_distance,
          options.offset, prt_mesh_hash(mesh)};
}

namespace detail {

inline constexpr char prt_magic[8] = {'H', 'I', 'F', 'A', 'P', 'R', 'T', '\0'};
inline constexpr std::size_t prt_header_size = 56;

template <class U>
void put_le(std::vector<unsigned char>& out, U value) {
  using Bits = std::conditional_t<sizeof(U) == 8, std::uint64_t, std::uint32_t>;
  const Bits bits = std::bit_cast<Bits>(value);
  for (std::size_t i = 0; i < sizeof(U); ++i) out.push_back(static_cast<unsigned char>(bits >> (8 * i)));
}

template <class U>
U get_le(const unsigned char* in) {
  using Bits = std::conditional_t<sizeof(U) == 8, std::uint64_t, std::uint32_t>;
  Bits bits = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) bits |= Bits(in[i]) << (8 * i);
  return std::bit_cast<U>(bits);
}

}  // namespace detail

inline void save_prt(const std::filesystem::path& path, const ShTransfer& transfer, const PrtCacheKey& key) {
  if (std::uint64_t(transfer.rows()) != key.vertex_count) {
    throw Error("save_prt", "the transfer has " + std::to_string(transfer.rows()) + " rows but the key says " +
                                std::to_string(key.vertex_count) + " vertices");
  }
  std::vector<unsigned char> bytes(detail::prt_magic, detail::prt_magic + 8);
  bytes.reserve(detail::prt_header_size + std::size_t(transfer.size()) * 4 + 8);
  detail::put_le(bytes, prt_cache_version);
  detail::put_le(bytes, std::uint32_t(9));
  detail::put_le(bytes, key.vertex_count);
  detail::put_le(bytes, key.rays);
  detail::put_le(bytes, std::uint32_t(0));
  detail::put_le(bytes, key.seed);
  detail::put_le(bytes, key.max_distance);
  detail::put_le(bytes, key.offset);
  detail::put_le(bytes, key.mesh_hash);
  for (Eigen::Index i = 0; i < transfer.size(); ++i) detail::put_le(bytes, transfer.data()[i]);
  const std::uint64_t checksum = detail::fnv1a(bytes.data() + detail::prt_header_size, bytes.size() - detail::prt_header_size);
  detail::put_le(bytes, checksum);
  write_file_atomically(path, [&](std::ostream& os) {
    os.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  });
}

inline ShTransfer load_prt(const std::filesystem::path& path, const PrtCacheKey& expected) {
  const std::string where = path.string();
  std::ifstream is(path, std::ios::binary);
  if (!is) throw Error(where, std::string("cannot open the PRT cache for reading: ") + std::strerror(errno));
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  if (is.bad()) throw Error(where, "reading the PRT cache failed");
  if (bytes.size() < detail::prt_header_size || std::memcmp(bytes.data(), detail::prt_magic, 8) != 0) {
    throw Error(where, "not a hifa PRT cache (no \"HIFAPRT\" header)");
  }
  const unsigned char* h = bytes.data();
  const auto version = detail::get_le<std::uint32_t>(h + 8);
  if (version != prt_cache_version) {
    throw Error(where, "PRT cache format version " + std::to_string(version) + ", expected " +
                           std::to_string(prt_cache_version));
  }
  const auto coefficients = detail::get_le<std::uint32_t>(h + 12);
  if (coefficients != 9) throw Error(where, std::to_string(coefficients) + " coefficients per vertex, expected 9");
  const auto mismatch = [&](const char* field, const std::string& got, const std::string& want) {
    return Error(where, std::string("PRT cache made for ") + field + " " + got + ", expected " + want);
  };
  const PrtCacheKey got{detail::get_le<std::uint64_t>(h + 16), detail::get_le<std::uint32_t>(h + 24),
                        detail::get_le<std::uint64_t>(h + 32), detail::get_le<float>(h + 40),
                        detail::get_le<float>(h + 44), detail::get_le<std::uint64_t>(h + 48)};
  if (got.vertex_count != expected.vertex_count) {
    throw mismatch("vertex count", std::to_string(got.vertex_count), std::to_string(expected.vertex_count));
  }
  if (got.mesh_hash != expected.mesh_hash) {
    throw mismatch("mesh hash", std::to_string(got.mesh_hash), std::to_string(expected.mesh_hash) + " (another mesh)");
  }
  if (got.rays != expected.rays) throw mismatch("rays", std::to_string(got.rays), std::to_string(expected.rays));
  if (got.seed != expected.seed) throw mismatch("seed", std::to_string(got.seed), std::to_string(expected.seed));
  if (std::bit_cast<std::uint32_t>(got.max_distance) != std::bit_cast<std::uint32_t>(expected.max_distance)) {
    throw mismatch("max_distance", std::to_string(got.max_distance), std::to_string(expected.max_distance));
  }
  if (std::bit_cast<std::uint32_t>(got.offset) != std::bit_cast<std::uint32_t>(expected.offset)) {
    throw mismatch("offset", std::to_string(got.offset), std::to_string(expected.offset));
  }
  const std::uint64_t values = got.vertex_count * 9;
  if (got.vertex_count > (std::uint64_t(1) << 40) ||
      bytes.size() != detail::prt_header_size + values * 4 + 8) {
    throw Error(where, "PRT cache has " + std::to_string(bytes.size()) + " bytes, expected " +
                           std::to_string(detail::prt_header_size + values * 4 + 8) + " (truncated or padded)");
  }
  const std::size_t payload = std::size_t(values) * 4;
  const std::uint64_t checksum = detail::get_le<std::uint64_t>(h + detail::prt_header_size + payload);
  if (detail::fnv1a(h + detail::prt_header_size, payload) != checksum) {
    throw Error(where, "PRT cache checksum mismatch (the file is corrupt)");
  }
  ShTransfer out(Eigen::Index(got.vertex_count), 9);
  for (std::size_t i = 0; i < std::size_t(values); ++i) out.data()[i] = detail::get_le<float>(h + detail::prt_header_size + 4 * i);
  return out;
}

// -------------------------------------------------------------------------------------- shading

template <class ExecutionSpace>
Image<float> shade_prt(const ExecutionSpace& space, const RenderMaps& maps, const FaceMatrix& faces,
                       const ShTransfer& transfer, const ShLight& camera_light, const Calibration& calibration) {
  static_assert(Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible,
                "hifa::shade_prt: shades host images; the execution space must run on the host");
  const char* where = "shade_prt";
  const int w = maps.face.width(), h = maps.face.height();
  const auto same_size = [&](const Image<float>& image, int channels) {
    return image.width() == w && image.height() == h && image.channels() == channels;
  };
  if (maps.face.empty() || !same_size(maps.barycentric, 3) || !same_size(maps.color, 3) || !same_size(maps.alpha, 1)) {
    throw Error(where, "the maps need face, barycentric (3), color (3) and alpha (1) images of one size");
  }
  check_calibration(calibration);
  for (Eigen::Index f = 0; f < faces.rows(); ++f) {
    for (int c = 0; c < 3; ++c) {
      if (faces(f, c) < 0 || faces(f, c) >= transfer.rows()) {
        throw Error(where, "face " + std::to_string(f) + " uses vertex " + std::to_string(faces(f, c)) +
                               " but the transfer has " + std::to_string(transfer.rows()) + " rows");
      }
    }
  }
  for (const int f : maps.face.values()) {
    if (f >= faces.rows()) {
      throw Error(where, "the maps show face " + std::to_string(f) + " but the mesh has " + std::to_string(faces.rows()) +
                             " faces (maps of another mesh?)");
    }
  }
  const ShLight light = sh_rotate(camera_light, calibration_rotation(calibration).transpose());
  float l[3][9];
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 9; ++i) l[c][i] = light.channel[std::size_t(c)][std::size_t(i)];
  }
  Image<float> out(w, h, 3);
  float* o = out.data();
  const int* face = maps.face.data();
  const float* bary = maps.barycentric.data();
  const float* albedo = maps.color.data();
  const float* alpha = maps.alpha.data();
  const int* fi = faces.data();
  const float* t = transfer.data();
  Kokkos::parallel_for(
      "hifa::render::shade_prt", Kokkos::RangePolicy<ExecutionSpace>(space, 0, h), [=](const int y) {
        for (int x = 0; x < w; ++x) {
          const std::size_t p = std::size_t(y) * std::size_t(w) + std::size_t(x);
          const int f = face[p];
          if (f < 0 || !(alpha[p] > 0)) continue;
          float tp[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
          for (int c = 0; c < 3; ++c) {
            const float b = bary[3 * p + c];
            const float* row = t + 9 * std::size_t(fi[3 * std::size_t(f) + c]);
            for (int i = 0; i < 9; ++i) tp[i] += b * row[i];
          }
          for (int c = 0; c < 3; ++c) {
            float radiance = 0;
            for (int i = 0; i < 9; ++i) radiance += tp[i] * l[c][i];
            o[3 * p + c] = std::clamp(albedo[3 * p + c] * radiance, 0.0f, 1.0f);
          }
        }
      });
  space.fence();
  return out;
}

}  // namespace hifa
