import ArgumentParser
import AuthLogKit

/// Options shared by every command that uses pattern files.
struct PatternOptions: ParsableArguments {
    @Option(name: .customLong("patterns"), help: ArgumentHelp(
        "A directory of extra pattern files (*.conf); repeatable. A file named like a built-in one replaces it.",
        valueName: "dir"))
    var directories: [String] = []

    @Option(name: .customLong("server-config"), help: ArgumentHelp(
        "An nginx or Apache configuration whose log formats (log_format, LogFormat) and access logs are read; repeatable. "
            + "Default: /etc/nginx/nginx.conf, /etc/apache2/apache2.conf or /etc/httpd/conf/httpd.conf when readable.",
        valueName: "file"), completion: .file())
    var serverConfigs: [String] = []

    @Flag(name: .customLong("no-server-config"), help: "Do not read the servers' configurations in /etc.")
    var noServerConfig = false

    /// Loads and compiles the built-in and the user's pattern files and the formats of the
    /// servers' configurations, or exits 2 with the error naming the file, line and offset.
    func compiled() throws -> CompiledPatterns { try loaded().compiled }

    struct Loaded {
        var compiled: CompiledPatterns
        var server: ServerFormats
        /// The format `--log-format nginx:…` compiled to.
        var inlineFormat: String?
    }

    func loaded(logFormat: String? = nil) throws -> Loaded {
        do {
            let (server, inline) = try ServerFormats.load(userDirectories: directories, configFiles: serverConfigs,
                                                          readDefaults: !noServerConfig, logFormat: logFormat)
            return Loaded(compiled: try CompiledPatterns(server.patterns), server: server, inlineFormat: inline)
        } catch {
            StandardError.write("authlog: error: \(TerminalText.escape(error.description))\n")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
