// Uses the installed hifa::body component: writes a one-triangle, two-joint body with
// write_body_npz, loads it with SmplModel and poses it (joint 1 turned 90 degrees about z). Exits
// non-zero when the vertex bound to joint 1 does not land where the rotation puts it.
#include <hifa/body/smpl_model.hpp>
#include <hifa/core/runtime.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

int main() {
  hifa::KokkosRuntime runtime;
  hifa::BodyModelData<float> data;
  data.v_template.resize(3, 3);
  data.v_template << 0, 0, 0, 1, 0, 0, 2, 0, 0;
  data.shapedirs = hifa::RowMatrixX<float>::Zero(9, 1);
  data.posedirs.resize(9, 0);
  data.J_regressor.resize(2, 3);
  data.J_regressor << 1, 0, 0, 0, 1, 0;  // joint 0 at vertex 0, joint 1 at vertex 1
  data.weights.resize(3, 2);
  data.weights << 1, 0, 0, 1, 0, 1;
  data.parents = {-1, 0};
  data.faces.resize(1, 3);
  data.faces << 0, 1, 2;
  data.joint_names = {"root", "elbow"};
  const auto file = std::filesystem::temp_directory_path() / "hifa_consumer_body.npz";
  hifa::write_body_npz(file, data);
  const auto model = hifa::SmplModel<float>::load(file);
  const std::vector<float> theta = {0, 0, 0, 0, 0, float(M_PI / 2)};
  const auto posed = hifa::pose_body_axis_angle(Kokkos::DefaultHostExecutionSpace(), model, {}, std::span<const float>(theta));
  // Vertex 2 sits 1 unit beyond joint 1 along x; turned about z it goes to (1, 1, 0).
  const auto v = posed.mesh.vertices.row(2);
  const bool ok = std::abs(v(0) - 1) < 1e-5f && std::abs(v(1) - 1) < 1e-5f && std::abs(v(2)) < 1e-5f;
  std::printf("consumer_body: vertex 2 at (%g, %g, %g) -> %s\n", v(0), v(1), v(2), ok ? "ok" : "WRONG");
  std::filesystem::remove(file);
  return ok ? 0 : 1;
}
