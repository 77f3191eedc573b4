import CZlib
import PCRE2

/// What `authlog --version` prints: the release, the commit it was built from, and the
/// versions of the C libraries actually loaded, which on a server may differ from the ones
/// the binary was built against (a bug report needs the loaded ones).
public enum VersionText {
    public static func render(version: String, commit: String) -> String {
        """
        authlog \(version)
        commit \(commit)
        PCRE2 \(pcre2LibraryVersion())
        zlib \(zlibLibraryVersion())
        """
    }

    static func zlibLibraryVersion() -> String {
        guard let version = zlibVersion() else { return "unknown" }
        return String(cString: version)
    }
}
