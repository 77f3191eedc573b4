// The served-path table of new-failure's counter: per path (hashed, seeded), the served
// answers per minute bucket, bounded in paths and buckets; filled by CServedLines.c.
// qsort_r
#define _GNU_SOURCE
#include "ServedTable.h"

#include <stdlib.h>
#include <string.h>

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
int authlog_served_add(authlog_served_table *table, served_path *path, int32_t index, uint64_t count, int scanning) {
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

served_path *authlog_served_find_or_insert(authlog_served_table *table, const unsigned char *key, size_t length) {
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

void authlog_served_merge(authlog_served_table *table, const authlog_served_table *other) {
    if (other->dropped) table->dropped = 1;
    for (size_t i = 0; i < other->path_count; i++) {
        const served_path *from = &other->paths[i];
        served_path *into = authlog_served_find_or_insert(table, from->key, from->key_length);
        while (into->shift < from->shift) coarsen(table, into);
        for (uint32_t b = 0; b < from->count; b++) {
            // Adding may widen `into`'s buckets: the shift is read again for each.
            authlog_served_add(table, into, (int32_t)floor_shift(from->buckets[b].index, into->shift - from->shift),
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
