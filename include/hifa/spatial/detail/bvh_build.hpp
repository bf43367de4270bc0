#pragma once
// Building blocks of the linear BVH (hifa/spatial/mesh_bvh.hpp), each a parallel Kokkos kernel:
//
//   morton_keys        key = (30-bit Morton code of the centroid << 32) | face id, unique per face
//                      (also used to order query points for memory locality)
//   radix_sort         stable LSD radix sort of the 64-bit keys (8 passes of 8 bits)
//   karras_hierarchy   the binary radix tree over the sorted keys (Karras 2012, Fig. 4)
//   refit_boxes        leaf-to-root bounding boxes, one thread per leaf (Apetrei 2014)
//   (patch_bound.hpp)  slab-and-ball distance bounds of the lower nodes, for closest points
//
// Node numbering (as ArborX): internal nodes 0 .. n-2 (root 0), leaf k (k-th sorted key) is node
// n-1+k. A one-leaf tree is the leaf alone, numbered 0, so the root is node 0 in every case.

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <string>

namespace hifa::detail {

// Allocation properties of a labelled View that its kernel fills completely: no initialising pass.
template <class ExecSpace>
auto uninitialized(const ExecSpace& space, const char* label) {
  return Kokkos::view_alloc(space, Kokkos::WithoutInitializing, std::string(label));
}

struct Box {
  float min[3];
  float max[3];
};

KOKKOS_INLINE_FUNCTION Box merge(const Box& a, const Box& b) {
  Box r;
  for (int d = 0; d < 3; ++d) {
    r.min[d] = a.min[d] < b.min[d] ? a.min[d] : b.min[d];
    r.max[d] = a.max[d] > b.max[d] ? a.max[d] : b.max[d];
  }
  return r;
}

// Squared distance from p to the box (0 inside): a lower bound of the distance to anything in it.
KOKKOS_INLINE_FUNCTION float box_distance2(const Box& b, const float p[3]) {
  float d2 = 0.0f;
  for (int d = 0; d < 3; ++d) {
    const float below = b.min[d] - p[d], above = p[d] - b.max[d];
    const float e = below > 0.0f ? below : (above > 0.0f ? above : 0.0f);
    d2 += e * e;
  }
  return d2;
}

// Spread the low 10 bits of x to every third bit (x9 .. x0 -> x9 0 0 x8 ... 0 0 x0).
KOKKOS_INLINE_FUNCTION std::uint32_t spread_bits_3(std::uint32_t x) {
  x = (x * 0x00010001u) & 0xFF0000FFu;
  x = (x * 0x00000101u) & 0x0F00F00Fu;
  x = (x * 0x00000011u) & 0xC30C30C3u;
  x = (x * 0x00000005u) & 0x49249249u;
  return x;
}

// 30-bit Morton code of a point given as fractions of the scene box, each clamped to [0, 1].
KOKKOS_INLINE_FUNCTION std::uint32_t morton30(float fx, float fy, float fz) {
  auto cell = [](float f) {
    const float c = f * 1024.0f;
    return std::uint32_t(c < 0.0f ? 0.0f : (c > 1023.0f ? 1023.0f : c));
  };
  return (spread_bits_3(cell(fx)) << 2) | (spread_bits_3(cell(fy)) << 1) | spread_bits_3(cell(fz));
}

KOKKOS_INLINE_FUNCTION int count_leading_zeros(std::uint64_t x) {
#if defined(__CUDA_ARCH__)
  return __clzll(static_cast<long long>(x));
#else
  return x == 0 ? 64 : __builtin_clzll(x);
#endif
}

// keys(i) = (morton30(position(i) in the scene box) << 32) | i, for i < keys.extent(0) < 2^31;
// position(i, p) writes the i-th point to p[3]. For triangles (position = centroid) appending the
// face id makes every key distinct (Karras 2012 §4, "duplicate keys"), so the sorted order, and hence
// the whole tree, is one fixed function of the mesh: the same for any backend.
template <class ExecSpace, class Keys, class Position>
void morton_keys(const ExecSpace& space, const char* label, const Box& scene, const Keys& keys,
                 const Position& position) {
  float origin[3], scale[3];
  for (int d = 0; d < 3; ++d) {
    const float extent = scene.max[d] - scene.min[d];
    origin[d] = scene.min[d];
    scale[d] = extent > 0.0f ? 1.0f / extent : 0.0f;  // a flat axis: every code 0 along it
  }
  const float ox = origin[0], oy = origin[1], oz = origin[2], sx = scale[0], sy = scale[1], sz = scale[2];
  Kokkos::parallel_for(
      label, Kokkos::RangePolicy<ExecSpace>(space, 0, int(keys.extent(0))), KOKKOS_LAMBDA(const int i) {
        float c[3];
        position(i, c);
        const std::uint32_t code = morton30((c[0] - ox) * sx, (c[1] - oy) * sy, (c[2] - oz) * sz);
        keys(i) = (std::uint64_t(code) << 32) | std::uint32_t(i);
      });
}

// Stable LSD radix sort of distinct 64-bit keys in place (`scratch`: same extent). Each pass splits
// the keys into fixed chunks: per-chunk digit histograms, one exclusive scan over (digit, chunk) in
// digit-major order, then each chunk scatters its keys in order, so the pass is stable and its
// result does not depend on the thread count. Work O(8·n), 8 passes of 8 bits.
template <class ExecSpace, class Keys>
void radix_sort(const ExecSpace& space, const Keys& keys, const Keys& scratch) {
  using Memory = typename Keys::memory_space;
  constexpr int chunk = 4096, radix = 256;
  const int n = int(keys.extent(0));
  const int chunks = (n + chunk - 1) / chunk;
  Kokkos::View<int*, Memory> offsets(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::spatial::bvh::radix_offsets"),
                                     std::size_t(radix) * std::size_t(chunks));
  Keys from = keys, to = scratch;
  for (int shift = 0; shift < 64; shift += 8) {
    Kokkos::parallel_for(
        "hifa::spatial::bvh::sort_count", Kokkos::RangePolicy<ExecSpace>(space, 0, chunks),
        KOKKOS_LAMBDA(const int c) {
          int count[radix] = {};
          const int end = (c + 1) * chunk < n ? (c + 1) * chunk : n;
          for (int i = c * chunk; i < end; ++i) ++count[(from(i) >> shift) & 0xFF];
          for (int d = 0; d < radix; ++d) offsets(d * chunks + c) = count[d];
        });
    Kokkos::parallel_scan(
        "hifa::spatial::bvh::sort_scan", Kokkos::RangePolicy<ExecSpace>(space, 0, radix * chunks),
        KOKKOS_LAMBDA(const int i, int& running, const bool final) {
          const int count = offsets(i);
          if (final) offsets(i) = running;
          running += count;
        });
    Kokkos::parallel_for(
        "hifa::spatial::bvh::sort_scatter", Kokkos::RangePolicy<ExecSpace>(space, 0, chunks),
        KOKKOS_LAMBDA(const int c) {
          int next[radix];
          for (int d = 0; d < radix; ++d) next[d] = offsets(d * chunks + c);
          const int end = (c + 1) * chunk < n ? (c + 1) * chunk : n;
          for (int i = c * chunk; i < end; ++i) {
            const std::uint64_t key = from(i);
            to(next[(key >> shift) & 0xFF]++) = key;
          }
        });
    const Keys swap = from;
    from = to;
    to = swap;
  }
  // 8 passes: the sorted keys are back in `keys`.
}

// Karras, "Maximizing parallelism in the construction of BVHs, octrees, and k-d trees" (HPG 2012),
// Fig. 4: internal node i covers a range of sorted keys with i at one end; its direction, other end
// and split come from longest-common-prefix lengths δ, found by exponential then binary search.
// children(i, 0/1) are node numbers (leaf k is n-1+k); parents(node) is -1 for the root;
// ranges(i, 0/1) are the first and last leaf (sorted key) that internal node i covers.
template <class ExecSpace, class Keys, class Children, class Parents, class Ranges>
void karras_hierarchy(const ExecSpace& space, const Keys& keys, const Children& children, const Parents& parents,
                      const Ranges& ranges) {
  const int n = int(keys.extent(0));
  // δ(i, j): common prefix length of keys i and j, -1 outside [0, n). Keys are distinct, so never 64.
  auto delta = KOKKOS_LAMBDA(const int i, const int j)->int {
    if (j < 0 || j >= n) return -1;
    return count_leading_zeros(keys(i) ^ keys(j));
  };
  Kokkos::parallel_for(
      "hifa::spatial::bvh::build_hierarchy", Kokkos::RangePolicy<ExecSpace>(space, 0, n - 1),
      KOKKOS_LAMBDA(const int i) {
        const int d = delta(i, i + 1) > delta(i, i - 1) ? 1 : -1;
        const int delta_min = delta(i, i - d);
        int length_max = 2;
        while (delta(i, i + length_max * d) > delta_min) length_max *= 2;
        int length = 0;
        for (int t = length_max / 2; t >= 1; t /= 2) {
          if (delta(i, i + (length + t) * d) > delta_min) length += t;
        }
        const int j = i + length * d;
        const int delta_node = delta(i, j);
        int split = 0;
        for (int divisor = 2, t = length; t > 1; divisor *= 2) {
          t = (length + divisor - 1) / divisor;
          if (delta(i, i + (split + t) * d) > delta_node) split += t;
        }
        const int gamma = i + split * d + (d < 0 ? -1 : 0);
        const int first = i < j ? i : j, last = i < j ? j : i;
        const int left = first == gamma ? n - 1 + gamma : gamma;
        const int right = last == gamma + 1 ? n - 1 + gamma + 1 : gamma + 1;
        children(i, 0) = left;
        children(i, 1) = right;
        ranges(i, 0) = first;
        ranges(i, 1) = last;
        parents(left) = i;
        parents(right) = i;
        if (i == 0) parents(0) = -1;
      });
}

// Boxes of every node, leaves first (boxes(n-1+k) already set). Apetrei, "Fast and simple
// agglomerative LBVH construction" (CGVC 2014): a thread climbs from its leaf; at each parent the
// first of the two children to arrive stops, the second merges both child boxes and goes on, so
// each internal box is written exactly once, after both of its children. Min/max merging makes the
// result independent of which child arrives second.
template <class ExecSpace, class Children, class Parents, class Boxes>
void refit_boxes(const ExecSpace& space, const Children& children, const Parents& parents, const Boxes& boxes) {
  using Memory = typename Boxes::memory_space;
  const int n = int(children.extent(0)) + 1;
  Kokkos::View<int*, Memory> arrivals(Kokkos::view_alloc(space, "hifa::spatial::bvh::arrivals"), n - 1);
  Kokkos::parallel_for(
      "hifa::spatial::bvh::build_boxes", Kokkos::RangePolicy<ExecSpace>(space, 0, n), KOKKOS_LAMBDA(const int k) {
        int node = n - 1 + k;
        while (node != 0) {
          const int parent = parents(node);
          // Make this thread's box writes visible before announcing the arrival.
          Kokkos::memory_fence();
          if (Kokkos::atomic_fetch_add(&arrivals(parent), 1) == 0) return;
          Kokkos::memory_fence();
          boxes(parent) = merge(boxes(children(parent, 0)), boxes(children(parent, 1)));
          node = parent;
        }
      });
}

}  // namespace hifa::detail
