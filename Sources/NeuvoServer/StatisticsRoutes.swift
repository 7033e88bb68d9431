import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The service managers' statistics under `/api/v1/stats`.
///
/// Who may call: a manager (the queues they manage) or an administrator (all);
/// anyone else gets 404. Nothing answered leads to a person or a case: counts,
/// durations and feedback comments without dates.
struct StatisticsRoutes: Sendable {
    let clinic: Clinic
    let hub: EventHub
    let auth: ProfessionalAuth

    static let filters: [Answer] = [.invalid("from"), .invalid("to"), .invalid("queue"), .invalid("service")]

    func register(in routes: inout RouteTable) {
        let manager = Caller.manager(auth)
        routes.get("/api/v1/stats", manager, answers: Self.filters) { request, caller in
            let report = try clinic.statistics(try Self.question(request), scope: caller.scope)
            let names = try names(request.readerLanguage)
            return .respond(.json(report.json(queueName: { names.queues[$0].map { .string($0) } ?? .null },
                                              serviceName: { names.services[$0].map { .string($0) } ?? .null })))
        }
        routes.get("/api/v1/stats/live", Caller.manager(auth, byThePage: true), answers: [.badQuery("after"), .badQuery("wait")]) { request, caller in
            try live(request, scope: caller.scope)
        }
        routes.get("/api/v1/stats/csv/{table}", manager, answers: Self.filters + [.notFound]) { request, caller in
            guard let table = request.parameters["table"].flatMap(StatisticsTable.init(rawValue:)) else { throw HTTPError.notFound() }
            let question = try Self.question(request)
            let report = try clinic.statistics(question, scope: caller.scope, commentLimit: table == .comments ? .max : 0)
            let names = try names(request.readerLanguage)
            let csv = table.csv(report, queueName: { names.queues[$0] ?? "" }, serviceName: { names.services[$0] ?? "" })
            let file = "neuvo-\(table.rawValue)-\(question.from)-\(question.through).csv"
            return .respond(.csv(csv, file: file))
        }
    }

    /// `?after=TOKEN&wait=S`: each queue now. With `after` (the token of the overview
    /// the page shows) it waits up to `wait` seconds for a change, and never past the
    /// moment the next waiting case passes its target, so that shows without a reload.
    func live(_ request: Request, scope: StatisticsScope) throws -> HandlerResult {
        let wait = try ConversationRoutes.integer(request, "wait", default: 0, range: 0...30)
        let after = request.queryValue("after")
        if let after, after.utf8.count > 64 { throw HTTPError.badRequest("after must be a token from an earlier answer.", code: "invalid_after") }
        let language = request.readerLanguage
        let clinic = clinic
        var seconds = wait
        let first = try clinic.liveOverview(scope: scope)
        if let next = first.queues.compactMap(\.nextPastTargetAt).min() {
            seconds = min(seconds, max(1, Int((next.millis - first.at.millis + 999) / 1000)))
        }
        let auth = self.auth
        let poll = StreamPoll(hub: hub, streams: [EventStreams.overview], reading: {
            // A session signed out or ended meanwhile gets nothing more.
            guard try auth.isLive(request) else { throw HTTPError.notFound() }
            let now = try clinic.liveOverview(scope: scope)
            let token = LiveOverviewWire.token(now.queues)
            return (.json(LiveOverviewWire.json(now, token: token, language: language)), token != after)
        })
        return try poll.answer(wait: after == nil ? 0 : seconds)
    }

    /// `?from=YYYY-MM-DD&to=YYYY-MM-DD&queue=ID&service=ID`.
    static func question(_ request: Request) throws -> StatisticsRequest {
        try StatisticsRequest(from: request.queryValue("from"), to: request.queryValue("to"),
                              queue: request.queryValue("queue"), service: request.queryValue("service"))
    }

    /// Every queue's and service's name in `language`, by id (a queue and a service may share an id).
    func names(_ language: Language) throws -> (queues: [String: String], services: [String: String]) {
        guard let catalog = try clinic.activeCatalog() else { return ([:], [:]) }
        var queues: [String: String] = [:], services: [String: String] = [:]
        for queue in catalog.queues { queues[queue.id] = queue.name[language] }
        for service in catalog.services.flatMap(\.flattened) { services[service.id] = service.title[language] }
        return (queues, services)
    }
}
