import Dispatch
import Glibc
import Synchronization

/// Log lines on their way to a file descriptor (standard error), written in batches.
///
/// One write(2) per request line cost about 3% of the server's CPU under a stream of chat
/// messages. Lines gather here and go out together: at once when ``flush()`` is called (the
/// logger does for every warning and error, and at stop), when ``limit`` bytes are waiting, and
/// otherwise at most `delay` (50 ms) after the first waiting line. Each write(2) holds whole lines and
/// batches go out in order, so lines never interleave or reorder. A crash loses at most the
/// last `delay` of info lines.
///
/// Thread safety: any thread.
public final class LogBuffer: Sendable {
    /// The server's standard error.
    public static let standardError = LogBuffer(fd: 2)

    static let limit = 64 * 1024

    private let fd: Int32
    private let delay: DispatchTimeInterval
    private let pending = Mutex<[UInt8]>([])
    /// Held while a batch is written, so batches reach the descriptor in the order they were taken.
    private let writing = Mutex<Void>(())

    init(fd: Int32, delay: DispatchTimeInterval = .milliseconds(50)) {
        self.fd = fd
        self.delay = delay
    }

    /// Adds `line` (a newline is appended) to the batch.
    public func append(_ line: String) {
        let (first, full) = pending.withLock { bytes in
            let first = bytes.isEmpty
            bytes.append(contentsOf: line.utf8)
            bytes.append(0x0A)
            return (first, bytes.count >= Self.limit)
        }
        if full {
            flush()
        } else if first {
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in flush() }
        }
    }

    /// Writes every waiting line now.
    public func flush() {
        writing.withLock { _ in
            let bytes = pending.withLock { bytes in
                defer { bytes = [] }
                return bytes
            }
            var offset = 0
            bytes.withUnsafeBytes { buffer in
                while offset < buffer.count {
                    let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n > 0 {
                        offset += n
                    } else if n < 0 && errno == EINTR {
                        continue
                    } else if n < 0 && errno == EAGAIN {
                        // A non-blocking standard error (inherited so) that is full: wait for room, or a
                        // later batch would continue a torn line.
                        var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                        if poll(&ready, 1, 1000) > 0 { continue }
                        return
                    } else {
                        return  // standard error is gone: nothing better to do with a log line
                    }
                }
            }
        }
    }
}
