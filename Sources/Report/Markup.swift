/// A piece of HTML or inline SVG built as a typed tree and rendered with every text and attribute
/// escaped (names come from checkpoints, which are untrusted). The report's only way to write markup.
public indirect enum Markup: Sendable, Equatable {
    /// An element: its name, its attributes (written sorted by name) and its children.
    case element(String, [String: String], [Markup])
    /// Text, escaped.
    case text(String)
    /// A `<script type="application/json">` block: `json` with every `<` written `\u003c`, so no
    /// text inside it can close the script.
    case json(id: String, String)

    /// An element with `attributes` and `children`.
    public static func tag(_ name: String, _ attributes: [String: String] = [:], _ children: [Markup] = []) -> Markup {
        .element(name, attributes, children)
    }

    /// An element holding only text.
    public static func tag(_ name: String, _ attributes: [String: String] = [:], text: String) -> Markup {
        .element(name, attributes, [.text(text)])
    }

    /// Elements with no content of their own (`<br>`, `<meta>`), written without a closing tag.
    static let voidElements: Set<String> = ["meta", "br", "hr", "col"]

    /// The markup as text.
    public var rendered: String {
        var output = ""
        render(into: &output)
        return output
    }

    /// Appends the markup to `output`.
    public func render(into output: inout String) {
        switch self {
        case let .text(text):
            Markup.escape(text, into: &output, quotes: false)
        case let .json(id, json):
            output += "<script type=\"application/json\" id=\""
            Markup.escape(id, into: &output, quotes: true)
            output += "\">"
            for character in json.unicodeScalars {
                if character == "<" { output += "\\u003c" } else { output.unicodeScalars.append(character) }
            }
            output += "</script>"
        case let .element(name, attributes, children):
            output += "<" + name
            for key in attributes.keys.sorted() {
                output += " " + key + "=\""
                Markup.escape(attributes[key]!, into: &output, quotes: true)
                output += "\""
            }
            output += ">"
            guard !Markup.voidElements.contains(name) else { return }
            for child in children { child.render(into: &output) }
            output += "</" + name + ">"
        }
    }

    /// `text` with `&`, `<`, `>` (and in attribute values `"` and `'`) written as entities.
    static func escape(_ text: String, into output: inout String, quotes: Bool) {
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where quotes: output += "&quot;"
            case "'" where quotes: output += "&#39;"
            default: output.unicodeScalars.append(character)
            }
        }
    }
}
