import NeuvoHTTP

/// A table as Finnish Excel opens it with a double-click: UTF-8 with a byte
/// order mark (so ä and ö survive), `;` between fields, a decimal comma, CRLF
/// line ends, and RFC 4180 quoting. A text that starts like a formula
/// (`=`, `+`, `-`, `@`) is prefixed with `'` so a spreadsheet shows it rather than runs it.
struct CSVTable {
    enum Cell {
        case text(String)
        case int(Int)
        case number(Double?, places: Int)
    }

    let header: [String]
    var rows: [[Cell]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [Cell]) { rows.append(row) }

    var bytes: [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        func line(_ fields: [String]) {
            out += Array(fields.map(Self.quoted).joined(separator: ";").utf8)
            out += [13, 10]
        }
        line(header)
        for row in rows { line(row.map(Self.text)) }
        return out
    }

    static func text(_ cell: Cell) -> String {
        switch cell {
        case .text(let text):
            // The first scalar, not Character: "=" with a combining mark is one Character but still a formula.
            guard let first = text.unicodeScalars.first, "=+-@＝＋－＠\t\r".unicodeScalars.contains(first) else { return text }
            return "'" + text
        case .int(let value): return String(value)
        case .number(let value, let places):
            guard let value else { return "" }
            let scale = places == 4 ? 10_000.0 : 10.0
            let scaled = (value * scale).rounded() / scale
            let plain = scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
            return String(plain.map { $0 == "." ? "," : $0 })
        }
    }

    static func quoted(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + String(field.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}

extension Response {
    /// A CSV download named `file`; never cached, never sniffed.
    static func csv(_ table: CSVTable, file: String) -> Response {
        Response(status: .ok, headers: HTTPHeaders([
            ("content-type", "text/csv; charset=utf-8"), ("content-disposition", "attachment; filename=\"\(file)\""),
            ("cache-control", "no-store"), ("x-content-type-options", "nosniff"),
        ]), body: table.bytes)
    }
}
