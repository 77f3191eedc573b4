import Foundation
import Testing

/// scripts/install, staged below a temporary --destdir with the binary the tests already have.
@Suite struct InstallScriptTests {
    static let script = CommandLineTests.repositoryRoot.appendingPathComponent("scripts/install").path

    func install(prefix: String) throws -> (URL, ExternalTool.Run) {
        let destdir = try ExternalTool.temporaryDirectory("install")
        let run = try ExternalTool.run(Self.script, ["--prefix", prefix, "--destdir", destdir.path,
                                                     "--binary", CommandLineTests.executable.path])
        return (destdir, run)
    }

    // Packaging item 3: there was no way to install anything but the bare binary.
    @Test func localInstallStagesEveryFileAndPointsTheUnitsAtItsBinary() throws {
        let (destdir, run) = try install(prefix: "/usr/local")
        defer { try? FileManager.default.removeItem(at: destdir) }
        #expect(run.status == 0, "\(run.stderr)")
        let expected = ["/usr/local/bin/authlog", "/usr/local/share/man/man1/authlog.1", "/usr/local/share/man/man1/authlog.follow.1",
                        "/usr/local/share/bash-completion/completions/authlog", "/usr/local/share/zsh/site-functions/_authlog",
                        "/usr/local/share/fish/vendor_completions.d/authlog.fish",
                        "/etc/systemd/system/authlog-summary.service", "/etc/systemd/system/authlog-summary.timer",
                        "/etc/systemd/system/authlog-follow.service", "/etc/logrotate.d/authlog",
                        "/usr/local/share/doc/authlog/examples/cron.d-authlog"]
        // It lists what it installed, and installed exactly that.
        #expect(Set(run.stdout.split(separator: "\n").map(String.init)).isSuperset(of: expected), "\(run.stdout)")
        for path in expected {
            #expect(FileManager.default.fileExists(atPath: destdir.path + path), "\(path) missing")
        }
        #expect(FileManager.default.isExecutableFile(atPath: destdir.path + "/usr/local/bin/authlog"))
        // The completion files are the binary's own scripts, values included.
        let bash = try String(contentsOfFile: destdir.path + "/usr/local/share/bash-completion/completions/authlog", encoding: .utf8)
        #expect(bash.contains("nginx-error") && bash.contains("password-mismatch>="))
        let follow = try String(contentsOfFile: destdir.path + "/etc/systemd/system/authlog-follow.service", encoding: .utf8)
        #expect(follow.contains("\nExecStart=/usr/local/bin/authlog follow "))
    }

    @Test func otherPrefixReachesUnitsAndCrontab() throws {
        let (destdir, run) = try install(prefix: "/opt/authlog")
        defer { try? FileManager.default.removeItem(at: destdir) }
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try String(contentsOfFile: destdir.path + "/etc/systemd/system/authlog-summary.service", encoding: .utf8)
        #expect(summary.contains("\nExecStart=/opt/authlog/bin/authlog summary "))
        let cron = try String(contentsOfFile: destdir.path + "/opt/authlog/share/doc/authlog/examples/cron.d-authlog", encoding: .utf8)
        // cron's PATH leads to the binary.
        #expect(cron.contains("\nPATH=/opt/authlog/bin:/usr/bin:/bin\n"), "\(cron)")
        #expect(!FileManager.default.fileExists(atPath: destdir.path + "/usr/local"), "nothing outside the prefix but /etc")
    }

    @Test func unknownArgumentIsAUsageError() throws {
        let run = try ExternalTool.run(Self.script, ["--prefx", "/usr"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--prefx"))
    }
}
