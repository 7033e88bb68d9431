import Testing
@testable import NeuvoHTTP

private let ok: Handler = { _ in .respond(Response()) }

/// A router with literal and parameter routes on overlapping paths.
private func makeRouter(fallback: Bool = false) -> Router {
    var router = Router()
    router.get("/api/v1/conversations/mine", handler: ok)
    router.get("/api/v1/conversations/{id}", handler: ok)
    router.post("/api/v1/conversations/{id}/messages", bodyLimit: 1024, handler: ok)
    router.get("/api/v1/conversations/{id}/messages", handler: ok)
    router.add(Route("DELETE", "/api/v1/conversations/{id}", handler: ok))
    router.get("/health", handler: ok)
    if fallback { router.fallback = { _ in nil } }
    return router
}

/// The matched route's template and parameters, or nil for any other resolution.
private func matched(_ router: Router, _ method: String, _ path: String) -> (template: String, method: String, parameters: [String: String])? {
    if case .route(let route, let parameters) = router.resolve(method: method, path: path) {
        return (route.template, route.method, parameters)
    }
    return nil
}

private func allowed(_ router: Router, _ method: String, _ path: String) -> [String]? {
    if case .methodNotAllowed(let allowed) = router.resolve(method: method, path: path) { return allowed }
    return nil
}

private func isNotFound(_ resolution: Router.Resolution) -> Bool {
    if case .notFound = resolution { return true }
    return false
}

private func isFallback(_ resolution: Router.Resolution) -> Bool {
    if case .fallback = resolution { return true }
    return false
}

/// Route matching: literals, parameters, methods and the fallback.
@Suite struct RouterTests {
    @Test func literalRouteMatches() throws {
        let m = try #require(matched(makeRouter(), "GET", "/api/v1/conversations/mine"))
        #expect(m.template == "/api/v1/conversations/mine")
        #expect(m.parameters.isEmpty)
        let health = try #require(matched(makeRouter(), "GET", "/health"))
        #expect(health.template == "/health")
    }

    @Test func parameterRouteMatches() throws {
        let m = try #require(matched(makeRouter(), "GET", "/api/v1/conversations/c-42"))
        #expect(m.template == "/api/v1/conversations/{id}")
        #expect(m.parameters == ["id": "c-42"])
        let nested = try #require(matched(makeRouter(), "POST", "/api/v1/conversations/7/messages"))
        #expect(nested.template == "/api/v1/conversations/{id}/messages")
        #expect(nested.method == "POST")
        #expect(nested.parameters == ["id": "7"])
    }

    @Test func parametersArePercentDecoded() throws {
        let m = try #require(matched(makeRouter(), "GET", "/api/v1/conversations/J%C3%B6rg%20%2F%20x"))
        #expect(m.parameters == ["id": "J\u{F6}rg / x"])
        // '+' is literal in a path.
        let plus = try #require(matched(makeRouter(), "GET", "/api/v1/conversations/a+b"))
        #expect(plus.parameters == ["id": "a+b"])
    }

    @Test func malformedParameterDoesNotMatch() {
        #expect(isNotFound(makeRouter().resolve(method: "GET", path: "/api/v1/conversations/%zz")))
        #expect(isNotFound(makeRouter().resolve(method: "GET", path: "/api/v1/conversations/%FF")))
    }

    @Test func segmentCountMustMatch() {
        let router = makeRouter()
        #expect(isNotFound(router.resolve(method: "GET", path: "/api/v1/conversations")))
        #expect(isNotFound(router.resolve(method: "GET", path: "/api/v1/conversations/1/messages/2")))
        #expect(isNotFound(router.resolve(method: "GET", path: "/")))
        #expect(isNotFound(router.resolve(method: "GET", path: "/Health")))  // literals are case-sensitive
    }

    @Test func emptySegmentsAreIgnored() throws {
        let m = try #require(matched(makeRouter(), "GET", "/health/"))
        #expect(m.template == "/health")
    }

    @Test func methodNotAllowedListsAllowedMethods() throws {
        let router = makeRouter()
        let list = try #require(allowed(router, "PUT", "/api/v1/conversations/9"))
        #expect(list == ["GET", "DELETE"])
        let messages = try #require(allowed(router, "DELETE", "/api/v1/conversations/9/messages"))
        #expect(messages == ["POST", "GET"])
        #expect(try #require(allowed(router, "POST", "/health")) == ["GET"])
    }

    @Test func methodNotAllowedWinsOverFallback() throws {
        let list = try #require(allowed(makeRouter(fallback: true), "POST", "/health"))
        #expect(list == ["GET"])
    }

    @Test func headMatchesGetRoutes() throws {
        let m = try #require(matched(makeRouter(), "HEAD", "/api/v1/conversations/5"))
        #expect(m.method == "GET")
        #expect(m.parameters == ["id": "5"])
        var postOnly = Router()
        postOnly.post("/submit", handler: ok)
        #expect(try #require(allowed(postOnly, "HEAD", "/submit")) == ["POST"])
    }

    @Test func fallbackOnlyForGetAndHead() {
        let router = makeRouter(fallback: true)
        #expect(isFallback(router.resolve(method: "GET", path: "/index.html")))
        #expect(isFallback(router.resolve(method: "HEAD", path: "/css/site.css")))
        #expect(isNotFound(router.resolve(method: "POST", path: "/index.html")))
        #expect(isNotFound(router.resolve(method: "DELETE", path: "/index.html")))
    }

    @Test func notFoundWithoutFallback() {
        let router = makeRouter()
        #expect(isNotFound(router.resolve(method: "GET", path: "/index.html")))
        #expect(isNotFound(router.resolve(method: "HEAD", path: "/index.html")))
        #expect(isNotFound(Router().resolve(method: "GET", path: "/")))
    }

    @Test func routeKeepsBodyLimit() throws {
        let router = makeRouter()
        guard case .route(let route, _) = router.resolve(method: "POST", path: "/api/v1/conversations/1/messages") else {
            Issue.record("expected a route")
            return
        }
        #expect(route.bodyLimit == 1024)
        #expect(router.routes.first?.bodyLimit == nil)
    }

    @Test func templateSegments() {
        let route = Route("GET", "/a/{b}/c/", handler: ok)
        #expect(route.segments == [.literal("a"), .parameter("b"), .literal("c")])
    }
}
