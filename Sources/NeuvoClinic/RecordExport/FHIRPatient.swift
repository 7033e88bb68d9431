import NeuvoJSON

/// The Patient and, when they acted for someone else, the resident as a RelatedPerson.
extension FHIRDocument.Builder {
    /// The personal identity code as HL7 Finland's fi-base Patient's PIC slice has it: use official,
    /// type NNFIN (v2-0203), system urn:oid:1.2.246.21.
    func identityCodeIdentifier(_ code: String) -> JSONValue {
        .object(["use": .string("official"),
                 "type": .object(["coding": .array([.object(["system": .string("http://terminology.hl7.org/CodeSystem/v2-0203"),
                                                             "code": .string("NNFIN")])])]),
                 "system": .string(FHIRDocument.personalIdentityCodeSystem), "value": .string(code)])
    }

    /// Whether the person was strongly identified; `profile`, the fi-base profile the resource conforms to.
    func identificationTag(identified: Bool, profile: String? = nil) -> JSONValue {
        var meta = JSONObject()
        if let profile { meta["profile"] = .array([.string(profile)]) }
        meta["tag"] = .array([.object([
            "system": .string(FHIRDocument.identificationSystem),
            "code": .string(identified ? "identified" : "unidentified"),
            "display": .string(identified ? "Tunnistettu henkilötunnuksella" : "Tunnistamaton"),
        ])])
        return .object(meta)
    }

    func patient() -> JSONValue {
        var object = JSONObject([("resourceType", .string("Patient")), ("id", id(patientURL))])
        switch subject {
        case .myself:
            if let code = input.residentIdentityCode {
                object["meta"] = identificationTag(identified: true, profile: FHIRDocument.fiBasePatientProfile)
                object["text"] = FHIRDocument.narrative("Asiakas, henkilötunnus \(code)")
                object["identifier"] = .array([identityCodeIdentifier(code)])
            } else {
                object["meta"] = identificationTag(identified: false, profile: FHIRDocument.fiBasePatientProfile)
                object["text"] = FHIRDocument.narrative("Tunnistamaton asiakas")
            }
        case .child(let firstName, let ageMonths):
            object["meta"] = identificationTag(identified: false, profile: FHIRDocument.fiBasePatientProfile)
            object["text"] = FHIRDocument.narrative(
                "Lapsi: \(firstName), \(Subject.ageText(months: ageMonths)). Henkilötunnus ei tiedossa; huoltaja asioi lapsen puolesta.")
            object["name"] = .array([.object(["use": .string("usual"), "given": .array([.string(firstName)])])])
        case .otherAdult(let name, let relation):
            object["meta"] = identificationTag(identified: false, profile: FHIRDocument.fiBasePatientProfile)
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
            relationship = .object(["coding": .array([.object(["system": .string(FHIRDocument.roleCode), "code": .string("GUARD"),
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
}
