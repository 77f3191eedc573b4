// The Common Log Format reader of the served-path counter: one pass over a block of whole
// lines, each served (2xx/3xx) request counted by its path and minute in the table
// (CServedPaths.c). The served lines are the ~90 % of access lines the literal prefilter never
// shows the classifier, so this is C, a few bytes' look per line, never PCRE2.
#include "ServedTable.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int is_digit(unsigned char byte) { return byte >= '0' && byte <= '9'; }
static inline int two_digits(const unsigned char *at) { return (at[0] - '0') * 10 + (at[1] - '0'); }

static int64_t days_from_civil(int64_t year, int64_t month, int64_t day) {
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t year_of_era = year - era * 400;
    int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static int month_number(const unsigned char *name) {
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int month = 0; month < 12; month++) {
        if (memcmp(name, names + 3 * month, 3) == 0) return month + 1;
    }
    return 0;
}

// `dd/Mon/yyyy:HH:MM:SS ±hhmm` (26 bytes, as the access heads' CLF_TIME) → seconds since 1970,
// or 0 with *valid unset. The minute is computed once while the line's prefix repeats.
static int64_t clf_seconds(authlog_served_table *table, const unsigned char *time, int *valid) {
    *valid = 0;
    if (!is_digit(time[18]) || !is_digit(time[19]) || time[17] != ':' || time[20] != ' ') return 0;
    int64_t second = two_digits(time + 18);
    if (second > 60) return 0;
    if (second == 60) second = 59;
    if (!(table->cache_valid && memcmp(table->cached_prefix, time, 17) == 0
          && memcmp(table->cached_zone, time + 21, 5) == 0)) {
        if (!is_digit(time[0]) || !is_digit(time[1]) || time[2] != '/' || time[6] != '/' || time[11] != ':'
            || time[14] != ':' || (time[21] != '+' && time[21] != '-')) return 0;
        static const int digits[] = {7, 8, 9, 10, 12, 13, 15, 16, 22, 23, 24, 25};
        for (size_t i = 0; i < sizeof(digits) / sizeof(digits[0]); i++) {
            if (!is_digit(time[digits[i]])) return 0;
        }
        int month = month_number(time + 3);
        int hour = two_digits(time + 12), minute = two_digits(time + 15);
        int day = two_digits(time);
        // The scan's own time parser refuses day 0 or past 31: a line it cannot date is no answer.
        if (month == 0 || day < 1 || day > 31 || hour >= 24 || minute >= 60) return 0;
        int64_t year = two_digits(time + 7) * 100 + two_digits(time + 9);
        int64_t offset = two_digits(time + 22) * 60 + two_digits(time + 24);
        if (time[21] == '-') offset = -offset;
        table->cached_minute = days_from_civil(year, month, two_digits(time)) * 1440 + hour * 60 + minute - offset;
        memcpy(table->cached_prefix, time, 17);
        memcpy(table->cached_zone, time + 21, 5);
        table->cache_valid = 1;
    }
    *valid = 1;
    return table->cached_minute * 60 + second;
}

// The end of a quoted value's part starting at `at`: the first space or unescaped quote
// before `end` (a backslash escapes the next byte, as the servers write `\"`), or NULL.
// URIs are long (query strings): 16 bytes at a time, looking for any of the three bytes.
static inline const unsigned char *space_or_quote(const unsigned char *at, const unsigned char *end) {
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(' '), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    while (end - at >= 16) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)at);
        int found = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, space), _mm_cmpeq_epi8(bytes, quote)),
                                                   _mm_cmpeq_epi8(bytes, backslash)));
        if (found == 0) {
            at += 16;
            continue;
        }
        const unsigned char *hit = at + __builtin_ctz((unsigned)found);
        if (*hit != '\\') return hit;
        at = hit + 2;
    }
#endif
    while (at < end) {
        unsigned char byte = *at;
        if (byte == ' ' || byte == '"') return at;
        at += byte == '\\' ? 2 : 1;
    }
    return NULL;
}

static int count_line(authlog_served_table *table, const unsigned char *line, const unsigned char *end,
                      int64_t since, int64_t until) {
    // The first quote opens the request: a user name cannot hold a bare quote (both servers
    // escape it), so a forged request in a user name or referer is never taken for it.
    const unsigned char *quote = memchr(line, '"', (size_t)(end - line));
    if (quote == NULL || quote - line < 30) return 0;
    if (quote[-1] != ' ' || quote[-2] != ']' || quote[-29] != '[' || quote[-30] != ' ') return 0;
    const unsigned char *method_end = space_or_quote(quote + 1, end);
    if (method_end == NULL || *method_end != ' ') return 0;  // no space: no URI (`-`, a TLS handshake)
    const unsigned char *uri = method_end + 1;
    const unsigned char *uri_end = space_or_quote(uri, end);
    if (uri_end == NULL) return 0;
    const unsigned char *closing = uri_end;
    while (closing != NULL && *closing == ' ') closing = space_or_quote(closing + 1, end);  // the protocol
    if (closing == NULL) return 0;
    // `" STATUS ` with a 2xx or 3xx status.
    if (closing + 5 >= end || closing[1] != ' ' || (closing[2] != '2' && closing[2] != '3') || !is_digit(closing[3])
        || !is_digit(closing[4]) || closing[5] != ' ') return 0;
    const unsigned char *query = memchr(uri, '?', (size_t)(uri_end - uri));
    const unsigned char *path_end = query ? query : uri_end;
    size_t length = (size_t)(path_end - uri);
    if (length == 0 || length > max_key_length) return 0;
    int valid;
    int64_t seconds = clf_seconds(table, quote - 28, &valid);
    if (!valid || seconds < since || seconds >= until) return 0;
    int64_t minute = seconds >= 0 ? seconds / 60 : -((-seconds + 59) / 60);
    if (minute < INT32_MIN || minute > INT32_MAX) return 0;
    // The scanner skips a line holding a NUL as binary: it is no served request either.
    if (memchr(line, 0, (size_t)(end - line)) != NULL) return 0;
    served_path *path = authlog_served_find_or_insert(table, uri, length);
    if (!authlog_served_add(table, path, (int32_t)floor_shift(minute, path->shift), 1, 1)) {
        table->dropped = 1;
        return 0;
    }
    return 1;
}

size_t authlog_served_scan_clf(authlog_served_table *table, const unsigned char *block, size_t length,
                               size_t max_line, int64_t since, int64_t until) {
    const unsigned char *line = block, *end = block + length;
    size_t counted = 0;
    while (line < end) {
        const unsigned char *newline = memchr(line, '\n', (size_t)(end - line));
        const unsigned char *line_end = newline ? newline : end;
        if ((size_t)(line_end - line) <= max_line) counted += count_line(table, line, line_end, since, until);
        line = newline ? newline + 1 : end;
    }
    return counted;
}
