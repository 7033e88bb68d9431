import NeuvoHTTP

/// The rule for state-changing requests from browsers: they must carry
/// `X-Requested-With: neuvo` and the route's body type. A cross-site form can
/// set neither without a CORS preflight, which Neuvo never grants.
enum CSRF {
    static let imageTypes: Set<String> = ["image/jpeg", "image/png", "image/webp"]

    static func check(_ request: Request, image: Bool = false) throws(HTTPError) {
        guard request.headers["x-requested-with"]?.lowercased() == "neuvo" else {
            throw HTTPError(.forbidden, code: "csrf", message: "Missing header X-Requested-With: neuvo.")
        }
        if image {
            // A photo upload carries the image itself; a form cannot send these types cross-site without a preflight.
            guard let type = request.mediaType, imageTypes.contains(type) else {
                throw HTTPError(.forbidden, code: "csrf", message: "The body must be image/jpeg, image/png or image/webp.")
            }
            return
        }
        guard request.mediaType == "application/json" else {
            throw HTTPError(.forbidden, code: "csrf", message: "The body must be application/json.")
        }
    }
}
