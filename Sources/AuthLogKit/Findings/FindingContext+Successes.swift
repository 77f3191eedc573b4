extension FindingContext {
    /// A request that got in: when, and as whom (0: the log names no user).
    typealias Success = (time: Int64, user: UInt32)

    /// The kept requests that got in, by client, in line order: served requests that name their
    /// user (basic auth, an application password), and login-form POSTs answered 302 (the
    /// redirect to the dashboard; no user named). What user-typo and compromised judge a run of
    /// failures by: one definition, so a colleague and a break-in cannot disagree on "got in".
    func successesByClient() -> [UInt32: [Success]] {
        var successes: [UInt32: [Success]] = [:]
        let post = strings.existingID("POST")
        let loginForms = Set(loginPaths.redirectingForms.compactMap { strings.existingID($0) })
        for (record, _) in attempts where record.hasTime && (200..<400).contains(record.status) {
            if record.user != 0 {
                successes[record.ip, default: []].append((record.time, record.user))
            } else if record.status == 302, record.method == post, loginForms.contains(record.path) {
                successes[record.ip, default: []].append((record.time, 0))
            }
        }
        return successes
    }
}
