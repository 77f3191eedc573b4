import Glibc
import Testing
@testable import AuthLogKit

/// The pieces of follow's hostile-input fixes that need no process: --exec word splitting and
/// program lookup, recognising copies, option ranges.
@Suite struct FollowTrustUnitTests {
    // Trust item 3
    @Test func execSplitsWordsAsAShellWouldButExpandsNothing() throws {
        #expect(try ExecCommand.words("fail2ban-client set nginx-auth banip") == ["fail2ban-client", "set", "nginx-auth", "banip"])
        #expect(try ExecCommand.words(#"/opt/ban\ it 'a b' "c \"d\" \$e" f'g'h"#) == ["/opt/ban it", "a b", #"c "d" $e"#, "fgh"])
        #expect(try ExecCommand.words("  a\t\tb  ") == ["a", "b"])
        #expect(try ExecCommand.words("a '' b") == ["a", "", "b"])
        #expect(try ExecCommand.words("'*' '$HOME'") == ["*", "$HOME"])
        for broken in ["a 'b", "a \"b", "a \\", "block $IP", "a | b", "a; b", "a && b", "a > f", "`id`", "$(id)"] {
            #expect(throws: ExecCommand.Invalid.self, "\(broken)") { try ExecCommand.words(broken) }
        }
    }

    // Trust items 3 and 11
    @Test func execProgramIsFoundAtStartAndTheAlertFollowsDoubleDash() throws {
        let command = try ExecCommand(parsing: "sh -c 'exit 0'", searchPath: "/nonexistent:/bin:/usr/bin")
        #expect(command.executable == "/bin/sh")
        #expect(command.argv(for: ["ip", "-rf", "1", "60", "ip>=1/1m"]) == ["sh", "-c", "exit 0", "--", "ip", "-rf", "1", "60", "ip>=1/1m"])
        #expect(throws: ExecCommand.Invalid.self) { try ExecCommand(parsing: "no-such-program-here", searchPath: "/bin:/usr/bin") }
        #expect(throws: ExecCommand.Invalid.self) { try ExecCommand(parsing: "/etc/passwd") }   // not executable
        #expect(throws: ExecCommand.Invalid.self) { try ExecCommand(parsing: "/bin") }          // a directory
        #expect(throws: ExecCommand.Invalid.self) { try ExecCommand(parsing: "''") }
    }

    func origin(_ head: String, lineStart: Int, inode: UInt64) -> CopyOrigin {
        var info = stat()
        info.st_ino = UInt(inode)
        let tail = Tail(identity: FileIdentity(info), path: "f\(inode)", descriptor: -1, offset: lineStart, line: 3)
        tail.head = Array(head.utf8)
        return CopyOrigin(tail)
    }

    // Trust item 7
    @Test func newContentIsACopyOnlyWhenItBeginsWithAFollowedFilesFirstBytes() {
        let live = origin("2026/11/20 06:25:14 [error] one\n2026/11/20 06:25:15 [error] two\n", lineStart: 900, inode: 1)
        let older = origin("2026/11/19 23:59:59 [error] old\n", lineStart: 400, inode: 2)
        let copy = Array("2026/11/20 06:25:14 [error] one\n2026/11/20 06:25:15 [error] two\nmore".utf8)
        #expect(CopyCheck.check(copy, against: [older, live]).0 == .copy(of: live.identity))
        #expect(CopyCheck.check(copy, against: [older, live]).1?.lineStart == 900)
        // A copy still being written, or emptied by cp's O_TRUNC: wait.
        #expect(CopyCheck.check(Array("2026/11/20 06:25:14 [err".utf8), against: [older, live]).0 == .undetermined)
        #expect(CopyCheck.check([], against: [live]).0 == .undetermined)
        // Lines of its own (the truncated original's next lines): read from the start.
        #expect(CopyCheck.check(Array("2026/11/20 06:25:16 [error] three\n".utf8), against: [older, live]).0 == .new)
        #expect(CopyCheck.check(Array("anything".utf8), against: []).0 == .new)
    }

    // Trust item 11
    @Test func followOptionsOutOfRangeAreRefused() throws {
        func problem(_ change: (inout FollowOptions) -> Void) -> String? {
            var options = FollowOptions()
            change(&options)
            do { try options.check(); return nil } catch { return error.description }
        }
        #expect(problem { _ in } == nil)
        #expect(problem { $0.pollInterval = 0 } == "--poll must be between 100ms and 1h")
        #expect(problem { $0.pollInterval = 0.5 } == nil)
        #expect(problem { $0.summaryEvery = 0 } == "--summary-every must be between 1s and 7d")
        #expect(problem { $0.summaryEvery = 60 } == nil)
        #expect(problem { $0.execTimeout = 0 } != nil)
        #expect(problem { $0.execTimeout = .nan } != nil)
        #expect(problem { $0.execTimeout = 1e300 } != nil)
        #expect(problem { $0.rotationGrace = -1 } != nil)
        #expect(problem { $0.rotationGrace = .infinity } != nil)
        #expect(problem { $0.exec = try? ExecCommand(parsing: "/bin/true") } == "--exec runs a command for each alert: give at least one --alert rule")
    }
}
