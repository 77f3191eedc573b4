import Testing
@testable import AuthLogKit

/// What `--journal` takes from the command line and from a state file, before libsystemd
/// sees any of it.
@Suite struct JournalCursorTests {
    @Test func aCursorLibsystemdWroteIsAcceptedAndAnythingElseIsNot() {
        #expect(JournalCursor.problem("s=8cf6d8d35cc24f30bf3b6fc3da345fb1;i=4;b=1f2e3d4c5b6a79881f2e3d4c5b6a7988;m=3eb;t=660af8a5a9740;x=2a7d06defe3aa055") == nil)
        for bad in ["", "s=1", "i=1", "s=1;i=2;q=3", "s=1;i=2;s=3", "s=1;i=2;x=", "s=1;i=2;x=zz", "s=1;i=2\n", "s=1;;i=2",
                    String(repeating: "s=1;", count: 200)] {
            #expect(JournalCursor.problem(bad) != nil, "\(bad)")
        }
    }

    @Test func aUnitWithoutATypeIsAServiceAsInJournalctl() {
        let selection = JournalSelection(files: .directory("/srv/j"), units: ["nginx", "php8.2-fpm", "ssh.socket", "user@1000.service"])
        #expect(selection.units == ["nginx.service", "php8.2-fpm.service", "ssh.socket", "user@1000.service"])
        #expect(selection.displayName == "journal -D /srv/j -u nginx.service -u php8.2-fpm.service -u ssh.socket -u user@1000.service")
    }

    @Test func aStateWithoutAJournalKeepsTheFirstSchema() {
        let files = SummaryState(generatedAt: "2026-11-20T00:00:00Z", checkpoints: [], previous: nil)
        #expect(files.schema == SummaryState.schema)
        let journal = SummaryState(generatedAt: "2026-11-20T00:00:00Z", checkpoints: [], previous: nil,
                                   journal: .init(cursor: "s=1;i=2", source: "journal"))
        #expect(journal.schema == SummaryState.journalSchema)
    }
}
