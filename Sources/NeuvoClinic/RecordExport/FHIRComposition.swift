import NeuvoJSON

/// The Composition: the document's sections (reason, summary, outcome, photos, transcript).
extension FHIRDocument.Builder {
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
        if includeTranscript {
            sections.append(transcriptSection())
            if !input.notes.isEmpty { sections.append(notesSection()) }
        }
        var composition = JSONObject([
            ("resourceType", .string("Composition")),
            ("id", id(compositionURL)),
            ("status", .string("final")),
            ("type", .object(["coding": .array([.object(["system": .string(FHIRDocument.loinc), "code": .string("11488-4"),
                                                        "display": .string("Consult note")])]),
                             "text": .string("Digitaalisen vastaanoton yhteenveto")])),
            ("subject", reference(patientURL)),
            ("encounter", reference(encounterURL)),
            ("date", .string(input.closedAt.rfc3339)),
            ("author", .array(authors.isEmpty ? [.object(["display": .string("Neuvo")])] : authors)),
            ("title", .string("Digitaalinen vastaanotto: \(input.serviceTitle ?? "yhteydenotto")")),
        ])
        // The organisation that keeps the record (the wellbeing services county), when configured.
        if custodian != nil { composition["custodian"] = reference(organizationURL) }
        composition["section"] = .array(sections)
        return .object(composition)
    }

    /// The custodian as HL7 Finland's fi-base Organization: its OID as a URI identifier, and its name.
    func organization(_ custodian: RecordExportOptions.Custodian) -> JSONValue {
        .object([
            "resourceType": .string("Organization"),
            "id": id(organizationURL),
            "meta": .object(["profile": .array([.string(FHIRDocument.fiBaseOrganizationProfile)])]),
            "identifier": .array([.object(["system": .string("urn:ietf:rfc:3986"), "value": .string("urn:oid:" + custodian.oid)])]),
            "active": .bool(true),
            "name": .string(custodian.name),
        ])
    }

    func section(_ title: String, code: String?, display: String?, text: JSONValue,
                 entries: [String] = [], extensions: [JSONValue] = []) -> JSONValue {
        var object = JSONObject()
        if !extensions.isEmpty { object["extension"] = .array(extensions) }
        object["title"] = .string(title)
        if let code {
            var coding = JSONObject([("system", .string(FHIRDocument.loinc)), ("code", .string(code))])
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
        case .child(let firstName, let ageMonths, _, _):
            return "Asioidaan lapsen puolesta: \(firstName), \(Subject.ageText(months: ageMonths))"
                + (childCode.map { ", henkilötunnus \($0)" } ?? "")
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
        let display = input.outcome?.finnishName ?? "Ei kirjattu"
        var html = "<p>\(FHIRDocument.escape(display))"
        if let outcome = input.outcome { html += " (\(FHIRDocument.escape(outcome.rawValue)))" }
        html += "</p>"
        var extensions: [JSONValue] = []
        if let outcome = input.outcome {
            extensions.append(.object(["url": .string(systems.outcomeExtension),
                                       "valueCoding": .object(["system": .string(systems.codeSystem(.caseOutcome)), "code": .string(outcome.rawValue),
                                                               "display": .string(display)])]))
        }
        return section("Lopputulos", code: "18776-5", display: "Plan of care note",
                       text: FHIRDocument.narrative(xhtml: html), extensions: extensions)
    }

    func photoSection() -> JSONValue {
        var html = "<p>Keskustelun valokuvat (\(input.photoIDs.count)):</p><ul>"
        for (i, photoID) in input.photoIDs.enumerated() {
            let sender = input.photoFacts[photoID]?.professionalID == nil ? "asiakas" : "ammattilainen"
            html += "<li>Valokuva \(i + 1) (lähettäjä: \(sender)): \(FHIRDocument.escape(photoAddress(photoID)))</li>"
        }
        html += "</ul>"
        return section("Valokuvat", code: nil, display: nil, text: FHIRDocument.narrative(xhtml: html),
                       entries: input.photoIDs.map(photoURL))
    }

    /// The child's identity code, when their guardian gave it.
    var childCode: String? {
        if case .child(_, _, _, let identity?) = subject { return identity.code.value }
        return nil
    }

    /// The professionals' internal notes (the handler's and the consultants'): staff-only in Neuvo, part of the record.
    func notesSection() -> JSONValue {
        var html = "<ul>"
        for note in input.notes {
            html += "<li>\(FHIRDocument.escape(note.at.rfc3339)) <b>\(FHIRDocument.escape(authorName(note))):</b> "
                + "\(FHIRDocument.escape(note.text).replacingNewlines())</li>"
        }
        html += "</ul>"
        return section("Ammattilaisten sisäiset muistiinpanot ja konsultaatiot", code: nil, display: nil,
                       text: FHIRDocument.narrative(xhtml: html))
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
}
