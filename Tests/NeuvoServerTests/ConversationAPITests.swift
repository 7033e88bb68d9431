import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// The resident conversation routes through the real server, socket and SQLite file.
@Suite struct ConversationAPITests {
    @Test func openPostAndReadEvents() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let opened = try resident.post("/api/v1/conversations", "{}")
        #expect(opened.status == 201)
        let cookie = try #require(opened.header("set-cookie"))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
        #expect(cookie.contains("Path=/"))
        let id = try #require(opened.json?["id"]?.stringValue)
        #expect(opened.json?["status"]?.stringValue == "open")

        let clientId = UUID().uuidString
        let posted = try resident.postMessage(id, clientId: clientId, text: "Lapsella on ihottumaa")
        #expect(posted.status == 201)
        let messageId = try #require(posted.json?["id"]?.stringValue)
        let seq = try #require(posted.json?["seq"]?.intValue)

        let events = try resident.get("/api/v1/conversations/\(id)/events?after=0")
        #expect(events.status == 200)
        let list = try #require(events.json?["events"]?.arrayValue)
        #expect(list.map { $0["type"]?.stringValue } == ["status", "message"])
        #expect(list.last?["data"]?["text"]?.stringValue == "Lapsella on ihottumaa")
        #expect(list.last?["data"]?["id"]?.stringValue == messageId)
        #expect(list.last?["seq"]?.intValue == seq)
        #expect(list.last?["at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(events.json?["next"]?.intValue == seq)

        // Reading from the cursor returns nothing new, and repeats nothing.
        let again = try resident.get("/api/v1/conversations/\(id)/events?after=\(seq)")
        #expect(again.json?["events"]?.arrayValue?.isEmpty == true)
        #expect(again.json?["next"]?.intValue == seq)
    }

    @Test func aRetriedMessageReturnsTheOriginal() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let clientId = UUID().uuidString
        let first = try resident.postMessage(id, clientId: clientId, text: "hei")
        let retry = try resident.postMessage(id, clientId: clientId.lowercased(), text: "hei")
        #expect(first.status == 201)
        #expect(retry.status == 200)
        #expect(retry.json?["id"] == first.json?["id"])
        #expect(retry.json?["seq"] == first.json?["seq"])
        let reused = try resident.postMessage(id, clientId: clientId, text: "something else")
        #expect(reused.status == 409)
        #expect(reused.json?["error"]?["code"]?.stringValue == "client_id_reused")
        let events = try resident.get("/api/v1/conversations/\(id)/events?after=0")
        #expect(events.json?["events"]?.arrayValue?.filter { $0["type"]?.stringValue == "message" }.count == 1)
    }

    @Test func oneSessionCanOpenSeveralConversations() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let a = try resident.openConversation()
        let cookie = resident.cookie
        let b = try resident.openConversation()
        #expect(a != b)
        #expect(resident.cookie == cookie)
        #expect(try resident.get("/api/v1/conversations/\(b)/events").status == 200)
    }

    @Test(arguments: [
        ("{\"clientId\":\"not-a-uuid\",\"text\":\"x\"}", 422, "invalid_clientId"),
        ("{\"text\":\"x\"}", 422, "invalid_clientId"),
        ("{\"clientId\":\"3b241101-e2bb-4255-8caf-4136c566a962\"}", 422, "invalid_text"),
        ("{\"clientId\":\"3b241101-e2bb-4255-8caf-4136c566a962\",\"text\":\"   \"}", 422, "invalid_text"),
        ("{\"clientId\":\"3b241101-e2bb-4255-8caf-4136c566a962\",\"text\":\"a\\u0000b\"}", 422, "invalid_text"),
        ("{\"clientId\":\"3b241101-e2bb-4255-8caf-4136c566a962\",\"text\":12}", 422, "invalid_text"),
        ("{not json", 400, "invalid_json"),
    ])
    func invalidMessagesAreRefused(body: String, status: Int, code: String) throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let response = try resident.post("/api/v1/conversations/\(id)/messages", body)
        #expect(response.status == status)
        #expect(response.json?["error"]?["code"]?.stringValue == code)
        #expect(response.json?["error"]?["message"]?.stringValue?.isEmpty == false)
    }

    @Test func tooLongMessageIsRefused() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        #expect(try resident.postMessage(id, text: String(repeating: "ä", count: 4000)).status == 201)
        let response = try resident.postMessage(id, text: String(repeating: "a", count: 4001))
        #expect(response.status == 422)
    }

    @Test func stateChangesNeedTheCSRFHeaderAndJSON() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        #expect(try resident.post("/api/v1/conversations", "{}", headers: [("Content-Type", "application/json")]).status == 403)
        #expect(try resident.post("/api/v1/conversations", "{}", headers: [("X-Requested-With", "neuvo"), ("Content-Type", "text/plain")]).status == 403)
        #expect(try resident.post("/api/v1/conversations", "{}", headers: [("X-Requested-With", "neuvo")]).status == 403)
        #expect(resident.cookie == nil)
        #expect(try resident.post("/api/v1/conversations", "[]").status == 422)
        #expect(try resident.post("/api/v1/conversations", "{}", headers: [("X-Requested-With", "neuvo"), ("Content-Type", "application/json; charset=utf-8")]).status == 201)
    }

    @Test func othersGet404() throws {
        let app = try TestApp()
        defer { app.stop() }
        let owner = try app.resident()
        let id = try owner.openConversation()
        let stranger = try app.resident()
        _ = try stranger.openConversation()
        let anonymous = try app.resident()
        for visitor in [stranger, anonymous] {
            #expect(try visitor.get("/api/v1/conversations/\(id)/events").status == 404)
            #expect(try visitor.postMessage(id, text: "intrusion").status == 404)
        }
        let forged = try app.resident()
        forged.cookie = String(repeating: "A", count: 43)
        #expect(try forged.get("/api/v1/conversations/\(id)/events").status == 404)
        #expect(try owner.get("/api/v1/conversations/\(String(repeating: "0", count: 32))/events").status == 404)
        #expect(try owner.get("/api/v1/conversations/x'%20OR%201=1/events").status == 404)
        // Nothing the strangers tried reached the conversation.
        let events = try owner.get("/api/v1/conversations/\(id)/events")
        #expect(events.json?["events"]?.arrayValue?.count == 1)
    }

    @Test(arguments: ["after=-1", "after=abc", "wait=31", "wait=-2", "wait=1.5", "after=99999999999999999999"])
    func badCursorsAre400(query: String) throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let response = try resident.get("/api/v1/conversations/\(id)/events?\(query)")
        #expect(response.status == 400)
    }

    @Test func healthz() throws {
        let app = try TestApp()
        defer { app.stop() }
        let response = try app.client().call("GET", "/healthz")
        #expect(response.status == 200)
        #expect(response.json?["status"]?.stringValue == "ok")
    }

    @Test func logsCarryTemplatesNotContent() throws {
        let app = try TestApp()
        let resident = try app.resident()
        let id = try resident.openConversation()
        _ = try resident.postMessage(id, text: "salainen-oire-kuume")
        _ = try resident.get("/api/v1/conversations/\(id)/events?after=0&wait=0")
        app.stop()
        let lines = app.logLines
        #expect(lines.contains { $0.contains("POST /api/v1/conversations/{id}/messages 201") })
        #expect(lines.contains { $0.contains("GET /api/v1/conversations/{id}/events 200") })
        for line in lines {
            #expect(!line.contains("salainen"))
            #expect(!line.contains(id))
            #expect(!line.contains("after="))
            #expect(!line.contains(resident.cookie ?? "-"))
        }
    }
}
