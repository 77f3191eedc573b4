/// Makes attacker-controlled text safe to print on a terminal: control characters (C0,
/// DEL, C1), and the Unicode format characters that reorder or hide text (bidirectional
/// overrides, zero-width characters) are shown as visible escapes instead of being sent,
/// so a log line can neither move the cursor, recolour the screen nor disguise itself.
public enum TerminalText {
    public static func escape(_ text: String) -> String {
        var needsWork = false
        for scalar in text.unicodeScalars where isUnsafe(scalar) {
            needsWork = true
            break
        }
        guard needsWork else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                output.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\t": output += "\\t"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            default:
                let hex = String(scalar.value, radix: 16)
                output += scalar.value < 0x100
                    ? "\\x" + (hex.count < 2 ? "0" + hex : hex)
                    : "\\u{" + hex + "}"
            }
        }
        return output
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    /// Width in terminal columns, approximated by characters (wide CJK counts as two).
    static func width(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F, 0x200B...0x200F: continue  // combining, zero width
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
                 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF, 0x20000...0x3FFFD:
                width += 2
            default:
                width += 1
            }
        }
        return width
    }

    /// `text` cut to `maxWidth` columns, with an ellipsis when cut.
    static func truncate(_ text: String, to maxWidth: Int) -> String {
        guard width(text) > maxWidth else { return text }
        var output = ""
        var used = 0
        for character in text {
            let characterWidth = width(String(character))
            if used + characterWidth > maxWidth - 1 { break }
            output.append(character)
            used += characterWidth
        }
        return output + "…"
    }

    /// `text` cut to `maxWidth` columns in the middle, for paths: both ends say what it is
    /// ("/wp-json/…/users/me"). The cut snaps to slashes where there are some, so the parts
    /// kept are whole components.
    static func truncateMiddle(_ text: String, to maxWidth: Int) -> String {
        guard width(text) > maxWidth else { return text }
        guard maxWidth >= 5 else { return truncate(text, to: maxWidth) }
        let characters = Array(text)
        let tailBudget = (maxWidth - 1) / 2, headBudget = maxWidth - 1 - tailBudget
        var head: [Character] = [], used = 0
        for character in characters {
            let w = width(String(character))
            if used + w > headBudget { break }
            head.append(character)
            used += w
        }
        if let slash = head.lastIndex(of: "/"), slash > 0 { head = Array(head[...slash]) }
        var tail: [Character] = []
        used = 0
        for character in characters.reversed() {
            let w = width(String(character))
            if used + w > maxWidth - 1 - width(String(head)) { break }
            tail.insert(character, at: 0)
            used += w
        }
        if let slash = tail.firstIndex(of: "/"), slash > 0, slash < tail.count - 1 { tail = Array(tail[slash...]) }
        return String(head) + "…" + String(tail)
    }

    /// `text` in lines of at most `maxWidth` columns, broken only at spaces: a word longer
    /// than the line (an address, a user name, a path) stays whole on a line of its own.
    static func wrap(_ text: String, to maxWidth: Int) -> [String] {
        guard width(text) > maxWidth else { return [text] }
        var lines: [String] = [], line = "", used = 0
        for word in unbreakableWords(text) {
            let w = width(String(word))
            if used > 0 && used + 1 + w > maxWidth {
                lines.append(line)
                line = ""
                used = 0
            }
            if used > 0 { line += " "; used += 1 }
            line += word
            used += w
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// The words of `text` as wrapping may place them: a code span (`` `proxy_set_header …` ``,
    /// a config line to copy) and a date with its time ("2026-11-21 01:00") are one word each.
    static func unbreakableWords(_ text: String) -> [String] {
        var words: [String] = []
        var inCode = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let joinsCode = inCode
            let joinsDate = !inCode && isClockTime(word) && words.last.map(isDate) == true
            if joinsCode || joinsDate { words[words.count - 1] += " " + word } else { words.append(word) }
            if word.filter({ $0 == "`" }).count % 2 == 1 { inCode.toggle() }
        }
        return words
    }

    private static func isDate(_ word: String) -> Bool {
        let digits = Array(word.suffix(10))
        return digits.count == 10 && digits[4] == "-" && digits[7] == "-"
            && digits.enumerated().allSatisfy { [4, 7].contains($0.offset) || $0.element.isASCII && $0.element.isNumber }
    }

    private static func isClockTime(_ word: String) -> Bool {
        let characters = Array(word.prefix(5))
        return characters.count == 5 && characters[2] == ":"
            && characters.enumerated().allSatisfy { $0.offset == 2 || $0.element.isASCII && $0.element.isNumber }
    }
}
