#pragma once
// Little-endian 32-bit fields of the dataset's binary files (samples.hpp, canonical_samples.hpp),
// the same bytes on any host.

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

namespace hifa::prepare::le {

inline void put_u32(std::string& out, std::uint32_t v) {
  for (int b = 0; b < 4; ++b) out.push_back(char((v >> (8 * b)) & 0xFF));
}
inline void put_f32(std::string& out, float v) { put_u32(out, std::bit_cast<std::uint32_t>(v)); }

// `at` + 4 <= in.size() is the caller's to check.
inline std::uint32_t get_u32(const std::vector<char>& in, std::size_t at) {
  std::uint32_t v = 0;
  for (int b = 0; b < 4; ++b) v |= std::uint32_t(static_cast<unsigned char>(in[at + std::size_t(b)])) << (8 * b);
  return v;
}
inline float get_f32(const std::vector<char>& in, std::size_t at) { return std::bit_cast<float>(get_u32(in, at)); }

}  // namespace hifa::prepare::le
