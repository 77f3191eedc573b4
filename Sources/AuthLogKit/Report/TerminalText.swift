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
}
