#define _GNU_SOURCE
#include <string.h>
#include "CByteSearch.h"

const void *authlog_memrchr(const void *bytes, int byte, size_t length) {
    return memrchr(bytes, byte, length);
}

#if defined(__SSE2__)
#include <emmintrin.h>

// Bit i set iff bytes[i] == '\n', for 64 bytes.
static inline uint64_t newline_mask64(const unsigned char *bytes) {
    const __m128i newline = _mm_set1_epi8('\n');
    uint64_t m0 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes)), newline));
    uint64_t m1 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes + 16)), newline));
    uint64_t m2 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes + 32)), newline));
    uint64_t m3 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes + 48)), newline));
    return m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
}
#else
static inline uint64_t newline_mask64(const unsigned char *bytes) {
    uint64_t mask = 0;
    for (int i = 0; i < 64; i++) mask |= (uint64_t)(bytes[i] == '\n') << i;
    return mask;
}
#endif

size_t authlog_count_newlines(const unsigned char *bytes, size_t length) {
    size_t count = 0, i = 0;
    for (; i + 64 <= length; i += 64) count += (size_t)__builtin_popcountll(newline_mask64(bytes + i));
    for (; i < length; i++) count += bytes[i] == '\n';
    return count;
}

authlog_line_stats authlog_scan_lines(const unsigned char *bytes, size_t length, size_t run_before,
                                      size_t max_line, int64_t *overlong_ranges, size_t capacity) {
    authlog_line_stats stats = {0, 0};
    // Start of the current line, relative to `bytes` (negative: it began earlier).
    int64_t line_start = -(int64_t)run_before;
    size_t i = 0;
    for (; i + 64 <= length; i += 64) {
        uint64_t mask = newline_mask64(bytes + i);
        if (mask == 0) continue;
        stats.newlines += (size_t)__builtin_popcountll(mask);
        // Only the first newline of a block can end a long line: the others end lines that
        // started inside this 64-byte block.
        int64_t first = (int64_t)i + __builtin_ctzll(mask);
        if (first - line_start > (int64_t)max_line) {
            if (stats.overlong < capacity) {
                overlong_ranges[2 * stats.overlong] = line_start;
                overlong_ranges[2 * stats.overlong + 1] = first;
            }
            stats.overlong++;
        }
        line_start = (int64_t)i + 63 - __builtin_clzll(mask) + 1;
    }
    for (; i < length; i++) {
        if (bytes[i] != '\n') continue;
        stats.newlines++;
        if ((int64_t)i - line_start > (int64_t)max_line) {
            if (stats.overlong < capacity) {
                overlong_ranges[2 * stats.overlong] = line_start;
                overlong_ranges[2 * stats.overlong + 1] = (int64_t)i;
            }
            stats.overlong++;
        }
        line_start = (int64_t)i + 1;
    }
    if ((int64_t)length - line_start > (int64_t)max_line) {
        if (stats.overlong < capacity) {
            overlong_ranges[2 * stats.overlong] = line_start;
            overlong_ranges[2 * stats.overlong + 1] = (int64_t)length;
        }
        stats.overlong++;
    }
    return stats;
}

static inline int matches_any(const unsigned char *at, const unsigned char *needles, size_t count, size_t k) {
    for (size_t n = 0; n < count; n++) {
        if (memcmp(at, needles + n * k, k) == 0) return 1;
    }
    return 0;
}

size_t authlog_find_any(const unsigned char *haystack, size_t length, const unsigned char *needles,
                        size_t count, size_t needle_length, size_t probe) {
    const size_t k = needle_length;
    if (k == 0 || count == 0 || length < k) return length;
    if (probe >= k) probe = k - 1;
    const size_t last = length - k;  // last possible start
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i first_byte = _mm_set1_epi8((char)needles[0]);
    const __m128i probe_byte = _mm_set1_epi8((char)needles[probe]);
    for (; i + 16 <= last + 1; i += 16) {
        __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(haystack + i)), first_byte);
        __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(haystack + i + probe)), probe_byte);
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(a, b));
        while (mask) {
            unsigned bit = (unsigned)__builtin_ctz(mask);
            if (matches_any(haystack + i + bit, needles, count, k)) return i + bit;
            mask &= mask - 1;
        }
    }
#endif
    for (; i <= last; i++) {
        if (haystack[i] == needles[0] && haystack[i + probe] == needles[probe]
            && matches_any(haystack + i, needles, count, k)) return i;
    }
    return length;
}

size_t authlog_find_named_user(const unsigned char *haystack, size_t length) {
    size_t start = 0;
    while (start < length) {
        const unsigned char *line = haystack + start;
        const unsigned char *newline = memchr(line, '\n', length - start);
        size_t line_length = newline ? (size_t)(newline - line) : length - start;
        size_t window = line_length < 512 ? line_length : 512;
        // The first " [" opens the time; the field before it is the user, "-" when none.
        const unsigned char *bracket = line;
        size_t left = window;
        while (left > 0 && (bracket = memchr(bracket, '[', left)) != NULL) {
            size_t at = (size_t)(bracket - line);
            if (at >= 2 && line[at - 1] == ' ') {
                int anonymous = at >= 4 && line[at - 2] == '-' && line[at - 3] == ' ';
                if (!anonymous) return start;
                break;
            }
            bracket++;
            left = window - (size_t)(bracket - line);
        }
        if (!newline) break;
        start += line_length + 1;
    }
    return length;
}
