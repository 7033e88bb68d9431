import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The resident's session and identification.
///
/// Real strong identification (Suomi.fi) happens in the reverse proxy, which
/// passes the verified identity in headers from a trusted address. Demo mode
/// adds a clearly marked test identification that only checks the code's checksum.
struct IdentificationRoutes: Sendable {
    let clinic: Clinic
    let auth: ResidentAuth
    let demo: Bool

    func register(in router: inout Router) {
        // Who may call: anyone; it describes only the caller's own session.
        router.get("/api/v1/session") { request in try await session(request) }
        // Who may call: anyone, in demo mode only (404 otherwise).
        router.post("/api/v1/identification/demo", bodyLimit: 1024) { request in try await demoIdentify(request) }
    }

    func session(_ request: Request) async throws -> HandlerResult {
        let session = try await auth.session(of: request)
        var object = JSONObject([("identified", .bool(session?.identity != nil)), ("demoIdentification", .bool(demo))])
        if let identity = session?.identity { object["identity"] = identity.json }
        return .respond(.json(.object(object)))
    }

    /// `{"personalIdentityCode": "131052-308T"}` → the session, identified as a test person.
    func demoIdentify(_ request: Request) async throws -> HandlerResult {
        try ResidentAuth.checkCSRF(request)
        guard demo else { throw HTTPError.notFound() }
        guard let text = try request.jsonBody()["personalIdentityCode"]?.stringValue, let code = PersonalIdentityCode(text) else {
            throw HTTPError(.unprocessableContent, code: "invalid_personalIdentityCode",
                            message: "That is not a valid Finnish personal identity code (check the date, the century sign and the check character).",
                            field: "personalIdentityCode")
        }
        var headers = HTTPHeaders()
        var session = try await auth.session(of: request)
        if session == nil {
            let fresh = ResidentAuth.newToken()
            session = try await clinic.startResidentSession(tokenHash: fresh.hash)
            headers.add(name: "set-cookie", value: auth.setCookie(token: fresh.token))
        }
        let identified = try await mappingErrors {
            try await clinic.identify(session: session!, as: .init(code: code, name: "Testihenkilö (demo)", method: .demo))
        }
        return .respond(.json(.object(["identified": .bool(true), "identity": identified.identity!.json]), headers: headers))
    }
}
