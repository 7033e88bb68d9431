import NeuvoClinic
import NeuvoEncoding
import NeuvoHTTP

/// The patient-record system's API keys: `nk_` and 43 base64url characters,
/// stored as a SHA-256 only.
struct RecordSystemKeys: Sendable {
    let clinic: Clinic

    /// A new key (printed once by `neuvo apikey create`) and the hash to store.
    static func newKey() -> (key: String, hash: [UInt8]) {
        let (token, _) = Cookies.newToken()
        let key = "nk_" + token
        return (key, SHA256.hash(Array(key.utf8)))
    }

    /// The live key of the request; anything else is 401.
    func require(_ request: Request) throws -> ApiKey {
        guard let header = request.headers["authorization"], header.hasPrefix("Bearer "),
              case let key = String(header.dropFirst(7)), key.hasPrefix("nk_"), key.utf8.count == 46,
              let live = try clinic.apiKey(hash: SHA256.hash(Array(key.utf8))) else {
            throw HTTPError(.unauthorized, code: "invalid_api_key", message: "A valid API key is required.")
        }
        return live
    }
}
