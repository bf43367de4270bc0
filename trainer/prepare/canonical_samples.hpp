#pragma once
// Samples for a canonical SDF model (CAR, Liao et al. CVPR 2023, section 3.2): points in the rest
// pose with their signed distance to the canonical scan, and where each lands in the posed scan, so
// training can project it into every view. Their file format.
//
//   CanonicalSamples s = make_canonical_samples(canonical.mesh, body, request);
//   write_canonical_samples(path, s);      CanonicalSamples f = read_canonical_samples(path);
//
// Groups, in this order in the arrays and the file:
//   surface      `count` points on the canonical scan (area-uniform), with its unit normal there
//                (area-weighted vertex normals, interpolated): IGR's / CAR's on-surface terms;
//   near coarse  `count` surface points jittered by N(0, sigma_coarse²) per axis, and
//   near fine    `count` by N(0, sigma_fine²): PIFuHD's two levels (Saito et al. 2020, 5 and 3 cm);
//   uniform      count / 8 points uniform in the canonical box (the scan's box grown by `padding`),
//                so the field is told what lies far from the surface.
// Signed distance: toolkit MeshSdf of the canonical scan with the winding-number sign (negative
//   inside): an open scan, or one whose inverse-skinned parts cross where body parts touch, still
//   gets a sign by the generalized winding number. Normals are zero off the surface group.
// Posed position: forward LBS of the canonical point with the weights of its nearest point on the
//   rest body (SurfaceWeights on T(β)) -- the rule CAR applies at inference, where no scan exists --
//   then `posed_to_frame` (body metres -> the frame it is stored in: the subject's normalized frame
//   in a dataset). Where the scan's own weights differ from the body's (loose clothing, touching
//   parts) a surface point's posed position is off the posed scan by that difference.
// Everything in body metres except the posed positions. Deterministic: each group draws from its
//   own stream of `seed`; the same request gives the same bytes for any thread count.
// File (little-endian; 64-byte header, then the records):
//   0  char[8]     "HIFACSDF"
//   8  uint32      version (1)
//   12 uint32      floats per record (10)
//   16 uint32[4]   counts: surface, near coarse, near fine, uniform
//   32 float32     sigma_coarse, body metres      36 float32  sigma_fine, body metres
//   40 float32[3]  canonical box min              52 float32[3]  box max
//   64 float32[n][10]  canonical x y z, sdf, normal x y z, posed x y z
// numpy: np.fromfile(p, '<f4', offset=64).reshape(-1, 10).
// Errors: hifa::Error naming "canonical_samples" (an empty mesh, count 0) or the file (write
//   failures; read: short file, bad magic, version or sizes).

#include "prepare/fitted_body.hpp"

#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace hifa::prepare {

struct CanonicalSampleRequest {
  std::size_t count = 8000;
  float sigma_coarse = 0.05f, sigma_fine = 0.03f;  // body metres
  float padding = 0.1f;                            // body metres around the canonical scan's box
  Mat4<float> posed_to_frame = Mat4<float>::Identity();
  std::uint64_t seed = 0;
};

enum CanonicalGroup { surface_group, near_coarse_group, near_fine_group, uniform_group, canonical_group_count };

struct CanonicalSamples {
  std::array<std::uint32_t, canonical_group_count> counts{};
  RowMatrix3<float> canonical, normals, posed;
  std::vector<float> sdf;
  float sigma_coarse = 0, sigma_fine = 0;
  AABBf box;
  std::size_t size() const { return sdf.size(); }
  std::size_t first(CanonicalGroup g) const;  // index of the group's first record
};

CanonicalSamples make_canonical_samples(const TriMeshf& canonical, const FittedBody& body,
                                        const CanonicalSampleRequest& request);

void write_canonical_samples(const std::filesystem::path& path, const CanonicalSamples& samples);
CanonicalSamples read_canonical_samples(const std::filesystem::path& path);

}  // namespace hifa::prepare
