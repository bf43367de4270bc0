#pragma once
// Pixel-aligned sampling: the trainer's side of hifa's one camera (include/hifa/render/camera.hpp).
//
//   torch::Tensor m = calibration_matrix(calib);            // 4 x 4, camera.hpp's world_to_normalized_matrix
//   torch::Tensor xyz = project_points(points, m_batch);    // B x 3 x N world -> normalized [-1,1]^3
//   torch::Tensor f = sample_features(feature_map, xyz);    // B x C x N bilinear samples
//
// camera.hpp documents that its normalized -> pixel map (px = (x_n + 1) / 2 W, py = (1 - y_n) / 2 H,
// pixel centres at half-integers) is grid_sample's align_corners=false addressing with the grid
// (x_n, -y_n). pixel_grid() is that statement in code and the only place the trainer builds a
// sampling grid; tests/trainer checks it against camera.hpp's normalized_to_pixel.

#include <torch/torch.h>

namespace hifa {
struct Calibration;
}

namespace hifa::trainer {

// camera.hpp's world_to_normalized_matrix as a 4 x 4 float tensor (CPU).
torch::Tensor calibration_matrix(const hifa::Calibration& calibration);

// points: B x 3 x N (scan units), calibs: B x 4 x 4 (or 4 x 4, shared) -> B x 3 x N normalized.
torch::Tensor project_points(const torch::Tensor& points, const torch::Tensor& calibs);

// normalized points B x 3 x N -> grid_sample grid B x 1 x N x 2 holding (x_n, -y_n).
torch::Tensor pixel_grid(const torch::Tensor& normalized);

// Bilinear samples of features (B x C x H x W) at normalized points (B x 3 x N): B x C x N. Zero
// outside the image (grid_sample's zeros padding), align_corners=false (camera.hpp).
torch::Tensor sample_features(const torch::Tensor& features, const torch::Tensor& normalized);

// 1 for points inside the cube [-1, 1]^3, else 0: B x 1 x N (the public PIFuHD code forces the
// prediction of points outside to 0).
torch::Tensor inside_cube(const torch::Tensor& normalized);

}  // namespace hifa::trainer
