// trainer/runtime/heap.hpp: after keep_freed_memory(), large blocks come from the heap and stay
// there when freed (glibc's mallinfo2 counts mmapped blocks and free heap bytes).
#include <catch2/catch.hpp>

#include "runtime/heap.hpp"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if defined(__GLIBC__)
TEST_CASE("keep_freed_memory serves a 64 MB block from the heap and keeps it after free") {
  constexpr std::size_t bytes = std::size_t(64) << 20;
  const auto touch = [](std::size_t n) {
    void* p = std::malloc(n);
    REQUIRE(p != nullptr);
    std::memset(p, 1, n);
    return p;
  };
  // glibc's default: a block this large is its own mapping.
  void* before = touch(bytes);
  CHECK(mallinfo2().hblks >= 1);
  std::free(before);

  hifa::trainer::keep_freed_memory();
  const std::size_t mapped = mallinfo2().hblks;
  void* p = touch(bytes);
  CHECK(mallinfo2().hblks == mapped);  // no new mapping
  std::free(p);
  CHECK(mallinfo2().fordblks >= bytes);  // the freed block is still the process's, for reuse
}
#endif
