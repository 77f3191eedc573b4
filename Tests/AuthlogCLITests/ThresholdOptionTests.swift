import AuthLogKit
import Foundation
import Testing

/// Every threshold a finding rule registers is a flag of scan and summary, with no line for it
/// in the command's code: these tests hold each registered flag to what a declared option
/// gets (help with its default, the man page, the three completion scripts, the range check,
/// both spellings of its value), so that a new kind cannot bring a flag that is half there.
@Suite struct ThresholdOptionTests {
    let cli = CommandLineTests()
    static let thresholds = FindingRegistry.thresholds
    let scene = "samples/findings/brute-force"

    /// Help text with its line wrapping undone.
    static func words(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    @Test(arguments: ["scan", "summary"])
    func helpListsEveryThresholdWithItsHelpAndDefault(_ command: String) throws {
        let help = try cli.run([command, "--help"])
        #expect(help.status == 0)
        let findings = try #require(help.stdout.range(of: "FINDINGS:"), "\(command) --help has no FINDINGS section")
        let section = Self.words(String(help.stdout[findings.upperBound...]))
        #expect(Self.thresholds.count >= 9)  // --login-posts went with wordpress-login-pressure (now brute-force)
        for threshold in Self.thresholds {
            let entry = "--\(threshold.flag) <\(threshold.valueName)> \(threshold.help) (default: \(threshold.defaultValue))"
            #expect(section.contains(entry), "\(command) --help lacks \(entry)")
        }
    }

    @Test(arguments: ["scan", "summary"])
    func manPageDocumentsEveryThreshold(_ command: String) throws {
        let page = try String(contentsOf: ManPageTests.page(for: command), encoding: .utf8)
        for threshold in Self.thresholds {
            // The page generator leaves out what is not ASCII (the … of --probe-requests).
            let help = String(String.UnicodeScalarView(threshold.help.unicodeScalars.filter(\.isASCII)))
            #expect(page.contains(".It Fl -\(threshold.flag) Ar \(threshold.valueName)\n\(help)\n"),
                    "authlog.\(command).1 lacks --\(threshold.flag): run scripts/gen-man")
        }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionsOfferEveryThreshold(_ shell: String) throws {
        let script = try cli.run(["--generate-completion-script", shell])
        #expect(script.status == 0)
        for threshold in Self.thresholds {
            let offered = switch shell {
            case "bash": "'--\(threshold.flag)')"
            case "zsh": "'--\(threshold.flag)["
            default: "-l '\(threshold.flag)' -d '\(threshold.help)'"
            }
            // Once for scan, once for summary.
            #expect(script.stdout.components(separatedBy: offered).count - 1 == 2, "\(shell) completion: \(offered)")
        }
    }

    @Test(arguments: thresholds)
    func valuesOutsideTheRangeAreUsageErrorsNamingTheFlag(_ threshold: FindingThreshold) throws {
        for value in [threshold.range.lowerBound - 1, threshold.range.upperBound + 1] {
            let result = try cli.run(["scan", "--\(threshold.flag)", "\(value)", scene])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(threshold.optionDescription) must be between \(threshold.range.lowerBound) and "
                                           + "\(threshold.range.upperBound) (got \(value))"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let missing = try cli.run(["summary", scene, "--\(threshold.flag)"])
        #expect(missing.status == 2 && missing.stderr.contains("Missing value for '--\(threshold.flag) <\(threshold.valueName)>'"),
                "\(missing.stderr)")
        let notANumber = try cli.run(["summary", "--\(threshold.flag)", "many", scene])
        #expect(notANumber.status == 2 && notANumber.stderr.contains("The value 'many' is invalid for '--\(threshold.flag) <\(threshold.valueName)>'"),
                "\(notANumber.stderr)")
    }

    /// Both spellings reach the rule: the brute-force scene's 25 wrong passwords are reported
    /// at 25 and not at 26, whichever way the value is written.
    @Test func bothSpellingsOfAValueReachTheRule() throws {
        func bruteForceFound(_ arguments: [String]) throws -> Bool {
            let run = try cli.run(["scan", "-o", "ndjson"] + arguments + [scene])
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout.contains("\"kind\":\"brute-force\"")
        }
        #expect(try bruteForceFound(["--brute-force", "25"]))
        #expect(try !bruteForceFound(["--brute-force", "26"]))
        #expect(try bruteForceFound(["--brute-force=25"]))
        #expect(try !bruteForceFound(["--brute-force=26"]))
    }

    /// follow has no findings: a threshold there is an unknown option, not silently ignored.
    @Test func followTakesNoThresholds() throws {
        let result = try cli.run(["follow", "--brute-force", "5", "samples/nginx-error.log"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--brute-force"), "\(result.stderr)")
    }
}
