/// How rules group and summarise requests: by address, user or path, without an allocation
/// per group, and the figures most findings share.
extension FindingContext {
    /// Calls `body` with each group of requests sharing a string id (address, path, user),
    /// in time order, groups in id order. The ids are dense (the join's string table), so the
    /// requests are counted into place by id: two passes and one array of indices, no sort,
    /// and slices of it: a flood of a million addresses with one request each costs no
    /// allocation per address.
    func forEachGroup(_ include: (FailedRequest) -> Bool, by key: (FailedRequest) -> UInt32,
                      minimum: Int = 1, _ body: (UInt32, ArraySlice<Int>) -> Void) {
        var keys = [UInt32](repeating: UInt32.max, count: requests.count)
        var ids = 0
        for (index, request) in requests.enumerated() where include(request) {
            keys[index] = key(request)
            ids = max(ids, Int(keys[index]) + 1)
        }
        var start = [Int](repeating: 0, count: ids + 1)
        for id in keys where id != UInt32.max { start[Int(id) + 1] += 1 }
        for id in 0..<ids { start[id + 1] += start[id] }
        var next = start
        var indices = [Int](repeating: 0, count: start[ids])
        for (index, id) in keys.enumerated() where id != UInt32.max {
            indices[next[Int(id)]] = index
            next[Int(id)] += 1
        }
        for id in 0..<ids where start[id + 1] - start[id] >= minimum {
            body(UInt32(id), indices[start[id]..<start[id + 1]])
        }
    }

    /// Calls `body` with each group of requests sharing (address, path), in time order,
    /// groups in (address, path) order: grouped by address first, then each address's
    /// requests by path, both on packed integers, and slices of one array (no allocation per
    /// group).
    func forEachClientPathGroup(_ include: (FailedRequest) -> Bool, minimum: Int = 1,
                                _ body: (ClientPath, ArraySlice<Int>) -> Void) {
        var byPath: [UInt64] = []
        var indices: [Int] = []
        forEachGroup(include, by: \.ip, minimum: minimum) { ip, ofClient in
            byPath.removeAll(keepingCapacity: true)
            for index in ofClient { byPath.append(UInt64(requests[index].path) << 32 | UInt64(index)) }
            byPath.sort()
            indices.removeAll(keepingCapacity: true)
            for packed in byPath { indices.append(Int(packed & 0xFFFF_FFFF)) }
            var start = 0
            while start < byPath.count {
                let path = byPath[start] >> 32
                var end = start + 1
                while end < byPath.count, byPath[end] >> 32 == path { end += 1 }
                if end - start >= minimum { body(ClientPath(ip: ip, path: UInt32(path)), indices[start..<end]) }
                start = end
            }
        }
    }

    func span(_ indices: [Int]) -> [(name: String, value: Finding.Value)] {
        let times = indices.map { requests[$0].time }.filter { $0 != Int64.min }
        guard let first = times.min(), let last = times.max() else { return [] }
        return [("first_seen", .time(first)), ("last_seen", .time(last))]
    }

    func distinct(_ indices: [Int], _ field: (FailedRequest) -> UInt32) -> Int {
        Set(indices.map { field(requests[$0]) }.filter { $0 != 0 }).count
    }

    /// The most frequent non-empty value of a field, as text.
    func mostCommon(_ indices: [Int], _ field: (FailedRequest) -> UInt32) -> String? {
        var counts: [UInt32: Int] = [:]
        for index in indices where field(requests[index]) != 0 { counts[field(requests[index]), default: 0] += 1 }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : (text($0.key) ?? "") > (text($1.key) ?? "") }
            .flatMap { text($0.key) }
    }
}

struct ClientPath: Hashable {
    var ip: UInt32
    var path: UInt32
}

extension FindingContext {
    /// The login surface most of these requests went to (on a tie, the name sorting first),
    /// and those of the requests that went there.
    func busiestSurface(_ indices: [Int]) -> (surface: String, indices: [Int]) {
        // Counted by surface id; names are compared only to break a tie.
        var counts: [Int32: Int] = [:]
        for index in indices { counts[surfaceID(requests[index]), default: 0] += 1 }
        let busiest = counts.max { a, b in
            a.value != b.value ? a.value < b.value : surfaceNames[Int(a.key)] > surfaceNames[Int(b.key)]
        }!.key
        return (surfaceNames[Int(busiest)], indices.filter { surfaceID(requests[$0]) == busiest })
    }
}
