/// The public address a record document links to: `http(s)://host[:port][/path]`.
///
/// ``normalized(_:)`` lower-cases the scheme and host (canonical URLs are compared as exact
/// strings) and drops trailing slashes; it refuses a user part, query, fragment, `|` (it would
/// split a `url|version` canonical), `%`, spaces, control characters, a host other than ASCII
/// letters, digits, dots and hyphens (or a bracketed IPv6 literal), and a port outside 1–65535.
enum PublicAddress {
    static func normalized(_ url: String) -> String? {
        guard url.utf8.count <= 200, url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return nil }
        let lower = url.lowercased()
        guard let scheme = ["https://", "http://"].first(where: lower.hasPrefix) else { return nil }
        let rest = url.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        guard !path.contains(where: { "?#@|%\\\"<>^`{}".contains($0) }) else { return nil }
        var host = Substring(authority), port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                port = after.dropFirst()
            }
            guard host.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), host.count > 2 else { return nil }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty, host.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" }) else { return nil }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isNumber), let number = Int(port), (1...65535).contains(number) else { return nil }
        }
        while path.hasSuffix("/") { path.removeLast() }
        return scheme + host.lowercased() + (port.map { ":" + $0 } ?? "") + path
    }

    /// Loopback: the only place plain http is fine outside demo mode (a test, or TLS ended on this machine).
    static func isLoopback(_ normalized: String) -> Bool {
        let host = normalized.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" }
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.prefix { $0 != ":" })
        return name == "localhost" || name == "[::1]" || name.hasPrefix("127.")
    }
}
