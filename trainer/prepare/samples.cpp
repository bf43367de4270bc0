#include "prepare/samples.hpp"

#include "prepare/little_endian.hpp"

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/sampling/labels.hpp"
#include "hifa/sampling/mixture_spec.hpp"
#include "hifa/spatial/mesh_fields.hpp"

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>

namespace hifa::prepare {
namespace {

using le::get_f32;
using le::get_u32;
using le::put_f32;
using le::put_u32;

constexpr char magic[8] = {'H', 'I', 'F', 'A', 'S', 'M', 'P', 'L'};
constexpr std::uint32_t version = 1;
constexpr std::size_t header_bytes = 32;

}  // namespace

SampleSet make_samples(const Kokkos::DefaultHostExecutionSpace& space, const HostBvh& bvh,
                       const SurfaceSampler<float>& surface, const AABBf& box, const SampleRequest& request) {
  // PIFu's 16:1 mix, as data: the text is kept with the samples so the trainer knows the mix.
  MixtureSpec spec;
  SamplerSpec near;
  near.kind = SamplerKind::perturbed;
  near.weight = 16;
  near.sigma = double(request.sigma);
  SamplerSpec uniform;
  uniform.kind = SamplerKind::box;
  uniform.weight = 1;
  uniform.box = std::array<std::array<double, 3>, 2>{
      {{double(box.min().x()), double(box.min().y()), double(box.min().z())},
       {double(box.max().x()), double(box.max().y()), double(box.max().z())}}};
  spec.components = {near, uniform};
  const Mixture<float> mixture = build_mixture(spec, surface);
  PointSamples<float> drawn = mixture.sample(space, request.count, request.seed);

  const MeshOccupancy<Kokkos::HostSpace> occupancy(bvh);
  std::vector<std::uint8_t> labels =
      label_occupancy(space, occupancy, drawn.points, MarchingCubesOptions<float>::occupancy());
  SampleSet out;
  out.sigma = request.sigma;
  out.sigma_cm = request.sigma_cm;
  out.mixture = to_string(spec);
  if (request.balance) {
    // An independent stream of the subject's seed, so balancing does not correlate with sampling.
    const auto keep = balanced_subset(labels, detail::mix_seed(request.seed, 0xba1a));
    const PointSamples<float> kept = drawn.subset(keep);
    out.points = kept.points;
    out.labels.reserve(keep.size());
    for (const Eigen::Index i : keep) out.labels.push_back(labels[std::size_t(i)]);
  } else {
    out.points = std::move(drawn.points);
    out.labels = std::move(labels);
  }
  return out;
}

void write_samples(const std::filesystem::path& path, const SampleSet& samples) {
  const std::size_t n = samples.labels.size();
  std::uint32_t inside = 0;
  for (const auto l : samples.labels) inside += l ? 1u : 0u;
  std::string bytes(magic, magic + 8);
  bytes.reserve(header_bytes + n * 16);
  put_u32(bytes, version);
  put_u32(bytes, std::uint32_t(n));
  put_u32(bytes, 4);
  put_f32(bytes, samples.sigma);
  put_f32(bytes, samples.sigma_cm);
  put_u32(bytes, inside);
  for (std::size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) put_f32(bytes, samples.points(Eigen::Index(i), c));
    put_f32(bytes, samples.labels[i] ? 1.0f : 0.0f);
  }
  write_file_atomically(path, [&](std::ostream& os) { os.write(bytes.data(), std::streamsize(bytes.size())); });
}

SampleFile read_samples(const std::filesystem::path& path) {
  std::ifstream is(path, std::ios::binary);
  if (!is) throw Error(path.string(), "cannot open for reading");
  const std::vector<char> in((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  if (in.size() < header_bytes || std::memcmp(in.data(), magic, 8) != 0) {
    throw Error(path.string(), "not a hifa sample file (no HIFASMPL header)");
  }
  SampleFile f;
  f.version = get_u32(in, 8);
  if (f.version != version) throw Error(path.string(), "sample file version " + std::to_string(f.version) + ", expected 1");
  const std::uint32_t count = get_u32(in, 12), width = get_u32(in, 16);
  if (width != 4 || in.size() != header_bytes + std::size_t(count) * 16) {
    throw Error(path.string(), "the header says " + std::to_string(count) + " records of " + std::to_string(width) +
                                   " floats but the file has " + std::to_string(in.size()) + " bytes");
  }
  f.sigma = get_f32(in, 20);
  f.sigma_cm = get_f32(in, 24);
  f.inside = get_u32(in, 28);
  f.records.resize(std::size_t(count) * 4);
  for (std::size_t i = 0; i < f.records.size(); ++i) f.records[i] = get_f32(in, header_bytes + 4 * i);
  return f;
}

}  // namespace hifa::prepare
