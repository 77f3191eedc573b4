import PCRE2

/// Every rule's field tests of one format, flattened into tables of plain values for the
/// per-line check: the test of a field against the values written (`field.status = 401|403`,
/// `field.status = 2*`) is a byte compare with the value bytes in one pool, and a regex test
/// (`regex.request = …`) an anchored match with the worker's matcher, run only once the
/// rule's compares hold. Nothing read here holds a reference, so a line's tests cost no
/// retain or release (see `RuleSelector`).
struct RuleTests {
    private struct Test {
        let field: RecordField
        /// The values' span in `values`; empty for a regex test.
        let values: Range<Int>
        /// The regex test's matcher in `regexes`, or -1 for a compare.
        let regex: Int
    }

    private struct Value {
        /// The value's bytes in `pool`.
        let bytes: Range<Int>
        let isPrefix: Bool
    }

    /// Per rule: its compares, then its regex tests, in `list`.
    private let ofRule: [Range<Int>]
    private let list: [Test]
    private let values: [Value]
    private let pool: [UInt8]
    private let regexes: [Matcher]

    init(_ rules: [[FieldTest]], regexes: [Matcher]) {
        var ofRule: [Range<Int>] = []
        var list: [Test] = []
        var values: [Value] = []
        var pool: [UInt8] = []
        for tests in rules {
            let start = list.count
            // Compares first: they cost a few byte compares, a regex a PCRE2 call; and of the
            // compares those of fields read directly before method and path, which split the
            // request line (a rule's tests all hold or it fails: their order is free).
            let ordered = tests.filter { $0.field != .method && $0.field != .path }
                + tests.filter { $0.field == .method || $0.field == .path }
            for test in ordered {
                guard case .oneOf(let written) = test.check else { continue }
                let first = values.count
                for value in written {
                    values.append(Value(bytes: pool.count..<(pool.count + value.bytes.count), isPrefix: value.isPrefix))
                    pool += value.bytes
                }
                list.append(Test(field: test.field, values: first..<values.count, regex: -1))
            }
            for test in tests {
                guard case .regex(let index) = test.check else { continue }
                list.append(Test(field: test.field, values: 0..<0, regex: index))
            }
            ofRule.append(start..<list.count)
        }
        self.ofRule = ofRule
        self.list = list
        self.values = values
        self.pool = pool
        self.regexes = regexes
    }

    /// All of `rule`'s tests on the record. A test of `method` or `path` splits the request
    /// line into `fields` (once a line, also for the event made of it).
    @inline(__always)
    func run(rule: Int, on fields: inout RecordFields, in bytes: UnsafeRawBufferPointer) -> FieldTest.Result {
        for index in ofRule[rule] {
            let test = list[index]
            if test.field == .method || test.field == .path { fields.splitRequestIfNeeded(in: bytes) }
            guard let range = fields.range(of: test.field, in: bytes) else { return .fails }
            let field = UnsafeRawBufferPointer(rebasing: bytes[range])
            if test.regex < 0 {
                guard matches(field, test.values) else { return .fails }
                continue
            }
            switch regexes[test.regex].match(field) {
            case .match: continue
            case .noMatch: return .fails
            case .limitExceeded, .failed: return .limitExceeded
            }
        }
        return .holds
    }

    @inline(__always)
    private func matches(_ field: UnsafeRawBufferPointer, _ span: Range<Int>) -> Bool {
        // Values are a few bytes (a status, a method, a path): compared in place, no memcmp call.
        for index in span {
            let value = values[index]
            let count = value.bytes.count
            guard value.isPrefix ? field.count >= count : field.count == count else { continue }
            var offset = 0
            while offset < count, field[offset] == pool[value.bytes.lowerBound + offset] { offset += 1 }
            if offset == count { return true }
        }
        return false
    }
}
