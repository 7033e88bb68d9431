import NeuvoJSON

/// The HL7 FHIR R4 document (a `Bundle` of type `document`) for a closed case.
///
/// This first version carries the Composition with the summary, instructions
/// and outcome, and the pre-question answers as a QuestionnaireResponse; the
/// record-export issue completes it (Patient, Encounter, Practitioners, photos).
public enum FHIRDocument {
    public static func bundle(for input: RecordExportInput) -> JSONValue {
        let composition = "urn:uuid:" + uuid(input.exportID, 1)
        let response = "urn:uuid:" + uuid(input.exportID, 2)
        func section(_ title: String, _ text: String) -> JSONValue {
            .object(["title": .string(title), "text": narrative(text)])
        }
        let compositionResource: JSONValue = .object([
            "resourceType": .string("Composition"),
            "status": .string("final"),
            "type": .object(["coding": .array([.object(["system": .string("http://loinc.org"), "code": .string("11488-4"),
                                                        "display": .string("Consult note")])])]),
            "date": .string(input.closedAt.rfc3339),
            "title": .string("Digitaalinen vastaanotto: \(input.serviceTitle ?? "yhteydenotto")"),
            "author": .array([.object(["display": .string(input.participants.first?.displayName ?? "Neuvo")])]),
            "section": .array([
                section("Yhteydenoton syy ja esitiedot", input.answers.map { "\($0.text) \($0.display)" }.joined(separator: "\n")),
                section("Yhteenveto", input.summary),
                section("Ohjeet asiakkaalle", input.instructions),
                section("Lopputulos", input.outcome),
            ]),
        ])
        let responseResource: JSONValue = .object([
            "resourceType": .string("QuestionnaireResponse"),
            "status": .string("completed"),
            "item": .array(input.answers.map { answer in
                .object(["linkId": .string(answer.questionID), "text": .string(answer.text),
                         "answer": .array([.object(["valueString": .string(answer.display)])])])
            }),
        ])
        return .object([
            "resourceType": .string("Bundle"),
            "id": .string(input.exportID),
            "identifier": .object(["system": .string("urn:ietf:rfc:3986"), "value": .string("urn:uuid:" + uuid(input.exportID, 0))]),
            "type": .string("document"),
            "timestamp": .string(input.closedAt.rfc3339),
            "entry": .array([
                .object(["fullUrl": .string(composition), "resource": compositionResource]),
                .object(["fullUrl": .string(response), "resource": responseResource]),
            ]),
        ])
    }

    static func narrative(_ text: String) -> JSONValue {
        .object(["status": .string("generated"),
                 "div": .string("<div xmlns=\"http://www.w3.org/1999/xhtml\">\(escape(text).replacingNewlines())</div>")])
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A stable UUID-shaped id derived from the export id (32 hex digits) and a slot number.
    static func uuid(_ exportID: String, _ slot: Int) -> String {
        var hex = Array(exportID.utf8.prefix(32))
        while hex.count < 32 { hex.append(UInt8(ascii: "0")) }
        let digits = Array("0123456789abcdef".utf8)
        hex[31] = digits[(Int(hex[31] >= 97 ? hex[31] - 87 : hex[31] - 48) + slot) % 16]
        hex[12] = UInt8(ascii: "4")  // version 4 form
        hex[16] = UInt8(ascii: "8")  // RFC 4122 variant
        let s = String(decoding: hex, as: UTF8.self)
        let a = s.prefix(8), b = s.dropFirst(8).prefix(4), c = s.dropFirst(12).prefix(4), d = s.dropFirst(16).prefix(4), e = s.dropFirst(20)
        return "\(a)-\(b)-\(c)-\(d)-\(e)"
    }
}

extension String {
    func replacingNewlines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br/>")
    }
}
