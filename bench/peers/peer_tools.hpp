#pragma once
// Helpers shared by the C++ halves of the side-by-side peers (bench/peers/*_peer.cpp).

#include "hifa/core/atomic_file.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <filesystem>
#include <limits>

namespace hifa::bench {

static_assert(std::endian::native == std::endian::little, "the peers write raw arrays in native byte order");

// Writes a contiguous float View as raw little-endian float32 (numpy: np.fromfile(path, "<f4")).
template <class View>
void write_raw(const std::filesystem::path& path, const View& view) {
  write_file_atomically(path, [&](std::ostream& os) {
    os.write(reinterpret_cast<const char*>(view.data()), std::streamsize(view.size() * sizeof(float)));
  });
}

// The best wall time of `runs` calls of f, in seconds.
template <class F>
double best_seconds(int runs, F&& f) {
  double best = std::numeric_limits<double>::infinity();
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace hifa::bench
