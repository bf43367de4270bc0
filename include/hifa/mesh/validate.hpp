#pragma once
// Checks a mesh before it is used.
//
//   hifa::MeshReport r = hifa::validate(mesh);
//   if (!r.ok()) log(r.describe());
//   hifa::require_valid(mesh, "scan.obj");   // throws on the hard errors below
//
// Inputs: any TriMesh<T>. Outputs: a MeshReport of counts, each with the first offending index
// (-1 when there is none):
//   hard errors  (usable() is false): no vertices or no faces; face corners indexing a vertex that
//                does not exist (or a uv that does not exist), face material ids
//                outside materials; vertices with a NaN/Inf coordinate
//   soft problems (ok() is also false): degenerate faces, i.e. a repeated vertex index or zero area
// Degenerate faces are common in real scans and harmless to most algorithms, hence soft.
// Errors: require_valid throws hifa::Error("<where>", "<the first hard error>").
// Complexity: O(V + F).

#include "hifa/core/error.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <string>

namespace hifa {

struct MeshReport {
  Eigen::Index vertices = 0, faces = 0;
  Eigen::Index out_of_range_indices = 0, first_out_of_range_face = -1;  // corners into vertices or uvs, material ids
  Eigen::Index non_finite_vertices = 0, first_non_finite_vertex = -1;
  Eigen::Index degenerate_faces = 0, first_degenerate_face = -1;

  bool empty() const { return vertices == 0 || faces == 0; }
  bool usable() const { return !empty() && out_of_range_indices == 0 && non_finite_vertices == 0; }
  bool ok() const { return usable() && degenerate_faces == 0; }

  // One line: "ok (V vertices, F faces)" or the problems, hard ones first.
  std::string describe() const {
    const auto counts = std::to_string(vertices) + " vertices, " + std::to_string(faces) + " faces";
    if (ok()) return "ok (" + counts + ")";
    std::string text;
    const auto add = [&text](const std::string& problem) { text += (text.empty() ? "" : "; ") + problem; };
    if (empty()) add("empty mesh (" + counts + ")");
    if (out_of_range_indices > 0) {
      add(std::to_string(out_of_range_indices) + " face corners or face material ids index a missing vertex, uv or material (first in face " +
          std::to_string(first_out_of_range_face) + ")");
    }
    if (non_finite_vertices > 0) {
      add(std::to_string(non_finite_vertices) + " vertices have a NaN or infinite coordinate (first: vertex " +
          std::to_string(first_non_finite_vertex) + ")");
    }
    if (degenerate_faces > 0) {
      add(std::to_string(degenerate_faces) + " degenerate faces (first: face " + std::to_string(first_degenerate_face) +
          ")");
    }
    return text;
  }
};

template <class T>
MeshReport validate(const TriMesh<T>& mesh) {
  MeshReport report;
  report.vertices = mesh.vertex_count();
  report.faces = mesh.face_count();
  const auto note = [](Eigen::Index& count, Eigen::Index& first, Eigen::Index index) {
    if (count++ == 0) first = index;
  };
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
    if (!mesh.vertices.row(v).allFinite()) note(report.non_finite_vertices, report.first_non_finite_vertex, v);
  }
  const bool uvs = mesh.face_uvs.rows() > 0;
  const bool materials = mesh.face_materials.size() > 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    bool in_range = true;
    if (materials && (f >= mesh.face_materials.size() || mesh.face_materials(f) < 0 ||
                      std::size_t(mesh.face_materials(f)) >= mesh.materials.size())) {
      note(report.out_of_range_indices, report.first_out_of_range_face, f);
    }
    for (int k = 0; k < 3; ++k) {
      const int v = mesh.faces(f, k);
      const bool bad_vertex = v < 0 || v >= mesh.vertex_count();
      const bool bad_uv = uvs && f < mesh.face_uvs.rows() && (mesh.face_uvs(f, k) < 0 || mesh.face_uvs(f, k) >= mesh.uvs.rows());
      if (bad_vertex || bad_uv) note(report.out_of_range_indices, report.first_out_of_range_face, f);
      in_range = in_range && !bad_vertex;
    }
    if (!in_range) continue;
    const int a = mesh.faces(f, 0), b = mesh.faces(f, 1), c = mesh.faces(f, 2);
    const Vec3<T> pa = mesh.vertex(a), pb = mesh.vertex(b), pc = mesh.vertex(c);
    if (a == b || b == c || a == c || (pb - pa).cross(pc - pa).squaredNorm() == T(0)) {
      note(report.degenerate_faces, report.first_degenerate_face, f);
    }
  }
  return report;
}

// Throws hifa::Error(where, problem) when the mesh has a hard error (see MeshReport::usable()).
template <class T>
void require_valid(const TriMesh<T>& mesh, const std::string& where) {
  const MeshReport report = validate(mesh);
  if (!report.usable()) throw Error(where, report.describe());
}

}  // namespace hifa
