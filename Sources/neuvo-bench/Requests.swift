/// The raw HTTP/1.1 requests the benches send (one `Host`, JSON bodies, the session cookie).
enum Requests {
    static func get(_ path: String, cookie: String?) -> [UInt8] {
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let cookie { text += "Cookie: neuvo_resident=\(cookie)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// A state-changing request; `cookieName` is `neuvo_pro` for the professional's workspace.
    static func post(_ path: String, cookie: String?, json: String, cookieName: String = "neuvo_resident") -> [UInt8] {
        let body = Array(json.utf8)
        var text = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Requested-With: neuvo\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        if let cookie { text += "Cookie: \(cookieName)=\(cookie)\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }

    static func events(_ conversation: String, after: Int64, wait: Int, cookie: String) -> [UInt8] {
        get("/api/v1/conversations/\(conversation)/events?after=\(after)&wait=\(wait)", cookie: cookie)
    }

    static func message(_ conversation: String, clientID: String, text: String, cookie: String) -> [UInt8] {
        post("/api/v1/conversations/\(conversation)/messages", cookie: cookie,
             json: "{\"clientId\":\"\(clientID)\",\"text\":\"\(text)\"}")
    }

    static let openConversation = "/api/v1/conversations"
}
