/// Size limits and timeouts of the HTTP engine; each breach has its own status.
public struct HTTPLimits: Sendable {
    /// Longest request line (method, target, version); beyond it: 414.
    public var maxRequestLineBytes = 8 * 1024
    /// Longest request head (request line and all header fields); beyond it: 431.
    public var maxHeadBytes = 16 * 1024
    /// Most header fields in one request; beyond it: 431.
    public var maxHeaderCount = 100
    /// Body limit for routes that do not set their own; beyond it: 413.
    public var defaultBodyLimit = 64 * 1024
    /// Time from the first byte of a request to the end of its head: 408 after.
    public var headerTimeout: Duration = .seconds(10)
    /// Time to receive a body once the head is in: 408 after, unless it keeps
    /// arriving at ``minBodyBytesPerSecond`` (each byte buys 1/rate s more).
    public var bodyTimeout: Duration = .seconds(30)
    /// The slowest average a large body may arrive at: 32 KiB/s (about 256 kbit/s,
    /// a poor mobile uplink) lets an 11 MiB photo take 6 minutes.
    public var minBodyBytesPerSecond = 32 * 1024
    /// How long a kept-alive connection may sit idle between requests.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a response write may make no progress before the connection is dropped.
    public var writeStallTimeout: Duration = .seconds(30)
    /// Open client connections at most; a connection beyond it gets 503 and is
    /// closed. Never more than the process's descriptor limit less 100 (for the
    /// database, the loops and accepting the 503s themselves).
    public var maxConnections = Int.max
    /// A body longer than this is admitted by its route before a byte of it is
    /// read (``Route/admit``), and counts against ``maxBodyBytesInFlight``.
    public var admitBodiesAbove = 64 * 1024
    /// Bytes all unfinished large bodies may hold at once; a new one beyond it
    /// gets 503 with `Retry-After`, so slow senders cannot exhaust memory.
    public var maxBodyBytesInFlight = 768 * 1024 * 1024
    /// Of that budget, what one client (``HTTPServer/Configuration/clientOf``) may hold at once;
    /// beyond it a new large body gets 429 with `Retry-After`, so one address's slow
    /// uploads cannot spend everyone's budget. A third of it: 23 photos of 11 MiB at once
    /// from one address (many residents may share one behind a carrier's or an office's NAT).
    public var maxBodyBytesInFlightPerClient = 256 * 1024 * 1024
    /// How long a graceful stop waits for in-flight requests.
    public var shutdownGrace: Duration = .seconds(10)

    public init() {}
}
