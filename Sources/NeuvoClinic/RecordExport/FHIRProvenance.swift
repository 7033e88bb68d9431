import NeuvoJSON

/// Who made the document and who keeps it: a fi-base Provenance naming the professional who
/// closed the case and when, and, with a configured organisation, the fi-base information
/// custodian (rekisterinpitäjä) Provenance for a public one.
extension FHIRDocument.Builder {
    func provenance() -> JSONValue {
        var agent = JSONObject([("type", .object(["coding": .array([.object([
            "system": .string("http://terminology.hl7.org/CodeSystem/provenance-participant-type"),
            "code": .string("author"), "display": .string("Author"),
        ])])]))])
        if let role = closerRole {
            agent["who"] = reference(role.url)
        } else {
            agent["who"] = .object(["display": .string("Neuvo")])
        }
        if custodian != nil { agent["onBehalfOf"] = reference(organizationURL) }
        return .object([
            "resourceType": .string("Provenance"),
            "id": id(provenanceURL),
            "meta": .object(["profile": .array([.string(FHIRDocument.fiBaseProvenanceProfile)])]),
            "target": .array([reference(compositionURL), reference(encounterURL)]),
            "occurredDateTime": .string(input.closedAt.rfc3339),
            "recorded": .string(input.closedAt.rfc3339),
            "activity": .object(["coding": .array([.object(["system": .string("http://terminology.hl7.org/CodeSystem/v3-DataOperation"),
                                                            "code": .string("CREATE"), "display": .string("create")])]),
                                 "text": .string("Tapauksen sulkeminen ja yhteenveto")]),
            "agent": .array([.object(agent)]),
        ])
    }

    /// The public organisation as the information custodian: type CST, role 1 (public) of eArkisto's
    /// register-keeper kinds, identified by its OID in eArkisto's register-keeper register.
    func custodianProvenance(_ custodian: RecordExportOptions.Custodian) -> JSONValue {
        let agent: JSONValue = .object([
            "type": .object(["coding": .array([.object(["system": .string(FHIRDocument.participationTypeSystem),
                                                        "code": .string("CST"), "display": .string("custodian")])])]),
            "role": .array([.object(["coding": .array([.object(["system": .string("urn:oid:1.2.246.537.5.40172"), "code": .string("1")])]),
                                     "text": .string("Julkinen palvelujen antaja")])]),
            "who": .object([
                "reference": .string(organizationURL),
                "identifier": .object([
                    "type": .object(["coding": .array([.object(["system": .string(FHIRDocument.identifierTypeSystem), "code": .string("PRN")])])]),
                    "system": .string("urn:oid:1.2.246.537.6.40174"), "value": .string(custodian.oid),
                ]),
                "display": .string(custodian.name),
            ]),
        ])
        return .object([
            "resourceType": .string("Provenance"),
            "id": id(custodianProvenanceURL),
            "meta": .object(["profile": .array([.string(FHIRDocument.fiBaseCustodianProfile)])]),
            "target": .array([reference(compositionURL)]),
            "recorded": .string(input.closedAt.rfc3339),
            "agent": .array([agent]),
        ])
    }
}
