/// A layout that writes one JSON object a line (`log_format json escape=json
/// '{"addr":"$remote_addr","status":$status,…}'`, or a `LogFormat` of that shape): which key
/// holds which field, so that the lines are read by the JSON record decoder (`decoder = json`)
/// rather than by a regex of the layout. The decoder reads JSON's escapes and nginx's default
/// `\xHH` alike, and a value holding an escaped quote cannot shift the keys after it.
///
/// A variable is mapped when it is a key's whole value, quoted or not. One written inside
/// other text (`"req":"$request_method $uri"`) gives no field; a layout whose client or status
/// is not mapped, whose keys hold a dot (the decoder reads a dot as one object deeper), or
/// that is not one JSON object is no JSON layout: it is compiled to a regex as any other.
struct JSONLayout {
    struct Key {
        /// The `json.NAME` setting it gives (`ip`, `status`, …).
        var target: String
        /// The key path, dots between nested objects' keys.
        var path: String
        /// The text the layout writes from the key's opening quote to the value's start, with
        /// the value's opening quote: `"status":"` (what the prefilter's literals start with).
        var prefix: String
        var quoted: Bool
    }

    /// The first key of each field, in the layout's order.
    private(set) var keys: [Key] = []

    init?(layout: LogLayout) {
        // The layout as text, each variable a private-use scalar that no layout writes.
        var scalars: [Unicode.Scalar] = []
        var variables: [LogLayout.Value] = []
        var names: [String] = []
        for piece in layout.pieces {
            switch piece {
            case .literal(let text):
                // A layout's own text holding a scalar of the range that stands for variables
                // would name a variable that does not exist: not read as JSON (a regex then).
                guard !text.unicodeScalars.contains(where: { Parser.variable($0) != nil }) else { return nil }
                scalars += text.unicodeScalars
            case .variable(let name, let value):
                guard variables.count < 0x1000 else { return nil }
                scalars.append(Unicode.Scalar(0xE000 + UInt32(variables.count))!)
                variables.append(value)
                names.append(name)
            }
        }
        var parser = Parser(scalars: scalars)
        parser.skipSpace()
        guard parser.object(path: []), parser.skipSpace(), parser.index == scalars.count else { return nil }
        for found in parser.found {
            guard let target = Self.target(of: variables[found.variable], name: names[found.variable]) else { continue }
            guard !keys.contains(where: { $0.target == target }) else { continue }
            keys.append(Key(target: target, path: found.path, prefix: found.prefix, quoted: found.quoted))
        }
        guard keys.contains(where: { $0.target == "ip" }), keys.contains(where: { $0.target == "status" }) else { return nil }
        // Without a time variable, nginx's `$msec` (epoch seconds) is the time, as nginx-json reads it.
        if key("time") == nil, let msec = parser.found.first(where: { names[$0.variable] == "$msec" }) {
            keys.append(Key(target: "time", path: msec.path, prefix: msec.prefix, quoted: msec.quoted))
        }
    }

    static func target(of value: LogLayout.Value, name: String) -> String? {
        switch value {
        case .client: "ip"
        case .user: "user"
        case .time: "time"
        case .request: "request"
        case .method: "method"
        case .path: "path"
        case .status: "status"
        case .integer, .decimal, .forwardedFor, .skip: nil
        }
    }

    func key(_ target: String) -> Key? { keys.first { $0.target == target } }

    /// The `json.NAME = KEY` settings of the format.
    func settings(source: PatternSource) -> [(key: String, value: String, source: PatternSource)] {
        keys.map { ($0.target, $0.path, source) }
    }

    /// The prefilter's literals: the refused statuses and the POST request line as this layout
    /// writes them (`"status":"401"`, `"request":"POST `), keyed, so that other logs' lines
    /// are not kept for it.
    var literals: [[UInt8]] {
        var literals: [[UInt8]] = []
        if let status = key("status") {
            for code in ["400", "401", "403"] { literals.append(Array((status.prefix + code + (status.quoted ? "\"" : "")).utf8)) }
        }
        if let request = key("request"), request.quoted { literals.append(Array((request.prefix + "POST ").utf8)) }
        if let method = key("method"), method.quoted { literals.append(Array((method.prefix + "POST\"").utf8)) }
        return literals
    }

    /// The fields the decoder reads, for the rules that test them.
    var fields: Set<LayoutCompiler.CapturedField> {
        var fields: Set<LayoutCompiler.CapturedField> = []
        for key in keys {
            switch key.target {
            case "ip": fields.insert(.ip)
            case "user": fields.insert(.user)
            case "time": fields.insert(.time)
            case "request": fields.insert(.request)
            case "method": fields.insert(.method)
            case "path": fields.insert(.path)
            case "status": fields.insert(.status)
            default: break
            }
        }
        return fields
    }

    /// A JSON reader just strong enough for a format string: objects, strings, arrays and
    /// bare words, recording where a variable is a key's whole value.
    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0
        var found: [(variable: Int, path: String, prefix: String, quoted: Bool)] = []

        static func variable(_ scalar: Unicode.Scalar) -> Int? {
            (0xE000..<0xF000).contains(scalar.value) ? Int(scalar.value - 0xE000) : nil
        }

        @discardableResult
        mutating func skipSpace() -> Bool {
            while index < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[index]) { index += 1 }
            return true
        }

        /// A string's body from after its opening quote; the index ends after the closing one.
        mutating func string() -> [Unicode.Scalar]? {
            var body: [Unicode.Scalar] = []
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if scalar == "\"" { return body }
                if scalar == "\\", index < scalars.count { body.append(scalar); body.append(scalars[index]); index += 1; continue }
                body.append(scalar)
            }
            return nil
        }

        /// Objects nested deeper than this are no log layout (and would recurse without end).
        static let maximumDepth = 16

        mutating func object(path: [String]) -> Bool {
            guard path.count < Self.maximumDepth, index < scalars.count, scalars[index] == "{" else { return false }
            index += 1
            skipSpace()
            if index < scalars.count, scalars[index] == "}" { index += 1; return true }
            while true {
                guard index < scalars.count, scalars[index] == "\"" else { return false }
                let keyStart = index
                index += 1
                guard let key = string(), !key.contains(where: { Self.variable($0) != nil }) else { return false }
                skipSpace()
                guard index < scalars.count, scalars[index] == ":" else { return false }
                index += 1
                skipSpace()
                var name = ""
                name.unicodeScalars.append(contentsOf: key)
                // The decoder reads a dot as one object deeper ("source.ip" is no path).
                guard !name.contains(".") else { return false }
                guard value(path: path + [name], keyStart: keyStart) else { return false }
                skipSpace()
                guard index < scalars.count else { return false }
                if scalars[index] == "," { index += 1; skipSpace(); continue }
                guard scalars[index] == "}" else { return false }
                index += 1
                return true
            }
        }

        mutating func value(path: [String], keyStart: Int) -> Bool {
            guard index < scalars.count else { return false }
            let start = index
            var prefix = ""
            switch scalars[index] {
            case "{":
                return object(path: path)
            case "[":
                var depth = 0
                while index < scalars.count {
                    let scalar = scalars[index]
                    index += 1
                    if scalar == "\"" { guard string() != nil else { return false }; continue }
                    if scalar == "[" || scalar == "{" { depth += 1 }
                    if scalar == "]" || scalar == "}" { depth -= 1; if depth == 0 { return true } }
                }
                return false
            case "\"":
                index += 1
                guard let body = string() else { return false }
                if body.count == 1, let variable = Self.variable(body[0]) {
                    prefix.unicodeScalars.append(contentsOf: scalars[keyStart...start])
                    found.append((variable, path.joined(separator: "."), prefix, true))
                }
                return true
            default:
                while index < scalars.count, ![",", "}", "]", " ", "\t", "\n", "\r"].contains(scalars[index]) { index += 1 }
                guard index > start else { return false }
                if index - start == 1, let variable = Self.variable(scalars[start]) {
                    prefix.unicodeScalars.append(contentsOf: scalars[keyStart..<start])
                    found.append((variable, path.joined(separator: "."), prefix, false))
                }
                return true
            }
        }
    }
}
