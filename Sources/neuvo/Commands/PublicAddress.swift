/// The public address a record document may link to: `http://` or `https://`, a host, an optional
/// port and path; no user part, query, fragment, spaces or control characters; at most 200 characters.
enum PublicAddress {
    static func isValid(_ url: String) -> Bool {
        let lower = url.lowercased()
        guard url.utf8.count <= 200, let scheme = ["https://", "http://"].first(where: lower.hasPrefix) else { return false }
        let rest = url.dropFirst(scheme.count)
        let host = rest.prefix { $0 != "/" && $0 != ":" }
        guard !host.isEmpty else { return false }
        return !url.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || "?#@\\\\\"<>".unicodeScalars.contains($0) }
    }
}
