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
        guard let hash = Self.tokenHash(of: request), let found = try clinic.professionalSession(tokenHash: hash) else {
            throw Self.notSignedIn
        }
        if !byThePage || !found.professional.onShift.isEmpty { try await clinic.touch(found.session) }
        return found
    }

    /// Whether the request's session is still live (not ended, expired or disabled), without recording use:
    /// a long poll asks again before every answer it gives.
    func isLive(_ request: Request) throws -> Bool {
        guard let hash = Self.tokenHash(of: request) else { return false }
        return try clinic.professionalSession(tokenHash: hash) != nil
    }

    private static func tokenHash(of request: Request) -> [UInt8]? {
        guard let token = Cookies.value(cookieName, in: request), token.utf8.count == 43 else { return nil }
        return SHA256.hash(Array(token.utf8))
    }
}
