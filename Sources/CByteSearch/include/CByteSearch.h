#ifndef AUTHLOG_CBYTESEARCH_H
#define AUTHLOG_CBYTESEARCH_H

#include <stddef.h>
#include "CIsolatedSpawn.h"
#include "CServedPaths.h"
#include "CLargeBuffers.h"

// memrchr(3) is a GNU extension that Swift's Glibc module does not export (it needs
// _GNU_SOURCE). glibc's version is vectorised; this wrapper makes it callable.
const void *authlog_memrchr(const void *bytes, int byte, size_t length);



#include <stdint.h>

// Counts the '\n' bytes in bytes[0, length) and finds the lines longer than max_line bytes
// (newline excluded). `run_before` is how many bytes of the current line precede `bytes`.
// Up to `capacity` overlong lines are stored as [start, end) offsets relative to `bytes`
// (start may be negative when the line began before `bytes`; end == length when it has not
// ended); the return value's `overlong` says how many there were in all.
typedef struct {
    size_t newlines;
    size_t overlong;
} authlog_line_stats;

authlog_line_stats authlog_scan_lines(const unsigned char *bytes, size_t length, size_t run_before,
                                      size_t max_line, int64_t *overlong_ranges, size_t capacity);

// Number of '\n' bytes in bytes[0, length), vectorised.
size_t authlog_count_newlines(const unsigned char *bytes, size_t length);

// Offset of the first occurrence in haystack[0, length) of any of `count` needles that all
// have `needle_length` bytes and agree on their first byte and on the byte at `probe`
// (stored one after the other in `needles`), or `length` if none occurs. SIMD compares those
// two bytes at 16 positions at once and verifies only where both agree, which is much
// faster than one memmem(3) pass per needle. The caller picks a rare byte as the probe.
size_t authlog_find_any(const unsigned char *haystack, size_t length, const unsigned char *needles,
                        size_t count, size_t needle_length, size_t probe);
// Offset of the first line in haystack[0, length) (which starts at a line start) whose
// Common Log Format user field, the field before the first " [", is not "-"; `length` if
// none. No literal marks such lines; this finds them at a few bytes' look per line.
size_t authlog_find_named_user(const unsigned char *haystack, size_t length);
// A set of literals searched for all at once (Teddy, see MultiLiteral.c): the first
// occurrence of any of them, with AVX2 when the CPU has it.
#define AUTHLOG_FINGERPRINT_MAX 3
typedef struct authlog_multi_literal authlog_multi_literal;

// Whether this CPU runs the SIMD path; without it (no AVX2, or not x86-64) the byte-at-a-time
// path is slower than authlog_find_any, which the caller should use instead.
int authlog_multi_literal_available(void);
// `count` literals stored back to back in `bytes`, literal n being `lengths[n]` bytes (none
// empty); NULL when a literal is empty or memory is short. Free with _destroy.
authlog_multi_literal *authlog_multi_literal_create(const unsigned char *bytes, const size_t *lengths, size_t count);
void authlog_multi_literal_destroy(authlog_multi_literal *set);
// Offset of the first position in haystack[0, length) where one of the literals starts and
// lies whole inside the haystack, or `length` if none does.
size_t authlog_multi_literal_find(const authlog_multi_literal *set, const unsigned char *haystack, size_t length);

#endif
