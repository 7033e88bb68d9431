import NeuvoJSON

/// The Encounter (virtual) and a FHIRDocument.Practitioner per professional who took part.
extension FHIRDocument.Builder {
    func encounter() -> JSONValue {
        var object = JSONObject([
            ("resourceType", .string("Encounter")),
            ("id", id(encounterURL)),
            ("identifier", .array([.object(["system": .string(FHIRDocument.conversationSystem), "value": .string(input.conversationID)])])),
            ("status", .string("finished")),
            ("class", .object(["system": .string("http://terminology.hl7.org/CodeSystem/v3-ActCode"), "code": .string("VR"),
                               "display": .string("virtual")])),
        ])
        if input.phoneContact {
            // A call-back: the contact itself was by telephone.
            object["type"] = .array([.object(["coding": .array([.object([
                "system": .string("http://snomed.info/sct"), "code": .string("185317003"), "display": .string("Telephone encounter"),
            ])]), "text": .string("Puhelinkontakti (soittopyyntö)")])])
        }
        if let queueID = input.queueID {
            var coding = JSONObject([("system", .string(FHIRDocument.workQueueSystem)), ("code", .string(queueID))])
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
        .object(["coding": .array([.object(["system": .string(FHIRDocument.participationTypeSystem), "code": .string(code),
                                            "display": .string(display)])])])
    }

    func practitioner(_ practitioner: FHIRDocument.Practitioner) -> JSONValue {
        let p = practitioner.participant
        var identifiers: [JSONValue] = [.object(["system": .string(FHIRDocument.professionalSystem), "value": .string(String(p.id))])]
        // HL7 Finland's fi-base Practitioner: the Terhikki slice, when the register number is known.
        if let number = p.registerNumber {
            identifiers.insert(.object(["use": .string("official"), "system": .string(FHIRDocument.terhikkiSystem), "value": .string(number)]), at: 0)
        }
        var object = JSONObject([
            ("resourceType", .string("Practitioner")),
            ("id", id(practitioner.fullUrl)),
            ("meta", .object(["profile": .array([.string(FHIRDocument.fiBasePractitionerProfile)])])),
            ("identifier", .array(identifiers)),
            ("name", .array([.object(["text": .string(p.displayName.isEmpty ? "Ammattilainen \(p.id)" : p.displayName)])])),
        ])
        if !p.title.isEmpty { object["qualification"] = .array([.object(["code": .object(["text": .string(p.title)])])]) }
        return .object(object)
    }
}
