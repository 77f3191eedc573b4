import Foundation

/// What is wrong with a damaged state file, in words that name the field: "previous.total:
/// -9223372036854775808 is out of range", not Foundation's "The data couldn't be read because
/// it isn't in the correct format". A state file is written by authlog, but it sits on disk
/// where anything may happen to it, so every figure in it is checked before it is used.
enum StateFileProblem {
    /// Figures read from a state: counts and byte offsets are never negative, and never near
    /// Int.max, so that any sum or difference of two of them stays in range.
    static let largestFigure = 1 << 62

    /// Why decoding failed, naming the field (in the file's own snake_case spelling).
    static func describe(_ error: any Error, data: Data) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        // Foundation reports a number that does not fit its field (-1 for an inode, 1e30 for
        // a count) as "not valid JSON", with no path: find the field ourselves.
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
           let tree = try? JSONSerialization.jsonObject(with: data), let found = unfitNumber(in: tree, at: "") {
            return found
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(field(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(field(context.codingPath)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(field(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not JSON (\(context.debugDescription))" }
            return "\(field(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// The first figure outside 0...largestFigure, or nil when every one is in range.
    static func outOfRange(_ state: SummaryState) -> String? {
        func check(_ value: Int?, _ name: String) -> String? {
            guard let value, value < 0 || value > largestFigure else { return nil }
            return "\(name): \(value) is out of range (0…\(largestFigure))"
        }
        for (index, checkpoint) in state.checkpoints.enumerated() {
            let name = "checkpoints[\(index)]"
            if let problem = check(checkpoint.offset, "\(name).offset") ?? check(checkpoint.archiveSize, "\(name).archive_size") {
                return problem
            }
            if checkpoint.fingerprintLength < 0 || checkpoint.fingerprintLength > IncrementalPlanner.fingerprintBytes {
                return "\(name).fingerprint_length: \(checkpoint.fingerprintLength) is out of range (0…\(IncrementalPlanner.fingerprintBytes))"
            }
        }
        if let journal = state.journal {
            if state.schema != SummaryState.journalSchema {
                return "journal: a journal cursor needs schema '\(SummaryState.journalSchema)'"
            }
            // Checked before libsystemd parses it: the file is not trusted.
            if let problem = JournalCursor.problem(journal.cursor) { return "journal.cursor: \(problem)" }
        }
        if let previous = state.previous {
            if let problem = check(previous.total, "previous.total") { return problem }
            for (cause, count) in previous.byCause.sorted(by: { $0.key < $1.key }) {
                if let problem = check(count, "previous.by_cause.\(cause)") { return problem }
            }
        }
        return nil
    }

    /// The first number (depth first) that no field of a state can hold: not a whole number,
    /// beyond 64 bits, or negative where the field is unsigned (device, inode).
    private static func unfitNumber(in value: Any, at path: String) -> String? {
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = unfitNumber(in: object[key]!, at: path.isEmpty ? key : path + "." + key) { return found }
            }
        case let list as [Any]:
            for (index, element) in list.enumerated() {
                if let found = unfitNumber(in: element, at: path + "[\(index)]") { return found }
            }
        case let number as NSNumber where !(value is Bool):
            let name = path.isEmpty ? "the top level" : path
            let double = number.doubleValue
            let unsigned = path.hasSuffix(".device") || path.hasSuffix(".inode")
            if double != double.rounded() || abs(double) >= 0x1p64 || (!unsigned && abs(double) >= 0x1p63) {
                return "\(name): \(number) is not a whole number that fits"
            }
            if unsigned, double < 0 { return "\(name): \(number) is negative" }
        default:
            break
        }
        return nil
    }

    private static func field(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + snakeCase(key.stringValue)
            }
        }
        return text.isEmpty ? "the top level" : text
    }

    /// `byCause` → `by_cause`: the decoder reports Swift's names, the file has JSON's.
    private static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase, !out.isEmpty {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type, is Int64.Type: return "a whole number"
        case is String.Type: return "a string"
        default:
            // Lists decode as Array<…>; the state's structs and dictionaries are JSON objects.
            return String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
