import NeuvoClinic
import NeuvoEncoding
import NeuvoHTTP

/// Professionals' sessions: a cookie scoped to the professional API.
struct ProfessionalAuth: Sendable {
    static let cookieName = "neuvo_pro"
    let clinic: Clinic
    let secureCookies: Bool
    /// The reverse proxies whose `X-Forwarded-For` names the client (for sign-in throttling).
    let trustedProxies: Set<String>

    func setCookie(token: String) -> String {
        // /api/v1, not /api/v1/pro: managers read /api/v1/stats with the same sign-in.
        "\(Self.cookieName)=\(token); Path=/api/v1; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    /// Until 2026-12 the cookie's path was /api/v1/pro; a browser that still holds one sends it first
    /// (the longer path wins), so every sign-in and sign-out also expires it.
    var clearOldCookie: String {
        "\(Self.cookieName)=; Path=/api/v1/pro; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    var clearCookie: String {
        "\(Self.cookieName)=; Path=/api/v1; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    static let notSignedIn = HTTPError(.unauthorized, code: "not_signed_in", message: "Sign in to continue.")

    /// The signed-in professional, or 401. Records use of the session, except for
    /// a request the open page makes by itself (`byThePage`: the event poll, the
    /// queue list it re-fetches) from someone off shift: that must not keep an
    /// unattended workstation signed in. On shift, watching the queue is the work,
    /// and the new-case signal must still reach them after a quiet half hour.
    func require(_ request: Request, byThePage: Bool = false) async throws -> (session: ProfessionalSession, professional: Professional) {
        guard let found = try liveSession(of: request) else { throw Self.notSignedIn }
        if !byThePage || !found.professional.onShift.isEmpty { try await clinic.touch(found.session) }
        return found
    }

    /// Whether the request's session is still live (not ended, expired or disabled), without recording use:
    /// a long poll asks again before every answer it gives.
    func isLive(_ request: Request) throws -> Bool { try liveSession(of: request) != nil }

    /// The first of the request's `neuvo_pro` cookies that is a live session (an old one may come first).
    private func liveSession(of request: Request) throws -> (session: ProfessionalSession, professional: Professional)? {
        for token in Cookies.values(Self.cookieName, in: request) where token.utf8.count == 43 {
            if let found = try clinic.professionalSession(tokenHash: SHA256.hash(Array(token.utf8))) { return found }
        }
        return nil
    }
}
