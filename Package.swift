// swift-tools-version:6.0
// Neuvo: a digital clinic chat backend. No package dependencies by design:
// only the toolchain and system C libraries (sqlite3, libxcrypt, Linux epoll).
import PackageDescription

let package = Package(
    name: "neuvo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "neuvo", targets: ["neuvo"]),
        .executable(name: "neuvo-bench", targets: ["neuvo-bench"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // SHA-1, SHA-256, base64url and hex: the digests and encodings every module shares.
        .target(name: "NeuvoEncoding"),
        .target(name: "NeuvoJSON", dependencies: ["NeuvoEncoding"]),
        .target(name: "NeuvoHTTP", dependencies: ["CLinux", "CZlib", "NeuvoJSON"]),
        .target(name: "NeuvoStore", dependencies: ["CSQLite"]),
        .target(name: "NeuvoClinic", dependencies: ["NeuvoStore", "NeuvoJSON", "NeuvoEncoding"]),
        .target(name: "NeuvoServer", dependencies: ["NeuvoHTTP", "NeuvoStore", "NeuvoClinic", "NeuvoJSON", "NeuvoEncoding", "CCrypt"]),
        .executableTarget(name: "neuvo", dependencies: ["NeuvoServer", "NeuvoStore", "NeuvoClinic"],
                         exclude: ["demo-catalog.json"]),
        .executableTarget(name: "neuvo-bench", dependencies: ["NeuvoStore", "CLinux"]),
        // Socket clients and servers shared by the test targets; never shipped.
        .target(name: "NeuvoTestSupport", dependencies: ["NeuvoHTTP", "NeuvoJSON"], path: "Tests/NeuvoTestSupport"),
        .testTarget(name: "NeuvoHTTPTests", dependencies: ["NeuvoHTTP", "NeuvoJSON", "NeuvoTestSupport"]),
        .testTarget(name: "NeuvoStoreTests", dependencies: ["NeuvoStore"]),
        .testTarget(name: "NeuvoClinicTests", dependencies: ["NeuvoClinic", "NeuvoStore", "NeuvoJSON", "NeuvoEncoding", "NeuvoTestSupport"]),
        .testTarget(name: "NeuvoServerTests", dependencies: ["NeuvoServer", "NeuvoHTTP", "NeuvoStore", "NeuvoClinic", "NeuvoJSON", "NeuvoTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
