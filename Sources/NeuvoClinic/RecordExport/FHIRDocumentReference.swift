import NeuvoJSON

/// A DocumentReference per photo, fetched by URL with the record system's key, never inlined;
/// it says who sent it (the resident or a professional), when, and what it is.
extension FHIRDocument.Builder {
    func photoAddress(_ photoID: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/api/v1/record-exports/\(FHIRDocument.percentEncoded(input.exportID))/photos/\(FHIRDocument.percentEncoded(photoID))"
    }

    func documentReference(_ photoID: String, number: Int) -> JSONValue {
        let fact = input.photoFacts[photoID]
        let sender = fact?.professionalID.flatMap { id in practitioners.first { $0.participant.id == id } }
        var attachment = JSONObject()
        if let fact {
            attachment["contentType"] = .string(fact.mediaType)
            attachment["size"] = .int(fact.size)
        }
        attachment["url"] = .string(photoAddress(photoID))
        attachment["title"] = .string("Valokuva \(number)")
        if let fact { attachment["creation"] = .string(fact.at.rfc3339) }
        var object = JSONObject([
            ("resourceType", .string("DocumentReference")),
            ("id", id(photoURL(photoID))),
            ("identifier", .array([.object(["system": .string(systems.photo), "value": .string(photoID)])])),
            ("status", .string("current")),
            ("subject", reference(patientURL)),
        ])
        if let fact { object["date"] = .string(fact.at.rfc3339) }
        if fact?.professionalID != nil {
            if let sender { object["author"] = .array([reference(sender.fullUrl)]) }
            object["description"] = .string("Ammattilaisen lähettämä valokuva \(number)")
        } else {
            object["author"] = .array([reference(actsForSomeoneElse ? relatedPersonURL : patientURL)])
            object["description"] = .string("Asiakkaan lähettämä valokuva \(number)")
        }
        object["content"] = .array([.object(["attachment": .object(attachment)])])
        object["context"] = .object(["encounter": .array([reference(encounterURL)])])
        return .object(object)
    }
}
