import NeuvoJSON

/// A Practitioner per professional who took part, and the closing professional's PractitionerRole
/// (their title, for the organisation when one is configured), as HL7 Finland's fi-base profiles them.
extension FHIRDocument.Builder {
    func practitioner(_ practitioner: FHIRDocument.Practitioner) -> JSONValue {
        let p = practitioner.participant
        var identifiers: [JSONValue] = [.object(["system": .string(systems.professional), "value": .string(String(p.id))])]
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

    /// The professional who closed the case (else the last handler) and their role's fullUrl.
    var closerRole: (practitioner: FHIRDocument.Practitioner, url: String)? {
        let handlers = practitioners.filter { $0.roles.contains("handler") }
        guard let closer = handlers.first(where: { $0.participant.id == input.closedBy }) ?? handlers.last else { return nil }
        return (closer, "urn:uuid:" + FHIRDocument.uuid(input.exportID + "/practitioner-role/\(closer.participant.id)"))
    }

    func practitionerRole(_ practitioner: FHIRDocument.Practitioner) -> JSONValue {
        var object = JSONObject([
            ("resourceType", .string("PractitionerRole")),
            ("id", id(closerRole?.url ?? "")),
            ("meta", .object(["profile": .array([.string(FHIRDocument.fiBasePractitionerRoleProfile)])])),
            ("active", .bool(true)),
            ("practitioner", reference(practitioner.fullUrl)),
        ])
        if custodian != nil { object["organization"] = reference(organizationURL) }
        let title = practitioner.participant.title
        if !title.isEmpty { object["code"] = .array([.object(["text": .string(title)])]) }
        return .object(object)
    }
}
