import NeuvoJSON

/// The HL7 FHIR R4 document (a `Bundle` of type `document`) for a closed case.
///
/// Entries, in order: the Composition (always first), the Patient, the acting
/// resident as a RelatedPerson when they acted for a child or another adult,
/// the Encounter (virtual), a Practitioner per professional who took part, the
/// pre-question answers as a QuestionnaireResponse, and a DocumentReference per
/// photo (fetched by URL, never inlined).
///
/// Every id is derived from the export id (name-based UUIDs), so the same input
/// always gives the same text and a re-pull is harmless; every reference is an
/// entry's `urn:uuid:` fullUrl.
public enum FHIRDocument {
    /// The base of Neuvo's own FHIR identifier systems, code systems and canonicals.
    static let neuvoFHIR = "https://neuvo.example/fhir"
    /// Finnish personal identity code (henkilötunnus), OID 1.2.246.21.
    static let personalIdentityCodeSystem = "urn:oid:1.2.246.21"
    static let professionalSystem = neuvoFHIR + "/sid/professional"
    static let conversationSystem = neuvoFHIR + "/sid/conversation"
    static let photoSystem = neuvoFHIR + "/sid/photo"
    static let identificationSystem = neuvoFHIR + "/CodeSystem/identification"
    static let outcomeSystem = neuvoFHIR + "/CodeSystem/case-outcome"
    static let workQueueSystem = neuvoFHIR + "/CodeSystem/work-queue"
    static let outcomeExtension = neuvoFHIR + "/StructureDefinition/case-outcome"
    static let loinc = "http://loinc.org"
    static let participationTypeSystem = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
    static let roleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"

    /// The document for `input`.
    /// - Parameters:
    ///   - baseURL: the server's public base, for the photos' URLs.
    ///   - includeTranscript: adds the conversation's messages as a "Keskustelu" section.
    public static func bundle(for input: RecordExportInput, baseURL: String = "urn:neuvo",
                              includeTranscript: Bool = false) -> JSONValue {
        Builder(input: input, baseURL: baseURL, includeTranscript: includeTranscript).bundle()
    }

    /// The readable Finnish name of a closing outcome.
    static func outcomeDisplay(_ code: String) -> String {
        switch code {
        case "adviceGiven": return "Neuvonta annettu"
        case "appointmentArranged": return "Vastaanottoaika varattu"
        case "referred": return "Ohjattu muualle"
        case "noCareNeed": return "Ei hoidon tarvetta"
        default: return code.isEmpty ? "Ei kirjattu" : code
        }
    }

    // MARK: - Narrative

    /// A generated narrative around already escaped XHTML content.
    static func narrative(xhtml: String) -> JSONValue {
        .object(["status": .string("generated"),
                 "div": .string("<div xmlns=\"http://www.w3.org/1999/xhtml\">\(xhtml)</div>")])
    }

    /// A generated narrative of plain text: escaped, one paragraph per line break run.
    static func narrative(_ text: String) -> JSONValue { narrative(xhtml: paragraph(text)) }

    /// `<p>` with escaped text, line breaks as `<br/>`; "(ei kirjattu)" when blank.
    static func paragraph(_ text: String) -> String {
        let trimmed = text.unicodeScalars.contains { !$0.properties.isWhitespace } ? text : "(ei kirjattu)"
        return "<p>\(escape(trimmed).replacingNewlines())</p>"
    }

    /// XML-escapes text; drops the control characters XML 1.0 cannot carry and
    /// turns CR and CR LF into LF.
    static func escape(_ text: String) -> String {
        var out = ""
        var previousCR = false
        for scalar in text.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "\n"
            case "\n": if !previousCR { out += "\n" }
            case "\t": out += " "
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Stable ids

    /// A name-based UUID (RFC 9562 version 5, SHA-1) for `name` in Neuvo's
    /// namespace (itself the version 5 UUID of "https://neuvo.example/fhir" in the URL namespace).
    static func uuid(_ name: String) -> String {
        let urlNamespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        let bytes = uuidV5(namespace: uuidV5(namespace: urlNamespace, name: neuvoFHIR), name: name)
        let s = Array(Identifier.hex(of: bytes).utf8)
        func part(_ r: Range<Int>) -> String { String(decoding: s[r], as: UTF8.self) }
        return "\(part(0..<8))-\(part(8..<12))-\(part(12..<16))-\(part(16..<20))-\(part(20..<32))"
    }

    static func uuidV5(namespace: [UInt8], name: String) -> [UInt8] {
        var digest = Array(SHA1.hash(namespace + Array(name.utf8)).prefix(16))
        digest[6] = (digest[6] & 0x0F) | 0x50  // version 5
        digest[8] = (digest[8] & 0x3F) | 0x80  // RFC 4122 variant
        return digest
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            if (65...90).contains(b) || (97...122).contains(b) || (48...57).contains(b) || b == 45 || b == 46 || b == 95 || b == 126 {
                out.append(b)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - The builder

extension FHIRDocument {
    /// One professional's part in the case: handler and/or consultant.
    struct Practitioner {
        let participant: RecordExportInput.Participant
        var roles: [String]
        let fullUrl: String
    }

    struct Builder {
        let input: RecordExportInput
        let baseURL: String
        let includeTranscript: Bool

        let compositionURL: String
        let patientURL: String
        let relatedPersonURL: String
        let encounterURL: String
        let responseURL: String
        let practitioners: [Practitioner]

        init(input: RecordExportInput, baseURL: String, includeTranscript: Bool) {
            self.input = input
            self.baseURL = baseURL
            self.includeTranscript = includeTranscript
            func url(_ name: String) -> String { "urn:uuid:" + FHIRDocument.uuid(input.exportID + "/" + name) }
            compositionURL = url("composition")
            patientURL = url("patient")
            relatedPersonURL = url("related-person")
            encounterURL = url("encounter")
            responseURL = url("questionnaire-response")
            var practitioners: [Practitioner] = []
            for participant in input.participants {
                if let i = practitioners.firstIndex(where: { $0.participant.id == participant.id }) {
                    if !practitioners[i].roles.contains(participant.role) { practitioners[i].roles.append(participant.role) }
                } else {
                    practitioners.append(Practitioner(participant: participant, roles: [participant.role],
                                                      fullUrl: url("practitioner/\(participant.id)")))
                }
            }
            self.practitioners = practitioners
        }

        func photoURL(_ photoID: String) -> String { "urn:uuid:" + FHIRDocument.uuid(input.exportID + "/photo/" + photoID) }

        var subject: Subject { input.subject ?? .myself }
        var actsForSomeoneElse: Bool { subject != .myself }
        var hasQuestionnaireResponse: Bool { input.serviceID != nil || !input.answers.isEmpty }

        func reference(_ url: String) -> JSONValue { .object(["reference": .string(url)]) }

        func entry(_ url: String, _ resource: JSONValue) -> JSONValue {
            .object(["fullUrl": .string(url), "resource": resource])
        }

        /// The last path part of a `urn:uuid:` fullUrl, used as the resource id.
        func id(_ url: String) -> JSONValue { .string(String(url.dropFirst("urn:uuid:".count))) }

        func bundle() -> JSONValue {
            var entries: [JSONValue] = [entry(compositionURL, composition()), entry(patientURL, patient())]
            if actsForSomeoneElse { entries.append(entry(relatedPersonURL, relatedPerson())) }
            entries.append(entry(encounterURL, encounter()))
            for practitioner in practitioners { entries.append(entry(practitioner.fullUrl, self.practitioner(practitioner))) }
            if hasQuestionnaireResponse { entries.append(entry(responseURL, questionnaireResponse())) }
            for (i, photoID) in input.photoIDs.enumerated() {
                entries.append(entry(photoURL(photoID), documentReference(photoID, number: i + 1)))
            }
            return .object([
                "resourceType": .string("Bundle"),
                "id": .string(input.exportID),
                "identifier": .object(["system": .string("urn:ietf:rfc:3986"),
                                       "value": .string("urn:uuid:" + FHIRDocument.uuid(input.exportID + "/bundle"))]),
                "type": .string("document"),
                "timestamp": .string(input.closedAt.rfc3339),
                "entry": .array(entries),
            ])
        }

        // MARK: Composition

        func composition() -> JSONValue {
            let handlers = practitioners.filter { $0.roles.contains("handler") }
            let authors = (handlers.isEmpty ? practitioners : handlers).map { reference($0.fullUrl) }
            var sections: [JSONValue] = [reasonSection(),
                                         section("Yhteenveto", code: "51848-0", display: "Evaluation note",
                                                 text: FHIRDocument.narrative(input.summary)),
                                         section("Ohjeet asiakkaalle", code: "69730-0", display: "Instructions",
                                                 text: FHIRDocument.narrative(input.instructions)),
                                         outcomeSection()]
            if !input.photoIDs.isEmpty { sections.append(photoSection()) }
            if includeTranscript { sections.append(transcriptSection()) }
            return .object([
                "resourceType": .string("Composition"),
                "id": id(compositionURL),
                "status": .string("final"),
                "type": .object(["coding": .array([.object(["system": .string(loinc), "code": .string("11488-4"),
                                                            "display": .string("Consult note")])]),
                                 "text": .string("Digitaalisen vastaanoton yhteenveto")]),
                "subject": reference(patientURL),
                "encounter": reference(encounterURL),
                "date": .string(input.closedAt.rfc3339),
                "author": .array(authors.isEmpty ? [.object(["display": .string("Neuvo")])] : authors),
                "title": .string("Digitaalinen vastaanotto: \(input.serviceTitle ?? "yhteydenotto")"),
                "section": .array(sections),
            ])
        }

        func section(_ title: String, code: String?, display: String?, text: JSONValue,
                     entries: [String] = [], extensions: [JSONValue] = []) -> JSONValue {
            var object = JSONObject()
            if !extensions.isEmpty { object["extension"] = .array(extensions) }
            object["title"] = .string(title)
            if let code {
                var coding = JSONObject([("system", .string(loinc)), ("code", .string(code))])
                if let display { coding["display"] = .string(display) }
                object["code"] = .object(["coding": .array([.object(coding)])])
            }
            object["text"] = text
            if !entries.isEmpty { object["entry"] = .array(entries.map(reference)) }
            return .object(object)
        }

        /// Whose matter it is, in readable Finnish.
        var subjectDescription: String {
            switch subject {
            case .myself:
                return input.residentIdentityCode == nil ? "Asiakkaan oma asia (tunnistamaton asiakas)" : "Asiakkaan oma asia"
            case .child(let firstName, let ageMonths):
                return "Asioidaan lapsen puolesta: \(firstName), \(FHIRDocument.age(months: ageMonths))"
            case .otherAdult(let name, let relation):
                return "Asioidaan toisen aikuisen puolesta hänen suostumuksellaan: \(name) (\(relation))"
            }
        }

        func reasonSection() -> JSONValue {
            var html = "<p><b>Palvelu:</b> \(FHIRDocument.escape(input.serviceTitle ?? "ei valittu"))</p>"
            html += "<p><b>Asiointi:</b> \(FHIRDocument.escape(subjectDescription))</p>"
            if let reason = input.routingReason, !reason.isEmpty {
                html += "<p><b>Ohjautumisen syy:</b> \(FHIRDocument.escape(reason))</p>"
            }
            if let queue = input.queueName ?? input.queueID {
                html += "<p><b>Jono:</b> \(FHIRDocument.escape(queue))</p>"
            }
            if let flag = input.redFlag, !flag.isEmpty {
                html += "<p><b>Hälytysmerkki:</b> \(FHIRDocument.escape(flag))</p>"
            }
            if input.answers.isEmpty {
                html += "<p>Esitietoja ei annettu.</p>"
            } else {
                html += "<p><b>Esitiedot:</b></p><ul>"
                for answer in input.answers {
                    let question = answer.text.hasSuffix("?") || answer.text.hasSuffix(":") ? answer.text : answer.text + ":"
                    html += "<li>\(FHIRDocument.escape(question)) \(FHIRDocument.escape(answer.display).replacingNewlines())</li>"
                }
                html += "</ul>"
            }
            var entries: [String] = []
            if hasQuestionnaireResponse { entries.append(responseURL) }
            if actsForSomeoneElse { entries.append(relatedPersonURL) }
            return section("Yhteydenoton syy ja esitiedot", code: "29299-5", display: "Reason for visit Narrative",
                           text: FHIRDocument.narrative(xhtml: html), entries: entries)
        }

        func outcomeSection() -> JSONValue {
            let display = FHIRDocument.outcomeDisplay(input.outcome)
            var html = "<p>\(FHIRDocument.escape(display))"
            if !input.outcome.isEmpty { html += " (\(FHIRDocument.escape(input.outcome)))" }
            html += "</p>"
            var extensions: [JSONValue] = []
            if !input.outcome.isEmpty {
                extensions.append(.object(["url": .string(outcomeExtension),
                                           "valueCoding": .object(["system": .string(outcomeSystem), "code": .string(input.outcome),
                                                                   "display": .string(display)])]))
            }
            return section("Lopputulos", code: "18776-5", display: "Plan of care note",
                           text: FHIRDocument.narrative(xhtml: html), extensions: extensions)
        }

        func photoSection() -> JSONValue {
            var html = "<p>Asiakkaan lähettämät valokuvat (\(input.photoIDs.count)):</p><ul>"
            for (i, photoID) in input.photoIDs.enumerated() {
                html += "<li>Valokuva \(i + 1): \(FHIRDocument.escape(photoAddress(photoID)))</li>"
            }
            html += "</ul>"
            return section("Valokuvat", code: nil, display: nil, text: FHIRDocument.narrative(xhtml: html),
                           entries: input.photoIDs.map(photoURL))
        }

        func transcriptSection() -> JSONValue {
            var html = ""
            if input.messages.isEmpty {
                html = "<p>Ei viestejä.</p>"
            } else {
                html = "<ul>"
                for message in input.messages {
                    html += "<li>\(FHIRDocument.escape(message.at.rfc3339)) <b>\(FHIRDocument.escape(authorName(message))):</b> "
                        + "\(FHIRDocument.escape(message.text).replacingNewlines())</li>"
                }
                html += "</ul>"
            }
            return section("Keskustelu", code: nil, display: nil, text: FHIRDocument.narrative(xhtml: html))
        }

        func authorName(_ message: RecordExportInput.Message) -> String {
            switch message.author {
            case "resident":
                return "Asiakas"
            case "professional":
                if let id = message.professionalID, let p = practitioners.first(where: { $0.participant.id == id }) {
                    let who = p.participant.displayName
                    return p.participant.title.isEmpty ? who : "\(who), \(p.participant.title)"
                }
                return "Ammattilainen"
            case "system", "":
                return "Neuvo"
            default:
                return message.author
            }
        }

        // MARK: Patient and the acting resident

        func identityCodeIdentifier(_ code: String) -> JSONValue {
            .object(["use": .string("official"), "system": .string(personalIdentityCodeSystem), "value": .string(code)])
        }

        func identificationTag(identified: Bool) -> JSONValue {
            .object(["tag": .array([.object([
                "system": .string(identificationSystem),
                "code": .string(identified ? "identified" : "unidentified"),
                "display": .string(identified ? "Tunnistettu henkilötunnuksella" : "Tunnistamaton"),
            ])])])
        }

        func patient() -> JSONValue {
            var object = JSONObject([("resourceType", .string("Patient")), ("id", id(patientURL))])
            switch subject {
            case .myself:
                if let code = input.residentIdentityCode {
                    object["meta"] = identificationTag(identified: true)
                    object["text"] = FHIRDocument.narrative("Asiakas, henkilötunnus \(code)")
                    object["identifier"] = .array([identityCodeIdentifier(code)])
                } else {
                    object["meta"] = identificationTag(identified: false)
                    object["text"] = FHIRDocument.narrative("Tunnistamaton asiakas")
                }
            case .child(let firstName, let ageMonths):
                object["meta"] = identificationTag(identified: false)
                object["text"] = FHIRDocument.narrative(
                    "Lapsi: \(firstName), \(FHIRDocument.age(months: ageMonths)). Henkilötunnus ei tiedossa; huoltaja asioi lapsen puolesta.")
                object["name"] = .array([.object(["use": .string("usual"), "given": .array([.string(firstName)])])])
            case .otherAdult(let name, let relation):
                object["meta"] = identificationTag(identified: false)
                object["text"] = FHIRDocument.narrative(
                    "\(name). Henkilötunnus ei tiedossa; \(relation) asioi hänen puolestaan hänen suostumuksellaan.")
                object["name"] = .array([.object(["text": .string(name)])])
            }
            return .object(object)
        }

        func relatedPerson() -> JSONValue {
            var object = JSONObject([("resourceType", .string("RelatedPerson")), ("id", id(relatedPersonURL))])
            let identified = input.residentIdentityCode != nil
            object["meta"] = identificationTag(identified: identified)
            var description: String
            let relationship: JSONValue
            switch subject {
            case .child:
                description = "Huoltaja, joka asioi lapsen puolesta"
                relationship = .object(["coding": .array([.object(["system": .string(roleCode), "code": .string("GUARD"),
                                                                   "display": .string("guardian")])]),
                                        "text": .string("Huoltaja (asioi lapsen puolesta)")])
            case .otherAdult(_, let relation):
                description = "Asioi toisen aikuisen puolesta hänen suostumuksellaan (\(relation))"
                relationship = .object(["text": .string("\(relation) (asioi suostumuksella)")])
            case .myself:
                description = "Asiakas"
                relationship = .object(["text": .string("Asiakas")])
            }
            if let code = input.residentIdentityCode {
                description += ", henkilötunnus \(code)"
            } else {
                description += "; tunnistamaton"
            }
            object["text"] = FHIRDocument.narrative(description)
            if let code = input.residentIdentityCode { object["identifier"] = .array([identityCodeIdentifier(code)]) }
            object["patient"] = reference(patientURL)
            object["relationship"] = .array([relationship])
            return .object(object)
        }

        // MARK: Encounter and the professionals

        func encounter() -> JSONValue {
            var object = JSONObject([
                ("resourceType", .string("Encounter")),
                ("id", id(encounterURL)),
                ("identifier", .array([.object(["system": .string(conversationSystem), "value": .string(input.conversationID)])])),
                ("status", .string("finished")),
                ("class", .object(["system": .string("http://terminology.hl7.org/CodeSystem/v3-ActCode"), "code": .string("VR"),
                                   "display": .string("virtual")])),
            ])
            if let queueID = input.queueID {
                var coding = JSONObject([("system", .string(workQueueSystem)), ("code", .string(queueID))])
                if let name = input.queueName { coding["display"] = .string(name) }
                object["serviceType"] = .object(["coding": .array([.object(coding)]), "text": .string(input.queueName ?? queueID)])
            }
            object["subject"] = reference(patientURL)
            let participants: [JSONValue] = practitioners.enumerated().map { index, practitioner in
                var types: [JSONValue] = []
                if practitioner.roles.contains("handler") {
                    let primary = index == practitioners.firstIndex { $0.roles.contains("handler") }
                    types.append(participationType(primary ? "PPRF" : "SPRF", primary ? "primary performer" : "secondary performer"))
                }
                if practitioner.roles.contains("consultant") { types.append(participationType("CON", "consultant")) }
                if types.isEmpty { types.append(participationType("PART", "Participation")) }
                return .object(["type": .array(types), "individual": reference(practitioner.fullUrl)])
            }
            if !participants.isEmpty { object["participant"] = .array(participants) }
            let start = min(input.queuedAt ?? input.closedAt, input.closedAt)
            object["period"] = .object(["start": .string(start.rfc3339), "end": .string(input.closedAt.rfc3339)])
            if let title = input.serviceTitle { object["reasonCode"] = .array([.object(["text": .string(title)])]) }
            return .object(object)
        }

        func participationType(_ code: String, _ display: String) -> JSONValue {
            .object(["coding": .array([.object(["system": .string(participationTypeSystem), "code": .string(code),
                                                "display": .string(display)])])])
        }

        func practitioner(_ practitioner: Practitioner) -> JSONValue {
            let p = practitioner.participant
            var object = JSONObject([
                ("resourceType", .string("Practitioner")),
                ("id", id(practitioner.fullUrl)),
                ("identifier", .array([.object(["system": .string(professionalSystem), "value": .string(String(p.id))])])),
                ("name", .array([.object(["text": .string(p.displayName.isEmpty ? "Ammattilainen \(p.id)" : p.displayName)])])),
            ])
            if !p.title.isEmpty { object["qualification"] = .array([.object(["code": .object(["text": .string(p.title)])])]) }
            return .object(object)
        }

        // MARK: Pre-question answers

        func questionnaireResponse() -> JSONValue {
            var object = JSONObject([("resourceType", .string("QuestionnaireResponse")), ("id", id(responseURL))])
            if let serviceID = input.serviceID {
                var canonical = "\(neuvoFHIR)/Questionnaire/\(FHIRDocument.percentEncoded(serviceID))"
                if let version = input.catalogVersion, !version.isEmpty { canonical += "|" + FHIRDocument.percentEncoded(version) }
                object["questionnaire"] = .string(canonical)
            }
            object["status"] = .string("completed")
            object["subject"] = reference(patientURL)
            object["encounter"] = reference(encounterURL)
            object["authored"] = .string((input.queuedAt ?? input.closedAt).rfc3339)
            object["source"] = reference(actsForSomeoneElse ? relatedPersonURL : patientURL)
            var items: [JSONValue] = []
            for answer in input.answers {
                let values = answerValues(answer)
                guard !values.isEmpty else { continue }
                items.append(.object(["linkId": .string(answer.questionID), "text": .string(answer.text),
                                      "answer": .array(values.map { .object([$0.key: $0.value]) })]))
            }
            if !items.isEmpty { object["item"] = .array(items) }
            return .object(object)
        }

        /// The option codes of a question: `<base>/CodeSystem/<service>-<question>`.
        func optionSystem(_ questionID: String) -> String {
            "\(neuvoFHIR)/CodeSystem/\(FHIRDocument.percentEncoded(input.serviceID ?? "service"))-\(FHIRDocument.percentEncoded(questionID))"
        }

        func coding(_ questionID: String, _ code: String, _ display: String?) -> JSONValue {
            var object = JSONObject([("system", .string(optionSystem(questionID))), ("code", .string(code))])
            if let display, !display.isEmpty { object["display"] = .string(display) }
            return .object(object)
        }

        /// One `value[x]` per answer entry, typed as the raw value is.
        func answerValues(_ answer: RecordExportInput.AnsweredQuestion) -> [(key: String, value: JSONValue)] {
            func number(_ d: Double, integer: Bool) -> (key: String, value: JSONValue) {
                integer && d.rounded() == d && abs(d) <= 2_147_483_647 ? ("valueInteger", .number(d)) : ("valueDecimal", .number(d))
            }
            switch (answer.kind, answer.answer) {
            case (.singleChoice(let options)?, .string(let id)):
                return [("valueCoding", coding(answer.questionID, id, options.first { $0.id == id }?.label.fi))]
            case (.multipleChoice(let options)?, .array(let ids)):
                return ids.compactMap(\.stringValue).map { id in
                    ("valueCoding", coding(answer.questionID, id, options.first { $0.id == id }?.label.fi))
                }
            case (.number(_, _, let integer, _)?, .number(let d)):
                return [number(d, integer: integer)]
            case (_, .bool(let b)):
                return [("valueBoolean", .bool(b))]
            case (nil, .number(let d)):
                return [number(d, integer: d.rounded() == d)]
            case (nil, .string(let s)):
                // Without the question's type, a value shown differently from how it
                // was given is a choice id with its label.
                return s == answer.display || s.isEmpty ? [("valueString", .string(s))]
                    : [("valueCoding", coding(answer.questionID, s, answer.display))]
            case (nil, .array(let items)):
                let ids = items.compactMap(\.stringValue)
                return ids.map { ("valueCoding", coding(answer.questionID, $0, ids.count == 1 ? answer.display : nil)) }
            case (_, .string(let s)):
                return s.isEmpty ? [] : [("valueString", .string(s))]
            case (_, .null):
                return []
            default:
                return answer.display.isEmpty ? [] : [("valueString", .string(answer.display))]
            }
        }

        // MARK: Photos

        func photoAddress(_ photoID: String) -> String {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            return "\(base)/api/v1/record-exports/\(FHIRDocument.percentEncoded(input.exportID))/photos/\(FHIRDocument.percentEncoded(photoID))"
        }

        func documentReference(_ photoID: String, number: Int) -> JSONValue {
            .object([
                "resourceType": .string("DocumentReference"),
                "id": id(photoURL(photoID)),
                "identifier": .array([.object(["system": .string(photoSystem), "value": .string(photoID)])]),
                "status": .string("current"),
                "subject": reference(patientURL),
                "description": .string("Asiakkaan lähettämä valokuva \(number)"),
                "content": .array([.object(["attachment": .object(["url": .string(photoAddress(photoID)),
                                                                   "title": .string("Valokuva \(number)")])])]),
                "context": .object(["encounter": .array([reference(encounterURL)])]),
            ])
        }
    }

    /// "4 v" or "8 kk".
    static func age(months: Int) -> String {
        months >= 24 || (months >= 12 && months % 12 == 0) ? "\(months / 12) v" : "\(months) kk"
    }
}

// MARK: - SHA-1 (for name-based UUIDs only; not for security)

enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for i in (0..<8).reversed() { data.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let j = chunk + i * 4
                w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                e = d; d = c; c = b << 30 | b >> 2; b = a; a = t
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d; h[4] = h[4] &+ e
        }
        return h.flatMap { v in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    }
}

extension String {
    func replacingNewlines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br/>")
    }
}
