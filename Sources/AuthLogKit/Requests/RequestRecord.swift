/// One line of a request, as the pairing needs it: 48 bytes, text fields as interned ids.
struct RequestRecord: Sendable {
    enum Side: UInt8, Sendable {
        /// An access-log line: the request and the status it got.
        case access
        /// An error-log or debug.log line: why a request failed.
        case detail
    }

    /// Seconds since the epoch, UTC; `Int64.min` when the line's time was unreadable.
    var time: Int64
    /// Position of the line in the scan: input index, then line number (the order lines
    /// are paired in when several are candidates).
    var input: UInt32
    var line: UInt32
    var ip: UInt32
    var path: UInt32
    /// For access lines: the REST route called; for detail lines paired by route, the route.
    var route: UInt32
    var user: UInt32
    var method: UInt32
    /// The qualified rule id (`format/rule`) and the format, interned.
    var rule: UInt32
    var format: UInt32
    var status: UInt16
    /// `Cause.index`, or `RequestRecord.noCause` for a request that is no failure.
    var cause: UInt8
    var side: Side

    static let noCause: UInt8 = 255

    var failureCause: Cause? { cause == Self.noCause ? nil : Cause.allCases[Int(cause)] }
    var hasTime: Bool { time != Int64.min }
}
