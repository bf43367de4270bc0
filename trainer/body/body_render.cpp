#include "body/body_render.hpp"

#include "data/image_tensor.hpp"
#include "hifa/render/rasterize.hpp"

#include <Kokkos_Core.hpp>

#include <mutex>

namespace hifa::trainer {

BodyRender render_view_mesh(const TriMeshf& mesh, int size) {
  torch::NoGradGuard no_grad;
  // The training loader's worker threads draw bodies too, and Kokkos's OpenMP space runs only from
  // the thread that initialized it: the serial space, one drawing at a time (its scans share
  // scratch memory). A body at the nets' sizes takes milliseconds.
  static std::mutex serial;
  const std::lock_guard lock(serial);
  const Kokkos::Serial space;
  RenderOptions o;
  o.width = o.height = size;
  const RenderMaps maps = Rasterizer<Kokkos::Serial>(space, mesh).render(space, Calibration{}, o);
  BodyRender r;
  r.mask = image_tensor(maps.alpha)[0];
  r.front = (image_tensor(maps.front_normal) * 2 - 1) * r.mask;
  r.back = (image_tensor(maps.back_normal) * 2 - 1) * r.mask;
  return r;
}

torch::Tensor body_normal_channels(const TriMeshf& mesh, int size) {
  return render_view_mesh(mesh, size).normals();
}

TriMeshf transformed(const TriMeshf& mesh, const Mat4<float>& m) {
  TriMeshf out;
  out.faces = mesh.faces;
  out.vertices = ((mesh.vertices * m.topLeftCorner<3, 3>().transpose()).rowwise() + m.topRightCorner<3, 1>().transpose()).eval();
  return out;
}

}  // namespace hifa::trainer
