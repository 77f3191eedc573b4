/// How rules group and summarise requests: by address, user or path, without an allocation
/// per group, and the figures most findings share.
extension FindingContext {
    /// Calls `body` with each group of requests sharing a string id (address, path, user),
    /// in time order, groups in id order. One sorted array of packed (id, index) integers
    /// and slices of it: a flood of a million addresses with one request each costs no
    /// allocation per address.
    func forEachGroup(_ include: (FailedRequest) -> Bool, by key: (FailedRequest) -> UInt32,
                      minimum: Int = 1, _ body: (UInt32, ArraySlice<Int>) -> Void) {
        var packed: [UInt64] = []
        for (index, request) in requests.enumerated() where include(request) {
            packed.append(UInt64(key(request)) << 32 | UInt64(index))
        }
        packed.sort()
        let indices = packed.map { Int($0 & 0xFFFF_FFFF) }
        var start = 0
        while start < packed.count {
            let id = packed[start] >> 32
            var end = start + 1
            while end < packed.count, packed[end] >> 32 == id { end += 1 }
            if end - start >= minimum { body(UInt32(id), indices[start..<end]) }
            start = end
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
