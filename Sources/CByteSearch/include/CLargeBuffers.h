#ifndef AUTHLOG_CLARGEBUFFERS_H
#define AUTHLOG_CLARGEBUFFERS_H

/// Serve every allocation of `bytes` or more with its own mapping, returned to the system on
/// free (glibc's mallopt(M_MMAP_THRESHOLD), which malloc.h declares and Swift's Glibc module
/// does not export). Fixing the threshold also stops glibc raising it after the first large
/// free. Returns 0 if the C library refused.
int authlog_map_allocations_from(int bytes);

#endif
