#include "hifa/body/smpl_model.hpp"
static_assert(hifa::PoseCorrectedBodyModel<hifa::SmplModel<float>>);
static_assert(hifa::BodyModel<hifa::SmplModel<double>>);
static_assert(!hifa::BodyModel<hifa::BodyModelData<float>>);
template hifa::PosedBody<float> hifa::pose_body_axis_angle(const Kokkos::DefaultHostExecutionSpace&, const hifa::SmplModel<float>&, std::span<const float>, std::span<const float>, const hifa::Vec3<float>&);
template void hifa::write_body_npz(const std::filesystem::path&, const hifa::BodyModelData<double>&, hifa::NpzCompression);
