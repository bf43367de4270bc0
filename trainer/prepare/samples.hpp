#pragma once
// 3D point samples with inside/outside labels, per subject and sigma level, and their file format.
//
//   SampleSet s = make_samples(space, bvh, surface, box, {count, sigma, seed, balance});
//   write_samples(path, s);        SampleFile f = read_samples(path);
//
// make_samples: PIFu's mix (Saito et al. 2019, section 3.1; PIFuHD keeps it) through
//   sampling/mixture_spec.hpp: "perturbed(sigma=S):16, box(min=..., max=...):1" -- surface points
//   jittered by N(0, S^2) per axis and uniform points in `box`, 16:1 by the largest-remainder split
//   (8000 -> 7529 + 471). Labels: the winding-number occupancy of the cleaned mesh (MeshBvh::
//   occupancies, 1 inside where w >= 0.5), robust to holes and several parts. With `balance`, PIFu's
//   "keep balanced in/out": sampling/labels.hpp's balanced_subset, so fewer than `count` remain.
//   Everything is in the subject's normalized frame (normalize.hpp), S included.
// File (little-endian, 32-byte header, then `count` records of 4 float32):
//   0  char[8]  "HIFASMPL"
//   8  uint32   version (1)
//   12 uint32   count
//   16 uint32   floats per record (4: x, y, z, label)
//   20 float32  sigma, normalized units
//   24 float32  sigma, centimetres
//   28 uint32   inside count (records with label 1)
//   32 float32[count][4]  x, y, z (subject's normalized frame), label (1.0 inside, 0.0 outside)
// numpy: np.fromfile(p, '<f4', offset=32).reshape(-1, 4).
// Errors: hifa::Error naming the file (write failures; read: short file, bad magic/version/count).

#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/sampling/surface.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hifa::prepare {

struct SampleRequest {
  std::size_t count = 8000;
  float sigma = 0.05f;       // normalized units
  float sigma_cm = 5;        // the same in cm, for the header
  std::uint64_t seed = 0;
  bool balance = false;
};

struct SampleSet {
  RowMatrix3<float> points;
  std::vector<std::uint8_t> labels;
  float sigma = 0, sigma_cm = 0;
  std::string mixture;       // the mixture spec's text
};

using HostBvh = MeshBvh<Kokkos::HostSpace>;

SampleSet make_samples(const Kokkos::DefaultHostExecutionSpace& space, const HostBvh& bvh,
                       const SurfaceSampler<float>& surface, const AABBf& box, const SampleRequest& request);

void write_samples(const std::filesystem::path& path, const SampleSet& samples);

struct SampleFile {
  std::uint32_t version = 0;
  float sigma = 0, sigma_cm = 0;
  std::uint32_t inside = 0;
  std::vector<float> records;  // count x 4
  std::size_t count() const { return records.size() / 4; }
};

SampleFile read_samples(const std::filesystem::path& path);

}  // namespace hifa::prepare
