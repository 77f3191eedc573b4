/// Counts per key with bounded memory: exact up to `maxKeys` distinct keys, then the
/// Space-Saving heavy-hitter algorithm (Metwally et al.): a new key takes over the slot of
/// the smallest count, inheriting that count as its error bound. Every key with a true
/// count above the smallest kept count is kept, and each count is over by at most its
/// `error`. A scanner spraying millions of random addresses or URLs therefore cannot make
/// authlog run out of memory, and the real attackers still top the lists.
public struct BoundedTable<Value: Tally>: Sendable {
    public let maxKeys: Int
    private var slotOfKey: [String: Int] = [:]
    private var keys: [String] = []
    private var values: [Value] = []
    private var errors: [Int] = []
    /// Min-heap of slots by count, built when the table first overflows.
    private var heap: [Int] = []
    private var heapPosition: [Int] = []
    /// True once some key has been evicted: counts are then upper bounds.
    public private(set) var isApproximate = false

    public init(maxKeys: Int) { self.maxKeys = max(1, maxKeys) }

    /// Distinct keys held.
    public var count: Int { keys.count }

    /// Counts one failure for `key` (and, for clients, the user it tried).
    @inline(__always)
    mutating func add(_ key: String, cause: Cause, time: Int64?, user: String? = nil) {
        if let slot = slotOfKey[key] {
            values[slot].add(cause: cause, time: time, user: user)
            if isApproximate { siftDown(heapPosition[slot]) }
            return
        }
        var value = Value()
        value.add(cause: cause, time: time, user: user)
        insert(key, value, error: 0)
    }

    /// Adds another table's counts (a worker's partial result).
    mutating func merge(_ other: BoundedTable<Value>) {
        for slot in other.keys.indices {
            let key = other.keys[slot]
            if let mine = slotOfKey[key] {
                values[mine].merge(other.values[slot])
                errors[mine] += other.errors[slot]
                if isApproximate { siftDown(heapPosition[mine]) }
            } else {
                insert(key, other.values[slot], error: other.errors[slot])
            }
        }
        if other.isApproximate { isApproximate = true }
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
        best.reserveCapacity(limit + 1)
        for slot in keys.indices {
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

    // MARK: - Space-Saving

    private mutating func insert(_ key: String, _ value: Value, error: Int) {
        if keys.count < maxKeys {
            slotOfKey[key] = keys.count
            keys.append(key)
            values.append(value)
            errors.append(error)
            if isApproximate {
                heapPosition.append(heap.count)
                heap.append(keys.count - 1)
                siftUp(heap.count - 1)
            }
            return
        }
        if !isApproximate { buildHeap() }
        // Evict the smallest count; the newcomer inherits it as its possible overcount.
        let slot = heap[0]
        let floor = values[slot].count
        slotOfKey[keys[slot]] = nil
        slotOfKey[key] = slot
        keys[slot] = key
        var inherited = value
        inherited.setCount(floor + value.count)
        values[slot] = inherited
        errors[slot] = floor + error
        siftDown(0)
    }

    private mutating func buildHeap() {
        isApproximate = true
        heap = Array(keys.indices)
        heapPosition = Array(keys.indices)
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        while true {
            let left = 2 * index + 1, right = left + 1
            var smallest = index
            if left < heap.count, values[heap[left]].count < values[heap[smallest]].count { smallest = left }
            if right < heap.count, values[heap[right]].count < values[heap[smallest]].count { smallest = right }
            if smallest == index { return }
            swapHeap(index, smallest)
            index = smallest
        }
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        while index > 0 {
            let parent = (index - 1) / 2
            guard values[heap[index]].count < values[heap[parent]].count else { return }
            swapHeap(index, parent)
            index = parent
        }
    }

    private mutating func swapHeap(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        heapPosition[heap[a]] = a
        heapPosition[heap[b]] = b
    }
}
