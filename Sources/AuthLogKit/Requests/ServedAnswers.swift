/// When new-failure's candidate paths were served: the buckets the scan counted
/// (`ServedPathTable`), and the exact times the second read found in the inputs the scan
/// could not count (`SuccessReader`), each in one-second buckets.
struct ServedAnswers {
    private(set) var byPath: [UInt32: [ServedBucket]] = [:]

    init(counted: ServedPathTable?, candidates: [UInt32], strings: StringInterner) {
        guard let counted else { return }
        for path in candidates {
            guard let name = strings[path] else { continue }
            let buckets = counted.buckets(of: name)
            if !buckets.isEmpty { byPath[path] = buckets }
        }
    }

    func adding(_ times: [UInt32: [Int64]]) -> ServedAnswers {
        var result = self
        for (path, times) in times where !times.isEmpty {
            result.byPath[path, default: []] += times.map(ServedBucket.init(time:))
        }
        return result
    }
}
