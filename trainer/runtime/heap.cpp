#include "runtime/heap.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace hifa::trainer {

void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);               // no block gets its own mapping ...
  mallopt(M_TRIM_THRESHOLD, -1);        // ... and the heap top is never given back (-1: SIZE_MAX)
#endif
}

}  // namespace hifa::trainer
