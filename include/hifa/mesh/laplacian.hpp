#pragma once
// The cotangent Laplacian of a triangle mesh and its lumped mass matrix (Pinkall & Polthier 1993;
// Meyer et al., "Discrete Differential-Geometry Operators for Triangulated 2-Manifolds", 2002):
// the discrete Laplace-Beltrami operator is Δ = -M^-1 L.
//
//   Eigen::SparseMatrix<double> L = hifa::cotangent_laplacian(mesh);   // #V x #V, stiffness
//   Eigen::VectorXd m = hifa::lumped_mass(mesh);                       // #V vertex areas
//
// Inputs:  mesh  TriMesh<T>, face indices in range (see validate.hpp); any connectivity (the
//                operators are sums over faces, so non-manifold edges simply add up)
// Outputs: cotangent_laplacian: symmetric, L_ij = -(cot α_ij + cot β_ij) / 2 for each edge ij
//          (α, β the angles opposite the edge in its faces; one term on a boundary edge), L_ii =
//          -Σ_j L_ij, so every row sums to 0 and x^T L x = the Dirichlet energy of the piecewise-
//          linear function x (positive semidefinite, even with obtuse triangles, whose negative
//          cotangents break only the M-matrix property). A degenerate face (zero area) contributes
//          nothing instead of an infinite cotangent.
//          lumped_mass: m_i = one third of the area of the faces at vertex i (barycentric cells);
//          0 for a vertex no face uses.
// Cost:    O(F), double precision.

#include "hifa/mesh/tri_mesh.hpp"

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <vector>

namespace hifa {

template <class T>
Eigen::SparseMatrix<double> cotangent_laplacian(const TriMesh<T>& mesh) {
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(std::size_t(mesh.face_count()) * 12);
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const int v[3] = {mesh.faces(f, 0), mesh.faces(f, 1), mesh.faces(f, 2)};
    const Vec3d p[3] = {mesh.vertices.row(v[0]).template cast<double>().transpose(),
                        mesh.vertices.row(v[1]).template cast<double>().transpose(),
                        mesh.vertices.row(v[2]).template cast<double>().transpose()};
    const double doubled_area = (p[1] - p[0]).cross(p[2] - p[0]).norm();
    if (!(doubled_area > 0.0)) continue;
    for (int k = 0; k < 3; ++k) {
      // The angle at corner k is opposite the edge (k+1, k+2): cot = (a · b) / |a × b|.
      const int i = v[(k + 1) % 3], j = v[(k + 2) % 3];
      const Vec3d a = p[(k + 1) % 3] - p[k], b = p[(k + 2) % 3] - p[k];
      const double w = 0.5 * a.dot(b) / doubled_area;
      entries.emplace_back(i, j, -w);
      entries.emplace_back(j, i, -w);
      entries.emplace_back(i, i, w);
      entries.emplace_back(j, j, w);
    }
  }
  Eigen::SparseMatrix<double> laplacian(mesh.vertex_count(), mesh.vertex_count());
  laplacian.setFromTriplets(entries.begin(), entries.end());
  return laplacian;
}

template <class T>
Eigen::VectorXd lumped_mass(const TriMesh<T>& mesh) {
  Eigen::VectorXd mass = Eigen::VectorXd::Zero(mesh.vertex_count());
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const Vec3d p0 = mesh.vertices.row(mesh.faces(f, 0)).template cast<double>().transpose();
    const Vec3d p1 = mesh.vertices.row(mesh.faces(f, 1)).template cast<double>().transpose();
    const Vec3d p2 = mesh.vertices.row(mesh.faces(f, 2)).template cast<double>().transpose();
    const double third = (p1 - p0).cross(p2 - p0).norm() / 6.0;
    for (int k = 0; k < 3; ++k) mass(mesh.faces(f, k)) += third;
  }
  return mass;
}

}  // namespace hifa
