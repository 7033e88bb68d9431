import NeuvoHTTP

/// The address a request really came from, for throttling (sign-ins, the per-client share of the upload budget).
///
/// Behind the reverse proxy every request arrives from the proxy's address, so
/// counting failed sign-ins per peer would let one guesser lock out a whole
/// hospital. From a trusted proxy only, the last `X-Forwarded-For` entry (the one
/// that proxy appended) is the client; from anyone else the header is ignored,
/// because a client can write whatever it likes there.
enum ClientAddress {
    static func of(_ request: Request, trustedProxies: Set<String>) -> String {
        of(peer: request.remoteAddress, headers: request.headers, trustedProxies: trustedProxies)
    }

    static func of(peer: String, headers: HTTPHeaders, trustedProxies: Set<String>) -> String {
        guard trustedProxies.contains(peer), let forwarded = headers.values("x-forwarded-for").last?.split(separator: ",").last else {
            return peer
        }
        let address = forwarded.trimmingSpaces()
        guard !address.isEmpty, address.utf8.count <= 64 else { return peer }
        return String(address)
    }
}
