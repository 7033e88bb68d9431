import NeuvoClinic
import NeuvoHTTP

/// Professionals' sessions: a cookie scoped to the professional API.
struct ProfessionalAuth: Sendable {
    static let cookieName = "neuvo_pro"
    let clinic: Clinic
    let secureCookies: Bool
    /// The reverse proxies whose `X-Forwarded-For` names the client (for sign-in throttling).
    let trustedProxies: Set<String>

    func setCookie(token: String) -> String {
        "\(Self.cookieName)=\(token); Path=/api/v1/pro; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    var clearCookie: String {
        "\(Self.cookieName)=; Path=/api/v1/pro; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    /// The signed-in professional, or 401. Records use of the session.
    func require(_ request: Request) async throws -> (session: ProfessionalSession, professional: Professional) {
        guard let token = ResidentAuth.cookie(Self.cookieName, in: request), token.utf8.count == 43,
              let found = try clinic.professionalSession(tokenHash: SHA256.hash(Array(token.utf8))) else {
            throw HTTPError(.unauthorized, code: "not_signed_in", message: "Sign in to continue.")
        }
        try await clinic.touch(found.session)
        return found
    }
}
