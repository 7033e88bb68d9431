import CLinux
import Glibc

/// A failed system call on a socket or descriptor.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let errno: Int32
    public var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}

/// Creating the listening socket and naming peers.
enum SocketAddress {
    /// Binds a non-blocking listening socket to `host:port` (IPv4 or IPv6 literal).
    /// Returns the descriptor and the bound port (useful with port 0).
    static func listen(host: String, port: Int, backlog: Int32 = 4096) throws(SocketError) -> (fd: Int32, port: Int) {
        var v4 = in_addr()
        var v6 = in6_addr()
        let isV6: Bool
        if inet_pton(AF_INET, host, &v4) == 1 {
            isV6 = false
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            isV6 = true
        } else {
            throw SocketError(operation: "parse address '\(host)'", errno: EINVAL)
        }
        let fd = neuvo_stream_socket(isV6 ? AF_INET6 : AF_INET)
        guard fd >= 0 else { throw SocketError(operation: "socket", errno: neuvo_errno()) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            address.sin6_addr = v6
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr = v4
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let error = SocketError(operation: "bind \(host):\(port)", errno: neuvo_errno())
            close(fd)
            throw error
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let error = SocketError(operation: "listen", errno: neuvo_errno())
            close(fd)
            throw error
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Self.port(of: bound))
    }

    static func port(of address: sockaddr_storage) -> Int {
        var address = address
        let family = address.ss_family
        return withUnsafePointer(to: &address) { pointer in
            if family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// The peer's IP address as text.
    static func describe(_ address: sockaddr_storage) -> String {
        var address = address
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = address.ss_family
        withUnsafePointer(to: &address) { pointer in
            if family == sa_family_t(AF_INET6) {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                    var a = p.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &a, &text, socklen_t(text.count))
                }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                    var a = p.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &a, &text, socklen_t(text.count))
                }
            }
        }
        let length = text.firstIndex(of: 0) ?? text.count
        let described = String(decoding: text[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // A dual-stack listener (`--host ::`) sees an IPv4 peer as ::ffff:a.b.c.d; it is the IPv4
        // address, and is named so, so that a trusted proxy or metrics address written as 127.0.0.1 matches.
        if described.hasPrefix("::ffff:"), described.contains(".") { return String(described.dropFirst(7)) }
        return described
    }
}
