import NeuvoJSON

/// The Patient and, when they acted for someone else, the resident as a RelatedPerson.
extension FHIRDocument.Builder {
    /// The personal identity code as HL7 Finland's fi-base Patient's PIC slice has it: use official,
    /// type NNFIN (v2-0203), system urn:oid:1.2.246.21. A temporary code (individual number
    /// 900–999) is an organisation's, not the population register's: use `temp`, no national
    /// system or type, outside the PIC slice.
    func identityCodeIdentifier(_ code: String) -> JSONValue {
        if PersonalIdentityCode(code)?.isTemporary ?? false {
            return .object(["use": .string("temp"), "type": .object(["text": .string("Väliaikainen henkilötunnus")]), "value": .string(code)])
        }
        return .object(["use": .string("official"),
                        "type": .object(["coding": .array([.object(["system": .string(FHIRDocument.identifierTypeSystem),
                                                                    "code": .string("NNFIN")])])]),
                        "system": .string(FHIRDocument.personalIdentityCodeSystem), "value": .string(code)])
    }

    /// `YYYY-MM-DD` from a valid personal identity code.
    func birthDate(_ code: String) -> String? {
        PersonalIdentityCode(code).map { ChildIdentity(code: $0, source: .guardian).birthDate }
    }

    /// Whether the person was strongly identified; `profile`, the fi-base profile the resource conforms to.
    func identificationTag(identified: Bool, profile: String? = nil) -> JSONValue {
        identificationTag(identified ? .identified : .unidentified, profile: profile)
    }

    func identificationTag(_ identification: FHIRCodeSystems.Identification, profile: String? = nil) -> JSONValue {
        var meta = JSONObject()
        if let profile { meta["profile"] = .array([.string(profile)]) }
        meta["tag"] = .array([.object([
            "system": .string(systems.codeSystem(.identification)),
            "code": .string(identification.rawValue), "display": .string(identification.finnishName),
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
                if let date = birthDate(code) { object["birthDate"] = .string(date) }
            } else {
                object["meta"] = identificationTag(identified: false, profile: FHIRDocument.fiBasePatientProfile)
                object["text"] = FHIRDocument.narrative("Tunnistamaton asiakas")
            }
        case .child(let firstName, let ageMonths, let birth, let identity):
            // The child is the patient: their own code when the guardian gave it, else name and birth date.
            let known: String
            switch identity?.source {
            case .mandate?:
                object["meta"] = identificationTag(.mandate, profile: FHIRDocument.fiBasePatientProfile)
                known = "Henkilötunnus \(identity!.code.value) (huoltajan valtuus tarkistettu tunnistautumisessa)"
            case .guardian?:
                object["meta"] = identificationTag(.statedByGuardian, profile: FHIRDocument.fiBasePatientProfile)
                known = "Henkilötunnus \(identity!.code.value) (tunnistautuneen huoltajan ilmoittama)"
            case nil:
                object["meta"] = identificationTag(.unidentified, profile: FHIRDocument.fiBasePatientProfile)
                known = "Henkilötunnus ei tiedossa"
            }
            object["text"] = FHIRDocument.narrative(
                "Lapsi: \(firstName), \(Subject.ageText(months: ageMonths))\(birth.map { ", syntynyt \($0)" } ?? ""). \(known); huoltaja asioi lapsen puolesta.")
            if let identity { object["identifier"] = .array([identityCodeIdentifier(identity.code.value)]) }
            object["name"] = .array([.object(["use": .string("usual"), "given": .array([.string(firstName)])])])
            if let birth { object["birthDate"] = .string(birth) }
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
