import CByteSearch

/// All of a prefilter's literals searched for in one SIMD pass (Teddy, in CByteSearch's
/// MultiLiteral.c), where `authlog_find_any` makes one pass per group of literals of one
/// length and first byte: an error log's twenty rule literals were twenty passes.
///
/// Measured on the generated corpus (in-memory, per literal set): access logs 5.9 → 7.9 GB/s,
/// Apache's error log (21 literals) 0.65 → 2.2 GB/s, WordPress's debug.log 1.1 → 3.6 GB/s;
/// Vectorscan's literal mode was slower on the access logs (3.9 GB/s), which hold most bytes.
///
/// Only on a CPU with AVX2: elsewhere `make` returns nil and the prefilter keeps its groups.
/// It finds exactly the positions the groups find, so the candidate lines are the same.
final class MultiLiteralSearch {
    private let set: OpaquePointer

    private init(set: OpaquePointer) { self.set = set }

    deinit { authlog_multi_literal_destroy(set) }

    /// Nil without AVX2, for no literal or an empty one.
    static func make(literals: [[UInt8]]) -> MultiLiteralSearch? {
        guard authlog_multi_literal_available() != 0, !literals.isEmpty,
              !literals.contains(where: \.isEmpty) else { return nil }
        let bytes = literals.flatMap { $0 }
        let lengths = literals.map(\.count)
        guard let set = bytes.withUnsafeBufferPointer({ bytes in
            lengths.withUnsafeBufferPointer { lengths in
                authlog_multi_literal_create(bytes.baseAddress, lengths.baseAddress, lengths.count)
            }
        }) else { return nil }
        return MultiLiteralSearch(set: set)
    }

    /// Offset in `bytes[0..<count]` where a literal first starts (whole inside), or `count`.
    @inline(__always)
    func firstOccurrence(in bytes: UnsafePointer<UInt8>, count: Int) -> Int {
        authlog_multi_literal_find(set, bytes, count)
    }
}
