import Foundation
import Testing

/// What a bug report and a shell need from the binary: which build it is, and what its options
/// accept.
@Suite struct VersionAndCompletionTests {
    let cli = CommandLineTests()

    // Packaging item 2: --version printed "0.1.0" only, not the build nor the libraries.
    @Test func versionNamesTheCommitBuiltFromAndTheLoadedLibraries() throws {
        let run = try cli.run(["--version"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(run.stdout)")
        #expect(lines.first?.hasPrefix("authlog 0.") == true)
        let commit = try #require(lines.first { $0.hasPrefix("commit ") }).dropFirst("commit ".count)
        let head = try ExternalTool.run("git", ["rev-parse", "HEAD"])
        let top = try ExternalTool.run("git", ["rev-parse", "--show-toplevel"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let ownRepository = !top.isEmpty && URL(fileURLWithPath: top).resolvingSymlinksInPath().path
            == CommandLineTests.repositoryRoot.resolvingSymlinksInPath().path
        if head.status == 0, ownRepository {
            // Built from this checkout (dirty or not): the commit is the checkout's.
            #expect(commit.hasPrefix(head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(commit)")
        } else {
            #expect(commit == "unknown")
        }
        // The versions the libraries report at run time, as pkg-config knows the installed ones.
        let pcre2 = try ExternalTool.run("pkg-config", ["--modversion", "libpcre2-8"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let zlib = try ExternalTool.run("pkg-config", ["--modversion", "zlib"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(lines.contains { $0.hasPrefix("PCRE2 \(pcre2) ") }, "\(run.stdout) vs pkg-config \(pcre2)")
        #expect(lines.contains("zlib \(zlib)"), "\(run.stdout) vs pkg-config \(zlib)")
    }

    // Packaging item 3: completions offered no values for --log-format or --fail-on.
    @Test func completionScriptsOfferTheFormatsAndCauses() throws {
        let formats = try cli.run(["patterns"]).stdout
        for shell in ["bash", "zsh", "fish"] {
            let run = try cli.run(["--generate-completion-script", shell])
            #expect(run.status == 0, "\(shell): \(run.stderr)")
            for format in ["nginx-access", "nginx-error", "apache-access", "apache-error", "wordpress", "syslog"] {
                #expect(formats.contains(format), "authlog patterns does not know \(format)")
                #expect(run.stdout.contains(format), "\(shell) completion lacks format \(format)")
            }
            for cause in ["unknown-user", "password-mismatch", "denied-by-rule", "http-403"] {
                #expect(run.stdout.contains("\(cause)>="), "\(shell) completion lacks cause \(cause)")
            }
        }
        // bash offers them exactly where they apply: --log-format's list is the formats.
        let bash = try cli.run(["--generate-completion-script", "bash"]).stdout
        let formatNames = ["apache-access", "apache-error", "caddy-json", "haproxy", "ingress-nginx", "json-access",
                           "lighttpd-error", "litespeed-error", "nginx-access", "nginx-error", "nginx-json", "nginx-proxy-manager",
                           "npmplus", "syslog", "traefik-access", "traefik-json", "wordpress", "wp-fail2ban"]
        let logFormat = try #require(bash.range(of: formatNames.map { "'\($0)'" }.joined(separator: "$'\\n'")))
        #expect(!logFormat.isEmpty)
    }
}
