/// One failed request: its access-log line and the line that says why, joined. Either may
/// be missing (an access 401 nobody explains; a debug.log line whose request answered 200).
/// Text fields are ids into the join's string table. 40 bytes: what the findings read, no more
/// (the method, which no rule asks of a failure, stays in the records).
struct FailedRequest: Sendable {
    var time: Int64
    var ip: UInt32
    /// The URL path the client asked for (from the access line when there is one).
    var path: UInt32
    var route: UInt32
    var user: UInt32
    var status: UInt16
    var cause: Cause
    var layer: RefusingLayer
    /// The format of the line that gave the cause.
    var format: UInt32
    /// Indexes into the join's records: the access line and the detail line, or -1.
    var access: Int32
    var detail: Int32

    var hasTime: Bool { time != Int64.min }
    /// A user name travelled with the request (access `$remote_user`, or named by the detail line).
    var userSent: Bool { user != 0 }
}
