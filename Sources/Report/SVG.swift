/// Small builders for the inline SVG elements the report draws, as `Markup`.
enum SVG {
    /// A number as an SVG coordinate: at most one decimal, no trailing `.0`.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// An `<svg>` of `width` × `height` with a title (read by screen readers) and `children`.
    static func canvas(width: Double, height: Double, title: String, _ children: [Markup], attributes: [String: String] = [:]) -> Markup {
        var all = attributes
        all["xmlns"] = "http://www.w3.org/2000/svg"
        all["width"] = number(width)
        all["height"] = number(height)
        all["viewBox"] = "0 0 \(number(width)) \(number(height))"
        all["role"] = "img"
        return .tag("svg", all, [.tag("title", text: title)] + children)
    }

    /// A rectangle; `className` picks its fill and stroke from the report's style sheet.
    static func rect(x: Double, y: Double, width: Double, height: Double, className: String, title: String? = nil, radius: Double = 0) -> Markup {
        var attributes = ["x": number(x), "y": number(y), "width": number(max(width, 0)), "height": number(height), "class": className]
        if radius > 0 { attributes["rx"] = number(radius) }
        return .tag("rect", attributes, title.map { [.tag("title", text: $0)] } ?? [])
    }

    /// Text at (`x`, `y`) (the baseline), `anchor` start, middle or end.
    static func text(_ string: String, x: Double, y: Double, anchor: String = "start", className: String = "label") -> Markup {
        .tag("text", ["x": number(x), "y": number(y), "text-anchor": anchor, "class": className], text: string)
    }

    /// A path (`d` in SVG path syntax).
    static func path(_ d: String, className: String) -> Markup {
        .tag("path", ["d": d, "class": className])
    }
}
