import NeuvoClinic
import NeuvoHTTP

extension ClinicError {
    /// The HTTP answer for a broken domain rule.
    var httpError: HTTPError {
        switch self {
        case .notFound:
            return .notFound()
        case .invalid(let field, let message):
            return HTTPError(.unprocessableContent, code: "invalid_\(field)", message: message, field: field)
        case .invalidAnswer(let question, let message):
            return HTTPError(.unprocessableContent, code: "invalid_answer", message: message, field: "answers.\(question)")
        case .conflict(let code, let message):
            return HTTPError(.conflict, code: code, message: message)
        }
    }
}

/// Runs a handler body, turning domain errors into HTTP errors.
func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ClinicError {
        throw error.httpError
    } catch let error as ImageError {
        switch error {
        case .tooLarge, .tooManyPixels: throw HTTPError(.contentTooLarge, code: "photo_too_large", message: error.message)
        case .unsupportedFormat, .malformed: break
        }
        throw HTTPError(.unsupportedMediaType, code: "unsupported_photo", message: error.message)
    } catch let error as CatalogError {
        throw HTTPError(.unprocessableContent, code: "invalid_catalog", message: error.description)
    }
}
