import NeuvoClinic
import NeuvoHTTP

/// Who may call a route, and what the route's body learns of them.
///
/// A route names one when it is declared (``RouteTable``); the table asks it
/// before the body runs, so no body checks again. Whoever it turns away gets
/// its refusal: 404 for residents (ids cannot be probed) and on the managers'
/// routes, 401 for professionals and the record system, 403 for a professional
/// who is not an administrator and for a manager on a case's route.
struct Caller<Principal: Sendable>: Sendable {
    /// How the contract names it: `anyone`, `resident`, `account`, `professional`, `manager`, `admin`, `recordSystem`.
    let name: String
    /// A browser, so state-changing requests follow the CSRF rule (the record system's key is not sent by one).
    let browser: Bool
    /// What turning a caller away may answer.
    let refusals: [Answer]
    let authorise: @Sendable (Request) async throws -> Principal
}

extension Caller where Principal == Void {
    /// Anyone at all, signed in or not.
    static var anyone: Caller { Caller(name: "anyone", browser: true, refusals: []) { _ in } }
}

/// What a resident's session may answer while it is looked up: identity headers
/// from anyone but the trusted proxy, or a verified identity that is not the session's own.
private let sessionLookup = [Answer(.forbidden, "untrusted_identity"), Answer(.badRequest, "invalid_identity"),
                             Answer.conflict("identity_mismatch")]

extension Caller where Principal == ResidentSession? {
    /// Anyone; the body gets their resident session when they have one.
    static func visitor(_ auth: ResidentAuth) -> Caller {
        Caller(name: "anyone", browser: true, refusals: sessionLookup) { request in try await auth.session(of: request) }
    }
}

extension Caller where Principal == ResidentSession? {
    /// Anyone, but only while `enabled` (demo mode): otherwise 404 before anything
    /// else is looked at, as if the route did not exist.
    static func visitor(_ auth: ResidentAuth, onlyIf enabled: Bool) -> Caller {
        Caller(name: "anyone", browser: true, refusals: [.notFound] + sessionLookup) { request in
            guard enabled else { throw HTTPError.notFound() }
            return try await auth.session(of: request)
        }
    }
}

extension Caller where Principal == ResidentSession {
    /// A resident with a live session; without one, 404 (as for someone else's conversation).
    static func resident(_ auth: ResidentAuth) -> Caller {
        Caller(name: "resident", browser: true, refusals: [.notFound] + sessionLookup) { request in
            guard let session = try await auth.session(of: request) else { throw HTTPError.notFound() }
            return session
        }
    }
}

/// A signed-in professional: their session and account as they are now.
typealias SignedIn = (session: ProfessionalSession, professional: Professional)

extension Caller where Principal == SignedIn {
    /// A signed-in professional who works cases; `byThePage` for what the open page
    /// asks by itself (see ``ProfessionalAuth/require(_:byThePage:)``). A manager
    /// gets 403: managers see numbers, never a case.
    static func professional(_ auth: ProfessionalAuth, byThePage: Bool = false) -> Caller {
        Caller(name: "professional", browser: true, refusals: [.notSignedIn, Answer(.forbidden, "not_for_managers")]) { request in
            let signedIn = try await auth.require(request, byThePage: byThePage)
            guard signedIn.professional.role != .manager else {
                throw HTTPError(.forbidden, code: "not_for_managers", message: "A manager's account does not work cases.")
            }
            return signedIn
        }
    }

    /// Any signed-in account, a manager's too (who am I, sign out).
    static func account(_ auth: ProfessionalAuth) -> Caller {
        Caller(name: "account", browser: true, refusals: [.notSignedIn]) { request in try await auth.require(request) }
    }
}

extension Caller where Principal == Professional {
    /// The register keeper: an administrator. Anyone else, signed in or not,
    /// gets 404: the access log does not exist for them.
    static func registerKeeper(_ auth: ProfessionalAuth) -> Caller {
        Caller(name: "admin", browser: true, refusals: [.notFound]) { request in
            guard let (_, professional) = try? await auth.require(request), professional.role == .admin else { throw HTTPError.notFound() }
            return professional
        }
    }
}

extension Caller where Principal == (professional: Professional, scope: StatisticsScope) {
    /// A manager (the queues they manage) or an administrator (every queue).
    /// Anyone else, signed in or not, gets 404: the statistics do not exist for them.
    /// `byThePage`: what the open page asks by itself (the live overview's poll) does not keep the session alive.
    static func manager(_ auth: ProfessionalAuth, byThePage: Bool = false) -> Caller {
        Caller(name: "manager", browser: true, refusals: [.notFound]) { request in
            guard let (_, professional) = try? await auth.require(request, byThePage: byThePage) else { throw HTTPError.notFound() }
            switch professional.role {
            case .admin: return (professional, .everything)
            case .manager: return (professional, .queues(Set(professional.manages)))
            case .professional: throw HTTPError.notFound()
            }
        }
    }
}

extension Caller where Principal == Professional {
    /// A signed-in administrator; another professional gets 403.
    static func admin(_ auth: ProfessionalAuth) -> Caller {
        Caller(name: "admin", browser: true, refusals: [.notSignedIn, Answer(.forbidden, "admin_only")]) { request in
            let (_, professional) = try await auth.require(request)
            guard professional.role == .admin else {
                throw HTTPError(.forbidden, code: "admin_only", message: "Only an administrator can do this.")
            }
            return professional
        }
    }
}

extension Caller where Principal == ApiKey {
    /// The patient-record system with a live API key (`Authorization: Bearer nk_…`); the body learns which.
    static func recordSystem(_ keys: RecordSystemKeys) -> Caller {
        Caller(name: "recordSystem", browser: false, refusals: [Answer(.unauthorized, "invalid_api_key")]) { request in
            try keys.require(request, scope: .records)
        }
    }

    /// The SMS gateway with a live API key of the notifications scope.
    static func smsGateway(_ keys: RecordSystemKeys) -> Caller {
        Caller(name: "smsGateway", browser: false, refusals: [Answer(.unauthorized, "invalid_api_key")]) { request in
            try keys.require(request, scope: .notifications)
        }
    }
}
