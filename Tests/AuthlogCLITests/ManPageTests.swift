import Foundation
import Testing

/// The committed man pages (contrib/man, made by scripts/gen-man with ArgumentParser's
/// generate-manual plugin): they must render cleanly and not fall behind the options.
@Suite struct ManPageTests {
    let cli = CommandLineTests()
    static let directory = CommandLineTests.repositoryRoot.appendingPathComponent("contrib/man")
    static let commands = ["", "scan", "follow", "summary", "patterns"]

    static func page(for command: String) -> URL {
        directory.appendingPathComponent(command.isEmpty ? "authlog.1" : "authlog.\(command).1")
    }

    // Packaging item 3: there was no man page.
    @Test func everyCommandHasAPageThatRendersWithoutWarnings() throws {
        #expect(ExternalTool.exists("/usr/bin/man"), "man missing: apt-get install man-db")
        for command in Self.commands {
            let page = Self.page(for: command)
            #expect(FileManager.default.fileExists(atPath: page.path), "no \(page.lastPathComponent)")
            let run = try ExternalTool.run("/usr/bin/man", ["--warnings", "-l", page.path],
                                           environment: ["MANWIDTH": "80", "LC_ALL": "C.UTF-8", "MAN_KEEP_FORMATTING": ""])
            #expect(run.status == 0, "\(page.lastPathComponent): \(run.stderr)")
            #expect(run.stderr.isEmpty, "\(page.lastPathComponent): \(run.stderr)")
            #expect(run.stdout.contains("SYNOPSIS"))
        }
    }

    // Packaging item 3: a page that lacks an option `--help` shows is stale: run scripts/gen-man.
    @Test func everyPageListsEveryOptionTheCommandHas() throws {
        for command in Self.commands {
            let help = try cli.run(command.isEmpty ? ["--help"] : [command, "--help"]).stdout
            let options = Set(help.split(whereSeparator: { " ,=[]()\n".contains($0) })
                .filter { $0.hasPrefix("--") && $0.count > 2 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }
                .map(String.init))
            #expect(!options.isEmpty)
            let page = try String(contentsOf: Self.page(for: command), encoding: .utf8)
            for option in options {
                // mdoc writes --name as "Fl -name".
                #expect(page.contains("Fl -" + option.dropFirst(2)) || page.contains(option),
                        "\(Self.page(for: command).lastPathComponent) lacks \(option): run scripts/gen-man")
            }
        }
    }
}
