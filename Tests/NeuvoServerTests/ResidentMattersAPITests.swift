import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Testing

/// A parent keeps what they were told: this browser's matters, with the closing
/// instructions and who gave them, and which queues take call-backs before any question.
@Suite struct ResidentMattersAPITests {
    @Test func theSessionsMattersNewestFirstWithTheInstructions() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let resident = try app.resident()
        let first = try resident.openConversation()
        #expect(try resident.submit(first, subject: #"{"kind": "self"}"#, answers: TriageAPITests.calm).status == 200)
        let hanna = try app.workspace("hanna")
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(first)"}"#).status == 200)
        let closed = try hanna.post("/api/v1/pro/cases/\(first)/close",
                                    #"{"outcome": "appointmentArranged", "instructions": "Lääkäri huomenna klo 9.30.", "summary": "Ihottuma."}"#)
        #expect(closed.status == 200)
        let second = try resident.openConversation()
        #expect(try resident.submit(second, subject: #"{"kind": "self"}"#, answers: TriageAPITests.calm).status == 200)
        _ = try resident.openConversation()  // opened, never answered: not a matter to list

        let matters = try #require(try resident.get("/api/v1/conversations").json?["conversations"]?.arrayValue)
        #expect(matters.map { $0["id"]?.stringValue ?? "" } == [second, first])
        #expect(matters[0]["status"] == .string("queued") && matters[0]["instructions"] == nil)
        #expect(matters[1]["instructions"] == .string("Lääkäri huomenna klo 9.30.") && matters[1]["closingOutcome"] == .string("appointmentArranged"))
        #expect(matters[1]["handledBy"] == .object(["displayName": .string("Hanna Hoitaja"), "title": .string("sairaanhoitaja")]))
        #expect(matters[1]["closedAt"]?.stringValue != nil)
        // Nobody else's: another browser has none, and no session finds nothing.
        let other = try app.resident()
        _ = try other.openConversation()
        #expect(try other.get("/api/v1/conversations").json?["conversations"] == .array([]))
        #expect(try app.client().call("GET", "/api/v1/conversations").status == 404)
    }

    @Test func theCatalogSaysWhichQueuesTakeCallBacks() async throws {
        let (app, _) = try await CallBackAPITests.app()
        defer { app.stop() }
        let queues = try #require(try app.client().call("GET", "/api/v1/catalog").json?["queues"]?.arrayValue)
        let nurse = try #require(queues.first { $0["id"] == .string("nurse") })
        #expect(nurse["callBack"] == .object(["offer": .string("always"), "callerNumber": .string("+358 9 31010000"), "attempts": .int(2)]))
        #expect(queues.first { $0["id"] == .string("dental") }?["callBack"] == .null)
    }
}

/// The resident's language reaches the professional: on the case and in the queue,
/// and the queue's ready replies come in it.
@Suite struct ResidentLanguageAPITests {
    @Test func aSwedishSpeakingResidentIsSeenAndAnsweredInSwedish() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let resident = try app.resident()
        let id = try resident.openConversation()
        let body = #"{"serviceId": "skin", "subject": {"kind": "self"}, "answers": \#(TriageAPITests.calm), "language": "#
        let wrong = try resident.post("/api/v1/conversations/\(id)/pre-questionnaire", body + #""de"}"#)
        #expect(wrong.status == 422 && wrong.json?["error"]?["field"] == .string("language"))
        #expect(try resident.post("/api/v1/conversations/\(id)/pre-questionnaire", body + #""sv"}"#).status == 200)
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["language"] == .string("sv"))
        let hanna = try app.workspace("hanna")
        #expect(try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.first?["language"] == .string("sv"))
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(id)"}"#).status == 200)
        let view = try #require(try hanna.get("/api/v1/pro/cases/\(id)?lang=fi").json)
        #expect(view["conversation"]?["language"] == .string("sv"))
        #expect(view["cannedReplies"] == .array([.string("Hej, jag tittar på ditt ärende nu.")]))
    }
}
