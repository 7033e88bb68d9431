import NeuvoClinic
import NeuvoEncoding
import NeuvoHTTP

/// Resident sessions in cookies, and the identity a trusted proxy verified.
struct ResidentAuth: Sendable {
    static let cookieName = "neuvo_resident"
    let clinic: Clinic
    /// Adds `Secure` to cookies; set when Neuvo is served behind TLS.
    let secureCookies: Bool
    /// Peers allowed to assert a verified identity (the identity-aware reverse proxy).
    let trustedProxies: Set<String>

    /// The verified personal identity code, from a trusted proxy only.
    static let identityHeader = "x-neuvo-identity"
    /// The verified name, percent-encoded UTF-8 (optional).
    static let identityNameHeader = "x-neuvo-identity-name"
    /// Personal identity codes, comma-separated, of the people the identified resident may act
    /// for (a Suomi.fi mandate, or the population register's guardianship), as the proxy checked them.
    static let mandateHeader = "x-neuvo-mandate"

    func setCookie(token: String) -> String {
        "\(Self.cookieName)=\(token); Path=/; Max-Age=\(ResidentSession.lifetimeMillis / 1000); HttpOnly; SameSite=Strict"
            + (secureCookies ? "; Secure" : "")
    }

    /// Tells the browser to drop the session cookie.
    func clearCookie() -> String {
        "\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    /// The caller's live resident session, or nil. A verified identity from the
    /// trusted proxy is recorded on it.
    func session(of request: Request) async throws -> ResidentSession? {
        let identity = try verifiedIdentity(request)
        guard let token = Cookies.value(Self.cookieName, in: request), token.utf8.count == 43,
              let session = try clinic.residentSession(tokenHash: SHA256.hash(Array(token.utf8))) else { return nil }
        guard let identity else { return session }
        return try await mappingErrors { try await clinic.identify(session: session, as: identity) }
    }

    /// The identity the reverse proxy verified, or nil when the request carries none.
    /// The header is honoured only from a trusted proxy address; from anyone else
    /// it is refused (403), because it can only be an attempt to impersonate.
    func verifiedIdentity(_ request: Request) throws(HTTPError) -> ResidentSession.Identity? {
        guard let code = request.headers[Self.identityHeader] else { return nil }
        guard trustedProxies.contains(request.remoteAddress) else {
            throw HTTPError(.forbidden, code: "untrusted_identity", message: "Identity headers are accepted only from the identification proxy.")
        }
        guard let valid = PersonalIdentityCode(code) else {
            throw HTTPError(.badRequest, code: "invalid_identity", message: "The proxy sent an invalid personal identity code.")
        }
        let name = request.headers[Self.identityNameHeader].flatMap { PercentDecoding.decode($0) }
            .map { String($0.prefix(200)) }
        return ResidentSession.Identity(code: valid, name: name, method: .proxy)
    }

    /// The codes the proxy vouches the resident may act for; empty when the request carries none.
    /// Like the identity, honoured only from a trusted proxy and only beside a verified identity.
    func mandates(_ request: Request) throws(HTTPError) -> Set<String> {
        guard let header = request.headers[Self.mandateHeader] else { return [] }
        guard trustedProxies.contains(request.remoteAddress), request.headers[Self.identityHeader] != nil else {
            throw HTTPError(.forbidden, code: "untrusted_identity", message: "Mandate headers are accepted only from the identification proxy, with an identity.")
        }
        // A mandate may also name a company (a business ID): only personal identity codes count, the rest is passed over.
        let codes = header.split(separator: ",").prefix(50).map { String($0.filter { $0 != " " && $0 != "\t" }) }
        return Set(codes.compactMap(PersonalIdentityCode.init).map(\.value))
    }
}
