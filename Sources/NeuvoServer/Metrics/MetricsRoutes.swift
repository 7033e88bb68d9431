import Foundation
import NeuvoClinic
import NeuvoHTTP
import NeuvoStore
import Synchronization

/// `GET /metrics` in the Prometheus text format 0.0.4, for the IT people's
/// monitoring.
///
/// Who may call: a client at one of the configured addresses (default: this
/// machine), or one that sends the metrics token; anyone else gets 404. Behind
/// the trusted proxy the client is the address it forwarded, so the proxy's own
/// loopback address does not open the metrics to the internet.
struct MetricsRoutes: Sendable {
    let clinic: Clinic
    let store: Store
    let requests: RequestMetrics
    let engine: EngineRef
    let readers: Caller<Void>

    func register(in routes: inout RouteTable) {
        routes.get("/metrics", readers) { _, _ in
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "text/plain; version=0.0.4; charset=utf-8")
            headers.add(name: "cache-control", value: "no-store")
            return .respond(Response(status: .ok, headers: headers, body: Array(try exposition().utf8)))
        }
    }

    func exposition() throws -> String {
        var out = MetricsText()
        let (counts, durations) = requests.snapshot
        out.describe("neuvo_http_requests_total", "counter", "Requests answered, by method, route template and status.")
        for (key, n) in counts.sorted(by: { ($0.key.template, $0.key.method, $0.key.status) < ($1.key.template, $1.key.method, $1.key.status) }) {
            out.sample("neuvo_http_requests_total", [("method", key.method), ("route", key.template), ("status", String(key.status))], Double(n))
        }
        out.describe("neuvo_http_request_duration_seconds", "histogram", "Time from a request's head to its answer, by route family.")
        for family in RouteFamily.allCases {
            guard let h = durations[family] else { continue }
            out.histogram("neuvo_http_request_duration_seconds", [("family", family.rawValue)], h)
        }
        out.describe("neuvo_http_open_connections", "gauge", "Client connections open now.")
        out.sample("neuvo_http_open_connections", [], Double(engine.server?.connectionCount ?? 0))
        out.describe("neuvo_http_parked_requests", "gauge", "Long polls parked now, waiting for news.")
        out.sample("neuvo_http_parked_requests", [], Double(engine.server?.parkedCount ?? 0))

        let writer = store.writer.counters, commits = store.writer.commits
        out.describe("neuvo_store_write_batches_total", "counter", "Write transactions committed (each a group of requests' writes).")
        out.sample("neuvo_store_write_batches_total", [], Double(writer.batches))
        out.describe("neuvo_store_writes_total", "counter", "Requests' writes committed.")
        out.sample("neuvo_store_writes_total", [], Double(writer.jobs))
        out.describe("neuvo_store_commit_duration_seconds", "histogram", "Time to COMMIT a batch, the WAL's fsync included.")
        out.histogram("neuvo_store_commit_duration_seconds", [], commits)

        let overview = try clinic.liveOverview(scope: .everything)
        let perQueue: [(String, String, (QueueOverview) -> Double)] = [
            ("neuvo_queue_waiting", "Cases waiting in the queue now.", { Double($0.waiting) }),
            ("neuvo_queue_oldest_wait_seconds", "How long the longest-waiting case has waited (0 when none waits).",
             { q in q.oldestQueuedAt.map { Double(overview.at.millis - $0.millis) / 1000 } ?? 0 }),
            ("neuvo_queue_past_target", "Waiting cases past the queue's targetFirstResponseMinutes.", { Double($0.pastTarget) }),
            ("neuvo_queue_in_handling", "Cases a professional is handling now.", { Double($0.inHandling) }),
            ("neuvo_queue_on_shift", "Professionals on shift in the queue now.", { Double($0.onShift) }),
            ("neuvo_queue_call_backs_waiting", "Call-back requests waiting for a professional to call.", { Double($0.callBacksWaiting) }),
        ]
        for (name, help, value) in perQueue {
            out.describe(name, "gauge", help)
            for queue in overview.queues { out.sample(name, [("queue", queue.queue.id)], value(queue)) }
        }
        out.describe("neuvo_record_exports_unacknowledged", "gauge", "Closed cases' record documents the record system has not acknowledged.")
        out.sample("neuvo_record_exports_unacknowledged", [], Double(try clinic.unacknowledgedExportCount()))
        out.describe("neuvo_notifications_unacknowledged", "gauge", "Text messages in the outbox the SMS gateway has not acknowledged.")
        out.sample("neuvo_notifications_unacknowledged", [], Double(try clinic.unacknowledgedNotificationCount()))
        out.describe("neuvo_database_bytes", "gauge", "Size of the database file and of its write-ahead log.")
        out.sample("neuvo_database_bytes", [("file", "database")], Self.size(store.path))
        out.sample("neuvo_database_bytes", [("file", "wal")], Self.size(store.path + "-wal"))
        return out.text
    }

    static func size(_ path: String) -> Double {
        Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
    }
}

/// The HTTP engine, once it exists (routes are declared before it is made).
final class EngineRef: Sendable {
    private let value = Mutex<HTTPServer?>(nil)
    var server: HTTPServer? { value.withLock { $0 } }
    func set(_ server: HTTPServer) { value.withLock { $0 = server } }
}

extension Caller where Principal == Void {
    /// Monitoring: a client at one of `addresses` (as ``ClientAddress`` sees it), or
    /// one that sends `Authorization: Bearer <token>`; anyone else gets 404.
    static func metricsReader(addresses: Set<String>, token: String?, trustedProxies: Set<String>) -> Caller {
        let expected = token.map { Array($0.utf8) }
        return Caller(name: "metrics", browser: false, refusals: [.notFound]) { request in
            // A proxy on this machine that is not trusted still forwards others' requests from loopback:
            // a forwarded request from an untrusted peer is never taken for this machine.
            let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"].contains { request.headers[$0] != nil }
            if (!forwarded || trustedProxies.contains(request.remoteAddress)),
               addresses.contains(ClientAddress.of(request, trustedProxies: trustedProxies)) { return }
            if let expected, let header = request.headers["authorization"], header.hasPrefix("Bearer "),
               Self.sameBytes(Array(header.utf8.dropFirst(7)), expected) { return }
            throw HTTPError.notFound()
        }
    }

    /// Compares in time that depends only on the length, not on where they differ.
    private static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
