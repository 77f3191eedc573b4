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
    /// When no name led to it any more (renamed away, deleted); read on for a grace period.
    var unreachableSince: Double?
    var classifier: LineClassifier?
    var detectionFailed = false

    static let headLength = 256

    init(identity: FileIdentity, path: String, descriptor: Int32, offset: Int, line: Int) {
        self.identity = identity
        self.path = path
        self.descriptor = descriptor
        self.offset = offset
        self.line = line
    }

    /// Starts over from the beginning: the file was truncated or rewritten.
    func restart() {
        offset = 0
        partial = []
        discarding = false
        line = 0
        head = []
    }
}
