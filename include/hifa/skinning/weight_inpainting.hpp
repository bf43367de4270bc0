#pragma once
// Skinning weights of the vertices whose transferred weights cannot be trusted, filled in from the
// trusted ones over the mesh: the inpainting step of robust skin weight transfer (Abdrashitov,
// Raichstat, Sheffer, Jacobson, "Robust Skin Weights Transfer via Weight Inpainting", SIGGRAPH Asia
// 2023 Technical Communications, section 3.2).
//
//   std::vector<char> trusted = ...;   // e.g. the nearest body point is close and faces the same way
//   hifa::InpaintedWeights r = hifa::inpaint_weights(mesh, weights, trusted);   // weights: #V x K
//
// Why: closest-point transfer (SurfaceWeights, weights.hpp) gives a vertex of a sleeve's inner side
// the torso's weights when the torso is nearer than the arm; such vertices are recognisable (their
// nearest body point faces the other way) but their right weights are not. Inpainting gives them the
// smoothest weights that agree with their trusted neighbours: the harmonic interpolation
//   minimise Σ_k w_k^T L w_k over the untrusted rows, the trusted rows fixed,
//   i.e. L_uu W_u = -L_ut W_t,
// L the cotangent Laplacian (hifa/mesh/laplacian.hpp), solved by sparse Cholesky (Eigen's
// SimplicialLDLT, in double). Cotangent weights are negative across obtuse angles, so a solution can
// leave [0, 1] slightly: each inpainted row is clamped at 0 and divided by its sum.
// Inputs:  mesh     TriMesh<T>, face indices in range; any connectivity
//          weights  #V x K, the transferred weights (trusted rows non-negative, summing to 1)
//          trusted  #V flags; untrusted rows are replaced
// Outputs: weights' untrusted rows; `inpainted` counts them. An untrusted vertex in a piece of the
//          mesh that reaches no trusted vertex through untrusted ones (a separate part all of whose
//          vertices are untrusted, or a vertex no face uses) keeps its transferred weights:
//          `unreached` counts those. Deterministic (the same bytes every run).
// Errors:  hifa::Error naming "inpaint_weights": trusted or weights not #V rows, a face index out of
//          range, a solve that fails.
// Cost:    one sparse factorization of the untrusted block (about #untrusted x 7 non-zeros) and K
//          solves; 80k untrusted vertices take about a second.

#include "hifa/core/error.hpp"
#include "hifa/mesh/laplacian.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Eigen/SparseCholesky>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

namespace hifa {

struct InpaintedWeights {
  Eigen::Index inpainted = 0;  // untrusted rows replaced by the harmonic interpolation
  Eigen::Index unreached = 0;  // untrusted rows kept: no trusted vertex in reach
};

template <class T, class Weights>
InpaintedWeights inpaint_weights(const TriMesh<T>& mesh, Weights& weights, const std::vector<char>& trusted) {
  const char* where = "inpaint_weights";
  const Eigen::Index v = mesh.vertex_count();
  if (weights.rows() != v || Eigen::Index(trusted.size()) != v) {
    throw Error(where, "weights have " + std::to_string(weights.rows()) + " rows and trusted " +
                           std::to_string(trusted.size()) + " flags for " + std::to_string(v) + " vertices");
  }
  if (mesh.face_count() > 0 && (mesh.faces.minCoeff() < 0 || mesh.faces.maxCoeff() >= v)) {
    throw Error(where, "a face index is out of range");
  }

  // Pieces of untrusted vertices (joined by the faces' edges between two of them) that touch a
  // trusted vertex are solved for; the others have no boundary condition and stay as they are.
  std::vector<Eigen::Index> parent(static_cast<std::size_t>(v));
  std::iota(parent.begin(), parent.end(), Eigen::Index(0));
  const auto root = [&parent](Eigen::Index i) {
    while (parent[std::size_t(i)] != i) i = parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
    return i;
  };
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    for (int e = 0; e < 3; ++e) {
      const Eigen::Index a = mesh.faces(f, e), b = mesh.faces(f, (e + 1) % 3);
      if (!trusted[std::size_t(a)] && !trusted[std::size_t(b)]) parent[std::size_t(root(a))] = root(b);
    }
  }
  std::vector<char> reached(static_cast<std::size_t>(v), 0);
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    for (int e = 0; e < 3; ++e) {
      const Eigen::Index a = mesh.faces(f, e), b = mesh.faces(f, (e + 1) % 3);
      if (trusted[std::size_t(a)] && !trusted[std::size_t(b)]) reached[std::size_t(root(b))] = 1;
      if (trusted[std::size_t(b)] && !trusted[std::size_t(a)]) reached[std::size_t(root(a))] = 1;
    }
  }
  InpaintedWeights out;
  std::vector<Eigen::Index> unknown_index(static_cast<std::size_t>(v), -1);
  std::vector<Eigen::Index> unknowns;
  for (Eigen::Index i = 0; i < v; ++i) {
    if (trusted[std::size_t(i)]) continue;
    if (reached[std::size_t(root(i))]) {
      unknown_index[std::size_t(i)] = Eigen::Index(unknowns.size());
      unknowns.push_back(i);
    } else {
      ++out.unreached;
    }
  }
  if (unknowns.empty()) return out;

  // L_uu W_u = -L_uk W_k, the known block being every vertex not solved for.
  const Eigen::SparseMatrix<double> laplacian = cotangent_laplacian(mesh);
  const Eigen::Index u = Eigen::Index(unknowns.size()), k = weights.cols();
  std::vector<Eigen::Triplet<double>> entries;
  Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(u, k);
  for (Eigen::Index col = 0; col < laplacian.outerSize(); ++col) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(laplacian, col); it; ++it) {
      const Eigen::Index row = unknown_index[std::size_t(it.row())];
      if (row < 0) continue;
      const Eigen::Index other = unknown_index[std::size_t(it.col())];
      if (other >= 0) {
        entries.emplace_back(row, other, it.value());
      } else {
        for (Eigen::Index j = 0; j < k; ++j) rhs(row, j) -= it.value() * double(weights(it.col(), j));
      }
    }
  }
  Eigen::SparseMatrix<double> block(u, u);
  block.setFromTriplets(entries.begin(), entries.end());
  // A vertex whose faces all have zero area has an empty row: a tiny diagonal keeps the block
  // definite without moving the solution of the others (1e-12 of the mean diagonal).
  double diagonal = 0;
  for (Eigen::Index i = 0; i < u; ++i) diagonal += block.coeff(i, i);
  Eigen::SparseMatrix<double> shift(u, u);
  shift.setIdentity();
  block += shift * (1e-12 * std::max(diagonal / double(u), 1e-300));
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(block);
  if (solver.info() != Eigen::Success) throw Error(where, "the Laplacian of the untrusted vertices could not be factored");
  const Eigen::MatrixXd solved = solver.solve(rhs);
  if (solver.info() != Eigen::Success || !solved.allFinite()) throw Error(where, "the inpainting solve failed");

  for (Eigen::Index r = 0; r < u; ++r) {
    const Eigen::Index i = unknowns[std::size_t(r)];
    double sum = 0;
    for (Eigen::Index j = 0; j < k; ++j) sum += std::max(solved(r, j), 0.0);
    for (Eigen::Index j = 0; j < k; ++j) {
      weights(i, j) = static_cast<typename Weights::Scalar>(sum > 0 ? std::max(solved(r, j), 0.0) / sum : 1.0 / double(k));
    }
  }
  out.inpainted = u;
  return out;
}

}  // namespace hifa
