/// An async request handler. Throwing an ``HTTPError`` answers with its status;
/// any other error answers 500 without detail.
public typealias Handler = @Sendable (Request) async throws -> HandlerResult

/// One route: a method, a path template such as `/api/v1/conversations/{id}`,
/// the largest body it accepts, and its handler.
public struct Route: Sendable {
    public let method: String
    public let template: String
    public let bodyLimit: Int?
    public let handler: Handler
    /// Asked once the head of a large body is in, before a byte of the body is read
    /// (the request's `body` is empty): throwing an ``HTTPError`` answers with it and
    /// the body is never held. Who may send, in what type, to what.
    public let admit: (@Sendable (Request) async throws -> Void)?
    /// The handler is quick (a few reads, or a write awaited): it runs on the connection's event
    /// loop thread, and so does the answer of a poll it parks, instead of on the handlers' threads.
    public let onLoop: Bool
    let segments: [Segment]

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public init(_ method: String, _ template: String, bodyLimit: Int? = nil,
                admit: (@Sendable (Request) async throws -> Void)? = nil, onLoop: Bool = false, handler: @escaping Handler) {
        self.method = method
        self.template = template
        self.bodyLimit = bodyLimit
        self.admit = admit
        self.onLoop = onLoop
        self.handler = handler
        self.segments = template.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }

    /// The decoded parameters when `pathSegments` fits this template.
    func match(_ pathSegments: [String]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, value) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let literal):
                guard literal == value else { return nil }
            case .parameter(let name):
                guard let decoded = PercentDecoding.decode(value), !decoded.isEmpty else { return nil }
                parameters[name] = decoded
            }
        }
        return parameters
    }
}

/// The routing table: exact templates first, then the fallback (static files).
///
/// Immutable once the server starts, so loops read it without locks.
public struct Router: Sendable {
    public private(set) var routes: [Route] = []
    /// Answers GET and HEAD requests no route matched.
    public var fallback: (@Sendable (Request) -> Response?)?

    public init() {}

    public mutating func add(_ route: Route) { routes.append(route) }

    public mutating func get(_ template: String, handler: @escaping Handler) {
        add(Route("GET", template, handler: handler))
    }

    public mutating func post(_ template: String, bodyLimit: Int? = nil, handler: @escaping Handler) {
        add(Route("POST", template, bodyLimit: bodyLimit, handler: handler))
    }

    /// What a request resolves to.
    public enum Resolution: Sendable {
        case route(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case fallback
        case notFound
    }

    public func resolve(method: String, path: String) -> Resolution {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.match(segments) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .route(route, parameters: parameters)
            }
            allowed.append(route.method)
        }
        if !allowed.isEmpty { return .methodNotAllowed(allowed: allowed) }
        if fallback != nil && (method == "GET" || method == "HEAD") { return .fallback }
        return .notFound
    }
}
