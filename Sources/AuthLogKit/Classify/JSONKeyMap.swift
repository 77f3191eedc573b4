/// Which keys of a JSON log line give which field, as a `[format]` with `decoder = json`
/// states them:
///
///     json.ip     = request.client_ip request.remote_ip
///     json.status = status
///
/// Each value lists key paths (a dot goes one object deeper), of which the first present in a
/// line wins. The paths are kept as a tree of keys, so that one walk over a line's object
/// finds every field: at each object only the keys the tree has there are compared, and
/// objects no path enters are skipped without being read.
struct JSONKeyMap: Sendable {
    /// What a `json.NAME` setting gives. `protocol` is no record field: it completes the
    /// request line composed from method and path when the log has none. `message` is what
    /// the rules' `regex = …` reads; its key may hold an object or array, given as its JSON
    /// text (`json.message = request.headers`: a rule can then ask whether a header was sent).
    enum Target: Int, CaseIterable, Sendable {
        case time, ip, user, request, method, path, status, `protocol`, message
        /// The response body's size (`body_bytes_sent`, `size`): what tells an XML-RPC fault.
        case bytes
        /// The client as a proxy passed it on (`X-Forwarded-For`, `X-Real-IP`,
        /// `CF-Connecting-IP`): believed only from a `--trusted-proxy` peer, as for text logs.
        case forwarded
        /// The key of `json.when`, whose value decides whether the line is a record at all.
        case when

        var settingName: String {
            switch self {
            case .protocol: return "protocol"
            case .when: return "when"
            default: return String(describing: self)
            }
        }
    }

    /// `json.when = logger=http.log.access*`: a line is a record of the format only when the
    /// key holds the value (a final `*` makes it a prefix). Caddy writes other loggers' lines
    /// to the same file, some with a status of their own (reverse_proxy's upstream roundtrip).
    struct Condition: Sendable {
        var value: [UInt8]
        var isPrefix: Bool
    }
    private(set) var condition: Condition?

    /// One key of the tree. `slots` are the fields its value gives, with the rank of the path
    /// among its field's alternatives (0 = first listed: it beats every later one).
    struct Node: Sendable {
        var key: [UInt8]
        var children: [Int] = []
        var slots: [(target: Target, rank: Int)] = []
    }

    /// Node 0 is the line's top-level object (no key).
    private(set) var nodes: [Node] = [Node(key: [])]
    /// The targets some path gives.
    private(set) var mapped: Set<Target> = []

    /// Reads the format's `json.*` settings; an unknown name or an empty path is an error
    /// naming its line.
    init(format: FormatDefinition) throws(PatternError) {
        for setting in format.decoderSettings {
            guard let target = Target.allCases.first(where: { $0.settingName == setting.key }) else {
                throw PatternError(file: setting.source.file, line: setting.source.line, message:
                    "format '\(format.name)': 'json.\(setting.key)' names no field; json. takes: "
                        + Target.allCases.map(\.settingName).joined(separator: ", "))
            }
            var value = Substring(setting.value)
            if target == .when {
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    throw PatternError(file: setting.source.file, line: setting.source.line, message:
                        "format '\(format.name)': 'json.when' is KEY=VALUE (json.when = logger=http.log.access*)")
                }
                var wanted = value[value.index(after: equals)...]
                let isPrefix = wanted.hasSuffix("*")
                if isPrefix { wanted = wanted.dropLast() }
                condition = Condition(value: Array(wanted.utf8), isPrefix: isPrefix)
                value = value[..<equals]
            }
            let paths = value.split(separator: " ")
            guard !paths.isEmpty else {
                throw PatternError(file: setting.source.file, line: setting.source.line,
                                   message: "format '\(format.name)': 'json.\(setting.key)' lists no key")
            }
            for (rank, path) in paths.enumerated() {
                let keys = path.split(separator: ".", omittingEmptySubsequences: false)
                guard !keys.contains(where: \.isEmpty) else {
                    throw PatternError(file: setting.source.file, line: setting.source.line, message:
                        "format '\(format.name)': 'json.\(setting.key)' has an empty key in '\(path)'")
                }
                var node = 0
                for key in keys { node = child(of: node, key: Array(key.utf8)) }
                nodes[node].slots.append((target, rank))
            }
            mapped.insert(target)
        }
        guard !mapped.subtracting([.when]).isEmpty else {
            throw PatternError(file: format.source.file, line: format.source.line, message:
                "format '\(format.name)' (decoder = json) maps no key to a field: add e.g. 'json.status = status'")
        }
    }

    private mutating func child(of parent: Int, key: [UInt8]) -> Int {
        if let existing = nodes[parent].children.first(where: { nodes[$0].key == key }) { return existing }
        nodes.append(Node(key: key))
        nodes[parent].children.append(nodes.count - 1)
        return nodes.count - 1
    }

    /// The tree flattened into plain values, for a scratch to copy into memory of its own
    /// (the walk then touches no reference-counted array).
    struct Flat {
        /// Per node: its key's bytes in `keyBytes`, its children in `children`, its slots in `slots`.
        struct Node {
            var keyStart: Int, keyCount: Int
            var childStart: Int, childCount: Int
            var slotStart: Int, slotCount: Int
        }
        struct Slot {
            var target: Int
            var rank: Int
        }
        var nodes: [Node] = []
        var keyBytes: [UInt8] = []
        var children: [Int] = []
        var slots: [Slot] = []
    }

    var flat: Flat {
        var flat = Flat()
        for node in nodes {
            flat.nodes.append(Flat.Node(keyStart: flat.keyBytes.count, keyCount: node.key.count,
                                        childStart: flat.children.count, childCount: node.children.count,
                                        slotStart: flat.slots.count, slotCount: node.slots.count))
            flat.keyBytes += node.key
            flat.children += node.children
            flat.slots += node.slots.map { Flat.Slot(target: $0.target.rawValue, rank: $0.rank) }
        }
        return flat
    }
}
