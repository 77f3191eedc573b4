// The served-path table's layout, shared by the table (CServedPaths.c) and the Common Log
// Format line reader that fills it (CServedLines.c). Internal: not part of the module's
// public headers.
#ifndef AUTHLOG_SERVED_TABLE_H
#define AUTHLOG_SERVED_TABLE_H

#include "CServedPaths.h"
#include <stdint.h>

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

static inline int64_t floor_shift(int64_t value, uint32_t shift) {
    return value >= 0 ? value >> shift : -((-value - 1) >> shift) - 1;
}

// The path `key` (inserted, counting nothing yet, when new).
served_path *authlog_served_find_or_insert(authlog_served_table *table, const unsigned char *key, size_t length);
// `count` more answers at `index` (already shifted to the path's width); 0 when refused (see
// CServedPaths.c).
int authlog_served_add(authlog_served_table *table, served_path *path, int32_t index, uint64_t count, int scanning);

#endif
