import Foundation

/// A written report page read back as a tool would: its embedded JSON blocks and the `data-*`
/// attributes of its drawings (no browser).
struct ReportPage {
    let html: String

    init(_ html: String) { self.html = html }

    init(file: URL) throws { html = try String(contentsOf: file, encoding: .utf8) }

    /// The JSON of `<script type="application/json" id="ID">`, nil when absent.
    func json(_ id: String) -> Data? {
        let open = "<script type=\"application/json\" id=\"\(id)\">"
        guard let start = html.range(of: open), let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex) else { return nil }
        return Data(html[start.upperBound..<end.lowerBound].utf8)
    }

    /// Every start tag carrying `attribute`, as its attributes (values unescaped).
    func elements(with attribute: String) -> [[String: String]] {
        let tag = try! NSRegularExpression(pattern: "<[a-z]+((?: [a-z-]+=\"[^\"]*\")*)>")
        let pair = try! NSRegularExpression(pattern: " ([a-z-]+)=\"([^\"]*)\"")
        let text = html as NSString
        return tag.matches(in: html, range: NSRange(location: 0, length: text.length)).compactMap { match in
            let attributes = text.substring(with: match.range(at: 1))
            var result: [String: String] = [:]
            for found in pair.matches(in: attributes, range: NSRange(location: 0, length: (attributes as NSString).length)) {
                result[(attributes as NSString).substring(with: found.range(at: 1))] = ReportPage.unescape((attributes as NSString).substring(with: found.range(at: 2)))
            }
            return result[attribute] == nil ? nil : result
        }
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension ReportPage {
    /// `text` as the page writes it in an element.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
