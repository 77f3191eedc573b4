/// Numbers as a sentence shows them: counts grouped by thousands (`12,345`), ratios with
/// one decimal (`2.5`). Shared by the reports and by the findings' advice, which is written
/// when the finding is made and must read the same as the report around it.
public enum CountText {
    /// `1234567` → `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var output = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { output.append(",") }
            output.append(character)
        }
        return value < 0 ? "-" + output : output
    }

    /// One decimal, none when it is zero: `2.5`, `3`.
    public static func oneDecimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
    }
}
