/// Which refused requests were writes to a REST API (POST, PUT, PATCH or DELETE to a route, or
/// below the API prefix the pattern files name): a 403 to such a write that no log explains is
/// most often WordPress refusing a stale nonce (`rest_cookie_invalid_nonce`), which it does
/// without a log line; the report says "probably invalid-nonce" and counts it as it is.
struct RESTWrites {
    private let writeMethods: Set<UInt32>
    private let restPrefix: String?

    init(strings: StringInterner, restPrefix: String?) {
        writeMethods = Set(["POST", "PUT", "PATCH", "DELETE"].compactMap { strings.existingID($0) })
        self.restPrefix = restPrefix
    }

    /// Only refusals nobody explained reach here (a few per scan): the path's text is read, not
    /// worked out per path in advance.
    func isWrite(_ request: FailedRequest, records: [RequestRecord], strings: StringInterner) -> Bool {
        guard request.access >= 0, writeMethods.contains(records[Int(request.access)].method) else { return false }
        if request.route != 0 { return true }
        guard let restPrefix, let path = strings[request.path] else { return false }
        return path.hasPrefix(restPrefix)
    }
}
