/// Why a catalog document was refused: the exact place and what is wrong there.
///
/// `path` reads like the document, e.g.
/// `services[0].children[2].questionnaire.questions[3].options`.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path.isEmpty ? "catalog" : path): \(message)" }
}
