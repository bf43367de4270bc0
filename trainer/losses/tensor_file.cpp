#include "losses/tensor_file.hpp"

#include "hifa/core/error.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <set>

namespace hifa::trainer {
namespace {
constexpr char magic[8] = {'H', 'I', 'F', 'A', 'T', 'N', 'S', 'R'};
static_assert(sizeof(float) == 4);

template <class T>
void put(std::ofstream& out, T v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof(T));  // x86/ARM hosts are little-endian
}
}  // namespace

void write_tensor_file(const std::filesystem::path& path, const NamedTensors& tensors) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path.string(), "cannot write the tensor file");
    out.write(magic, 8);
    put<std::uint32_t>(out, 1);
    put<std::uint32_t>(out, std::uint32_t(tensors.size()));
    for (const auto& [name, t] : tensors) {
      const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
      put<std::uint32_t>(out, std::uint32_t(name.size()));
      out.write(name.data(), std::streamsize(name.size()));
      put<std::uint32_t>(out, 0);
      put<std::uint32_t>(out, std::uint32_t(c.dim()));
      for (int64_t d : c.sizes()) put<std::int64_t>(out, d);
      out.write(reinterpret_cast<const char*>(c.data_ptr<float>()), std::streamsize(c.numel() * 4));
    }
    if (!out) throw Error(path.string(), "write failed (disk full?)");
  }
  std::filesystem::rename(tmp, path);
}

NamedTensors read_tensor_file(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(where, "cannot open the tensor file (does it exist?)");
  auto get = [&](auto& v, const char* what) {
    in.read(reinterpret_cast<char*>(&v), sizeof(v));
    if (!in) throw Error(where, std::string("truncated: the file ends inside ") + what);
  };
  char m[8];
  in.read(m, 8);
  if (!in || std::memcmp(m, magic, 8) != 0) throw Error(where, "not a hifa tensor file (no HIFATNSR magic)");
  std::uint32_t version = 0, count = 0;
  get(version, "the header");
  if (version != 1) throw Error(where, "unsupported tensor file version " + std::to_string(version));
  get(count, "the header");
  NamedTensors out;
  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t len = 0, dtype = 0, ndim = 0;
    get(len, ("tensor " + std::to_string(i) + "'s name length").c_str());
    if (len > 4096) throw Error(where, "tensor " + std::to_string(i) + ": name length " + std::to_string(len) + " is not plausible");
    std::string name(len, '\0');
    in.read(name.data(), len);
    if (!in) throw Error(where, "truncated: the file ends inside tensor " + std::to_string(i) + "'s name");
    const std::string in_tensor = "tensor '" + name + "'";
    get(dtype, in_tensor.c_str());
    if (dtype != 0) throw Error(where, "tensor '" + name + "': dtype " + std::to_string(dtype) + " is not 0 (float32)");
    get(ndim, in_tensor.c_str());
    if (ndim > 8) throw Error(where, "tensor '" + name + "': rank " + std::to_string(ndim) + " is not plausible");
    std::vector<int64_t> dims(ndim);
    for (auto& d : dims) {
      get(d, in_tensor.c_str());
      if (d < 0) throw Error(where, "tensor '" + name + "' has a negative dimension");
    }
    torch::Tensor t = torch::empty(dims, torch::kFloat32);
    in.read(reinterpret_cast<char*>(t.data_ptr<float>()), std::streamsize(t.numel() * 4));
    if (!in) throw Error(where, "truncated: the file ends inside tensor '" + name + "'s data");
    if (!seen.insert(name).second) throw Error(where, "tensor '" + name + "' appears twice");
    out.emplace_back(std::move(name), std::move(t));
  }
  return out;
}

}  // namespace hifa::trainer
