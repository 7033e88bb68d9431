import NeuvoHTTP
import NeuvoStore
import Synchronization

/// Which kind of caller a route serves; request durations are kept per family
/// (a long poll's 25 s would drown the short requests' times).
enum RouteFamily: String, CaseIterable, Sendable {
    case page, resident, longPoll, professional, manager, recordSystem, other

    init(template: String) {
        if template == "static" { self = .page }
        else if template.hasSuffix("/events") || template == "/api/v1/stats/live" { self = .longPoll }
        else if template.hasPrefix("/api/v1/pro/") { self = .professional }
        else if template.hasPrefix("/api/v1/stats") || template.hasPrefix("/api/v1/audit") { self = .manager }
        else if template.hasPrefix("/api/v1/record-exports") { self = .recordSystem }
        else if template.hasPrefix("/api/v1/") { self = .resident }
        else { self = .other }
    }
}

/// Every answered request, counted by route template, method and status, and
/// timed per route family. Labels come only from declared templates, a few
/// methods and status codes, so the series stay few whatever clients send.
///
/// Threads: any (the engine's loops record; a scrape reads).
final class RequestMetrics: Sendable {
    struct Key: Hashable, Sendable {
        let method: String
        let template: String
        let status: Int
    }

    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    private static let methods: Set<String> = ["GET", "HEAD", "POST"]

    private struct State {
        var counts: [Key: Int] = [:]
        var durations = Dictionary(uniqueKeysWithValues: RouteFamily.allCases.map { ($0, Histogram(bounds: RequestMetrics.bounds)) })
    }

    private let state = Mutex(State())

    func record(_ entry: RequestLog) {
        let key = Key(method: Self.methods.contains(entry.method) ? entry.method : "other", template: entry.template, status: entry.status)
        let family = RouteFamily(template: entry.template)
        state.withLock { state in
            state.counts[key, default: 0] += 1
            state.durations[family]?.record(Double(entry.durationMillis) / 1000)
        }
    }

    var snapshot: (counts: [Key: Int], durations: [RouteFamily: Histogram]) {
        state.withLock { ($0.counts, $0.durations) }
    }
}
