#pragma once
// The passes behind hifa::marching_cubes (grid/marching_cubes.hpp). Work is split by grid row (i, j):
// one thread walks k, so value reads are contiguous (LayoutRight). Each point row is kept as one
// inside bit per point in 64-bit words; crossed edges and surface cells are then word operations
// (xor with the neighbour row, or with the row shifted by one along k), and the walks below visit
// only the set bits, so cells far from the surface cost a fraction of a cycle each.
//
//   classify   per point row: inside bits, and the first non-finite value
//   count      per point row: crossed edges it owns (those leaving its points towards +x, +y, +z);
//              per cell row: triangles and loop centre vertices (marching_cubes_cell.hpp)
//   scans      exclusive prefix sums: first vertex id of each point row, first face and centre
//              id of each cell row
//   vertices   per point row: one vertex per crossed edge, numbered from the row's offset by axis,
//              then k, so ids need neither hashing nor atomics and do not depend on threads
//   triangles  per cell row: the same loops as `count`, fanned; a vertex id is its row's offset
//              plus its rank among the row's crossings (popcounts); centre vertices, when a loop
//              needs one, are numbered after all edge vertices

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/field/gradient.hpp"
#include "hifa/grid/detail/marching_cubes_cell.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace hifa::detail {

// Vertex normal from the grid alone: per-point gradients by central differences (one-sided on the
// boundary), interpolated along the edge like the position. Unnormalized; oriented by the caller.
template <class Values>
struct McGridNormals {
  using T = typename Values::non_const_value_type;
  Values values;
  Vec3<T> spacing;

  KOKKOS_FUNCTION Vec3<T> point_gradient(int i, int j, int k) const {
    const int at[3] = {i, j, k};
    Vec3<T> g;
    for (int a = 0; a < 3; ++a) {
      int lo[3] = {i, j, k}, hi[3] = {i, j, k};
      lo[a] = at[a] > 0 ? at[a] - 1 : 0;
      hi[a] = at[a] + 1 < int(values.extent(a)) ? at[a] + 1 : at[a];
      g[a] = (values(hi[0], hi[1], hi[2]) - values(lo[0], lo[1], lo[2])) / (T(hi[a] - lo[a]) * spacing[a]);
    }
    return g;
  }

  // The edge from point (i, j, k) along `axis`, at fraction t; `position` is unused here.
  KOKKOS_FUNCTION Vec3<T> operator()(int i, int j, int k, int axis, T t, const Vec3<T>&) const {
    return (T(1) - t) * point_gradient(i, j, k) +
           t * point_gradient(i + (axis == 0), j + (axis == 1), k + (axis == 2));
  }
};

// Vertex normal from the field the grid was sampled from (analytic gradient when it has one).
template <ImplicitField Field>
struct McFieldNormals {
  using T = typename Field::scalar;
  Field field;
  T step;  // central-difference step for fields without a gradient: the finest grid spacing

  KOKKOS_FUNCTION Vec3<T> operator()(int, int, int, int, T, const Vec3<T>& position) const {
    return gradient_at(field, position, step);
  }
};

// Position and outward unit normal of the vertex on the crossed edge from point (i, j, k) along
// `axis`, by linear interpolation of the values.
template <class Values, class Normals>
struct McEdgeVertex {
  using T = typename Values::non_const_value_type;
  Values values;
  GridSpec<T> grid;
  Vec3<T> spacing;
  T level;
  T outward;  // -1 when inside is above the level: the gradient points to higher values
  Normals normals;

  KOKKOS_FUNCTION static Vec3<T> unit(const Vec3<T>& v, T sign) {
    const T length = v.norm();
    return length > T(0) ? Vec3<T>(v * (sign / length)) : Vec3<T>::Zero();
  }

  KOKKOS_FUNCTION void operator()(int i, int j, int k, int axis, Vec3<T>& position, Vec3<T>& normal) const {
    const T v0 = values(i, j, k);
    const T t = (level - v0) / (values(i + (axis == 0), j + (axis == 1), k + (axis == 2)) - v0);
    position = grid.point(i, j, k);
    position[axis] += t * spacing[axis];
    normal = unit(normals(i, j, k, axis, t, position), outward);
  }
};

// Whether a value is inside: sign * (v - level) < 0 with sign = +1 (inside below) or -1 (above).
// v - level is exactly zero only when v == level (gradual underflow), which is outside either way.
template <class T>
struct McInside {
  T level;
  T sign;
  KOKKOS_INLINE_FUNCTION int operator()(T v) const { return sign * (v - level) < T(0); }
};

KOKKOS_INLINE_FUNCTION int mc_popcount(std::uint64_t x) {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
  return __popcll(x);
#elif defined(__POPCNT__)
  return __builtin_popcountll(x);
#else
  // Without the POPCNT instruction the builtin is a library call; this is a few instructions.
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return int((x * 0x0101010101010101ull) >> 56);
#endif
}

KOKKOS_INLINE_FUNCTION int mc_lowest_bit(std::uint64_t x) {  // x != 0
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
  return __ffsll(static_cast<long long>(x)) - 1;
#else
  return __builtin_ctzll(x);
#endif
}

// Bits [0, n - 64 w) of word w: the valid points of a row of n.
KOKKOS_INLINE_FUNCTION std::uint64_t mc_valid_bits(int w, int n) {
  const int left = n - 64 * w;
  return left >= 64 ? ~std::uint64_t(0) : left <= 0 ? std::uint64_t(0) : (std::uint64_t(1) << left) - 1;
}

// Word w of a row of bits moved down by one point: bit k holds the row's bit k + 1.
KOKKOS_INLINE_FUNCTION std::uint64_t mc_next_bits(const std::uint64_t* row, int w, int words) {
  return (row[w] >> 1) | (w + 1 < words ? row[w + 1] << 63 : std::uint64_t(0));
}

// One point row (i, j) as inside bits, with its +x and +y neighbour rows (the row itself on the
// last layer, so no edge is crossed there).
struct McPointRow {
  const std::uint64_t* here;
  const std::uint64_t* next_x;
  const std::uint64_t* next_y;
  int nz;
  int words;

  KOKKOS_INLINE_FUNCTION int inside(int k) const { return (here[k >> 6] >> (k & 63)) & 1; }

  // Word w of the crossed edges from this row's points along `axis`.
  KOKKOS_INLINE_FUNCTION std::uint64_t crossed(int axis, int w) const {
    if (axis == 0) return here[w] ^ next_x[w];
    if (axis == 1) return here[w] ^ next_y[w];
    return (here[w] ^ mc_next_bits(here, w, words)) & mc_valid_bits(w, nz - 1);
  }

  // All crossed edges from this row's points along `axis`.
  KOKKOS_INLINE_FUNCTION int crossings(int axis) const {
    int count = 0;
    for (int w = 0; w < words; ++w) count += mc_popcount(crossed(axis, w));
    return count;
  }
};

template <class Bits>
KOKKOS_INLINE_FUNCTION McPointRow mc_point_row(const Bits& bits, int i, int j, int nz) {
  const int nx = int(bits.extent(0)), ny = int(bits.extent(1));
  const std::uint64_t* here = &bits(i, j, 0);
  return McPointRow{here, i + 1 < nx ? &bits(i + 1, j, 0) : here, j + 1 < ny ? &bits(i, j + 1, 0) : here, nz,
                    int(bits.extent(2))};
}

// The cells (i, j, k), k in [0, nz - 1), between point rows q = di | dj << 1 at (i + di, j + dj);
// row q holds corners q (at k) and q | 4 (at k + 1).
struct McCellRow {
  McPointRow rows[4];

  template <class Bits>
  KOKKOS_INLINE_FUNCTION McCellRow(const Bits& bits, int i, int j, int nz)
      : rows{mc_point_row(bits, i, j, nz), mc_point_row(bits, i + 1, j, nz), mc_point_row(bits, i, j + 1, nz),
             mc_point_row(bits, i + 1, j + 1, nz)} {}

  KOKKOS_INLINE_FUNCTION int cube_case(int k) const {
    int cube_case = 0;
    for (int q = 0; q < 4; ++q) cube_case |= rows[q].inside(k) << q | rows[q].inside(k + 1) << (q + 4);
    return cube_case;
  }

  // Calls cell(k, cube_case) for each cell with corners on both sides, in k order, and before the
  // cells of word w (k in [64 w, 64 w + 64)), word(w) for every w in order.
  template <class Cell, class Word>
  KOKKOS_INLINE_FUNCTION void for_each_surface_cell(const Cell& cell, const Word& word) const {
    const int nz = rows[0].nz, words = rows[0].words;
    for (int w = 0; w < words; ++w) {
      word(w);
      std::uint64_t all = ~std::uint64_t(0), any = 0;  // over the 8 corners: layers k and k + 1
      for (int q = 0; q < 4; ++q) {
        const std::uint64_t layer_k = rows[q].here[w], layer_k1 = mc_next_bits(rows[q].here, w, words);
        all &= layer_k & layer_k1;
        any |= layer_k | layer_k1;
      }
      for (std::uint64_t surface = (all ^ any) & mc_valid_bits(w, nz - 1); surface; surface &= surface - 1) {
        const int k = 64 * w + mc_lowest_bit(surface);
        cell(k, cube_case(k));
      }
    }
  }
};

// Replaces counts[0, n) by their exclusive prefix sums; returns the total.
template <class ExecSpace, class Counts>
std::int64_t mc_exclusive_scan(const ExecSpace& space, const Counts& counts, int n, const std::string& label) {
  std::int64_t total = 0;
  Kokkos::parallel_scan(
      label, Kokkos::RangePolicy<ExecSpace>(space, 0, n),
      KOKKOS_LAMBDA(int r, std::int64_t& partial, bool final) {
        const std::int64_t c = counts(r);
        if (final) counts(r) = partial;
        partial += c;
      },
      total);
  return total;
}

// A View the kernels write the output into: the host mesh's own storage when the execution space
// can write host memory (no copy), else a new allocation in MemorySpace, copied over afterwards.
template <class ExecSpace, class MemorySpace, class HostView>
auto mc_output_view(const HostView& host, const std::string& label) {
  if constexpr (Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible) {
    (void)label;
    return host;
  } else {
    using Device = Kokkos::View<typename HostView::data_type, Kokkos::LayoutRight, MemorySpace>;
    return Device(Kokkos::view_alloc(Kokkos::WithoutInitializing, label), host.extent(0));
  }
}

template <class ExecSpace, class Values, class Normals>
TriMesh<typename Values::non_const_value_type> marching_cubes_impl(
    const ExecSpace& space, const Values& values, const GridSpec<typename Values::non_const_value_type>& grid,
    typename Values::non_const_value_type level, bool inside_above, const Normals& normals) {
  using T = typename Values::non_const_value_type;
  using Memory = typename Values::memory_space;
  static_assert(Values::rank == 3, "hifa::marching_cubes: values must be a rank-3 View (nx x ny x nz)");
  static_assert(std::is_same_v<typename Values::array_layout, Kokkos::LayoutRight>,
                "hifa::marching_cubes: values must be LayoutRight (hifa::GridValues)");
  static_assert(std::is_floating_point_v<T>, "hifa::marching_cubes: values must be float or double");
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, Memory>::accessible,
                "hifa::marching_cubes: the execution space cannot access the values' memory space");

  grid.validate("marching_cubes");
  const int nx = int(values.extent(0)), ny = int(values.extent(1)), nz = int(values.extent(2));
  if (Vec3i(nx, ny, nz) != grid.resolution) {
    throw Error("marching_cubes", "values have extents " + std::to_string(nx) + "x" + std::to_string(ny) + "x" +
                                      std::to_string(nz) + " but grid.resolution is " +
                                      std::to_string(grid.resolution.x()) + "x" + std::to_string(grid.resolution.y()) +
                                      "x" + std::to_string(grid.resolution.z()));
  }
  const int point_rows = nx * ny, cell_rows = (nx - 1) * (ny - 1), words = (nz + 63) / 64;
  using Dynamic = Kokkos::RangePolicy<ExecSpace, Kokkos::Schedule<Kokkos::Dynamic>>;
  const McInside<T> inside{level, inside_above ? T(-1) : T(1)};

  Kokkos::View<std::uint64_t***, Kokkos::LayoutRight, Memory> bits(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::marching_cubes::inside_bits"), nx, ny, words);
  Kokkos::View<std::int64_t*, Memory> vertex_offsets(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::marching_cubes::vertex_offsets"), point_rows + 1);
  Kokkos::View<std::int64_t*, Memory> face_offsets(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::marching_cubes::face_offsets"), cell_rows + 1);
  Kokkos::View<std::int64_t*, Memory> centre_offsets(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::marching_cubes::centre_offsets"), cell_rows + 1);

  // The loops of every cube case without an ambiguous face depend on the case alone: computed once
  // here, looked up per cell. Cases with one (rarer) are resolved per cell from their values.
  Kokkos::View<McCellLoops[256], Memory> case_loops(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::marching_cubes::case_loops"));
  Kokkos::parallel_for(
      "hifa::marching_cubes::case_table", Kokkos::RangePolicy<ExecSpace>(space, 1, 255), KOKKOS_LAMBDA(int cube_case) {
        // Values are read only on ambiguous faces, whose table entries are never used.
        case_loops(cube_case) = mc_cell_loops<T>(cube_case, [](int) { return T(1); }, false);
      });
  const auto cell_loops = [=] KOKKOS_FUNCTION(int i, int j, int k, int cube_case) {
    const McCellLoops& tabled = case_loops(cube_case);
    if (!tabled.ambiguous_faces) return tabled;
    const auto corner = [&](int c) { return values(i + (c & 1), j + ((c >> 1) & 1), k + (c >> 2)) - level; };
    return mc_cell_loops<T>(cube_case, corner, inside_above);
  };

  std::int64_t first_bad;  // set by the Min reduction
  Kokkos::parallel_reduce(
      "hifa::marching_cubes::classify", Dynamic(space, 0, point_rows),
      KOKKOS_LAMBDA(int r, std::int64_t& bad) {
        const int i = r / ny, j = r % ny;
        const T* v = &values(i, j, 0);
        std::uint64_t* row = &bits(i, j, 0);
        const McInside<T> is_inside = inside;  // a local copy stays in registers across the stores
        int not_finite = 0;
        for (int w = 0; w < words; ++w) {
          // One byte per point first (a loop compilers vectorize), then 8 bytes -> 8 bits by one
          // multiply: byte b's bit 0 lands on bit 56 + b, and no two partial products overlap.
          const int begin = 64 * w, count = begin + 64 < nz ? 64 : nz - begin;
          std::uint8_t flags[64] = {};
          for (int b = 0; b < count; ++b) {
            flags[b] = std::uint8_t(is_inside(v[begin + b]));
            not_finite |= !(v[begin + b] - v[begin + b] == T(0));  // NaN and infinities give NaN
          }
          std::uint64_t word = 0;
          for (int byte = 0; byte < 8; ++byte) {
            std::uint64_t eight = 0;
            for (int b = 0; b < 8; ++b) eight |= std::uint64_t(flags[8 * byte + b]) << (8 * b);
            word |= ((eight * 0x0102040810204080ull) >> 56) << (8 * byte);
          }
          row[w] = word;
        }
        for (int k = 0; not_finite && k < nz; ++k) {
          if (!Kokkos::Experimental::isfinite(v[k])) {
            const std::int64_t index = (std::int64_t(i) * ny + j) * nz + k;
            bad = index < bad ? index : bad;
            break;
          }
        }
      },
      Kokkos::Min<std::int64_t>(first_bad));
  if (first_bad != std::numeric_limits<std::int64_t>::max()) {
    const int i = int(first_bad / (std::int64_t(ny) * nz)), j = int(first_bad / nz % ny), k = int(first_bad % nz);
    T bad_value{};
    Kokkos::deep_copy(bad_value, Kokkos::subview(values, i, j, k));
    throw Error("marching_cubes", "value at grid index (" + std::to_string(i) + ", " + std::to_string(j) + ", " +
                                      std::to_string(k) + ") is " + std::to_string(bad_value) +
                                      "; every value must be finite");
  }

  Kokkos::parallel_for(
      "hifa::marching_cubes::count", Dynamic(space, 0, point_rows), KOKKOS_LAMBDA(int r) {
        const int i = r / ny, j = r % ny;
        const McPointRow points = mc_point_row(bits, i, j, nz);
        vertex_offsets(r) = points.crossings(0) + points.crossings(1) + points.crossings(2);
        if (r == 0) vertex_offsets(point_rows) = 0;
        if (i + 1 == nx || j + 1 == ny) return;

        const int cell_row = i * (ny - 1) + j;
        std::int64_t triangles = 0, centres = 0;
        McCellRow(bits, i, j, nz).for_each_surface_cell([&](int k, int cube_case) {
          const McCellLoops loops = cell_loops(i, j, k, cube_case);
          triangles += loops.triangle_count();
          centres += loops.centre_count();
        }, [](int) {});
        face_offsets(cell_row) = triangles;
        centre_offsets(cell_row) = centres;
        if (cell_row == 0) face_offsets(cell_rows) = centre_offsets(cell_rows) = 0;
      });

  const std::int64_t edge_vertex_total =
      mc_exclusive_scan(space, vertex_offsets, point_rows + 1, "hifa::marching_cubes::scan_vertices");
  const std::int64_t face_total =
      mc_exclusive_scan(space, face_offsets, cell_rows + 1, "hifa::marching_cubes::scan_faces");
  const std::int64_t vertex_total =
      edge_vertex_total + mc_exclusive_scan(space, centre_offsets, cell_rows + 1, "hifa::marching_cubes::scan_centres");
  if (vertex_total > std::numeric_limits<int>::max() || face_total > std::numeric_limits<int>::max()) {
    throw Error("marching_cubes", "the surface has " + std::to_string(vertex_total) + " vertices and " +
                                      std::to_string(face_total) + " faces; at most 2^31 - 1 of each fit a TriMesh");
  }

  TriMesh<T> mesh;
  if (face_total == 0) return mesh;
  mesh.vertices.resize(vertex_total, 3);
  mesh.normals.resize(vertex_total, 3);
  mesh.faces.resize(face_total, 3);
  using HostPoints = Kokkos::View<T* [3], Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>;
  using HostFaces = Kokkos::View<int* [3], Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>;
  const HostPoints host_vertices(mesh.vertices.data(), vertex_total);
  const HostPoints host_normals(mesh.normals.data(), vertex_total);
  const HostFaces host_faces(mesh.faces.data(), face_total);
  const auto vertices = mc_output_view<ExecSpace, Memory>(host_vertices, "hifa::marching_cubes::vertices");
  const auto vertex_normals = mc_output_view<ExecSpace, Memory>(host_normals, "hifa::marching_cubes::normals");
  const auto faces = mc_output_view<ExecSpace, Memory>(host_faces, "hifa::marching_cubes::faces");
  const McEdgeVertex<Values, Normals> edge_vertex{values, grid, grid.spacing(), level, inside_above ? T(-1) : T(1),
                                                  normals};

  Kokkos::parallel_for(
      "hifa::marching_cubes::vertices", Dynamic(space, 0, point_rows), KOKKOS_LAMBDA(int r) {
        std::int64_t id = vertex_offsets(r);
        if (id == vertex_offsets(r + 1)) return;
        const int i = r / ny, j = r % ny;
        const McPointRow points = mc_point_row(bits, i, j, nz);
        for (int a = 0; a < 3; ++a) {
          for (int w = 0; w < words; ++w) {
            for (std::uint64_t crossed = points.crossed(a, w); crossed; crossed &= crossed - 1) {
              Vec3<T> p, n;
              edge_vertex(i, j, 64 * w + mc_lowest_bit(crossed), a, p, n);
              for (int d = 0; d < 3; ++d) {
                vertices(id, d) = p[d];
                vertex_normals(id, d) = n[d];
              }
              ++id;
            }
          }
        }
      });

  Kokkos::parallel_for(
      "hifa::marching_cubes::triangles", Dynamic(space, 0, cell_rows), KOKKOS_LAMBDA(int r) {
        std::int64_t out = face_offsets(r), centre = edge_vertex_total + centre_offsets(r);
        if (out == face_offsets(r + 1)) return;
        const int i = r / (ny - 1), j = r % (ny - 1);
        const McCellRow cells(bits, i, j, nz);
        // Vertex ids follow the vertices pass's order: point row q's crossings along x, then y, then
        // z, each in k order. id = first id of (q, axis) + crossings before the current word
        // (`before`, advanced word by word) + crossings in the word below the edge's point.
        std::int64_t before[4][3];
        std::uint64_t crossed[4][3] = {};
        for (int q = 0; q < 4; ++q) {
          before[q][0] = vertex_offsets((i + (q & 1)) * ny + j + (q >> 1));
          for (int a = 1; a < 3; ++a) before[q][a] = before[q][a - 1] + cells.rows[q].crossings(a - 1);
        }
        const auto next_word = [&](int w) {
          for (int q = 0; q < 4; ++q) {
            for (int a = 0; a < 3; ++a) {
              before[q][a] += mc_popcount(crossed[q][a]);
              crossed[q][a] = cells.rows[q].crossed(a, w);
            }
          }
        };
        cells.for_each_surface_cell([&](int k, int cube_case) {
          const McCellLoops loops = cell_loops(i, j, k, cube_case);
          const auto vertex_id = [&](int e) {
            const int c = mc_edge_low_corner(e), q = c & 3, a = mc_edge_axis(e);
            const int bit = (k & 63) + (c >> 2);  // 64 (the next word's first point): all of this word
            const std::uint64_t below = bit == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << bit) - 1;
            return int(before[q][a] + mc_popcount(crossed[q][a] & below));
          };
          for (int l = 0, first = 0; l < loops.loop_count; first += loops.sizes[l++]) {
            const int size = loops.sizes[l];
            const bool centred = (loops.centred >> l) & 1;
            int apex = vertex_id(loops.edges[first]);
            if (centred) {
              // The centre: mean position and mean normal of the loop's vertices.
              Vec3<T> position = Vec3<T>::Zero(), normal = Vec3<T>::Zero();
              for (int m = 0; m < size; ++m) {
                const int e = loops.edges[first + m], c = mc_edge_low_corner(e);
                Vec3<T> p, n;
                edge_vertex(i + (c & 1), j + ((c >> 1) & 1), k + (c >> 2), mc_edge_axis(e), p, n);
                position += p;
                normal += n;
              }
              position /= T(size);
              normal = edge_vertex.unit(normal, T(1));
              for (int d = 0; d < 3; ++d) {
                vertices(centre, d) = position[d];
                vertex_normals(centre, d) = normal[d];
              }
              apex = int(centre++);
            }
            // Fan over consecutive loop vertices; around a centre it closes back to the first one.
            const int begin = centred ? 0 : 1, end = centred ? size : size - 1;
            int previous = vertex_id(loops.edges[first + begin]);
            for (int m = begin + 1; m <= end; ++m) {
              const int current = vertex_id(loops.edges[first + m % size]);
              faces(out, 0) = apex;
              faces(out, 1) = previous;
              faces(out, 2) = current;
              previous = current;
              ++out;
            }
          }
        }, next_word);
      });

  Kokkos::deep_copy(space, host_vertices, vertices);
  Kokkos::deep_copy(space, host_normals, vertex_normals);
  Kokkos::deep_copy(space, host_faces, faces);
  space.fence();
  return mesh;
}

}  // namespace hifa::detail
