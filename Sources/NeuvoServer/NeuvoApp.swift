import Dispatch
import Foundation
import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON
import NeuvoStore
import Synchronization

/// The whole server: store, clinic, event hub, routes and the HTTP engine.
///
/// `start()` opens for requests; `stop()` begins a graceful stop from any
/// thread; `wait()` returns once the engine has stopped and the database is closed.
public final class NeuvoApp: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var databasePath = "neuvo.sqlite"
        public var publicFolder = "Public"
        public var migrationsFolder = "Migrations"
        public var logLevel = Logger.Level.info
        /// Add `Secure` to cookies (set when served behind TLS).
        public var secureCookies = false
        public var loopCount = 0  // 0: one per core
        public var limits = HTTPLimits()
        /// Addresses of the identity-aware reverse proxy allowed to assert identities.
        public var trustedProxies: [String] = []
        /// Continuity of care: how recent a previous case counts, and how long the offer lasts.
        public var continuity = ContinuityOptions()
        /// How often ended continuity offers are released to the whole queue.
        public var offerSweepInterval: Duration = .seconds(5)
        /// When the server deletes old content by itself (`neuvo serve`: 30 days, at 03.00 Finnish time; here off).
        public var retention = RetentionSchedule(days: 0)
        /// `PRAGMA wal_autocheckpoint` of the writer; 0 leaves checkpoints to Litestream.
        public var walAutocheckpointPages = 10_000
        /// How long a commit may wait for more writes while they come fast (``Writer/lingerNanoseconds``); zero: never.
        public var commitLinger: Duration = .zero
        /// Include the whole matter (messages and internal notes) in record documents.
        public var exportTranscript = true
        /// The organisation that keeps the records (a wellbeing services county), named as each document's custodian.
        public var custodian: RecordExportOptions.Custodian?
        /// The address the record system reaches Neuvo at (for photo URLs in documents, and under it
        /// the code systems at `/fhir/CodeSystem/…`).
        public var publicBaseURL = "http://localhost"
        /// The canonical base of the documents' code and identifier systems; nil: `publicBaseURL` + `/fhir`.
        public var fhirBase: String?
        /// Demo mode's clearly marked test identification.
        public var demoIdentification = false
        /// Who may read `/metrics`: clients at these addresses, or any sending `metricsToken` as a bearer token.
        public var metricsAddresses: [String] = ["127.0.0.1", "::1"]
        public var metricsToken: String?
        /// The clinic's clock; tests move it to exercise expiry.
        public var clock: @Sendable () -> Timestamp = Timestamp.now
        public init() {}
    }

    public let configuration: Configuration
    public let store: Store
    public let clinic: Clinic
    public let hub: EventHub
    public let logger: Logger
    public let http: HTTPServer
    /// Every API route as declared: who may call it and the errors it may answer.
    let routeContracts: [RouteContract]
    /// Errors a route answered that its declaration does not name (tests fail on any).
    let contractBreaches = ContractBreaches()

    /// - Parameter logSink: where log lines go one by one; nil: standard error, in batches (``LogBuffer``).
    public init(configuration: Configuration, logSink: (@Sendable (String) -> Void)? = nil) throws {
        self.configuration = configuration
        logger = logSink.map { Logger(level: configuration.logLevel, sink: $0) } ?? Logger(level: configuration.logLevel)
        store = try Store(path: configuration.databasePath, migrator: try Migrator(folder: configuration.migrationsFolder),
                          walAutocheckpointPages: configuration.walAutocheckpointPages, commitLinger: configuration.commitLinger)
        clinic = Clinic(store: store, now: configuration.clock,
                        exportOptions: RecordExportOptions(includeTranscript: configuration.exportTranscript, baseURL: configuration.publicBaseURL,
                                                         canonicalBase: configuration.fhirBase, custodian: configuration.custodian),
                        continuity: configuration.continuity)
        hub = EventHub()

        var routes = RouteTable(breaches: contractBreaches)
        let store = self.store
        routes.add(Route("GET", "/healthz") { _ in
            _ = try store.read { db in try db.row("SELECT 1 AS ok") }
            return .respond(.json(.object(["status": .string("ok")])))
        })
        let auth = ResidentAuth(clinic: clinic, secureCookies: configuration.secureCookies,
                                trustedProxies: Set(configuration.trustedProxies))
        let professionalAuth = ProfessionalAuth(clinic: clinic, secureCookies: configuration.secureCookies,
                                                trustedProxies: Set(configuration.trustedProxies))
        let keys = RecordSystemKeys(clinic: clinic)
        ConversationRoutes(clinic: clinic, hub: hub, auth: auth).register(in: &routes)
        TriageRoutes(clinic: clinic, hub: hub, auth: auth).register(in: &routes)
        ProfessionalRoutes(clinic: clinic, hub: hub, auth: professionalAuth).register(in: &routes)
        RecordExportRoutes(clinic: clinic, keys: keys).register(in: &routes)
        FHIRRoutes(clinic: clinic).register(in: &routes)
        StatisticsRoutes(clinic: clinic, hub: hub, auth: professionalAuth).register(in: &routes)
        AccessLogRoutes(clinic: clinic, auth: professionalAuth).register(in: &routes)
        PhotoRoutes(clinic: clinic, hub: hub, residents: auth, professionals: professionalAuth, keys: keys).register(in: &routes)
        IdentificationRoutes(clinic: clinic, auth: auth, demo: configuration.demoIdentification).register(in: &routes)
        CallBackRoutes(clinic: clinic, hub: hub, auth: auth, keys: keys).register(in: &routes)
        ReplyTextRoutes(clinic: clinic, auth: auth).register(in: &routes)
        ProfessionalCallBackRoutes(clinic: clinic, hub: hub, auth: professionalAuth).register(in: &routes)
        let requestMetrics = RequestMetrics(), engine = EngineRef()
        MetricsRoutes(clinic: clinic, store: store, requests: requestMetrics, engine: engine,
                      readers: .metricsReader(addresses: Set(configuration.metricsAddresses), token: configuration.metricsToken,
                                              trustedProxies: Set(configuration.trustedProxies))).register(in: &routes)
        routeContracts = routes.contracts
        var router = routes.router
        if let files = StaticFiles(root: configuration.publicFolder) {
            router.fallback = { request in
                request.path.hasPrefix("/api/") ? nil : files.respond(to: request)
            }
        } else {
            logger.log(.warning, "public folder \(configuration.publicFolder) not found; serving the API only")
        }

        var httpConfiguration = HTTPServer.Configuration()
        httpConfiguration.host = configuration.host
        httpConfiguration.port = configuration.port
        if configuration.loopCount > 0 { httpConfiguration.loopCount = configuration.loopCount }
        httpConfiguration.limits = configuration.limits
        let proxies = Set(configuration.trustedProxies)
        httpConfiguration.clientOf = { peer, headers in ClientAddress.of(peer: peer, headers: headers, trustedProxies: proxies) }
        let logger = self.logger
        http = HTTPServer(configuration: httpConfiguration, router: router,
                          logger: { entry in
                              logger.request(entry)
                              requestMetrics.record(entry)
                          },
                          errorReporter: { logger.log(.error, $0) })
        engine.set(http)
    }

    /// The background rounds (see ``Housekeeping``).
    private let sweeper = Mutex<Task<Void, Never>?>(nil)
    /// Reading the last 400 days into the statistics cache after start, on a thread of its own (neither
    /// the cooperative pool nor Dispatch's, which a blocking `wait()` may be holding); signalled when done,
    /// so `wait()` lets it finish before closing the store.
    private let warmed = DispatchSemaphore(value: 0)
    /// Signalled when the rounds have ended.
    private let swept = DispatchSemaphore(value: 0)
    private let stopping = StopFlag(), warmStarted = StopFlag()

    /// Starts serving; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        let port = try http.start()
        let housekeeping = Housekeeping(clinic: clinic, hub: hub, logger: logger, offerInterval: configuration.offerSweepInterval,
                                        retention: configuration.retention)
        sweeper.withLock { task in
            let stopping = self.stopping, swept = self.swept
            task = Task.detached(executorPreference: HandlerExecutor()) {
                // Signalled when the loop ends, so `wait()` closes the store only after the last round.
                defer { swept.signal() }
                await housekeeping.run(stopping: stopping)
            }
        }
        let stopping = self.stopping, warmed = self.warmed, clinic = self.clinic, logger = self.logger
        let warmer = Thread {
            do {
                try clinic.warmStatistics { stopping.isSet }
            } catch {
                logger.log(.error, "reading statistics at start failed with \(type(of: error))")
            }
            warmed.signal()
        }
        warmer.name = "statistics-warm-up"
        warmStarted.set()  // before the thread runs: a wait() right after start() must wait for it
        warmer.start()
        logger.log(.info, "listening on http://\(configuration.host):\(port)")
        return port
    }

    public func stop() {
        sweeper.withLock { $0?.cancel() }
        stopping.set()
        http.stop()
    }

    /// Blocks until the engine has stopped (and the statistics warm-up with it), then closes the database.
    public func wait() {
        http.wait()
        stopping.set()
        if warmStarted.isSet {
            warmed.wait()
            warmed.signal()  // for a second wait()
            sweeper.withLock { $0?.cancel() }
            swept.wait()
            swept.signal()
        }
        store.close()
        logger.log(.info, "stopped")
        logger.flush()
    }
}

extension NeuvoApp {
    /// A new record-system API key and the hash to store.
    public static func newApiKey() -> (key: String, hash: [UInt8]) { RecordSystemKeys.newKey() }
}

/// Set once, read from any thread (whether the server is stopping; whether the warm-up started).
final class StopFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
