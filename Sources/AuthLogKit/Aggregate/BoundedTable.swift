/// Counts per key with bounded memory: exact up to `maxKeys` distinct keys, then a batched
/// Space-Saving (Metwally et al.): when the table is full, the quarter of keys with the
/// smallest counts is evicted and the largest evicted count becomes the `floor`; a key
/// arriving afterwards starts from the floor, which is also its error bound (it may have
/// been counted that often before it was evicted). So every count is at least the true
/// count and at most `error` above it, every key whose true count exceeds the floor is kept,
/// and memory never holds more than `maxKeys` keys. Evicting in batches keeps each update
/// O(1) amortised, where a per-update heap costs a cache miss per level under a flood.
///
/// A scanner spraying millions of random addresses or URLs therefore cannot make authlog
/// run out of memory or time, and the real attackers still top the lists.
public struct BoundedTable<Value: Tally>: Sendable {
    public let maxKeys: Int
    private var slotOfKey: [String: Int] = [:]
    private var keys: [String] = []
    private var values: [Value] = []
    private var errors: [Int] = []
    private var live: [Bool] = []
    private var freeSlots: [Int] = []
    /// The largest count evicted so far: what a newly seen key may have had before.
    public private(set) var floor = 0
    /// True once some key has been evicted: counts may then be estimates.
    public private(set) var isApproximate = false

    public init(maxKeys: Int) { self.maxKeys = max(1, maxKeys) }

    /// Distinct keys held.
    public var count: Int { slotOfKey.count }

    /// Counts one failure for `key` (and, for clients, the user it tried).
    @inline(__always)
    mutating func add(_ key: String, cause: Cause, time: Int64?, user: String? = nil) {
        if let slot = slotOfKey[key] {
            values[slot].add(cause: cause, time: time, user: user)
            return
        }
        var value = Value()
        value.add(cause: cause, time: time, user: user)
        insert(key, value, error: 0)
    }

    /// Adds a tally counted elsewhere for `key` (a key's requests counted by id first).
    mutating func add(_ key: String, tally: Value) {
        if let slot = slotOfKey[key] {
            values[slot].merge(tally)
        } else {
            insert(key, tally, error: 0)
        }
    }

    /// Adds another table's counts (a worker's partial result).
    mutating func merge(_ other: BoundedTable<Value>) {
        for (key, slot) in other.slotOfKey {
            if let mine = slotOfKey[key] {
                values[mine].merge(other.values[slot])
                errors[mine] += other.errors[slot]
            } else {
                insert(key, other.values[slot], error: other.errors[slot])
            }
        }
        // Keys the other table evicted may be missing here with up to its floor each.
        if other.isApproximate {
            isApproximate = true
            floor += other.floor
        }
    }

    /// The `limit` largest counts, by count descending then key ascending (byte order).
    public func top(_ limit: Int) -> [(key: String, value: Value, error: Int)] {
        guard limit > 0 else { return [] }
        func precedes(_ a: Int, _ b: Int) -> Bool {
            let (left, right) = (values[a].count, values[b].count)
            if left != right { return left > right }
            return keys[a].utf8.lexicographicallyPrecedes(keys[b].utf8)
        }
        var best: [Int] = []
        best.reserveCapacity(min(limit, slotOfKey.count) + 1)  // never sized by the caller's limit
        for slot in slotOfKey.values {
            if best.count == limit, !precedes(slot, best[limit - 1]) { continue }
            var low = 0, high = best.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(best[middle], slot) { low = middle + 1 } else { high = middle }
            }
            best.insert(slot, at: low)
            if best.count > limit { best.removeLast() }
        }
        return best.map { (keys[$0], values[$0], errors[$0]) }
    }

    private mutating func insert(_ key: String, _ value: Value, error: Int) {
        if slotOfKey.count >= maxKeys { evictSmallestQuarter() }
        // Size the hash table once for the bound when it comes near, instead of letting it
        // double (and hold old and new storage at once) on the way.
        if slotOfKey.count == maxKeys / 2, slotOfKey.capacity < maxKeys {
            slotOfKey.reserveCapacity(maxKeys)
            keys.reserveCapacity(maxKeys)
            values.reserveCapacity(maxKeys)
            errors.reserveCapacity(maxKeys)
            live.reserveCapacity(maxKeys)
        }
        var value = value
        if floor > 0 { value.setCount(value.count + floor) }
        if let slot = freeSlots.popLast() {
            keys[slot] = key
            values[slot] = value
            errors[slot] = error + floor
            live[slot] = true
            slotOfKey[key] = slot
        } else {
            slotOfKey[key] = keys.count
            keys.append(key)
            values.append(value)
            errors.append(error + floor)
            live.append(true)
        }
    }

    private mutating func evictSmallestQuarter() {
        isApproximate = true
        // (count, slot) of the live keys in slot order, so ties go the same way every run.
        var candidates: [(count: Int, slot: Int)] = []
        candidates.reserveCapacity(slotOfKey.count)
        for slot in keys.indices where live[slot] { candidates.append((values[slot].count, slot)) }
        let evictCount = max(1, candidates.count / 4)
        Self.selectSmallest(evictCount, in: &candidates)
        for (count, slot) in candidates.prefix(evictCount) {
            floor = max(floor, count)
            slotOfKey[keys[slot]] = nil
            keys[slot] = ""
            values[slot] = Value()
            errors[slot] = 0
            live[slot] = false
            freeSlots.append(slot)
        }
    }

    /// Moves the `k` smallest (count, slot) pairs to the front, in linear expected time
    /// (quickselect; a full sort of a million counts per eviction would cost seconds).
    static func selectSmallest(_ k: Int, in items: inout [(count: Int, slot: Int)]) {
        func less(_ a: (count: Int, slot: Int), _ b: (count: Int, slot: Int)) -> Bool {
            a.count != b.count ? a.count < b.count : a.slot < b.slot
        }
        var low = 0, high = items.count - 1
        let target = k - 1
        while low < high {
            let middle = low + (high - low) / 2
            // Median of three as the pivot: deterministic, and safe on sorted input.
            if less(items[middle], items[low]) { items.swapAt(middle, low) }
            if less(items[high], items[low]) { items.swapAt(high, low) }
            if less(items[high], items[middle]) { items.swapAt(high, middle) }
            let pivot = items[middle]
            var i = low, j = high
            while i <= j {
                while less(items[i], pivot) { i += 1 }
                while less(pivot, items[j]) { j -= 1 }
                if i <= j {
                    items.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { high = j } else if target >= i { low = i } else { return }
        }
    }
}

extension BoundedTable where Value == ClientTally {
    /// Notes the connecting address a counted client's failure came through (`notePeer`).
    mutating func notePeer(_ peer: String, of key: String) {
        if let slot = slotOfKey[key] { values[slot].notePeer(peer) }
    }
}
