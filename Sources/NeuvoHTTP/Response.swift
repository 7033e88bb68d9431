import NeuvoJSON

/// An HTTP response. The engine adds `Content-Length`, `Date` and `Connection`.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response; never cached by intermediaries, since API answers are per user.
    public static func json(status: HTTPStatus = .ok, _ value: JSONValue, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        var headers = headers
        headers.replaceOrAdd(name: "content-type", value: "application/json")
        if !headers.contains("cache-control") { headers.add(name: "cache-control", value: "no-store") }
        // A browser must never take an API answer (which may quote a resident's text) for HTML or script.
        if !headers.contains("x-content-type-options") { headers.add(name: "x-content-type-options", value: "nosniff") }
        return Response(status: status, headers: headers, body: value.bytes)
    }

    public static func text(status: HTTPStatus, _ text: String) -> Response {
        Response(status: status, headers: HTTPHeaders([("content-type", "text/plain; charset=utf-8")]), body: Array(text.utf8))
    }
}

/// What a handler returns: a response now, or a parked request answered later.
public enum HandlerResult: Sendable {
    case respond(Response)
    case park(Park)
}

/// A request to hold the connection until someone completes it or `timeout` passes.
///
/// The engine creates the ``ParkedRequest`` and passes it to `attach` on the
/// connection's event loop; `attach` hands it to whoever will complete it
/// (for example an event hub). If `timeout` passes first, the engine answers
/// with `fallback` and runs the parked request's cancellation handler.
public struct Park: Sendable {
    public let timeout: Duration
    public let fallback: Response
    public let attach: @Sendable (ParkedRequest) -> Void

    public init(timeout: Duration, fallback: Response, attach: @escaping @Sendable (ParkedRequest) -> Void) {
        self.timeout = timeout
        self.fallback = fallback
        self.attach = attach
    }
}
