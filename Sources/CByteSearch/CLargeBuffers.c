#include "CLargeBuffers.h"

#include <malloc.h>

int authlog_map_allocations_from(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
