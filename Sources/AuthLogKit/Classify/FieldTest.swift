import PCRE2

/// A rule's test on one decoded field, ready to run after the decoder: a byte compare
/// against the values written (`field.status = 401|403`, `field.status = 2*`), or a regex
/// anchored at the field's start (`regex.request = …`), run only once the rule's compares hold.
struct FieldTest: Sendable {
    enum Check: Sendable {
        case oneOf([FieldTestDefinition.Value])
        /// Index into the format's field regexes (each worker has a matcher for each).
        case regex(Int)
    }

    let field: RecordField
    let check: Check

    enum Result {
        case holds, fails, limitExceeded
    }

    /// All of `tests` on the record; the compares first, the regexes after them.
    @inline(__always)
    static func run(_ tests: [FieldTest], on fields: RecordFields, in bytes: UnsafeRawBufferPointer,
                    regexes: [Matcher]) -> Result {
        for test in tests {
            guard case .oneOf(let values) = test.check else { continue }
            guard let range = fields.range(of: test.field, in: bytes),
                  Self.matches(UnsafeRawBufferPointer(rebasing: bytes[range]), values) else { return .fails }
        }
        for test in tests {
            guard case .regex(let index) = test.check else { continue }
            guard let range = fields.range(of: test.field, in: bytes) else { return .fails }
            switch regexes[index].match(UnsafeRawBufferPointer(rebasing: bytes[range])) {
            case .match: continue
            case .noMatch: return .fails
            case .limitExceeded, .failed: return .limitExceeded
            }
        }
        return .holds
    }

    @inline(__always)
    private static func matches(_ field: UnsafeRawBufferPointer, _ values: [FieldTestDefinition.Value]) -> Bool {
        for value in values {
            if value.isPrefix ? field.count >= value.bytes.count : field.count == value.bytes.count,
               value.bytes.withUnsafeBytes({ $0.elementsEqual(field.prefix(value.bytes.count)) }) {
                return true
            }
        }
        return false
    }
}
