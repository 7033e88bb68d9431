import Glibc
import Synchronization

/// Serves files from one folder (`Public/`) for GET and HEAD.
///
/// A request can never leave the folder: `.` and `..` segments (also when
/// percent-encoded), hidden names, NUL and backslashes are refused, and the
/// resolved real path, after symlinks, must still lie inside the folder.
public struct StaticFiles: Sendable {
    public let root: String
    /// Largest file served; Public/ holds small pages, not downloads.
    public let maxFileBytes: Int
    /// gzip bodies of text files, made once per file version (its ETag).
    private let compressed = CompressedFiles()

    /// - Parameter root: the folder; resolved once to its real path.
    public init?(root: String, maxFileBytes: Int = 8 * 1024 * 1024) {
        guard let resolved = Self.realPath(root) else { return nil }
        self.root = resolved
        self.maxFileBytes = maxFileBytes
    }

    public func respond(to request: Request) -> Response? {
        guard let decoded = PercentDecoding.decode(request.path) else { return nil }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: true)
        for segment in segments {
            if segment.hasPrefix(".") || segment.contains("\0") || segment.contains("\\") { return nil }
        }
        var path = root + "/" + segments.joined(separator: "/")
        guard var info = Self.fileInfo(path) else { return nil }
        if info.isDirectory {
            // "//host" in a Location would send the browser to another site.
            if request.path.hasPrefix("//") { return nil }
            if !decoded.hasSuffix("/") {
                var headers = HTTPHeaders()
                headers.add(name: "location", value: request.path + "/")
                return Response(status: HTTPStatus(301, "Moved Permanently"), headers: headers)
            }
            path += path.hasSuffix("/") ? "index.html" : "/index.html"
            guard let indexInfo = Self.fileInfo(path) else { return nil }
            info = indexInfo
        }
        guard !info.isDirectory, let real = Self.realPath(path), real.hasPrefix(root + "/"), info.size <= maxFileBytes else {
            return nil
        }
        let type = Self.contentType(for: real)
        let version = "\(String(info.size, radix: 16))-\(String(info.modifiedNanos, radix: 16))"
        // Text goes gzipped to clients that take it (a page and its modules are about a third of
        // their size); its two forms are two representations, each with its own ETag.
        let compressible = Self.isCompressible(type) && info.size >= 1024
        let zipped = compressible && Gzip.accepted(by: request.headers["accept-encoding"])
            ? compressed.body(path: real, version: version, read: { Self.read(real, size: info.size) }) : nil
        let gzip = zipped != nil
        var headers = HTTPHeaders()
        let etag = "\"" + version + (gzip ? "-gz" : "") + "\""
        headers.add(name: "etag", value: etag)
        headers.add(name: "cache-control", value: "no-cache")
        headers.add(name: "x-content-type-options", value: "nosniff")
        headers.add(name: "referrer-policy", value: "no-referrer")
        headers.add(name: "content-type", value: type)
        if compressible { headers.add(name: "vary", value: "Accept-Encoding") }
        if type.hasPrefix("text/html") {
            headers.add(name: "content-security-policy",
                        value: "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        }
        if let ifNoneMatch = request.headers["if-none-match"], Self.matches(ifNoneMatch, etag: etag) {
            return Response(status: .notModified, headers: headers)
        }
        if let body = zipped {
            headers.add(name: "content-encoding", value: "gzip")
            return Response(status: .ok, headers: headers, body: body)
        }
        guard let body = Self.read(real, size: info.size) else { return nil }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func isCompressible(_ type: String) -> Bool {
        type.hasPrefix("text/") || type.hasPrefix("application/json") || type.hasPrefix("image/svg")
            || type.hasPrefix("application/manifest") || type.hasPrefix("application/yaml")
    }

    /// RFC 9110 §13.1.2: weak comparison over a list of entity tags, or `*`.
    static func matches(_ header: String, etag: String) -> Bool {
        let candidates = header.split(separator: ",").map { String($0).trimmingSpaces() }
        return candidates.contains { $0 == "*" || $0 == etag || $0 == "W/" + etag }
    }

    public static func contentType(for path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "txt": return "text/plain; charset=utf-8"
        case "woff2": return "font/woff2"
        case "webmanifest": return "application/manifest+json"
        case "yaml", "yml": return "application/yaml"
        default: return "application/octet-stream"
        }
    }

    struct FileInfo {
        let size: Int
        let modifiedNanos: Int
        let isDirectory: Bool
    }

    static func fileInfo(_ path: String) -> FileInfo? {
        var st = Glibc.stat()
                guard stat(path, &st) == 0 else { return nil }
        let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        let isRegular = (st.st_mode & S_IFMT) == S_IFREG
        guard isDirectory || isRegular else { return nil }
        return FileInfo(size: Int(st.st_size), modifiedNanos: Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec),
                        isDirectory: isDirectory)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func read(_ path: String, size: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, size - offset) }
            if n <= 0 { return nil }
            offset += n
        }
        return bytes
    }
}

/// The gzip form of each served text file, keyed by its real path and made again
/// when the file changes. Thread safety: any thread; two first requests may both
/// compress, and the second's result replaces the first's (the same bytes).
final class CompressedFiles: Sendable {
    private let bodies = Mutex<[String: (version: String, body: [UInt8])]>([:])

    func body(path: String, version: String, read: () -> [UInt8]?) -> [UInt8]? {
        if let cached = bodies.withLock({ $0[path] }), cached.version == version { return cached.body }
        guard let plain = read(), let body = Gzip.compress(plain) else { return nil }
        bodies.withLock { $0[path] = (version, body) }
        return body
    }
}
