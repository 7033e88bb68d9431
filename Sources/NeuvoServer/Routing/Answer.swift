import NeuvoHTTP

/// One error answer a route may give: a status and its stable code.
struct Answer: Hashable, Sendable, CustomStringConvertible {
    let status: Int
    let code: String

    init(_ status: HTTPStatus, _ code: String) {
        self.status = status.code
        self.code = code
    }

    init(_ error: HTTPError) {
        self.status = error.status.code
        self.code = error.code
    }

    var description: String { "\(status) \(code)" }

    static let notFound = Answer(.notFound, "not_found")
    static let csrf = Answer(.forbidden, "csrf")
    static let invalidJSON = Answer(.badRequest, "invalid_json")
    static let notSignedIn = Answer(.unauthorized, "not_signed_in")

    /// A 422 naming the field at fault (`invalid_<field>`).
    static func invalid(_ field: String) -> Answer { Answer(.unprocessableContent, "invalid_\(field)") }
    /// A 409: the domain rule `code` was broken.
    static func conflict(_ code: String) -> Answer { Answer(.conflict, code) }
    /// A 400 for a query parameter (`invalid_<name>`).
    static func badQuery(_ name: String) -> Answer { Answer(.badRequest, "invalid_\(name)") }
}
