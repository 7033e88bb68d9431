/// One client connection. Owned by a single ``EventLoop`` and touched only on its thread.
///
/// It keeps bytes only while a request is partial (`input`) or a response is
/// partly written (`output`); a parked or idle connection holds neither buffer.
final class Connection {
    enum State: UInt8 {
        /// Between requests (or fresh): waiting for the first byte of a request.
        case idle
        /// Some bytes of a request head are in.
        case readingHead
        /// The head of a large body is in; its route decides whether to take it
        /// (nothing of the body is read meanwhile).
        case admitting
        /// The head is in; waiting for `Content-Length` bytes of body.
        case readingBody
        /// A handler is running.
        case processing
        /// A handler parked the request.
        case parked
        /// A response is partly written; waiting for the socket to drain.
        case writing
        /// The response is written and the write side shut; draining input before close.
        case lingering
    }

    /// What the loop remembers about the request being served.
    final class Exchange {
        let head: RequestHead
        let route: Route?
        let parameters: [String: String]
        let startedAt: UInt64
        var parked: ParkedRequest?
        /// Bytes of the server's body budget this request holds until its body is in.
        var reservedBodyBytes = 0
        /// Whose share of the budget `reservedBodyBytes` is.
        var reservedFor = ""
        /// When reading the body began (monotonic ms): its deadline runs from here.
        var bodyStartedAt: UInt64 = 0

        init(head: RequestHead, route: Route?, parameters: [String: String], startedAt: UInt64) {
            self.head = head
            self.route = route
            self.parameters = parameters
            self.startedAt = startedAt
        }

        var template: String { route?.template ?? "static" }
    }

    let fd: Int32
    let id: UInt64
    let peer: String
    var state = State.idle
    var input: [UInt8] = []
    var output: [UInt8] = []
    var outputSent = 0
    var parser = RequestHeadParser()
    var exchange: Exchange?
    /// When the current state times out (`UInt64.max`: never).
    var deadline: UInt64 = .max
    /// The earliest deadline this connection has in the loop's heap.
    var scheduledDeadline: UInt64 = .max
    var closeAfterWrite = false
    /// Bytes a lingering close may discard: a refused body's declared length.
    var lingerAllowance = 0
    /// Input arrived while busy and was left in the socket (edge-triggered epoll
    /// will not say so again), so read once the response is out.
    var readPending = false
    /// The peer shut its write side.
    var peerClosed = false

    init(fd: Int32, id: UInt64, peer: String) {
        self.fd = fd
        self.id = id
        self.peer = peer
    }

    var isBusy: Bool { state == .admitting || state == .processing || state == .parked || state == .writing || state == .lingering }
}
