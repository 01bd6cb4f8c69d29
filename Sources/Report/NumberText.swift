/// Numbers as the report prints them.
enum NumberText {
    /// `109482240` → `109,482,240`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// `109482240` → `109.5 M`; `68976648192` → `69.0 G` (SI prefixes, one decimal).
    static func short(_ value: Double) -> String {
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (scale, unit) in units where value.magnitude >= scale {
            return fixed(value / scale, decimals: 1) + " " + unit
        }
        return fixed(value, decimals: 0)
    }

    /// `value` with exactly `decimals` decimals.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        guard decimals > 0 else { return String(scaled) }
        let sign = scaled < 0 ? "-" : ""
        let whole = scaled.magnitude / UInt(scale), fraction = String(scaled.magnitude % UInt(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// `0.25` → `25.0%`.
    static func percent(_ ratio: Double) -> String {
        fixed(ratio * 100, decimals: 1) + "%"
    }
}
