import NeuvoJSON

/// The Encounter (virtual), as HL7 Finland's fi-base Encounter.
extension FHIRDocument.Builder {
    func encounter() -> JSONValue {
        var object = JSONObject([
            ("resourceType", .string("Encounter")),
            ("id", id(encounterURL)),
            ("meta", .object(["profile": .array([.string(FHIRDocument.fiBaseEncounterProfile)])])),
        ])
        var identifiers: [JSONValue] = [.object(["system": .string(systems.conversation), "value": .string(input.conversationID)])]
        if let oid = input.serviceEvent {
            // Kanta's service event (palvelutapahtuma): the fi-base extension, and an identifier a record system can search by.
            object["extension"] = .array([.object(["url": .string(FHIRDocument.fiBaseServiceEventExtension),
                                                   "valueOid": .string("urn:oid:" + oid)])])
            identifiers.append(.object(["use": .string("official"),
                                        "type": .object(["text": .string("Palvelutapahtuman tunniste")]),
                                        "system": .string("urn:ietf:rfc:3986"), "value": .string("urn:oid:" + oid)]))
        }
        object["identifier"] = .array(identifiers)
        object["status"] = .string("finished")
        object["class"] = .object(["system": .string("http://terminology.hl7.org/CodeSystem/v3-ActCode"), "code": .string("VR"),
                                   "display": .string("virtual")])
        if input.phoneContact {
            // A call-back: the contact itself was by telephone.
            object["type"] = .array([.object(["coding": .array([.object([
                "system": .string("http://snomed.info/sct"), "code": .string("185317003"), "display": .string("Telephone encounter"),
            ])]), "text": .string("Puhelinkontakti (soittopyyntö)")])])
        }
        if let queueID = input.queueID {
            let coding = catalogCoding(.workQueue, queueID, input.queueName)
            object["serviceType"] = .object(["coding": .array([coding]), "text": .string(input.queueName ?? queueID)])
        }
        if let urgency = input.urgency {
            object["priority"] = .object(["coding": .array([.object(["system": .string(systems.codeSystem(.urgency)),
                                                                     "code": .string(urgency.rawValue),
                                                                     "display": .string(urgency.finnishName)])]),
                                          "text": .string(urgency.finnishName)])
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
        if let serviceID = input.serviceID {
            object["reasonCode"] = .array([.object(["coding": .array([catalogCoding(.service, serviceID, input.serviceTitle)]),
                                                    "text": .string(input.serviceTitle ?? serviceID)])])
        }
        if custodian != nil { object["serviceProvider"] = reference(organizationURL) }
        return .object(object)
    }

    /// A code of the service catalog (a service or a work queue). No `version`: the served code
    /// system holds every catalog version's codes, under the newest version's name.
    func catalogCoding(_ system: FHIRSystems.CodeSystem, _ code: String, _ display: String?) -> JSONValue {
        var coding = JSONObject([("system", .string(systems.codeSystem(system)))])
        coding["code"] = .string(code)
        if let display { coding["display"] = .string(display) }
        return .object(coding)
    }

    func participationType(_ code: String, _ display: String) -> JSONValue {
        .object(["coding": .array([.object(["system": .string(FHIRDocument.participationTypeSystem), "code": .string(code),
                                            "display": .string(display)])])])
    }
}
