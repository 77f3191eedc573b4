#ifndef AUTHLOG_CSERVEDPATHS_H
#define AUTHLOG_CSERVEDPATHS_H

#include <stddef.h>
#include <stdint.h>

// When each request path was served (answered 2xx/3xx), counted during the one scan for
// new-failure: per path, buckets of one minute (wider when a path has more than
// `max_buckets_per_path` distinct minutes: the width doubles, so memory per path is bounded
// and the result does not depend on the order lines arrive in). At most `max_paths` paths
// are held: past that, the quarter served least often is dropped (as the top lists do).
// The counts are made in C in one pass over a block of lines, because the served lines are
// the ~90 % of access lines the literal prefilter never shows the classifier.
typedef struct authlog_served_table authlog_served_table;

authlog_served_table *authlog_served_new(size_t max_paths, size_t max_buckets_per_path, size_t max_buckets);
void authlog_served_free(authlog_served_table *table);

// Counts the served lines of a block of whole lines in the Common Log Format family (nginx
// and Apache combined, common, vhost: `[dd/Mon/yyyy:HH:MM:SS +zzzz] "METHOD URI PROTO" STATUS `,
// the time's `[` being the line's first `"` less 29 bytes), with a time in [since, until).
// Lines longer than `max_line` are passed over (the scanner skips them too); so is any line
// that is not of that shape. The path is the URI up to its query. Returns the lines counted.
size_t authlog_served_scan_clf(authlog_served_table *table, const unsigned char *block, size_t length,
                               size_t max_line, int64_t since, int64_t until);

// Adds `other`'s counts into `table` (a worker's table into the total).
void authlog_served_merge(authlog_served_table *table, const authlog_served_table *other);

// The buckets of `path`: writes up to `capacity` bucket starts (seconds since 1970) and
// counts, sets the bucket width in seconds, and returns how many buckets the path has
// (0 when it was never served or was dropped).
size_t authlog_served_buckets(const authlog_served_table *table, const unsigned char *path, size_t length,
                              int64_t *starts, uint64_t *counts, size_t capacity, int64_t *width_seconds);

// Paths held, and whether some path was dropped (counts may then be short).
size_t authlog_served_path_count(const authlog_served_table *table);
int authlog_served_dropped(const authlog_served_table *table);

#endif
