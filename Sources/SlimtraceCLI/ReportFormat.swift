import ArgumentParser

/// How `search`, `slim` and `bench` print their report.
public enum ReportFormat: String, OutputFormat {
    /// Readable text: tables and one line per finding.
    case text
    /// Every field, pretty-printed with sorted keys (`JSONOutput`); search keeps INC's field names.
    case json

    public static let defaultFormat = ReportFormat.text
    public static let help = ArgumentHelp("How to print the report: text for reading, json (every field) for programs.", valueName: "text|json")
}
