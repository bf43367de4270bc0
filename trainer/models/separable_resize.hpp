#pragma once
// 2-D resizing as two matrix products: out = R_h . x . R_w^T, where R_h (out_h x h) and R_w
// (out_w x w) are the 1-D interpolation matrices of F::interpolate's own mode (read off by
// resizing identity images, so the weights and border clamping are LibTorch's, not a copy).
//
//   torch::Tensor up = separable_resize(low, {2 * h, 2 * w}, F::InterpolateFuncOptions()
//                                            .mode(torch::kBicubic).align_corners(true));
//
// Same values as F::interpolate(x, options.size(size)) up to float rounding, for any separable mode
// (nearest, bilinear, bicubic). Why: LibTorch 1.13's CPU bicubic backward is a serial scatter loop
// (~6% of a coarse PIFuHD training step on 2 threads); as GEMMs, forward and backward are threaded
// and run at matrix-product speed on any device.
// In: x, B x C x h x w (floating); `mode` without a size or scale factor (the size is `size`).
// Out: B x C x size[0] x size[1], differentiable in x.

#include <torch/torch.h>

#include <array>

namespace hifa::trainer {

torch::Tensor separable_resize(const torch::Tensor& x, std::array<int64_t, 2> size,
                               torch::nn::functional::InterpolateFuncOptions mode);

}  // namespace hifa::trainer
