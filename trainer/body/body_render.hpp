#pragma once
// A body mesh seen in a view: its mask and front / back normal maps, drawn by the toolkit's
// rasterizer (orthographic, the view frame of docs/dataset.md, one sample per pixel) on Kokkos's
// serial space: any thread may call it.
//
//   BodyRender r = render_view_mesh(mesh_in_view_frame, 64);       // 64 x 64 maps
//   torch::Tensor x = body_normal_channels(mesh_in_view_frame, 64); // 6 x 64 x 64: front, back
//
// The body normals the normal nets of a CAR run with normal_net.body_normals read beside the
// image (CAR section 3.2's body prior, as ICON conditions its normal nets): the training loader
// draws the subject's own fit and inference the fit it is given with this one function, so both
// see the same input.

#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <torch/torch.h>

namespace hifa::trainer {

// mask S x S in {0, 1}; front, back 3 x S x S with n = 2 v − 1 where the body is, 0 off it.
struct BodyRender {
  torch::Tensor mask, front, back;
  // The front and back maps stacked, as the normal nets read them: 6 x S x S.
  torch::Tensor normals() const { return torch::cat({front, back}); }
};
BodyRender render_view_mesh(const TriMeshf& mesh, int size);

// render_view_mesh's front and back maps stacked: 6 x S x S.
torch::Tensor body_normal_channels(const TriMeshf& mesh, int size);

// mesh's vertices carried by the 4 x 4 affine map m (its normals dropped).
TriMeshf transformed(const TriMeshf& mesh, const Mat4<float>& m);

}  // namespace hifa::trainer
