import AuthLogKit
import Foundation

/// The fuzzing harness's entry point (see `scripts/fuzz` and the README's "Fuzzing").
///
/// Built by `scripts/fuzz` with `-sanitize=fuzzer,address -DFUZZING`, `main` hands over to
/// libFuzzer, which calls `LLVMFuzzerTestOneInput` with each input; the target is named by
/// `AUTHLOG_FUZZ_TARGET`. In a normal build (where libFuzzer is absent) the same entry runs
/// each file named on the command line, to replay a crash under the debugger or a test:
/// `authlog-fuzz TARGET FILE…`.
@main
enum FuzzMain {
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count >= 2, arguments[1].hasPrefix("--") {
            exit(helper(Array(arguments.dropFirst())))
        }
        #if FUZZING
        guard let name = ProcessInfo.processInfo.environment["AUTHLOG_FUZZ_TARGET"] else {
            fail("set AUTHLOG_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: " "))")
        }
        select(name)
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
        #else
        guard arguments.count >= 3 else {
            fail("usage: authlog-fuzz TARGET FILE…  (targets: \(FuzzTargets.names.joined(separator: " ")))")
        }
        select(arguments[1])
        for path in arguments.dropFirst(2) {
            guard let data = FileManager.default.contents(atPath: path) else { fail("\(path): cannot read it") }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { LLVMFuzzerTestOneInput($0.baseAddress, $0.count) }
            print("ok \(path)")
        }
        #endif
    }

    /// `--list`, `--write-state-logs DIR`, `--dictionary`: what the script needs besides fuzzing.
    static func helper(_ arguments: [String]) -> Int32 {
        switch arguments[0] {
        case "--list":
            print(FuzzTargets.names.joined(separator: "\n"))
        case "--write-state-logs" where arguments.count == 2:
            do {
                for path in try StateLogs.write(into: arguments[1]) { print(path) }
            } catch {
                fail("\(arguments[1]): \(error)")
            }
        case "--dictionary":
            print(FuzzDictionary.entries(FuzzTargets.builtin).map(FuzzDictionary.quoted).joined(separator: "\n"))
        default:
            fail("unknown option \(arguments[0]); one of --list, --write-state-logs DIR, --dictionary")
        }
        return 0
    }

    static func select(_ name: String) {
        guard let target = FuzzTargets.make(name) else {
            fail("unknown target '\(name)'; one of: \(FuzzTargets.names.joined(separator: " "))")
        }
        selected = target
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("authlog-fuzz: \(message)\n".utf8))
        exit(2)
    }
}

/// Set once in `main` before the first input; libFuzzer calls on one thread.
nonisolated(unsafe) var selected: FuzzTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected?.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if FUZZING
/// libFuzzer's driver, for a program that has its own `main` (SwiftPM gives every
/// executable one). Linked in by `-sanitize=fuzzer`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
