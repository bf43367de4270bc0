#pragma once
// Closes the holes of a triangle mesh: finds its boundary loops and caps each with a triangulated
// patch whose interior is smoothed into a membrane spanning the loop.
//
//   auto loops = hifa::boundary_loops(mesh.faces);   // each loop: vertex ids in traversal order
//   auto filled = hifa::fill_holes(mesh);            // FilledHoles{mesh, holes, added_vertices}
//
// boundary_loops
//   Inputs:  faces #F x 3, indices >= 0 (see validate.hpp)
//   Outputs: one std::vector<int> per loop of boundary edges (edges used by exactly one face), in
//            the direction the faces traverse them (so an outward-oriented mesh runs each loop
//            clockwise seen from outside the hole), starting at the loop's smallest vertex id; loops
//            ordered by that id. Every boundary edge is in exactly one loop. A vertex where two
//            holes touch (two outgoing boundary edges) ends a loop when the traversal started
//            there and is passed through otherwise (one figure-eight loop).
//   Cost:    expected O(F).
//
// fill_holes
//   Inputs:  mesh            TriMesh<T>, edge-manifold around its holes (a boundary edge belongs
//                            to one face), face indices in range
//            options.max_loop  loops with more edges than this are left open (default: all filled)
//   Method:  for a loop v_0..v_{n-1} with centroid c and mean edge length e, R = max(1, round(mean
//            |v_i - c| / e)) concentric rings of new vertices are placed between the loop and c
//            (R - 1 rings of n vertices, then c), joined by triangle strips and an inner fan, so the
//            patch's triangles have about the size of the loop's edges. New faces run each loop
//            edge in the direction opposite to its face, so the patch has the mesh's orientation
//            and the result is closed and consistently oriented where the input was. Then the new
//            vertices are smoothed by `smoothing_iterations` (default 32) Jacobi sweeps of the
//            umbrella operator (each becomes the mean of its neighbours, the loop held fixed): a
//            discrete harmonic (membrane) surface that follows a non-planar loop instead of a flat
//            cone (Liepa, "Filling Holes in Meshes", SGP 2003, sec. 4, fairs the same way). A loop
//            of 3 edges gets one triangle. Meant for small, roughly star-shaped holes (eyes, mouth,
//            scan gaps): a strongly non-convex loop may give a patch that crosses itself.
//   Outputs: FilledHoles<T>{mesh, holes, added_vertices}: the input's vertices and faces first
//            (unchanged), then the new vertices and faces; holes = loops filled, added_vertices =
//            vertices appended. normals and colors, when present, get rows for the new vertices
//            (the loop's mean colour, the unit mean loop normal); face_materials, when present,
//            give each patch face the material of the face on the loop's first edge. The patch has
//            no texture coordinates, so uvs and face_uvs are dropped when any hole is filled.
//   Errors:  hifa::Error naming "fill_holes" for a negative max_loop or smoothing_iterations.
//   Cost:    O(F + added vertices · smoothing_iterations).

#include "hifa/core/error.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hifa {

inline std::vector<std::vector<int>> boundary_loops(const FaceMatrix& faces) {
  const EdgeMap edges = edge_map(faces);
  // Boundary half-edges a -> b in face order, grouped by their start (ordered: loops start at the
  // smallest id and the result does not depend on hashing).
  std::map<int, std::vector<int>> outgoing;
  for (Eigen::Index f = 0; f < faces.rows(); ++f) {
    for (int k = 0; k < 3; ++k) {
      const int a = faces(f, k), b = faces(f, (k + 1) % 3);
      if (edges.at(edge_key(a, b)).faces == 1) outgoing[a].push_back(b);
    }
  }
  std::vector<std::vector<int>> loops;
  for (auto& [start, ends] : outgoing) {
    while (!ends.empty()) {
      std::vector<int> loop{start};
      int at = start;
      for (;;) {
        std::vector<int>& next = outgoing[at];
        const int to = next.back();
        next.pop_back();
        if (to == start) break;
        loop.push_back(to);
        at = to;
        if (outgoing[at].empty()) break;  // an open chain (a fin's edge): end the loop here
      }
      loops.push_back(std::move(loop));
    }
  }
  return loops;
}

struct FillHolesOptions {
  int max_loop = INT_MAX;
  int smoothing_iterations = 32;
};

template <class T>
struct FilledHoles {
  TriMesh<T> mesh;
  int holes = 0;
  Eigen::Index added_vertices = 0;
};

template <class T>
FilledHoles<T> fill_holes(const TriMesh<T>& mesh, const FillHolesOptions& options = {}) {
  if (options.max_loop < 0) throw Error("fill_holes", "max_loop must be >= 0, got " + std::to_string(options.max_loop));
  if (options.smoothing_iterations < 0) {
    throw Error("fill_holes", "smoothing_iterations must be >= 0, got " + std::to_string(options.smoothing_iterations));
  }
  const auto loops = boundary_loops(mesh.faces);
  std::vector<Vec3<T>> new_vertices;
  std::vector<Eigen::Vector3i> new_faces;
  std::vector<int> new_face_loop;                  // loop index of each new face
  std::vector<int> new_vertex_loop;                // loop index of each new vertex
  const int v0 = int(mesh.vertex_count());
  const auto position = [&](int v) -> Vec3<T> {
    return v < v0 ? Vec3<T>(mesh.vertices.row(v).transpose()) : new_vertices[std::size_t(v - v0)];
  };
  int holes = 0;
  std::vector<const std::vector<int>*> filled_loops;
  for (const auto& loop : loops) {
    const int n = int(loop.size());
    if (n < 3 || n > options.max_loop) continue;
    const int id = holes++;
    filled_loops.push_back(&loop);
    // Loop edge loop[i] -> loop[i+1] is used by a face in that direction; the patch runs it back.
    const auto add_face = [&](int a, int b, int c) {
      new_faces.emplace_back(a, b, c);
      new_face_loop.push_back(id);
    };
    if (n == 3) {
      add_face(loop[1], loop[0], loop[2]);
      continue;
    }
    Vec3<T> centre = Vec3<T>::Zero();
    T perimeter = 0;
    for (int i = 0; i < n; ++i) {
      centre += position(loop[i]);
      perimeter += (position(loop[(i + 1) % n]) - position(loop[i])).norm();
    }
    centre /= T(n);
    T radius = 0;
    for (int v : loop) radius += (position(v) - centre).norm();
    radius /= T(n);
    const T edge = perimeter / T(n);
    const int rings = std::max(1, int(std::lround(edge > T(0) ? radius / edge : T(1))));
    std::vector<int> outer(loop.begin(), loop.end());
    for (int r = 1; r < rings; ++r) {
      std::vector<int> inner(static_cast<std::size_t>(n));
      const T t = T(r) / T(rings);
      for (int i = 0; i < n; ++i) {
        inner[std::size_t(i)] = v0 + int(new_vertices.size());
        new_vertices.push_back((T(1) - t) * position(loop[i]) + t * centre);
        new_vertex_loop.push_back(id);
      }
      for (int i = 0; i < n; ++i) {
        const int j = (i + 1) % n;
        add_face(outer[j], outer[i], inner[i]);
        add_face(outer[j], inner[i], inner[j]);
      }
      outer = std::move(inner);
    }
    const int c = v0 + int(new_vertices.size());
    new_vertices.push_back(centre);
    new_vertex_loop.push_back(id);
    for (int i = 0; i < n; ++i) add_face(outer[(i + 1) % n], outer[i], c);
  }

  // Umbrella smoothing of the new vertices (Jacobi: read the old positions, write new ones).
  if (!new_vertices.empty() && options.smoothing_iterations > 0) {
    std::vector<std::vector<int>> neighbours(new_vertices.size());
    for (const auto& f : new_faces) {
      for (int k = 0; k < 3; ++k) {
        const int a = f[k], b = f[(k + 1) % 3];
        if (a >= v0) neighbours[std::size_t(a - v0)].push_back(b);
        if (b >= v0) neighbours[std::size_t(b - v0)].push_back(a);
      }
    }
    for (auto& list : neighbours) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    std::vector<Vec3<T>> next(new_vertices.size());
    for (int it = 0; it < options.smoothing_iterations; ++it) {
      for (std::size_t i = 0; i < new_vertices.size(); ++i) {
        Vec3<T> sum = Vec3<T>::Zero();
        for (int u : neighbours[i]) sum += position(u);
        next[i] = sum / T(neighbours[i].size());
      }
      new_vertices.swap(next);
    }
  }

  FilledHoles<T> out{mesh, holes, Eigen::Index(new_vertices.size())};
  if (holes == 0) return out;
  TriMesh<T>& m = out.mesh;
  const Eigen::Index nv = mesh.vertex_count(), added = Eigen::Index(new_vertices.size());
  const Eigen::Index nf = mesh.face_count(), added_faces = Eigen::Index(new_faces.size());
  m.vertices.conservativeResize(nv + added, 3);
  for (Eigen::Index i = 0; i < added; ++i) m.vertices.row(nv + i) = new_vertices[std::size_t(i)].transpose();
  m.faces.conservativeResize(nf + added_faces, 3);
  for (Eigen::Index i = 0; i < added_faces; ++i) m.faces.row(nf + i) = new_faces[std::size_t(i)].transpose();
  if (mesh.has_normals() || mesh.has_colors()) {
    std::vector<Vec3<T>> loop_normal(std::size_t(holes), Vec3<T>::Zero()), loop_colour(std::size_t(holes), Vec3<T>::Zero());
    for (int id = 0; id < holes; ++id) {
      for (int v : *filled_loops[std::size_t(id)]) {
        if (mesh.has_normals()) loop_normal[std::size_t(id)] += mesh.normals.row(v).transpose();
        if (mesh.has_colors()) loop_colour[std::size_t(id)] += mesh.colors.row(v).transpose();
      }
      loop_colour[std::size_t(id)] /= T(filled_loops[std::size_t(id)]->size());
      const T len = loop_normal[std::size_t(id)].norm();
      if (len > T(0)) loop_normal[std::size_t(id)] /= len;
    }
    if (mesh.has_normals()) {
      m.normals.conservativeResize(nv + added, 3);
      for (Eigen::Index i = 0; i < added; ++i) m.normals.row(nv + i) = loop_normal[std::size_t(new_vertex_loop[std::size_t(i)])].transpose();
    }
    if (mesh.has_colors()) {
      m.colors.conservativeResize(nv + added, 3);
      for (Eigen::Index i = 0; i < added; ++i) m.colors.row(nv + i) = loop_colour[std::size_t(new_vertex_loop[std::size_t(i)])].transpose();
    }
  }
  if (mesh.has_face_materials()) {
    // The material of the face that uses each loop's first edge.
    std::unordered_map<std::uint64_t, int> material_of_edge;
    for (Eigen::Index f = 0; f < nf; ++f)
      for (int k = 0; k < 3; ++k) material_of_edge[edge_key(mesh.faces(f, k), mesh.faces(f, (k + 1) % 3))] = mesh.face_materials(f);
    m.face_materials.conservativeResize(nf + added_faces);
    for (Eigen::Index i = 0; i < added_faces; ++i) {
      const auto& loop = *filled_loops[std::size_t(new_face_loop[std::size_t(i)])];
      m.face_materials(nf + i) = material_of_edge.at(edge_key(loop[0], loop[1]));
    }
  }
  m.uvs.resize(0, 2);
  m.face_uvs.resize(0, 3);
  return out;
}

}  // namespace hifa
