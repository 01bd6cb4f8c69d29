import Foundation

/// Plain-text tables and number formats for the command-line reports (profile, slim): columns two
/// spaces apart, numbers flush right, no trailing blanks.
public enum TextTable {
    /// `rows` padded into columns, the `rightAligned` columns flush right.
    public static func aligned(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = (0..<columns).map { column in
                let cell = column < row.count ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// `value` with `digits` significant digits in fixed notation (`0.00213`, `21.3`, `2130`);
    /// below 0.0001 in exponent notation (`6.40e-08`); `0` for zero.
    static func significant(_ value: Double, digits: Int = 3) -> String {
        guard value != 0, value.isFinite else { return value == 0 ? "0" : "\(value)" }
        guard abs(value) >= 1e-4 else { return String(format: "%.\(digits - 1)e", value) }
        let magnitude = Int(floor(log10(abs(value))))
        let decimals = max(digits - 1 - magnitude, 0)
        return String(format: "%.\(decimals)f", value)
    }

    /// Milliseconds: 3 decimals below 10 ms, 2 below 100, 1 above.
    static func milliseconds(_ value: Double) -> String {
        String(format: "%.\(value >= 100 ? 1 : value >= 10 ? 2 : 3)f", value)
    }

    /// GFLOP from FLOPs, 3 significant digits.
    static func gflop(_ flops: Double) -> String {
        significant(flops / 1e9)
    }

    /// A fraction as a percentage with one decimal (`12.3%`).
    static func percent(_ fraction: Double) -> String {
        String(format: "%.1f%%", fraction * 100)
    }

    /// A count that is usually whole (`12`), with one decimal when it is not (`12.5`).
    static func count(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// A ratio with two decimals and `x` (`1.37x`); `-` when unknown.
    static func times(_ value: Double?) -> String {
        value.map { String(format: "%.2fx", $0) } ?? "-"
    }

    /// `1234567` as `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// A module path as printed: `<root>` for the root module.
    static func displayName(_ name: String) -> String {
        name.isEmpty ? "<root>" : name
    }
}
