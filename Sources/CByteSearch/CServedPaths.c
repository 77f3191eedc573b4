// qsort_r
#define _GNU_SOURCE
#include "CServedPaths.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// One bucket: the minute index shifted right by the path's `shift` (floor), and its count
// (saturating). Eight bytes: a minute since 1970 fits in 32 bits until the year 6053, and a
// time beyond is not counted.
typedef struct {
    int32_t index;
    uint32_t count;
} served_bucket;

typedef struct {
    uint64_t hash;
    unsigned char *key;
    uint32_t key_length;
    uint32_t shift;  // the bucket is 2^shift minutes wide
    uint64_t total;
    served_bucket *buckets;  // sorted by index
    uint32_t count;
    uint32_t capacity;
} served_path;

struct authlog_served_table {
    served_path *paths;
    size_t path_count;
    size_t path_capacity;
    int32_t *slots;  // open addressing: an index into `paths`, or -1
    size_t slot_mask;
    size_t max_paths;
    size_t max_buckets_per_path;
    size_t max_buckets;
    size_t bucket_total;
    uint64_t seed;
    int dropped;
    // New buckets put before a path's last one (times running backwards): each costs a
    // memmove of the path's buckets, so past `max_out_of_order` such lines are not counted.
    size_t out_of_order;
    // The minute of the last time read, while its `dd/Mon/yyyy:HH:MM` and zone repeat.
    unsigned char cached_prefix[17];
    unsigned char cached_zone[5];
    int64_t cached_minute;
    int cache_valid;
};

// A path longer than this is no path a finding would name; it is not counted.
enum { max_key_length = 2048 };
// Lines whose time goes backwards for their path, counted before the table gives up on them.
enum { max_out_of_order = 65536 };

static inline uint64_t mix(uint64_t a, uint64_t b) {
    __uint128_t product = (__uint128_t)a * b;
    return (uint64_t)product ^ (uint64_t)(product >> 64);
}

// Eight bytes at a time: a path costs a few multiplications, not a step per byte. Seeded per
// table (by its address), so that colliding paths cannot be prepared in advance.
static uint64_t hash_bytes(uint64_t seed, const unsigned char *bytes, size_t length) {
    uint64_t hash = seed ^ (length * 0x9E3779B97F4A7C15ull);
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        hash = mix(hash ^ word, 0xBF58476D1CE4E5B9ull);
        bytes += 8;
        length -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < length; i++) tail |= (uint64_t)bytes[i] << (8 * i);
    return mix(hash ^ tail, 0x94D049BB133111EBull);
}

static void rebuild_slots(authlog_served_table *table) {
    size_t slot_count = 16;
    while (slot_count < table->path_capacity * 2) slot_count *= 2;
    free(table->slots);
    table->slots = malloc(slot_count * sizeof(int32_t));
    if (table->slots == NULL) abort();
    memset(table->slots, 0xFF, slot_count * sizeof(int32_t));
    table->slot_mask = slot_count - 1;
    for (size_t i = 0; i < table->path_count; i++) {
        size_t slot = table->paths[i].hash & table->slot_mask;
        while (table->slots[slot] >= 0) slot = (slot + 1) & table->slot_mask;
        table->slots[slot] = (int32_t)i;
    }
}

authlog_served_table *authlog_served_new(size_t max_paths, size_t max_buckets_per_path, size_t max_buckets) {
    authlog_served_table *table = calloc(1, sizeof(*table));
    if (table == NULL) abort();
    table->max_paths = max_paths < 4 ? 4 : max_paths;
    table->max_buckets_per_path = max_buckets_per_path < 2 ? 2 : max_buckets_per_path;
    table->max_buckets = max_buckets < table->max_buckets_per_path ? table->max_buckets_per_path : max_buckets;
    table->path_capacity = 64;
    table->paths = malloc(table->path_capacity * sizeof(served_path));
    if (table->paths == NULL) abort();
    table->seed = mix((uint64_t)(uintptr_t)table, 0x2545F4914F6CDD1Dull);
    rebuild_slots(table);
    return table;
}

void authlog_served_free(authlog_served_table *table) {
    if (table == NULL) return;
    for (size_t i = 0; i < table->path_count; i++) {
        free(table->paths[i].key);
        free(table->paths[i].buckets);
    }
    free(table->paths);
    free(table->slots);
    free(table);
}

static inline uint32_t saturating_add(uint32_t a, uint64_t b) {
    uint64_t sum = (uint64_t)a + b;
    return sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
}

static inline int64_t floor_shift(int64_t value, uint32_t shift) {
    return value >= 0 ? value >> shift : -((-value - 1) >> shift) - 1;
}

// Doubles the path's bucket width: neighbouring buckets fold into one.
static void coarsen(authlog_served_table *table, served_path *path) {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < path->count; i++) {
        int32_t index = (int32_t)floor_shift(path->buckets[i].index, 1);
        if (kept > 0 && path->buckets[kept - 1].index == index) {
            path->buckets[kept - 1].count = saturating_add(path->buckets[kept - 1].count, path->buckets[i].count);
        } else {
            path->buckets[kept].index = index;
            path->buckets[kept].count = path->buckets[i].count;
            kept++;
        }
    }
    table->bucket_total -= path->count - kept;
    path->count = kept;
    path->shift += 1;
}

// Within the table's bucket budget: the paths with the most buckets get wider ones. Which
// path is widest depends on which lines shared this table, so the counts are then marked
// approximate (`dropped`), and new-failure reads the candidates' answers back exactly.
static void keep_within_budget(authlog_served_table *table) {
    while (table->bucket_total > table->max_buckets) {
        table->dropped = 1;
        served_path *widest = NULL;
        for (size_t i = 0; i < table->path_count; i++) {
            if (widest == NULL || table->paths[i].count > widest->count) widest = &table->paths[i];
        }
        if (widest == NULL || widest->count <= 1) return;
        coarsen(table, widest);
    }
}

// `count` more at `index` (already shifted to the path's width). From a scanned line
// (`scanning`), a new bucket before the path's last one is refused (0) past
// `max_out_of_order` of them: a log whose times run backwards would otherwise cost a memmove
// of the path's buckets per line. A merge's buckets are always taken.
static int add_to_bucket(authlog_served_table *table, served_path *path, int32_t index, uint64_t count,
                         int scanning) {
    if (path->count > 0 && path->buckets[path->count - 1].index == index) {  // time order: the usual case
        served_bucket *last = &path->buckets[path->count - 1];
        last->count = saturating_add(last->count, count);
        path->total += count;
        return 1;
    }
    uint32_t low = 0, high = path->count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (path->buckets[middle].index < index) low = middle + 1; else high = middle;
    }
    if (low < path->count && path->buckets[low].index == index) {
        path->buckets[low].count = saturating_add(path->buckets[low].count, count);
        path->total += count;
        return 1;
    }
    if (scanning && low < path->count) {
        if (table->out_of_order >= max_out_of_order) return 0;
        table->out_of_order += 1;
    }
    path->total += count;
    if (path->count == path->capacity) {
        uint32_t capacity = path->capacity ? path->capacity * 2 : 4;
        served_bucket *grown = realloc(path->buckets, capacity * sizeof(served_bucket));
        if (grown == NULL) abort();
        path->buckets = grown;
        path->capacity = capacity;
    }
    memmove(&path->buckets[low + 1], &path->buckets[low], (path->count - low) * sizeof(served_bucket));
    path->buckets[low].index = index;
    path->buckets[low].count = saturating_add(0, count);
    path->count += 1;
    table->bucket_total += 1;
    while (path->count > table->max_buckets_per_path) coarsen(table, path);
    if (table->bucket_total > table->max_buckets) keep_within_budget(table);
    return 1;
}

typedef struct {
    uint64_t total;
    size_t index;
} eviction_rank;

static int by_total_then_key(const void *a, const void *b, void *context) {
    const eviction_rank *x = a, *y = b;
    const served_path *paths = context;
    if (x->total != y->total) return x->total < y->total ? -1 : 1;
    const served_path *p = &paths[x->index], *q = &paths[y->index];
    size_t common = p->key_length < q->key_length ? p->key_length : q->key_length;
    int order = memcmp(p->key, q->key, common);
    if (order != 0) return order;
    return p->key_length < q->key_length ? -1 : (p->key_length > q->key_length);
}

// The table is full: the quarter of paths served least often is dropped (ties: by key, so
// that the same lines drop the same paths).
static void evict(authlog_served_table *table) {
    size_t count = table->path_count;
    eviction_rank *ranks = malloc(count * sizeof(eviction_rank));
    if (ranks == NULL) abort();
    for (size_t i = 0; i < count; i++) {
        ranks[i].total = table->paths[i].total;
        ranks[i].index = i;
    }
    qsort_r(ranks, count, sizeof(eviction_rank), by_total_then_key, table->paths);
    size_t drop = count / 4 ? count / 4 : 1;
    unsigned char *dropped = calloc(count, 1);
    if (dropped == NULL) abort();
    for (size_t i = 0; i < drop; i++) dropped[ranks[i].index] = 1;
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (dropped[i]) {
            table->bucket_total -= table->paths[i].count;
            free(table->paths[i].key);
            free(table->paths[i].buckets);
        } else {
            table->paths[kept++] = table->paths[i];
        }
    }
    free(dropped);
    free(ranks);
    table->path_count = kept;
    table->dropped = 1;
    rebuild_slots(table);
}

static served_path *find(const authlog_served_table *table, uint64_t hash, const unsigned char *key, size_t length) {
    size_t slot = hash & table->slot_mask;
    for (;;) {
        int32_t index = table->slots[slot];
        if (index < 0) return NULL;
        served_path *path = &table->paths[index];
        if (path->hash == hash && path->key_length == length && memcmp(path->key, key, length) == 0) return path;
        slot = (slot + 1) & table->slot_mask;
    }
}

static served_path *find_or_insert(authlog_served_table *table, const unsigned char *key, size_t length) {
    uint64_t hash = hash_bytes(table->seed, key, length);
    served_path *existing = find(table, hash, key, length);
    if (existing != NULL) return existing;
    if (table->path_count >= table->max_paths) evict(table);
    if (table->path_count == table->path_capacity) {
        size_t capacity = table->path_capacity * 2;
        served_path *grown = realloc(table->paths, capacity * sizeof(served_path));
        if (grown == NULL) abort();
        table->paths = grown;
        table->path_capacity = capacity;
        rebuild_slots(table);
    }
    served_path *path = &table->paths[table->path_count];
    memset(path, 0, sizeof(*path));
    path->hash = hash;
    path->key = malloc(length ? length : 1);
    if (path->key == NULL) abort();
    memcpy(path->key, key, length);
    path->key_length = (uint32_t)length;
    size_t slot = hash & table->slot_mask;
    while (table->slots[slot] >= 0) slot = (slot + 1) & table->slot_mask;
    table->slots[slot] = (int32_t)table->path_count;
    table->path_count += 1;
    return path;
}

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
    served_path *path = find_or_insert(table, uri, length);
    if (!add_to_bucket(table, path, (int32_t)floor_shift(minute, path->shift), 1, 1)) {
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

void authlog_served_merge(authlog_served_table *table, const authlog_served_table *other) {
    if (other->dropped) table->dropped = 1;
    for (size_t i = 0; i < other->path_count; i++) {
        const served_path *from = &other->paths[i];
        served_path *into = find_or_insert(table, from->key, from->key_length);
        while (into->shift < from->shift) coarsen(table, into);
        for (uint32_t b = 0; b < from->count; b++) {
            // Adding may widen `into`'s buckets: the shift is read again for each.
            add_to_bucket(table, into, (int32_t)floor_shift(from->buckets[b].index, into->shift - from->shift),
                          from->buckets[b].count, 0);
        }
    }
    keep_within_budget(table);
}

size_t authlog_served_buckets(const authlog_served_table *table, const unsigned char *path, size_t length,
                              int64_t *starts, uint64_t *counts, size_t capacity, int64_t *width_seconds) {
    const served_path *found = find(table, hash_bytes(table->seed, path, length), path, length);
    if (found == NULL) return 0;
    *width_seconds = ((int64_t)1 << found->shift) * 60;
    for (size_t i = 0; i < found->count && i < capacity; i++) {
        starts[i] = (int64_t)found->buckets[i].index * *width_seconds;
        counts[i] = found->buckets[i].count;
    }
    return found->count;
}

size_t authlog_served_path_count(const authlog_served_table *table) { return table->path_count; }

int authlog_served_dropped(const authlog_served_table *table) { return table->dropped; }
