/// Attacks: one address guessing (brute-force, credential-stuffing, login pressure), probing
/// for secrets, or many addresses sharing the work on one user name.
extension FindingDetector {
    func singleSourceAttacks(_ state: inout DetectionState) -> [Finding] {
        let thresholds = context.thresholds
        var findings: [Finding] = []
        forEachGroup({ FindingContext.isWrongCredential($0) }, by: \.ip,
                     minimum: min(thresholds.bruteForceFailures, thresholds.stuffingUsers)) { ip, all in
            let indices = all.filter { !state.explained[$0] }
            guard let address = context.text(ip), !indices.isEmpty else { return }
            var bySurface: [String: [Int]] = [:]
            for index in indices { bySurface[context.surface(context.requests[index]), default: []].append(index) }
            let (surface, onSurface) = bySurface.max { $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key > $1.key }!
            let users = distinct(indices, \.user)
            if onSurface.count >= thresholds.bruteForceFailures {
                state.attackers.insert(ip)
                findings.append(Finding(
                    kind: .bruteForce, key: address,
                    figures: [("failures", .int(onSurface.count)), ("surface", .text(surface)), ("users", .int(distinct(onSurface, \.user))),
                              ("top_user", mostCommon(onSurface, \.user).map { .text($0) } ?? .text("-"))] + span(onSurface),
                    evidence: context.evidence(onSurface),
                    advice: "Block \(address) (fail2ban or a deny rule) and rate-limit \(surface): "
                        + "it failed \(TextReport.format(onSurface.count)) times there. Check that no account it tried has a weak password.",
                    weight: onSurface.count))
            }
            if users >= thresholds.stuffingUsers, indices.count >= thresholds.stuffingUsers {
                state.attackers.insert(ip)
                findings.append(Finding(
                    kind: .credentialStuffing, key: address,
                    figures: [("failures", .int(indices.count)), ("users", .int(users)),
                              ("unknown_users", .int(indices.filter { context.requests[$0].cause == .unknownUser }.count)),
                              ("surface", .text(surface))] + span(indices),
                    evidence: context.evidence(indices),
                    advice: "\(address) tried \(TextReport.format(users)) different user names: a leaked-credentials list. Block it, "
                        + "and make sure real accounts use unique passwords or a second factor.",
                    weight: users))
            }
        }
        return findings
    }

    func probes(_ state: inout DetectionState) -> [Finding] {
        var findings: [Finding] = []
        forEachGroup({ r in (r.cause == .deniedByRule || r.cause == .http403) && context.isSensitive(r.path) },
                     by: \.ip, minimum: context.thresholds.probeRequests) { ip, group in
            let indices = Array(group)
            guard let address = context.text(ip) else { return }
            state.attackers.insert(ip)
            let paths = Set(indices.compactMap { context.text(context.requests[$0].path) }).sorted()
            findings.append(Finding(
                kind: .probe, key: address,
                figures: [("requests", .int(indices.count)), ("paths", .int(paths.count)),
                          ("examples", .text(paths.prefix(4).joined(separator: " ")))] + span(indices),
                evidence: context.evidence(indices),
                advice: "\(address) asked for files that must never be served (\(paths.prefix(2).joined(separator: ", "))…): "
                    + "a scanner. The deny rules held; block it and check that nothing sensitive sits under the web root.",
                weight: indices.count))
        }
        return findings
    }

    /// WordPress answers a failed form login with 200: without a plugin writing debug.log the
    /// only trace of a password-guessing run is a stream of such POSTs.
    func loginPressure(_ state: DetectionState) -> [Finding] {
        var posts: [UInt32: (total: Int, unexplained: Int, evidence: [String])] = [:]
        let post = context.strings.existingID("POST")
        let loginPaths = Set(["/wp-login.php", "/xmlrpc.php"].compactMap { context.strings.existingID($0) })
        for (record, explained) in context.attempts
        where record.status == 200 && record.method == post && loginPaths.contains(record.path) {
            var entry = posts[record.ip] ?? (0, 0, [])
            entry.total += 1
            if !explained { entry.unexplained += 1 }
            if entry.evidence.count < 3 { entry.evidence.append(context.reference(record)) }
            posts[record.ip] = entry
        }
        return posts.compactMap { ip, entry in
            // Failures debug.log explains are judged above as brute force or stuffing.
            guard entry.total >= context.thresholds.loginPressurePosts, !state.attackers.contains(ip),
                  entry.unexplained * 2 >= entry.total, let address = context.text(ip) else { return nil }
            return Finding(
                kind: .wordpressLoginPressure, key: address,
                figures: [("posts", .int(entry.total)), ("unexplained", .int(entry.unexplained))],
                evidence: entry.evidence,
                advice: "\(address) POSTed \(TextReport.format(entry.total)) logins to wp-login.php/xmlrpc.php that WordPress answered 200, "
                    + "which is how it answers a wrong password. Rate-limit the login (limit_req), disable XML-RPC if "
                    + "unused, and log failed logins (a security plugin) to see the user names.",
                weight: entry.total)
        }
    }

    func distributedAttacks(_ state: inout DetectionState) -> [Finding] {
        let explained = state.explained
        var findings: [Finding] = []
        var botnets: [[Int]] = []
        forEachGroup({ r in FindingContext.isWrongCredential(r) && r.user != 0 && !state.attackers.contains(r.ip)
                           && !state.misconfigured.contains(r.ip) }, by: \.user,
                     minimum: context.thresholds.distributedIPs) { user, all in
            let indices = all.filter { !explained[$0] }
            let ips = distinct(indices, \.ip)
            guard ips >= context.thresholds.distributedIPs, let name = context.text(user) else { return }
            botnets.append(indices)
            findings.append(Finding(
                kind: .distributedAttack, key: name,
                figures: [("failures", .int(indices.count)), ("ips", .int(ips)),
                          ("per_ip", .text(String(format1: Double(indices.count) / Double(ips))))] + span(indices),
                evidence: context.evidence(indices),
                advice: "\(TextReport.format(ips)) addresses each tried '\(name)' a few times: a botnet, below any per-address ban. "
                    + "Rate-limit logins per user name, rename or disable '\(name)' if it is a default account, "
                    + "and require a second factor.",
                weight: ips))
        }
        // The botnet's addresses are attackers too, for what is judged after this.
        for indices in botnets {
            for index in indices { state.attackers.insert(context.requests[index].ip) }
        }
        return findings
    }
}

extension String {
    /// One decimal: 2.5
    init(format1 value: Double) {
        let tenths = (value * 10).rounded()
        self = tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
    }
}
