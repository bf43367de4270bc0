#pragma once
// SMPL-format body models (Loper et al., "SMPL: A Skinned Multi-Person Linear Model", SIGGRAPH Asia
// 2015) from .npz files, and writing any BodyModelData in the same layout. Part of the optional
// hifa::body component (libzip, see hifa/io/npz.hpp).
//
//   auto smpl = hifa::SmplModel<float>::load("SMPL_NEUTRAL.npz");   // a user's own licensed file
//   auto posed = hifa::pose_body_axis_angle(space, smpl, betas, theta, translation);
//   hifa::write_body_npz("open_body.npz", data);                   // loads back with SmplModel::load
//
// The .npz layout (SMPL's model file; any float32/float64 dtype, C or Fortran order; integer
// arrays of any integer dtype):
//   v_template    (#V, 3)           rest vertices of the mean shape
//   shapedirs     (#V, 3, B)        shape blend shapes (B may be 0)
//   posedirs      (#V, 3, 9(K-1))   pose blend shapes; optional (a model without pose correctives)
//   J_regressor   (K, #V)           dense. SMPL's .pkl files store it as a pickled scipy.sparse
//                                   matrix, and .pkl (pickle) files are not read at all (see below)
//   weights       (#V, K)           skinning weights
//   kintree_table (2, K)            row 0 the parents (the root's is -1 or, as SMPL stores it in
//                                   uint32, 4294967295); row 1 (joint ids) is not used
//   f             (#F, 3)           triangles
//   joint_names   (K,) bytes        optional (written by write_body_npz); without it the joints are
//                                   SMPL's names when K = 24 and "joint<k>" otherwise
// Other arrays (SMPL's J, bs_style, ...) are ignored.
//
// SMPL is distributed as Python pickles (.pkl), which hifa does not read (unpickling runs arbitrary
// code, and the official files need chumpy and scipy). Convert a licensed file once in Python:
//   import pickle, numpy as np
//   m = pickle.load(open("SMPL_NEUTRAL.pkl", "rb"), encoding="latin1")   # needs chumpy installed
//   np.savez("SMPL_NEUTRAL.npz", J_regressor=m["J_regressor"].toarray(),
//            **{k: np.array(m[k]) for k in ("v_template", "shapedirs", "posedirs", "weights",
//                                           "kintree_table", "f")})
//
// SmplModel<T> models PoseCorrectedBodyModel (hifa/body/body_model.hpp):
//   rest_vertices(β) = v_template + shapedirs · β                               (SMPL Eq. 8)
//   rest_joints(T)   = J_regressor · T                                          (Eq. 10)
//   pose_offsets(R)  = posedirs · vec(R_1 - I, ..., R_{K-1} - I), row-major 3 x 3 blocks (Eq. 9,
//                      the root excluded, as SMPL's posemap), zero without posedirs
// Errors: hifa::Error "<file>" for a .pkl file (pointing to the conversion above), "<file>:<array>"
//   for a missing array (the archive's names listed), a wrong shape (found and expected), a
//   non-numeric dtype (pickled objects named), and "<file>: <array>"
//   from BodyModelData::validate (non-finite values, bad parents or faces, negative weights);
//   "<file>" for a file that is missing or not a zip archive.

#include "hifa/body/body_model.hpp"
#include "hifa/core/error.hpp"
#include "hifa/io/npy.hpp"
#include "hifa/io/npz.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hifa {

namespace detail {

// The array `name` of `npz` with rank expected.size(); an extent of -1 in `expected` matches any.
inline NpyArray body_npz_array(const NpzArchive& npz, std::string_view name, std::vector<long long> expected) {
  NpyArray a = npz.read(name);
  bool ok = a.shape.size() == expected.size();
  for (std::size_t d = 0; ok && d < expected.size(); ++d) ok = expected[d] < 0 || a.shape[d] == std::size_t(expected[d]);
  if (!ok) {
    std::string want = "(";
    for (std::size_t d = 0; d < expected.size(); ++d)
      want += (d ? ", " : "") + (expected[d] < 0 ? std::string("any") : std::to_string(expected[d]));
    throw Error(npz.path() + ":" + std::string(name), "shape " + a.shape_string() + ", expected " + want + ")");
  }
  return a;
}

template <class T>
RowMatrixX<T> body_npz_matrix(const NpzArchive& npz, const NpyArray& a, std::string_view name, Eigen::Index rows,
                              Eigen::Index cols) {
  const std::vector<T> v = a.values<T>(npz.path() + ":" + std::string(name));
  return Eigen::Map<const RowMatrixX<T>>(v.data(), rows, cols);
}

}  // namespace detail

// The arrays of the SMPL-layout .npz at `path`, converted to T and validated.
template <class T = float>
BodyModelData<T> read_body_npz(const std::filesystem::path& path) {
  if (path.extension() == ".pkl") {
    throw Error(path.string(), "SMPL .pkl (Python pickle) files are not read; convert it once to .npz with "
                               "numpy (J_regressor dense: .toarray()), as hifa/body/smpl_model.hpp shows");
  }
  const NpzArchive npz(path);
  BodyModelData<T> m;
  const NpyArray v_template = detail::body_npz_array(npz, "v_template", {-1, 3});
  const auto v = Eigen::Index(v_template.shape[0]);
  m.v_template = detail::body_npz_matrix<T>(npz, v_template, "v_template", v, 3);
  const NpyArray kintree = detail::body_npz_array(npz, "kintree_table", {2, -1});
  const auto k = Eigen::Index(kintree.shape[1]);
  const std::vector<std::int64_t> tree = kintree.values<std::int64_t>(npz.path() + ":kintree_table");
  m.parents.resize(std::size_t(k));
  for (Eigen::Index j = 0; j < k; ++j) {
    const std::int64_t p = tree[std::size_t(j)];
    if (p != 4294967295LL && (p < -1 || p >= k)) {
      throw Error(npz.path() + ":kintree_table", "joint " + std::to_string(j) + " has parent " + std::to_string(p) +
                                                     " of " + std::to_string(k) + " joints");
    }
    m.parents[std::size_t(j)] = p == 4294967295LL ? -1 : int(p);
  }
  const NpyArray shapedirs = detail::body_npz_array(npz, "shapedirs", {v, 3, -1});
  m.shapedirs = detail::body_npz_matrix<T>(npz, shapedirs, "shapedirs", 3 * v, Eigen::Index(shapedirs.shape[2]));
  if (npz.contains("posedirs")) {
    const NpyArray posedirs = detail::body_npz_array(npz, "posedirs", {v, 3, 9 * (k - 1)});
    m.posedirs = detail::body_npz_matrix<T>(npz, posedirs, "posedirs", 3 * v, 9 * (k - 1));
  } else {
    m.posedirs.resize(3 * v, 0);
  }
  const NpyArray regressor = detail::body_npz_array(npz, "J_regressor", {k, v});
  m.J_regressor = detail::body_npz_matrix<T>(npz, regressor, "J_regressor", k, v);
  const NpyArray weights = detail::body_npz_array(npz, "weights", {v, k});
  m.weights = detail::body_npz_matrix<T>(npz, weights, "weights", v, k);
  const NpyArray f = detail::body_npz_array(npz, "f", {-1, 3});
  const std::vector<int> faces = f.values<int>(npz.path() + ":f");
  m.faces = Eigen::Map<const FaceMatrix>(faces.data(), Eigen::Index(f.shape[0]), 3);
  if (npz.contains("joint_names")) {
    m.joint_names = detail::body_npz_array(npz, "joint_names", {k}).strings(npz.path() + ":joint_names");
  } else {
    for (Eigen::Index j = 0; j < k; ++j) {
      m.joint_names.push_back(k == smpl_joint_count ? std::string(smpl_joint_names[std::size_t(j)])
                                                    : "joint" + std::to_string(j));
    }
  }
  m.validate(npz.path());
  return m;
}

// Writes `data` (validated first) in the layout read_body_npz reads, arrays in T's float dtype,
// kintree_table and f as int32, posedirs only when the model has pose correctives; atomically.
template <class T>
void write_body_npz(const std::filesystem::path& path, const BodyModelData<T>& data,
                    NpzCompression compression = NpzCompression::deflated) {
  data.validate(path.string());
  const auto v = std::size_t(data.v_template.rows());
  const auto k = data.parents.size();
  auto values = [](const auto& m) {
    return std::span<const T>(m.data(), std::size_t(m.size()));
  };
  std::vector<NpzEntry> arrays;
  arrays.push_back({"v_template", make_npy(values(data.v_template), {v, 3})});
  arrays.push_back({"shapedirs", make_npy(values(data.shapedirs), {v, 3, std::size_t(data.shapedirs.cols())})});
  if (data.posedirs.cols() > 0) {
    arrays.push_back({"posedirs", make_npy(values(data.posedirs), {v, 3, std::size_t(data.posedirs.cols())})});
  }
  arrays.push_back({"J_regressor", make_npy(values(data.J_regressor), {k, v})});
  arrays.push_back({"weights", make_npy(values(data.weights), {v, k})});
  std::vector<std::int32_t> tree(2 * k);
  for (std::size_t j = 0; j < k; ++j) {
    tree[j] = data.parents[j];
    tree[k + j] = std::int32_t(j);
  }
  arrays.push_back({"kintree_table", make_npy(tree, {2, k})});
  arrays.push_back({"f", make_npy(std::span<const int>(data.faces.data(), std::size_t(data.faces.size())),
                                  {std::size_t(data.faces.rows()), 3})});
  arrays.push_back({"joint_names", make_npy_strings(data.joint_names, {k})});
  write_npz(path, arrays, compression);
}

template <class T = float>
class SmplModel {
 public:
  using scalar = T;

  // A model over `data`, validated (Error "<where>: <array> ..." otherwise).
  explicit SmplModel(BodyModelData<T> data, std::string_view where = "SmplModel") : data_(std::move(data)) {
    data_.validate(where);
  }

  static SmplModel load(const std::filesystem::path& path) { return SmplModel(read_body_npz<T>(path), path.string()); }

  const BodyModelData<T>& data() const { return data_; }

  int vertex_count() const { return data_.vertex_count(); }
  int joint_count() const { return data_.joint_count(); }
  int shape_count() const { return data_.shape_count(); }
  const FaceMatrix& faces() const { return data_.faces; }
  std::span<const int> parents() const { return data_.parents; }
  std::span<const std::string> joint_names() const { return data_.joint_names; }
  const RowMatrixX<T>& skinning_weights() const { return data_.weights; }

  // T(β) = v_template + B_S(β) (SMPL Eq. 8) with the first betas.size() shape directions.
  RowMatrix3<T> rest_vertices(std::span<const T> betas) const {
    if (int(betas.size()) > shape_count()) {
      throw Error("SmplModel::rest_vertices", std::to_string(betas.size()) + " betas for " +
                                                  std::to_string(shape_count()) + " shape parameters");
    }
    RowMatrix3<T> rest = data_.v_template;
    if (!betas.empty()) {
      const Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>> b(betas.data(), Eigen::Index(betas.size()));
      const Eigen::Matrix<T, Eigen::Dynamic, 1> offsets = data_.shapedirs.leftCols(b.size()) * b;
      rest += Eigen::Map<const RowMatrix3<T>>(offsets.data(), rest.rows(), 3);
    }
    return rest;
  }

  // J(β) = J_regressor · rest (SMPL Eq. 10). A coefficient-wise product: Eigen's blocked product
  // runs on OpenMP's threads when it is compiled with OpenMP, and its blocking, so its roundings,
  // change with their number (the same body's joints differed by 6e-8 between 1 and 2 threads).
  RowMatrix3<T> rest_joints(const RowMatrix3<T>& rest) const {
    if (rest.rows() != data_.J_regressor.cols()) {
      throw Error("SmplModel::rest_joints", std::to_string(rest.rows()) + " rest vertices, expected " +
                                                std::to_string(data_.J_regressor.cols()));
    }
    return data_.J_regressor.lazyProduct(rest);
  }

  // B_P(θ) = Σ_{k>=1} Σ_{r,s} (R_k - I)(r, s) · posedirs(:, 9(k-1) + 3r + s) (SMPL Eq. 9).
  RowMatrix3<T> pose_offsets(std::span<const Mat3<T>> rotations) const {
    const int k = joint_count();
    if (int(rotations.size()) != k) {
      throw Error("SmplModel::pose_offsets", std::to_string(rotations.size()) + " rotations for " +
                                                 std::to_string(k) + " joints");
    }
    RowMatrix3<T> offsets = RowMatrix3<T>::Zero(vertex_count(), 3);
    if (data_.posedirs.cols() == 0) return offsets;
    Eigen::Matrix<T, Eigen::Dynamic, 1> feature(9 * (k - 1));
    for (int j = 1; j < k; ++j)
      for (int r = 0; r < 3; ++r)
        for (int s = 0; s < 3; ++s)
          feature(9 * (j - 1) + 3 * r + s) = rotations[std::size_t(j)](r, s) - (r == s ? T(1) : T(0));
    const Eigen::Matrix<T, Eigen::Dynamic, 1> d = data_.posedirs * feature;
    offsets = Eigen::Map<const RowMatrix3<T>>(d.data(), offsets.rows(), 3);
    return offsets;
  }

 private:
  BodyModelData<T> data_;
};

}  // namespace hifa
