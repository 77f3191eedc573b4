import Testing
@testable import AuthLogKit

/// Per-cause counters are held inline (no allocation per tallied key); a cause added to the
/// enum must get a slot there and a distinct position.
@Suite struct CauseTests {
    // style.md 3.8: CauseCounts hard-coded 12 causes in three places.
    @Test func causeCountsHaveASlotForEveryCause() {
        #expect(Cause.allCases.count <= CauseCounts.capacity)
        #expect(Cause.allCases.map(\.index) == Array(0..<Cause.allCases.count))
        var counts = CauseCounts()
        for (offset, cause) in Cause.allCases.enumerated() {
            for _ in 0...offset { counts.increment(cause) }
        }
        var merged = CauseCounts()
        merged.merge(counts)
        merged.merge(counts)
        for (offset, cause) in Cause.allCases.enumerated() {
            #expect(counts[cause] == offset + 1)
            #expect(merged[cause] == 2 * (offset + 1))
        }
        #expect(merged != counts)
        #expect(counts.nonZeroByCount.first?.cause == Cause.allCases.last)
    }
}
