import Foundation

/// A self-contained `neuvo`: the executable with its pages, migrations and demo
/// catalog appended (`neuvo bundle OUTPUT`), so a server needs only the binary,
/// libsqlite3 and libcrypt.
///
/// The payload follows the executable's own bytes: for each file, its path's
/// length (UInt32, little-endian), the path (`Public/…`, `Migrations/…`,
/// `demo-catalog.json`), its length (UInt64) and its bytes; then the payload's
/// length (UInt64) and the magic `NEUVOPK1`. The loader ignores what follows an
/// ELF file's sections, so the binary runs as before. At start a bundled binary
/// unpacks them into a new private folder (mode 0700), removed when it exits.
enum EmbeddedAssets {
    static let magic = Array("NEUVOPK1".utf8)
    static let executable = "/proc/self/exe"

    /// Writes this executable, without any payload it carries, plus the files to `output` (mode 0755).
    static func bundle(to output: String, publicFolder: String, migrationsFolder: String, demoCatalog: String) throws -> Int {
        guard !FileManager.default.fileExists(atPath: output) else {
            throw CommandLineError(description: "\(output) exists; bundle never overwrites")
        }
        let own = try Data(contentsOf: URL(fileURLWithPath: executable))
        var bytes = Data(own.prefix(try payloadRange(of: own)?.lowerBound ?? own.count))
        var payload = Data(), count = 0
        func add(_ path: String, _ contents: Data) {
            let name = Array(path.utf8)
            payload.append(contentsOf: withUnsafeBytes(of: UInt32(name.count).littleEndian, Array.init))
            payload.append(contentsOf: name)
            payload.append(contentsOf: withUnsafeBytes(of: UInt64(contents.count).littleEndian, Array.init))
            payload.append(contents)
            count += 1
        }
        for (prefix, folder) in [("Public", publicFolder), ("Migrations", migrationsFolder)] {
            guard let walker = FileManager.default.enumerator(atPath: folder) else {
                throw CommandLineError(description: "cannot read \(folder)")
            }
            for case let relative as String in walker where !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                add(prefix + "/" + relative, try Data(contentsOf: URL(fileURLWithPath: folder + "/" + relative)))
            }
        }
        add("demo-catalog.json", try Data(contentsOf: URL(fileURLWithPath: demoCatalog)))
        bytes.append(payload)
        bytes.append(contentsOf: withUnsafeBytes(of: UInt64(payload.count).littleEndian, Array.init))
        bytes.append(contentsOf: magic)
        guard FileManager.default.createFile(atPath: output, contents: bytes, attributes: [.posixPermissions: 0o755]) else {
            throw CommandLineError(description: "cannot write \(output)")
        }
        return count
    }

    /// Unpacks the running executable's payload into a new private folder; nil when it carries none.
    static func unpack() throws -> String? {
        guard let handle = FileHandle(forReadingAtPath: executable) else { return nil }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard size > 16 else { return nil }
        try handle.seek(toOffset: size - 16)
        let trailer = Array(try handle.read(upToCount: 16) ?? Data())
        guard trailer.count == 16, Array(trailer[8...]) == magic else { return nil }
        let length = trailer[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= size - 16 else { throw CommandLineError(description: "the bundled files are damaged") }
        try handle.seek(toOffset: size - 16 - length)
        let payload = Array(try handle.read(upToCount: Int(length)) ?? Data())
        let folder = try privateTemporaryFolder("neuvo-assets", for: "the bundled files")
        var at = 0
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, n <= payload.count - at else { throw CommandLineError(description: "the bundled files are damaged") }
            defer { at += n }
            return payload[at..<at + n]
        }
        func number(_ n: Int) throws -> Int {
            let value = try take(n).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            guard value <= UInt64(payload.count) else { throw CommandLineError(description: "the bundled files are damaged") }
            return Int(value)
        }
        while at < payload.count {
            let path = String(decoding: try take(try number(4)), as: UTF8.self)
            let contents = Data(try take(try number(8)))
            // Only plain relative names: nothing may land outside the folder.
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
                throw CommandLineError(description: "the bundled files are damaged")
            }
            let target = folder + "/" + path
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: target, contents: contents) else {
                throw CommandLineError(description: "cannot unpack \(path)")
            }
        }
        return folder
    }

    /// Where the payload starts and ends in `bytes` (an executable), if it has one.
    static func payloadRange(of bytes: Data) throws -> Range<Int>? {
        guard bytes.count > 16, Array(bytes.suffix(8)) == magic else { return nil }
        let length = bytes.suffix(16).prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(bytes.count - 16) else { throw CommandLineError(description: "the bundled files are damaged") }
        return (bytes.count - 16 - Int(length))..<(bytes.count - 16)
    }
}
