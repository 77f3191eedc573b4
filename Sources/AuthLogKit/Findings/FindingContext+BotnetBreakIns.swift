extension FindingContext {
    /// A botnet that got in: many addresses failed on one user name, then an address got in as
    /// that user, and it was not the account's owner coming back (see `botnetBreakIns`).
    struct BotnetBreakIn {
        var user: UInt32
        /// The address that got in, and when.
        var ip: UInt32
        var time: Int64
        /// The failures on the user name before it, within the window, oldest first.
        var failures: [Int]
        /// Distinct addresses among those failures.
        var addresses: Int
        /// How many of the failures came from the address that got in: 0 when it took no part in
        /// them (a new address that logged in while the others went on failing).
        var failuresOfAddress: Int
    }

    /// Who got in as a user whose name many addresses were guessing (`CompromisedRule`'s botnet
    /// shape), judged once here because user-typo must not set aside what this calls a
    /// break-in: a botnet member that failed twice and then got in looks like a colleague's
    /// typo from its own address alone.
    ///
    /// A success as user U from address A at time t is a break-in when, within `window` before
    /// it, at least `minFailures` wrong credentials named U from at least `minAddresses`
    /// distinct addresses (the spray), and A is not an address U had already got in from before
    /// the spray began (the owner's usual address: the owner logging in after a spray is no
    /// compromise), and either A is one of the spraying addresses or the spray goes on after
    /// the success (a new address that logs in while the others still guess was most likely
    /// handed the password). A new address that logs in once the spray has stopped is taken
    /// for the owner on another network: nothing in the log tells them apart, and crying wolf
    /// at every owner who logs in after a botnet passed would teach the admin to ignore this.
    /// One break-in per user: the first.
    func botnetBreakIns(minFailures: Int, minAddresses: Int, window: Int64) -> [BotnetBreakIn] {
        // Successes naming their user, by user, oldest first; a login form's 302 names none.
        var successesOfUser: [UInt32: [(time: Int64, ip: UInt32)]] = [:]
        for (ip, successes) in successesByClient() {
            for success in successes where success.user != 0 {
                successesOfUser[success.user, default: []].append((success.time, ip))
            }
        }
        guard !successesOfUser.isEmpty else { return [] }

        var breakIns: [BotnetBreakIn] = []
        forEachGroup({ r in
            r.hasTime && r.user != 0 && FindingContext.isWrongCredential(r) && successesOfUser[r.user] != nil
        }, by: \.user, minimum: minFailures) { user, failures in
            guard var successes = successesOfUser[user] else { return }
            successes.sort { ($0.time, $0.ip) < ($1.time, $1.ip) }
            // When each address first got in as this user: a success before the spray began
            // makes the address the owner's.
            var firstSuccess: [UInt32: Int64] = [:]
            for success in successes where firstSuccess[success.ip] == nil { firstSuccess[success.ip] = success.time }

            // The failures within the window before each success, as a sliding window over
            // the time-ordered failures with a count per address: linear in failures plus
            // successes, however busy the account (a script logging in every second).
            var low = failures.startIndex, high = failures.startIndex
            var perAddress: [UInt32: Int] = [:]
            for success in successes {
                while high < failures.endIndex, requests[failures[high]].time <= success.time {
                    perAddress[requests[failures[high]].ip, default: 0] += 1
                    high += 1
                }
                while low < high, requests[failures[low]].time < success.time - window {
                    let ip = requests[failures[low]].ip
                    perAddress[ip]! -= 1
                    if perAddress[ip] == 0 { perAddress[ip] = nil }
                    low += 1
                }
                guard high - low >= minFailures, perAddress.count >= minAddresses else { continue }
                let sprayBegan = requests[failures[low]].time
                if let first = firstSuccess[success.ip], first < sprayBegan { continue }  // the owner
                let ofAddress = perAddress[success.ip] ?? 0
                let goesOn = high < failures.endIndex && requests[failures[high]].time - success.time <= window
                guard ofAddress > 0 || goesOn else { continue }
                breakIns.append(BotnetBreakIn(
                    user: user, ip: success.ip, time: success.time, failures: Array(failures[low..<high]),
                    addresses: perAddress.count, failuresOfAddress: ofAddress))
                break
            }
        }
        return breakIns
    }
}
