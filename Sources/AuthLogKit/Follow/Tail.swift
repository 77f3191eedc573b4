/// One file being followed, known by its identity (device and inode) rather than its name:
/// renamed by logrotate it is still the same file, and the lines the server keeps writing to
/// it until it reopens its logs are still read.
final class Tail {
    let identity: FileIdentity
    /// The name it was last seen under.
    var path: String
    let descriptor: Int32
    /// The next byte to read.
    var offset: Int
    /// An unfinished last line, held until its newline arrives.
    var partial: [UInt8] = []
    /// The unfinished line grew past the line limit: drop bytes until the next newline.
    var discarding = false
    /// Lines completed so far (the next line's number is `line + 1`); unknown (0-based from
    /// where reading began) when following started at the end of an existing file.
    var line = 0
    /// The first bytes of the content (up to `headLength`), to recognise a copy of it
    /// (copytruncate) and a rewrite under the same inode.
    var head: [UInt8] = []
    /// New content (a new file, or this one rewritten) not read yet because its first bytes
    /// may still turn out to be a copy of a followed file (see `CopyCheck`).
    var identifying = false
    /// This file is a copy of that followed file, which is still read: nothing is read from
    /// here until the original is truncated or goes, and then from where the original was.
    var mirrorOf: FileIdentity?
    /// When no name led to it any more (renamed away, deleted); read on for a grace period.
    var unreachableSince: Double?
    /// Its stage of the line pipeline, once its format is known.
    var scanner: FileScanner?
    var detectionFailed = false

    static let headLength = 256

    init(identity: FileIdentity, path: String, descriptor: Int32, offset: Int, line: Int) {
        self.identity = identity
        self.path = path
        self.descriptor = descriptor
        self.offset = offset
        self.line = line
    }

    /// Where the lines read so far end: the unfinished line is not read yet.
    var lineStart: Int { offset - partial.count }

    /// Starts over from the beginning: the file was truncated or rewritten.
    func restart() {
        offset = 0
        partial = []
        discarding = false
        line = 0
        head = []
    }

    /// Continues where `original` is, whose content this file holds a copy of.
    func continueAfter(_ original: CopyOrigin) {
        offset = original.lineStart
        line = original.line
        discarding = original.discarding
        partial = []
    }
}

/// What a followed file had read when a copy of it was found: a copy continues from there.
struct CopyOrigin {
    var identity: FileIdentity
    var head: [UInt8]
    var lineStart: Int
    var line: Int
    var discarding: Bool

    init(_ tail: Tail) {
        identity = tail.identity
        head = tail.head
        lineStart = tail.lineStart
        line = tail.line
        discarding = tail.discarding
    }
}

/// Is new content (a new file, or a file rewritten under the same inode, as
/// `cp error.log error.log.1` does to an existing `.1`) a copy of a followed file?
enum CopyCheck: Equatable {
    /// It begins with that file's first bytes: its lines up to where that file was are read.
    case copy(of: FileIdentity)
    /// What is there so far is the start of a followed file's first bytes: a copy being
    /// written, or too little to tell. Wait for more.
    case undetermined
    /// Content of its own: read it from its start.
    case new

    /// `bytes`: the new content's first bytes (up to `Tail.headLength`). Of several originals
    /// it copies, the one read furthest says how much of it was already reported.
    static func check(_ bytes: [UInt8], against origins: [CopyOrigin]) -> (CopyCheck, CopyOrigin?) {
        var best: CopyOrigin?
        var undetermined = false
        for origin in origins where !origin.head.isEmpty {
            if bytes.starts(with: origin.head) {
                if best.map({ origin.lineStart > $0.lineStart }) ?? true { best = origin }
            } else if bytes.count < origin.head.count, origin.head.starts(with: bytes) {
                undetermined = true
            }
        }
        if let best { return (.copy(of: best.identity), best) }
        return (undetermined ? .undetermined : .new, nil)
    }
}

extension CopyOrigin: Equatable {}
