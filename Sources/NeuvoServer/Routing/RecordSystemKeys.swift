import NeuvoClinic
import NeuvoEncoding
import NeuvoHTTP

/// API keys of the systems outside (the patient-record system, the SMS gateway): `nk_` and 43 base64url characters,
/// stored as a SHA-256 only.
struct RecordSystemKeys: Sendable {
    let clinic: Clinic

    /// A new key (printed once by `neuvo apikey create`) and the hash to store.
    static func newKey() -> (key: String, hash: [UInt8]) {
        let (token, _) = Cookies.newToken()
        let key = "nk_" + token
        return (key, SHA256.hash(Array(key.utf8)))
    }

    /// The live key of the request, of `scope`; anything else (a key of the other scope too) is 401.
    func require(_ request: Request, scope: ApiKey.Scope) throws -> ApiKey {
        guard let header = request.headers["authorization"], header.hasPrefix("Bearer "),
              case let key = String(header.dropFirst(7)), key.hasPrefix("nk_"), key.utf8.count == 46,
              let live = try clinic.apiKey(hash: SHA256.hash(Array(key.utf8))), live.scope == scope else {
            throw HTTPError(.unauthorized, code: "invalid_api_key", message: "A valid API key is required.")
        }
        return live
    }
}
