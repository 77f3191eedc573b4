import CByteSearch

/// How often each request path was served (2xx/3xx), per minute, counted during the scan for
/// new-failure without reading the access logs again. The counting is C's
/// (`authlog_served_scan_clf`): one pass over each block of lines, because the served lines
/// are the ~90 % of access lines the literal prefilter never shows the classifier, and a
/// `String` or a PCRE2 match each would cost more than the rest of the scan.
///
/// Bounded: at most `maxPaths` paths (past that the quarter served least often is dropped,
/// as the top lists drop keys), and at most `maxBucketsPerPath` buckets per path (a path
/// served in more distinct minutes gets buckets twice as wide, which depends only on the
/// minutes, not on the order they came in), `maxBuckets` in all. Within those bounds the
/// counts are exact and the same for any number of workers and chunk size. Past them (a path
/// dropped, buckets widened for the budget, or a log whose times run backwards more than
/// `max_out_of_order` times) the table says `isApproximate`, and new-failure reads its
/// candidates' answers back instead (`RequestAnalysis`).
// SAFETY (@unchecked Sendable): a table is used by one thread at a time: a task's sink
// borrows it from `ServedPathCounts` (under its lock) and gives it back at the task's end;
// merging happens after the workers have finished.
final class ServedPathTable: @unchecked Sendable {
    static let maxPaths = 8192
    static let maxBucketsPerPath = 4096
    /// 8 bytes each: 2 MiB per table.
    static let maxBuckets = 1 << 18

    private let table: OpaquePointer

    init() {
        table = authlog_served_new(Self.maxPaths, Self.maxBucketsPerPath, Self.maxBuckets)
    }

    deinit { authlog_served_free(table) }

    /// Counts the served Common Log Format lines of `block` (whole lines) inside the window.
    func countServedLines(in block: UnsafeRawBufferPointer, maxLineLength: Int, since: Int64, until: Int64) {
        guard let base = block.baseAddress, block.count > 0 else { return }
        _ = authlog_served_scan_clf(table, base.assumingMemoryBound(to: UInt8.self), block.count, maxLineLength,
                                    since, until)
    }

    func merge(_ other: ServedPathTable) { authlog_served_merge(table, other.table) }

    /// The table left something out to stay bounded: counts may be short or widened.
    var isApproximate: Bool { authlog_served_dropped(table) != 0 }

    var pathCount: Int { authlog_served_path_count(table) }

    /// The buckets of `path` (as the request's path is written in the line, without its query).
    func buckets(of path: String) -> [ServedBucket] {
        let bytes = Array(path.utf8)
        var width: Int64 = 0
        let count = bytes.withUnsafeBufferPointer { key in
            authlog_served_buckets(table, key.baseAddress, key.count, nil, nil, 0, &width)
        }
        guard count > 0 else { return [] }
        var starts = [Int64](repeating: 0, count: count)
        var counts = [UInt64](repeating: 0, count: count)
        _ = bytes.withUnsafeBufferPointer { key in
            authlog_served_buckets(table, key.baseAddress, key.count, &starts, &counts, count, &width)
        }
        return zip(starts, counts).map { ServedBucket(start: $0, end: $0 + width, count: Int(clamping: $1)) }
    }
}
