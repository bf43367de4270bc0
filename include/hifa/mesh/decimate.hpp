#pragma once
// Fewer triangles for display: quadric-error edge collapse (Garland & Heckbert 1997) through CGAL's
// Surface_mesh_simplification, down to a face budget.
//
//   hifa::TriMeshf shown = hifa::decimate(mesh, 20000);   // at most about 20000 faces
//
// For looking at a mesh (hifa report's viewers), never for measuring it: metrics take the full mesh.
// Input: any triangle soup. It is repaired as CGAL's polygon-soup functions do (duplicate points
// merged, degenerate and duplicate faces dropped, non-manifold vertices split so the faces can be
// oriented consistently) before it becomes a halfedge mesh; a mesh already within the budget is
// returned unchanged. Output: vertices, faces and nothing else (no normals, UVs or materials).
// The budget is reached approximately: edge collapse stops at an edge count of 1.5 x max_faces
// (a closed triangle mesh has 3F/2 edges), and open borders keep a few more.
// Cost: O(F log F) for F input faces; CGAL makes this header heavy to compile (include it in one
// translation unit).
// Errors: hifa::Error naming "decimate" for max_faces < 4 or non-finite vertices.

#include "hifa/core/error.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <CGAL/Polygon_mesh_processing/orient_polygon_soup.h>
#include <CGAL/Polygon_mesh_processing/polygon_soup_to_polygon_mesh.h>
#include <CGAL/Polygon_mesh_processing/repair_polygon_soup.h>
#include <CGAL/Simple_cartesian.h>
#include <CGAL/Surface_mesh.h>
#include <CGAL/Surface_mesh_simplification/Policies/Edge_collapse/Count_stop_predicate.h>
#include <CGAL/Surface_mesh_simplification/Policies/Edge_collapse/GarlandHeckbert_plane_policies.h>
#include <CGAL/Surface_mesh_simplification/edge_collapse.h>

#include <array>
#include <string>
#include <vector>

namespace hifa {

template <class T>
TriMesh<T> decimate(const TriMesh<T>& mesh, Eigen::Index max_faces) {
  if (max_faces < 4) throw Error("decimate", "max_faces must be at least 4, got " + std::to_string(max_faces));
  if (!mesh.vertices.allFinite()) throw Error("decimate", "a vertex is not finite");
  if (mesh.face_count() <= max_faces) {
    TriMesh<T> same;
    same.vertices = mesh.vertices;
    same.faces = mesh.faces;
    return same;
  }
  using Kernel = CGAL::Simple_cartesian<double>;
  using Point = Kernel::Point_3;
  using Surface = CGAL::Surface_mesh<Point>;
  namespace PMP = CGAL::Polygon_mesh_processing;
  namespace SMS = CGAL::Surface_mesh_simplification;

  std::vector<Point> points;
  points.reserve(std::size_t(mesh.vertex_count()));
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) points.emplace_back(mesh.vertices(v, 0), mesh.vertices(v, 1), mesh.vertices(v, 2));
  std::vector<std::array<std::size_t, 3>> faces;
  faces.reserve(std::size_t(mesh.face_count()));
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    faces.push_back({std::size_t(mesh.faces(f, 0)), std::size_t(mesh.faces(f, 1)), std::size_t(mesh.faces(f, 2))});
  }
  PMP::repair_polygon_soup(points, faces);
  PMP::orient_polygon_soup(points, faces);  // splits non-manifold vertices: a halfedge mesh needs none
  Surface surface;
  PMP::polygon_soup_to_polygon_mesh(points, faces, surface);

  SMS::GarlandHeckbert_plane_policies<Surface, Kernel> quadrics(surface);
  const SMS::Count_stop_predicate<Surface> stop(std::size_t(3 * max_faces / 2));
  SMS::edge_collapse(surface, stop, CGAL::parameters::get_cost(quadrics.get_cost()).get_placement(quadrics.get_placement()));
  surface.collect_garbage();

  TriMesh<T> out;
  out.vertices.resize(Eigen::Index(surface.number_of_vertices()), 3);
  for (const auto v : surface.vertices()) {
    const Point& p = surface.point(v);
    out.vertices.row(Eigen::Index(v.idx())) << T(p.x()), T(p.y()), T(p.z());
  }
  out.faces.resize(Eigen::Index(surface.number_of_faces()), 3);
  Eigen::Index row = 0;
  for (const auto f : surface.faces()) {
    int c = 0;
    for (const auto v : CGAL::vertices_around_face(surface.halfedge(f), surface)) out.faces(row, c++) = int(v.idx());
    ++row;
  }
  return out;
}

}  // namespace hifa
