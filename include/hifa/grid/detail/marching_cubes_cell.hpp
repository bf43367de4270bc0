#pragma once
// The surface inside one cube cell of marching cubes: which cell edges it crosses and how the
// crossings join into closed, oriented polygons (hifa::detail, used by grid/marching_cubes.hpp).
//
// Numbering (all of it local to this file and the kernels that include it):
//   corner c in [0, 8)   at offset (c & 1, (c >> 1) & 1, (c >> 2) & 1) along (i, j, k)
//   edge e in [0, 12)    e = 4 * axis + ub + 2 * uc: it runs along `axis` from its low corner, whose
//                        offsets along b = (axis + 1) % 3 and c = (axis + 2) % 3 are ub and uc
//   face f in [0, 6)     axis f >> 1, on the low (f & 1 == 0) or high (f & 1 == 1) side
//   case                 bit c set when corner c is inside
//
// Method. Plain Lorensen-Cline tables choose the connectivity of an ambiguous face (two diagonal
// corners inside, two outside) per cube, so the two cubes sharing the face can disagree and leave a
// hole. Here every face is resolved by the asymptotic decider of Nielsen & Hamann ("The asymptotic
// decider: resolving the ambiguity in marching cubes", IEEE Visualization 1991, sec. 3): the
// bilinear interpolant of the face's four values has its saddle at value
//     s = (v00 v11 - v10 v01) / (v00 + v11 - v10 - v01),
// and the two inside corners are connected across the face exactly when s is inside. The decision
// reads only the face's four values, in an order fixed by the face's axis, so both cubes compute the
// same bits and agree. Each face then contributes one or two segments between its edge crossings;
// every crossed edge lies on exactly two faces of the cube, so the segments chain into closed loops.
// Loops of one cube use disjoint edges, and an edge's vertex is shared by the loops of the four cubes
// around it, so the loops close up whatever the interior (body) ambiguity would have been; that one
// is left to the loop structure.
//
// Triangulation. A loop through an ambiguous face visits up to four crossings of that face, and the
// cube on the other side visits the same ones; if both fans drew the same diagonal between two of
// them, that edge would bound four triangles. So a loop is fanned from an apex whose two faces are
// both unambiguous (its only neighbours on those faces are its loop neighbours, so no diagonal lies
// in a face), and a loop without such a vertex is fanned around an added centre vertex instead.
//
// Orientation. Walking a face's boundary counter-clockwise about the cube's outward face normal, the
// crossings alternate between entering and leaving the inside region. A segment always runs from an
// entering crossing to a leaving one; then the polygon it bounds, seen from the outside of the shape,
// is counter-clockwise (its interior, inside the cube, lies to the left of the walk), so triangles
// come out with outward normals for either inside convention.

#include <Kokkos_Macros.hpp>

#include <cstdint>

namespace hifa::detail {

KOKKOS_INLINE_FUNCTION constexpr int mc_edge_axis(int e) { return e >> 2; }

KOKKOS_INLINE_FUNCTION constexpr int mc_edge_low_corner(int e) {
  const int axis = e >> 2;
  return ((e & 1) << ((axis + 1) % 3)) | (((e >> 1) & 1) << ((axis + 2) % 3));
}

KOKKOS_INLINE_FUNCTION constexpr int mc_edge_of(int low_corner, int axis) {
  return 4 * axis + ((low_corner >> ((axis + 1) % 3)) & 1) + 2 * ((low_corner >> ((axis + 2) % 3)) & 1);
}

// The two faces edge e lies on: along b = (axis + 1) % 3 at side ub, along c at side uc.
KOKKOS_INLINE_FUNCTION constexpr int mc_edge_faces(int e) {
  const int axis = e >> 2;
  return (1 << (2 * ((axis + 1) % 3) + (e & 1))) | (1 << (2 * ((axis + 2) % 3) + ((e >> 1) & 1)));
}

// The closed polygons of one cell: `edges` lists the crossed edges loop after loop, each loop in
// surface order (counter-clockwise seen from outside) starting at its fan apex; sizes[l] is the
// length of loop l (>= 3); bit l of `centred` marks a loop fanned around an added centre vertex;
// bit f of `ambiguous_faces` marks a face resolved by the decider. At most 12 crossed edges, so at
// most 4 loops.
struct McCellLoops {
  std::uint8_t edges[12];
  std::uint8_t sizes[4];
  int loop_count = 0;
  int edge_count = 0;
  int centred = 0;
  int ambiguous_faces = 0;

  KOKKOS_INLINE_FUNCTION int centre_count() const {
    return (centred & 1) + ((centred >> 1) & 1) + ((centred >> 2) & 1) + ((centred >> 3) & 1);
  }
  // A loop of n edges becomes n - 2 triangles fanned from its apex, or n around its centre.
  KOKKOS_INLINE_FUNCTION int triangle_count() const { return edge_count - 2 * loop_count + 2 * centre_count(); }
};

// Inputs:  cube_case (0 < case < 255), value(c) -> the value of corner c minus the iso level (read
//          only on ambiguous faces), inside_above (occupancy convention: inside where value > level).
// Outputs: the cell's loops. Pure function of its inputs: neighbouring cells and any thread order
//          see the same faces resolved the same way.
template <class T, class CornerValue>
KOKKOS_FUNCTION McCellLoops mc_cell_loops(int cube_case, const CornerValue& value, bool inside_above) {
  std::int8_t next[12] = {};
  int crossed = 0, ambiguous = 0;
  for (int face = 0; face < 6; ++face) {
    const int a = face >> 1, high = face & 1;
    const int b = (a + 1) % 3, c = (a + 2) % 3;
    const int base = high << a;
    // (a, b, c) is a cyclic permutation of (x, y, z), so this order is counter-clockwise about +a.
    const int quad[4] = {base, base | (1 << b), base | (1 << b) | (1 << c), base | (1 << c)};
    int crossing[4];
    bool entering[4];
    int n = 0;
    for (int m = 0; m < 4; ++m) {
      // Counter-clockwise about the outward normal: +a on the high face, -a (reversed) on the low one.
      const int p = quad[high ? m : (4 - m) & 3];
      const int q = quad[high ? (m + 1) & 3 : (3 - m) & 3];
      const bool in_p = (cube_case >> p) & 1, in_q = (cube_case >> q) & 1;
      if (in_p == in_q) continue;
      crossing[n] = mc_edge_of(p < q ? p : q, (p ^ q) == (1 << b) ? b : c);
      entering[n] = in_q;
      ++n;
    }
    if (n == 2) {
      const int e = entering[0] ? 0 : 1;
      next[crossing[e]] = std::int8_t(crossing[1 - e]);
    } else if (n == 4) {
      const int s = entering[0] ? 0 : 1;  // rotate to enter0, leave0, enter1, leave1
      const int enter0 = crossing[s], leave0 = crossing[s + 1], enter1 = crossing[(s + 2) & 3],
                leave1 = crossing[(s + 3) & 3];
      // Values in the fixed order of `quad`, independent of which cube asks (see the file comment).
      const T v0 = value(quad[0]), v1 = value(quad[1]), v2 = value(quad[2]), v3 = value(quad[3]);
      const T saddle = (v0 * v2 - v1 * v3) / (v0 + v2 - v1 - v3);
      const bool inside_connected = inside_above ? saddle > T(0) : saddle < T(0);
      // Separated inside corners: each segment wraps the inside corner between enter_i and leave_i.
      // Connected: each segment wraps an outside corner, leave_i -> outside -> enter_(i+1).
      next[enter0] = std::int8_t(inside_connected ? leave1 : leave0);
      next[enter1] = std::int8_t(inside_connected ? leave0 : leave1);
      ambiguous |= 1 << face;
    }
    for (int m = 0; m < n; ++m) crossed |= 1 << crossing[m];
  }

  McCellLoops loops;
  loops.ambiguous_faces = ambiguous;
  for (int start = 0; start < 12; ++start) {
    if (!((crossed >> start) & 1)) continue;
    const int first = loops.edge_count;
    int e = start;
    do {
      loops.edges[loops.edge_count++] = std::uint8_t(e);
      crossed &= ~(1 << e);
      e = next[e];
    } while (e != start);
    const int size = loops.edge_count - first;
    int apex = 0;
    while (apex < size && (mc_edge_faces(loops.edges[first + apex]) & ambiguous)) ++apex;
    if (apex == size) {
      if (size > 3) loops.centred |= 1 << loops.loop_count;
    } else {
      std::uint8_t rotated[12];
      for (int m = 0; m < size; ++m) rotated[m] = loops.edges[first + (apex + m) % size];
      for (int m = 0; m < size; ++m) loops.edges[first + m] = rotated[m];
    }
    loops.sizes[loops.loop_count++] = std::uint8_t(size);
  }
  return loops;
}

}  // namespace hifa::detail
