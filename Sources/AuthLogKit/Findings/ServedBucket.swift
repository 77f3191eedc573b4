/// When a path answered 2xx/3xx, for new-failure: `count` answers at times in
/// `start..<end` (seconds since 1970). The one scan counts them per minute (wider for a path
/// served over a long history, see `ServedPathTable`); the second read of the formats the scan
/// cannot count (`SuccessReader`) gives one-second buckets of exact times.
struct ServedBucket: Sendable, Equatable {
    let start: Int64
    let end: Int64
    let count: Int

    /// The answers of one exact time.
    init(time: Int64) {
        start = time
        end = time + 1
        count = 1
    }

    init(start: Int64, end: Int64, count: Int) {
        self.start = start
        self.end = end
        self.count = count
    }

    /// Wholly before `moment`: none of its answers can be after it.
    func endsBefore(_ moment: Int64) -> Bool { end <= moment }
}
