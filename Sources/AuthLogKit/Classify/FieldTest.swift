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
}
