import ArgumentParser
import AuthLogKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The root command. It only parses arguments and maps outcomes to exit statuses; all the
/// work happens in AuthLogKit.
struct AuthLog: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "authlog",
        abstract: "Who is failing to authenticate, where, and why: auth failures in nginx, Apache and WordPress logs.",
        discussion: """
            EXIT STATUS
              0  done, and every input was read
              1  done, but some input could not be read or recognised, or the
                 output could not be written (full disk, /dev/full, a locked state)
              2  usage error or unusable pattern file: nothing was read
              3  summary: a --fail-on threshold was reached
            """,
        // The release, the commit (embedded at build time) and the C libraries loaded.
        version: VersionText.render(version: version, commit: BuildInfo.commit),
        subcommands: [ScanCommand.self, FollowCommand.self, SummaryCommand.self, PatternsCommand.self],
        defaultSubcommand: nil
    )
}

/// Exit statuses, documented in --help and the README.
enum ExitStatus {
    static let success: Int32 = 0
    static let inputProblem: Int32 = 1
    static let usage: Int32 = 2
    /// summary --fail-on: a threshold was reached (the report was written).
    static let thresholdReached: Int32 = 3
}

@main
enum Main {
    static func main() {
        LargeBuffers.returnToSystemWhenFreed()
        do {
            var command = try AuthLog.parseAsRoot(CommandArguments.normalized(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch let failure as OutputFailure {
            // A reader that left (`| head`) ends the run quietly; any other write error
            // means the output is incomplete, and says so.
            if failure.isBrokenPipe { Glibc.exit(ExitStatus.success) }
            StandardError.writeLine("authlog: error: \(failure.message)\n")
            Glibc.exit(ExitStatus.inputProblem)
        } catch {
            let code = AuthLog.exitCode(for: error)
            if code == .success {
                AuthLog.exit(withError: error)  // --help, --version: print and exit 0
            }
            // Argument errors exit 2, like most Unix tools, not ArgumentParser's 64.
            let message = AuthLog.fullMessage(for: error)
            StandardError.write(message.hasSuffix("\n") ? message : message + "\n")
            Glibc.exit(code == .validationFailure ? ExitStatus.usage : code.rawValue)
        }
    }
}
