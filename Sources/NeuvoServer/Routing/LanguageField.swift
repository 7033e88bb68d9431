import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

extension JSONValue {
    /// A body's optional `language` (fi, sv or en): nil when absent, 422 naming the field when anything else.
    func languageField() throws -> Language? {
        guard let text = self["language"]?.stringValue else { return nil }
        guard let chosen = Language(rawValue: text) else {
            throw HTTPError(.unprocessableContent, code: "invalid_language", message: "language must be fi, sv or en.", field: "language")
        }
        return chosen
    }
}
