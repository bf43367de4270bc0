#pragma once
// Small value types shared by the whole toolkit: fixed-size vectors and axis-aligned boxes over Eigen.

#include <Eigen/Core>
#include <Eigen/Geometry>

namespace hifa {

template <class T> using Vec2 = Eigen::Matrix<T, 2, 1>;
template <class T> using Vec3 = Eigen::Matrix<T, 3, 1>;
template <class T> using Vec4 = Eigen::Matrix<T, 4, 1>;
template <class T> using Mat3 = Eigen::Matrix<T, 3, 3>;
template <class T> using Mat4 = Eigen::Matrix<T, 4, 4>;

using Vec2f = Vec2<float>;
using Vec3f = Vec3<float>;
using Vec3d = Vec3<double>;
using Vec3i = Eigen::Matrix<int, 3, 1>;

// Axis-aligned box: min() and max() corners, inclusive. Empty when default-constructed.
template <class T> using AABB = Eigen::AlignedBox<T, 3>;
using AABBf = AABB<float>;
using AABBd = AABB<double>;

}  // namespace hifa
