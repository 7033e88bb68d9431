import NeuvoClinic
import NeuvoHTTP
import Synchronization

/// What a route takes in: nothing (a GET), a JSON body, an image, or a
/// state change whose body it never reads (still sent as JSON by browsers).
enum Body: Sendable {
    case none
    case json(limit: Int)
    case image(limit: Int)
    case unread(limit: Int)

    var limit: Int? {
        switch self {
        case .none: return nil
        case .json(let limit), .image(let limit), .unread(let limit): return limit
        }
    }
}

/// A route as declared: who may call, what it takes, and every error it may answer.
struct RouteContract: Sendable {
    let method: String
    let template: String
    let caller: String
    /// Its own answers, its caller's refusals, and what its body kind brings (CSRF, invalid JSON).
    let answers: Set<Answer>
}

/// Errors a route answered that its declaration does not name; tests fail on any.
final class ContractBreaches: Sendable {
    private let seen = Mutex<[String]>([])
    func record(_ breach: String) { seen.withLock { $0.append(breach) } }
    var all: [String] { seen.withLock { $0 } }
}

/// The one way NeuvoServer declares a route (Hummingbird's `RouterGroup` and
/// middleware are the model): the method and template, who may call (``Caller``),
/// what body it takes, and the errors it may answer besides its caller's refusals.
///
/// For every route the table checks the CSRF rule on a browser's state-changing
/// request, asks the caller, runs the body with the caller's principal, and maps
/// domain errors to HTTP once. A body is the domain call and its answer.
struct RouteTable {
    private(set) var router = Router()
    private(set) var contracts: [RouteContract] = []
    let breaches: ContractBreaches

    init(breaches: ContractBreaches) { self.breaches = breaches }

    /// `quick`: the body only reads a few rows or awaits a commit, so it runs on the connection's
    /// event loop (``Route/onLoop``); anything that may take milliseconds of CPU or reads stays off it.
    mutating func get<P>(_ template: String, _ caller: Caller<P>, answers: [Answer] = [], quick: Bool = false,
                         _ body: @escaping @Sendable (Request, P) async throws -> HandlerResult) {
        add("GET", template, caller, .none, answers, nil, quick, body)
    }

    /// `admits`: what else must hold before a large body is read (e.g. that the
    /// conversation is the caller's); the CSRF rule and the caller are always asked first.
    mutating func post<P>(_ template: String, _ caller: Caller<P>, takes kind: Body, answers: [Answer] = [],
                          admits: (@Sendable (Request, P) async throws -> Void)? = nil, quick: Bool = false,
                          _ body: @escaping @Sendable (Request, P) async throws -> HandlerResult) {
        add("POST", template, caller, kind, answers, admits, quick, body)
    }

    private mutating func add<P>(_ method: String, _ template: String, _ caller: Caller<P>, _ kind: Body, _ answers: [Answer],
                                 _ admits: (@Sendable (Request, P) async throws -> Void)?, _ quick: Bool,
                                 _ body: @escaping @Sendable (Request, P) async throws -> HandlerResult) {
        var allowed = Set(answers + caller.refusals)
        let csrf = method == "POST" && caller.browser
        if csrf { allowed.insert(.csrf) }
        if case .json = kind { allowed.insert(.invalidJSON) }
        if template.contains("{") { allowed.insert(.notFound) }
        contracts.append(RouteContract(method: method, template: template, caller: caller.name, answers: allowed))
        let image = { if case .image = kind { true } else { false } }()
        let check = BreachCheck(route: "\(method) \(template)", allowed: allowed, breaches: breaches)
        // Before a large body is read: the same rule and caller, then the route's own condition.
        var admit: (@Sendable (Request) async throws -> Void)?
        if method == "POST" {
            admit = { @Sendable (request: Request) async throws -> Void in
                try await check.run { () async throws -> Void in
                    if csrf { try CSRF.check(request, image: image) }
                    let principal: P = try await mappingErrors { try await caller.authorise(request) }
                    if let admits { try await mappingErrors { try await admits(request, principal) } }
                }
            }
        }
        router.add(Route(method, template, bodyLimit: kind.limit, admit: admit, onLoop: quick) { request in
            try await check.run {
                if csrf { try CSRF.check(request, image: image) }
                return try await mappingErrors { try await body(request, try await caller.authorise(request)) }
            }
        })
    }

    /// Routes that are not the API's (health check): no contract.
    mutating func add(_ route: Route) { router.add(route) }
}

/// Records an error a route answers that its declaration does not name.
private struct BreachCheck: Sendable {
    let route: String
    let allowed: Set<Answer>
    let breaches: ContractBreaches

    func run<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as HTTPError {
            if !allowed.contains(Answer(error)) { breaches.record("\(route) answered \(Answer(error))") }
            throw error
        }
    }
}
