extension Finding.Kind {
    public static let wordpressLoginPressure = Finding.Kind("wordpress-login-pressure", category: .attack, key: .ip)
}

/// WordPress answers a failed form login with 200: without a plugin writing debug.log the
/// only trace of a password-guessing run is a stream of such POSTs from one address.
struct WordPressLoginPressureRule: FindingRule {
    static let posts = FindingThreshold(
        flag: "login-posts", defaultValue: 20,
        help: "wordpress-login-pressure: POSTs to wp-login.php/xmlrpc.php answered 200 from one IP.")

    let kind = Finding.Kind.wordpressLoginPressure
    let thresholds = [posts]
    let stage = DetectionStage.singleSource

    func detect(in context: FindingContext, state: inout DetectionState) -> [Finding] {
        var posts: [UInt32: (total: Int, unexplained: Int, evidence: [Evidence])] = [:]
        let post = context.strings.existingID("POST")
        let loginPaths = Set(context.loginPaths.loginPaths.compactMap { context.strings.existingID($0) })
        for (record, explained) in context.attempts
        where record.status == 200 && record.method == post && loginPaths.contains(record.path) {
            var entry = posts[record.ip] ?? (0, 0, [])
            entry.total += 1
            if !explained { entry.unexplained += 1 }
            if entry.evidence.count < 3 { entry.evidence.append(context.reference(record)) }
            posts[record.ip] = entry
        }
        return posts.compactMap { ip, entry in
            // Failures debug.log explains are judged as brute force or stuffing.
            guard entry.total >= context.thresholds[Self.posts], !state.attackers.contains(ip),
                  entry.unexplained * 2 >= entry.total, let address = context.text(ip) else { return nil }
            return Finding(
                kind: kind, key: address,
                figures: [("posts", .int(entry.total)), ("unexplained", .int(entry.unexplained))],
                evidence: entry.evidence,
                advice: "\(address) POSTed \(CountText.grouped(entry.total)) logins to wp-login.php/xmlrpc.php that WordPress answered 200, "
                    + "which is how it answers a wrong password. Rate-limit the login (limit_req), disable XML-RPC if "
                    + "unused, and log failed logins (a security plugin) to see the user names.",
                weight: entry.total)
        }
    }

    func describe(_ figures: FindingFigures) -> String {
        "\(figures.count("posts")) login POSTs answered 200, \(figures.count("unexplained")) with no debug.log line"
    }
}
