#pragma once
// "hifa tensor file": named float32 tensors in a plain documented binary, used for the VGG19
// weights of the normal-net perceptual loss (normal_net.vgg_weights). Chosen over torch::save
// because Python's torch.save and C++'s torch::save archives are not interchangeable, while this
// one is written from anywhere in a few lines, e.g. from torchvision's VGG19:
//
//   import struct, torch, torchvision
//   sd = torchvision.models.vgg19(weights="IMAGENET1K_V1").state_dict()
//   with open("vgg19.htf", "wb") as f:
//       f.write(b"HIFATNSR" + struct.pack("<II", 1, len(sd)))
//       for name, t in sd.items():
//           t = t.float().contiguous(); n = name.encode()
//           f.write(struct.pack("<I", len(n)) + n + struct.pack("<II", 0, t.dim()))
//           f.write(struct.pack(f"<{t.dim()}q", *t.shape) + t.numpy().astype("<f4").tobytes())
//
// Layout (little-endian):  char[8] "HIFATNSR" | uint32 version (1) | uint32 count |
//   count x { uint32 name_bytes | name (UTF-8, no terminator) | uint32 dtype (0 = float32) |
//             uint32 ndim | int64 dims[ndim] | float32 data[prod(dims)], row-major }
// Errors: hifa::Error naming the file (cannot open, bad magic/version, truncated, bad dtype,
//   duplicate name). Writing goes to "<path>.tmp" and is renamed when complete.

#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace hifa::trainer {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

void write_tensor_file(const std::filesystem::path& path, const NamedTensors& tensors);
NamedTensors read_tensor_file(const std::filesystem::path& path);

}  // namespace hifa::trainer
