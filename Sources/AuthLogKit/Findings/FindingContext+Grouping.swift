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

    /// Request indices grouped by (address, path), each group in time order.
    func groupByClientAndPath(_ include: (FailedRequest) -> Bool) -> [(key: ClientPath, indices: [Int])] {
        var keyed: [(key: UInt64, index: Int)] = []
        for (index, request) in requests.enumerated() where include(request) {
            keyed.append((UInt64(request.ip) << 32 | UInt64(request.path), index))
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        var groups: [(key: ClientPath, indices: [Int])] = []
        var start = 0
        while start < keyed.count {
            var end = start
            while end < keyed.count, keyed[end].key == keyed[start].key { end += 1 }
            groups.append((ClientPath(ip: UInt32(keyed[start].key >> 32), path: UInt32(keyed[start].key & 0xFFFF_FFFF)),
                           keyed[start..<end].map(\.index)))
            start = end
        }
        return groups
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
        var bySurface: [String: [Int]] = [:]
        for index in indices { bySurface[surface(requests[index]), default: []].append(index) }
        let busiest = bySurface.max { $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key > $1.key }!
        return (busiest.key, busiest.value)
    }
}
