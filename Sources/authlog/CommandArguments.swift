#if canImport(Glibc)
import Glibc
#endif
import AuthLogKit

/// The command line as the argument parser should see it.
enum CommandArguments {
    /// `-j4` as make(1) and rg(1) take it: ArgumentParser would read `-j4` as `-j` followed by
    /// the next argument (a path). Rewritten to `-j 4`, before `--` only.
    static func normalized(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var afterSeparator = false
        for argument in arguments {
            if argument == "--" { afterSeparator = true }
            if !afterSeparator, argument.hasPrefix("-j"), argument.count > 2,
               argument.dropFirst(2).allSatisfy({ $0.isASCII && $0.isNumber }) {
                result += ["-j", String(argument.dropFirst(2))]
            } else {
                result.append(argument)
            }
        }
        return result
    }
}

extension CommandArguments {
    /// The path arguments as the bytes the shell passed. Swift decodes argv lossily (a name
    /// that is not UTF-8 gets U+FFFD, and is then "No such file"), so each parsed path is
    /// matched, in order, to the raw argv element it was decoded from.
    static func rawPaths(_ paths: [String]) -> [LogPath] {
        let raw: [[UInt8]] = (1..<Int(CommandLine.argc)).compactMap { index in
            guard let argument = CommandLine.unsafeArgv[index] else { return nil }
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self),
                                             count: strlen(argument)))
        }
        var cursor = 0
        return paths.map { path in
            let candidates = raw.indices[cursor...].filter { String(decoding: raw[$0], as: UTF8.self) == path }
            guard let first = candidates.first else { return LogPath(path) }
            // Several elements can decode to the same text (an option's value, another name):
            // the first that names an existing file is the path; the argument parser keeps
            // positional arguments in order, so the search goes on after it.
            let chosen = path.unicodeScalars.contains("\u{FFFD}")
                ? candidates.first { LogPath(bytes: raw[$0]).withCString { name in var info = stat(); return lstat(name, &info) == 0 } } ?? first
                : first
            cursor = chosen + 1
            return LogPath(bytes: raw[chosen])
        }
    }
}
