#include "prepare/canonical_samples.hpp"

#include "prepare/little_endian.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/sampling/box.hpp"
#include "hifa/sampling/concepts.hpp"  // detail::host_rows, detail::mix_seed
#include "hifa/sampling/perturbed.hpp"
#include "hifa/sampling/surface.hpp"
#include "hifa/skinning/lbs.hpp"
#include "hifa/skinning/weights.hpp"
#include "hifa/spatial/mesh_fields.hpp"

#include <Kokkos_Core.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

namespace hifa::prepare {
namespace {

using Host = Kokkos::HostSpace;

constexpr char magic[8] = {'H', 'I', 'F', 'A', 'C', 'S', 'D', 'F'};
constexpr std::uint32_t version = 1;
constexpr std::uint32_t record_floats = 10;
constexpr std::size_t header_bytes = 64;

// The posed position of each canonical point: forward LBS with the rest body's nearest-point
// weights, in body metres.
RowMatrix3<float> posed_positions(const Kokkos::DefaultHostExecutionSpace& space, RowMatrix3<float>& canonical,
                                  const FittedBody& body) {
  const std::size_t n = std::size_t(canonical.rows());
  const auto points = detail::host_rows(canonical);
  Kokkos::View<float**, Kokkos::LayoutRight, Host> weights("hifa::canonical_samples::weights", n,
                                                          std::size_t(body.weights.cols()));
  SurfaceWeights<Host>(space, body.rest, body.weights).query(space, points, weights);
  RowMatrix3<float> posed(canonical.rows(), 3);
  LbsWarper<Host>{upload_transforms<Host>(space, body.skinning), weights}.forward_points(space, points,
                                                                                        detail::host_rows(posed));
  space.fence();
  return posed;
}

}  // namespace

std::size_t CanonicalSamples::first(CanonicalGroup g) const {
  std::size_t at = 0;
  for (int k = 0; k < int(g); ++k) at += counts[std::size_t(k)];
  return at;
}

CanonicalSamples make_canonical_samples(const TriMeshf& canonical, const FittedBody& body,
                                        const CanonicalSampleRequest& request) {
  if (canonical.face_count() == 0) throw Error("canonical_samples", "the canonical scan has no faces");
  if (request.count == 0) throw Error("canonical_samples", "count must be >= 1");
  const Kokkos::DefaultHostExecutionSpace space;
  TriMeshf shaded = canonical;
  shaded.normals = vertex_normals(canonical);
  const SurfaceSampler<float> surface(shaded);
  CanonicalSamples out;
  out.sigma_coarse = request.sigma_coarse;
  out.sigma_fine = request.sigma_fine;
  out.box = bounding_box(canonical);
  out.box.min().array() -= request.padding;
  out.box.max().array() += request.padding;

  const PointSamples<float> on = surface.sample(space, request.count, detail::mix_seed(request.seed, surface_group));
  const PointSamples<float> coarse = PerturbedSurfaceSampler<float>(surface, request.sigma_coarse)
                                         .sample(space, request.count, detail::mix_seed(request.seed, near_coarse_group));
  const PointSamples<float> fine = PerturbedSurfaceSampler<float>(surface, request.sigma_fine)
                                       .sample(space, request.count, detail::mix_seed(request.seed, near_fine_group));
  const std::size_t uniform_count = std::max<std::size_t>(1, request.count / 8);
  const PointSamples<float> uniform =
      BoxSampler<float>(out.box).sample(space, uniform_count, detail::mix_seed(request.seed, uniform_group));
  const PointSamples<float>* groups[] = {&on, &coarse, &fine, &uniform};

  std::size_t n = 0;
  for (int g = 0; g < canonical_group_count; ++g) {
    out.counts[std::size_t(g)] = std::uint32_t(groups[g]->size());
    n += std::size_t(groups[g]->size());
  }
  out.canonical.resize(Eigen::Index(n), 3);
  out.normals = RowMatrix3<float>::Zero(Eigen::Index(n), 3);
  Eigen::Index row = 0;
  for (int g = 0; g < canonical_group_count; ++g) {
    const Eigen::Index m = groups[g]->size();
    out.canonical.middleRows(row, m) = groups[g]->points;
    if (g == surface_group) out.normals.middleRows(row, m) = groups[g]->normals;
    row += m;
  }

  out.sdf.resize(n);
  MeshSdf<Host>(canonical, SignMethod::winding_number)
      .evaluate(detail::host_rows(out.canonical),
                Kokkos::View<float*, Host, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(out.sdf.data(), n));

  const RowMatrix3<float> posed = posed_positions(space, out.canonical, body);
  out.posed.resize(Eigen::Index(n), 3);
  for (Eigen::Index i = 0; i < Eigen::Index(n); ++i) {
    out.posed.row(i) = (request.posed_to_frame * posed.row(i).transpose().homogeneous()).head<3>().transpose();
  }
  return out;
}

void write_canonical_samples(const std::filesystem::path& path, const CanonicalSamples& s) {
  const std::size_t n = s.size();
  std::string bytes(magic, magic + 8);
  bytes.reserve(header_bytes + n * record_floats * 4);
  le::put_u32(bytes, version);
  le::put_u32(bytes, record_floats);
  for (const std::uint32_t c : s.counts) le::put_u32(bytes, c);
  le::put_f32(bytes, s.sigma_coarse);
  le::put_f32(bytes, s.sigma_fine);
  for (int c = 0; c < 3; ++c) le::put_f32(bytes, s.box.min()[c]);
  for (int c = 0; c < 3; ++c) le::put_f32(bytes, s.box.max()[c]);
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = Eigen::Index(i);
    for (int c = 0; c < 3; ++c) le::put_f32(bytes, s.canonical(r, c));
    le::put_f32(bytes, s.sdf[i]);
    for (int c = 0; c < 3; ++c) le::put_f32(bytes, s.normals(r, c));
    for (int c = 0; c < 3; ++c) le::put_f32(bytes, s.posed(r, c));
  }
  write_file_atomically(path, [&](std::ostream& os) { os.write(bytes.data(), std::streamsize(bytes.size())); });
}

CanonicalSamples read_canonical_samples(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream is(path, std::ios::binary);
  if (!is) throw Error(file, "cannot open for reading");
  const std::vector<char> in((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  if (in.size() < header_bytes || std::memcmp(in.data(), magic, 8) != 0) {
    throw Error(file, "not a hifa canonical sample file (no HIFACSDF header)");
  }
  if (const std::uint32_t v = le::get_u32(in, 8); v != version) {
    throw Error(file, "canonical sample file version " + std::to_string(v) + ", expected 1");
  }
  CanonicalSamples s;
  std::size_t n = 0;
  for (std::size_t g = 0; g < s.counts.size(); ++g) n += s.counts[g] = le::get_u32(in, 16 + 4 * g);
  if (le::get_u32(in, 12) != record_floats || in.size() != header_bytes + n * record_floats * 4) {
    throw Error(file, "the header says " + std::to_string(n) + " records of " + std::to_string(le::get_u32(in, 12)) +
                          " floats but the file has " + std::to_string(in.size()) + " bytes");
  }
  s.sigma_coarse = le::get_f32(in, 32);
  s.sigma_fine = le::get_f32(in, 36);
  for (int c = 0; c < 3; ++c) {
    s.box.min()[c] = le::get_f32(in, 40 + 4 * std::size_t(c));
    s.box.max()[c] = le::get_f32(in, 52 + 4 * std::size_t(c));
  }
  s.canonical.resize(Eigen::Index(n), 3);
  s.normals.resize(Eigen::Index(n), 3);
  s.posed.resize(Eigen::Index(n), 3);
  s.sdf.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = header_bytes + i * record_floats * 4;
    const auto r = Eigen::Index(i);
    for (int c = 0; c < 3; ++c) s.canonical(r, c) = le::get_f32(in, at + 4 * std::size_t(c));
    s.sdf[i] = le::get_f32(in, at + 12);
    for (int c = 0; c < 3; ++c) s.normals(r, c) = le::get_f32(in, at + 16 + 4 * std::size_t(c));
    for (int c = 0; c < 3; ++c) s.posed(r, c) = le::get_f32(in, at + 28 + 4 * std::size_t(c));
  }
  return s;
}

}  // namespace hifa::prepare
