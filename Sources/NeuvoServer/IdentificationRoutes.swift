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

    func register(in routes: inout RouteTable) {
        // Anyone: it describes only the caller's own session.
        routes.get("/api/v1/session", .visitor(auth), quick: true) { _, session in describe(session) }
        // The session's own resident: forget this device (a shared computer). 204, and the cookie is dropped.
        routes.post("/api/v1/session/end", .resident(auth), takes: .unread(limit: 1024)) { _, session in
            try await clinic.endResidentSession(session)
            return .respond(Response(status: .noContent, headers: HTTPHeaders([("set-cookie", auth.clearCookie())])))
        }
        // Anyone, in demo mode only (404 otherwise).
        routes.post("/api/v1/identification/demo", .visitor(auth, onlyIf: demo), takes: .json(limit: 1024),
                    answers: [.invalid("personalIdentityCode")]) { request, session in
            try await demoIdentify(request, session: session)
        }
    }

    func describe(_ session: ResidentSession?) -> HandlerResult {
        var object = JSONObject([("identified", .bool(session?.identity != nil)), ("demoIdentification", .bool(demo))])
        if let identity = session?.identity { object["identity"] = identity.json }
        return .respond(.json(.object(object)))
    }

    /// `{"personalIdentityCode": "131052-308T"}` → the session, identified as a test person.
    func demoIdentify(_ request: Request, session existing: ResidentSession?) async throws -> HandlerResult {
        guard let text = try request.jsonBody()["personalIdentityCode"]?.stringValue, let code = PersonalIdentityCode(text) else {
            throw HTTPError(.unprocessableContent, code: "invalid_personalIdentityCode",
                            message: "That is not a valid Finnish personal identity code (check the date, the century sign and the check character).",
                            field: "personalIdentityCode")
        }
        var headers = HTTPHeaders()
        var session = existing
        if session == nil {
            let fresh = Cookies.newToken()
            session = try await clinic.startResidentSession(tokenHash: fresh.hash)
            headers.add(name: "set-cookie", value: auth.setCookie(token: fresh.token))
        }
        let identified = try await clinic.identify(session: session!, as: .init(code: code, name: "Testihenkilö (demo)", method: .demo))
        return .respond(.json(.object(["identified": .bool(true), "identity": identified.identity!.json]), headers: headers))
    }
}
