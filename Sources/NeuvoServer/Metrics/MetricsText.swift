import NeuvoStore

/// The Prometheus text exposition format, version 0.0.4: `# HELP` and `# TYPE`
/// once per metric, then one sample per line.
struct MetricsText {
    private(set) var text = ""

    /// A metric's header; call once before its samples.
    mutating func describe(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.number(value) + "\n"
    }

    mutating func histogram(_ name: String, _ labels: [(String, String)], _ h: Histogram) {
        for (bound, n) in zip(h.bounds, h.atMost) { sample(name + "_bucket", labels + [("le", Self.number(bound))], Double(n)) }
        sample(name + "_bucket", labels + [("le", "+Inf")], Double(h.count))
        sample(name + "_sum", labels, h.sum)
        sample(name + "_count", labels, Double(h.count))
    }

    /// Label values escape backslash, double quote and newline.
    static func escaped(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Whole numbers without a fraction; others as Swift prints them (Go's parser reads both).
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
