/// A failure that maps to an HTTP error response with the body
/// `{"error": {"code": "...", "message": "..."}}`.
///
/// `code` is a stable machine-readable word; `message` is for people and must
/// never carry health data, because error responses are also logged by status.
import NeuvoJSON

public struct HTTPError: Error, Sendable, Equatable {
    public let status: HTTPStatus
    public let code: String
    public let message: String
    /// The request field at fault, when there is one (e.g. `answers.fever`).
    public let field: String?

    public init(_ status: HTTPStatus, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public var response: Response {
        var error = JSONObject([("code", .string(code)), ("message", .string(message))])
        if let field { error["field"] = .string(field) }
        return Response.json(status: status, .object(["error": .object(error)]))
    }

    public static func notFound(_ message: String = "No such resource.") -> HTTPError {
        HTTPError(.notFound, code: "not_found", message: message)
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(.badRequest, code: code, message: message)
    }
}
