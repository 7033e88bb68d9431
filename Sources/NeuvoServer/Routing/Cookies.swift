import NeuvoEncoding
import NeuvoHTTP

/// Session cookies: reading one from a request and minting a new token.
enum Cookies {
    /// The value of cookie `name` (RFC 6265 §5.4 `Cookie` header).
    static func value(_ name: String, in request: Request) -> String? { values(name, in: request).first }

    /// Every value of cookie `name`, most specific path first (a browser may hold one per path).
    static func values(_ name: String, in request: Request) -> [String] {
        var found: [String] = []
        for header in request.headers.values("cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingSpaces() == name, found.count < 4 {
                    found.append(String(parts[1].trimmingSpaces()))
                }
            }
        }
        return found
    }

    /// A new random token (256 bits, base64url, 43 characters) and its SHA-256 for
    /// the database: only the hash is stored, so a copy of the database lets no one in.
    static func newToken() -> (token: String, hash: [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let token = Base64URL.encode(bytes)
        return (token, SHA256.hash(Array(token.utf8)))
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
