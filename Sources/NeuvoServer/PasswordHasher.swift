import CCrypt

/// Password hashing with yescrypt through libxcrypt.
///
/// The stored form is the whole `$y$…` string, salt and cost included, so
/// verifying needs nothing else and the cost can rise later without a migration.
public enum PasswordHasher {
    /// Passwords shorter than this are refused when set.
    public static let minimumLength = 10
    /// Longer inputs are refused rather than hashed (hashing is deliberately slow).
    public static let maximumLength = 256

    public enum Failure: Error, Equatable {
        case tooShort
        case tooLong
        /// A NUL character, which crypt() would take for the end of the password.
        case containsNUL
        case hashingFailed
    }

    /// A new yescrypt hash of `password` with a fresh random salt.
    public static func hash(_ password: String) throws(Failure) -> String {
        // crypt() reads a C string: a NUL would end the password there ("right\0anything").
        guard !password.utf8.contains(0) else { throw .containsNUL }
        guard password.count >= minimumLength else { throw .tooShort }
        guard password.utf8.count <= maximumLength else { throw .tooLong }
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        // Null random bytes: libxcrypt draws them from the operating system.
        guard crypt_gensalt_rn("$y$", 0, nil, 0, &setting, Int32(setting.count)) != nil else { throw .hashingFailed }
        guard let hashed = crypt(password, setting: setting), hashed.hasPrefix("$y$") else { throw .hashingFailed }
        return hashed
    }

    /// Whether `password` matches `stored`, compared in constant time.
    public static func verify(_ password: String, against stored: String) -> Bool {
        // A NUL would cut the password short in crypt(): "right\0anything" must not match "right".
        guard password.utf8.count <= maximumLength, !password.utf8.contains(0), stored.hasPrefix("$y$") else { return false }
        guard let candidate = crypt(password, setting: Array(stored.utf8CString)) else { return false }
        let a = Array(candidate.utf8), b = Array(stored.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    /// A hash to verify against when the account does not exist, so that a
    /// missing account takes as long to refuse as a wrong password.
    public static let decoy: String = (try? hash("decoy-password-never-used")) ?? "$y$"

    private static func crypt(_ password: String, setting: [CChar]) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            // The scratch area held the password: wipe it before freeing.
            UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        guard let result = crypt_rn(password, setting, data, Int32(MemoryLayout<crypt_data>.size)) else { return nil }
        let text = String(cString: result)
        // Failure is reported as a string starting with '*'.
        return text.hasPrefix("*") ? nil : text
    }
}
