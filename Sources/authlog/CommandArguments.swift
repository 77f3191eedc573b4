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
