/// What every classified line of a request states, failure or not. `AuthEvent` (a failure)
/// and `RequestAttempt` (a request kept by a `cause = none` rule) both have it; the request
/// collector and the sample checks read either through it.
public protocol RequestLine: Sendable {
    var time: Int64? { get }
    var file: String { get }
    var line: Int { get }
    var format: String { get }
    var ip: String? { get }
    var method: String? { get }
    var path: String? { get }
    var route: String? { get }
    var status: Int? { get }
    var user: String? { get }
    var rule: String { get }
    /// The cause id, or `none` for a request that is no failure.
    var causeID: String { get }
}

extension AuthEvent: RequestLine {
    public var causeID: String { cause.rawValue }
}

extension RequestAttempt: RequestLine {
    public var causeID: String { "none" }
}
