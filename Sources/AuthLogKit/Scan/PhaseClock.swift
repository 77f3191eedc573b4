import Foundation

/// With AUTHLOG_TIMING set, prints how long each phase of a run took and the memory then
/// (resident and peak, from /proc), to stderr: what scripts/bench uses to say where time
/// and memory go. Silent otherwise, at the cost of one environment lookup per phase.
struct PhaseClock {
    private var last = Date()
    private let enabled = ProcessInfo.processInfo.environment["AUTHLOG_TIMING"] != nil

    mutating func mark(_ phase: String) {
        guard enabled else { return }
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let memory = status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
            .map { $0.split(separator: "\t").joined(separator: " ") }.joined(separator: ", ")
        FileHandle.standardError.write(Data("authlog: \(phase): \(Int(Date().timeIntervalSince(last) * 1000)) ms; \(memory)\n".utf8))
        last = Date()
    }

    /// `text` is made only when timing is on (some notes count things).
    func note(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("authlog: \(text())\n".utf8))
    }
}
