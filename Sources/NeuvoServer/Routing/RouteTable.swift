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

    mutating func get<P>(_ template: String, _ caller: Caller<P>, answers: [Answer] = [],
                         _ body: @escaping @Sendable (Request, P) async throws -> HandlerResult) {
        add("GET", template, caller, .none, answers, body)
    }

    mutating func post<P>(_ template: String, _ caller: Caller<P>, takes kind: Body, answers: [Answer] = [],
                          _ body: @escaping @Sendable (Request, P) async throws -> HandlerResult) {
        add("POST", template, caller, kind, answers, body)
    }

    private mutating func add<P>(_ method: String, _ template: String, _ caller: Caller<P>, _ kind: Body, _ answers: [Answer],
                                 _ body: @escaping @Sendable (Request, P) async throws -> HandlerResult) {
        var allowed = Set(answers + caller.refusals)
        let csrf = method == "POST" && caller.browser
        if csrf { allowed.insert(.csrf) }
        if case .json = kind { allowed.insert(.invalidJSON) }
        if template.contains("{") { allowed.insert(.notFound) }
        contracts.append(RouteContract(method: method, template: template, caller: caller.name, answers: allowed))
        let breaches = self.breaches, allowedAnswers = allowed, image = { if case .image = kind { true } else { false } }()
        router.add(Route(method, template, bodyLimit: kind.limit) { request in
            do {
                if csrf { try CSRF.check(request, image: image) }
                return try await mappingErrors { try await body(request, try await caller.authorise(request)) }
            } catch let error as HTTPError {
                if !allowedAnswers.contains(Answer(error)) { breaches.record("\(method) \(template) answered \(Answer(error))") }
                throw error
            }
        })
    }

    /// Routes that are not the API's (health check): no contract.
    mutating func add(_ route: Route) { router.add(route) }
}
