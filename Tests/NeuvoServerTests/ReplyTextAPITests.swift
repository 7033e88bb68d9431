import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Testing

/// "Text me when the nurse answers": one text message per turn of the
/// conversation, naming only the service, to a mobile number the resident gave.
@Suite struct ReplyTextAPITests {
    @Test func oneTextPerTurnNamingOnlyTheService() async throws {
        let (app, _) = try await CallBackAPITests.app()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let (resident, id) = try app.queuedResident()
        let path = "/api/v1/conversations/\(id)/reply-text"
        #expect(try resident.get(path).json == .object(["replyText": .null]))
        // A landline cannot take a text; the field is named and nothing is stored.
        let landline = try resident.post(path, #"{"phone": "09 123 4567"}"#)
        #expect(landline.status == 422 && landline.json?["error"]?["field"] == .string("phone"))
        #expect(try resident.post(path, #"{"phone": "040 555 5555", "language": "de"}"#).json?["error"]?["field"] == .string("language"))
        #expect(try resident.get(path).json == .object(["replyText": .null]))
        let set = try resident.post(path, #"{"phone": "040 555 5555", "language": "sv"}"#)
        #expect(set.status == 200 && set.json?["replyText"]?["phone"] == .string("+358405555555"), "\(set.text)")
        // Nobody else's business: another resident, a professional, a stranger.
        let other = try app.resident()
        #expect(try other.get(path).status == 404)
        #expect(try other.post(path, #"{"phone": "040 555 5555"}"#).status == 404)
        #expect(try app.client().call("GET", path).status == 404)

        // The nurse writes twice: one text. The resident answers; her next message sends one more.
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(id)"}"#).status == 200)
        func nurse(_ text: String) throws {
            let body = JSONValue.object(["clientId": .string(UUID().uuidString), "text": .string(text)]).text
            let sent = try hanna.post("/api/v1/pro/cases/\(id)/messages", body)
            guard sent.status == 201 else { throw RawClient.Failure(description: "nurse: \(sent.status) \(sent.text)") }
        }
        func parent(_ text: String) throws {
            let sent = try resident.postMessage(id, text: text)
            guard sent.status == 201 else { throw RawClient.Failure(description: "resident: \(sent.status) \(sent.text)") }
        }
        try nurse("Hei, katson kuvaasi.")
        try nurse("Onko kuumetta?")
        #expect(try await CallBackWorkAPITests.gatewayMessages(app).count == 1)
        try parent("Ei ole kuumetta.")
        try nurse("Hyvä. Rasvaa ihoa.")
        let texts = try await CallBackWorkAPITests.gatewayMessages(app)
        #expect(texts.map { $0["kind"]?.stringValue ?? "" } == ["professionalReplied", "professionalReplied"])
        #expect(texts[0]["phone"] == .string("+358405555555") && texts[0]["language"] == .string("sv"))
        #expect(texts[0]["text"] == .string("Du har fått svar i Neuvo (Hudsymtom). Öppna samtalet på enheten där du började det."))
        #expect(texts.allSatisfy { !($0["text"]?.stringValue ?? "").contains("kuume") && !($0["text"]?.stringValue ?? "").contains("Rasvaa") })

        // Removed: the number is gone, and no more texts.
        #expect(try resident.post("\(path)/remove", "{}").json == .object(["replyText": .null]))
        try parent("Kiitos!")
        try nurse("Ole hyvä.")
        #expect(try await CallBackWorkAPITests.gatewayMessages(app).count == 2)
        #expect(try app.app.store.read { db in try db.row("SELECT COUNT(*) AS n FROM reply_texts")?.int("n") } == 0)
        // Once the matter has ended, no new number is taken.
        _ = try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "Rasvaa iho.", "summary": "Ihottuma."}"#)
        let closed = try resident.post(path, #"{"phone": "040 555 5555"}"#)
        #expect(closed.status == 409 && closed.json?["error"]?["code"] == .string("conversation_closed"))
    }

    @Test func changingOrRemovingANumberGivesNoQuotaBack() async throws {
        let (app, _) = try await CallBackAPITests.app()
        defer { app.stop() }
        var matters: [(Resident, String)] = []
        for _ in 0..<4 { matters.append(try app.queuedResident()) }
        func give(_ index: Int, _ phone: String) throws -> RawResponse {
            try matters[index].0.post("/api/v1/conversations/\(matters[index].1)/reply-text", #"{"phone": "\#(phone)"}"#)
        }
        for index in 0..<3 { #expect(try give(index, "040 555 1234").status == 200) }
        #expect(try give(3, "040 555 1234").json?["error"]?["code"] == .string("phone_limit"))
        // The first matter changes its number, the second removes it: the day's three are still used.
        #expect(try give(0, "040 555 9999").status == 200)
        #expect(try matters[1].0.post("/api/v1/conversations/\(matters[1].1)/reply-text/remove", "{}").status == 200)
        #expect(try give(3, "040 555 1234").json?["error"]?["code"] == .string("phone_limit"))
    }
}
