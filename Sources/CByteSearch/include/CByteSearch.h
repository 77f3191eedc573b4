#ifndef AUTHLOG_CBYTESEARCH_H
#define AUTHLOG_CBYTESEARCH_H

#include <stddef.h>

// memmem(3) and memrchr(3) are GNU extensions that Swift's Glibc module does not export
// (they need _GNU_SOURCE). glibc's versions are vectorised; these wrappers make them callable.
const void *authlog_memmem(const void *haystack, size_t haystack_length,
                           const void *needle, size_t needle_length);
const void *authlog_memrchr(const void *bytes, int byte, size_t length);

#endif
