import NeuvoJSON

/// A DocumentReference per photo, fetched by URL, never inlined.
extension FHIRDocument.Builder {
    func photoAddress(_ photoID: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/api/v1/record-exports/\(FHIRDocument.percentEncoded(input.exportID))/photos/\(FHIRDocument.percentEncoded(photoID))"
    }

    func documentReference(_ photoID: String, number: Int) -> JSONValue {
        .object([
            "resourceType": .string("DocumentReference"),
            "id": id(photoURL(photoID)),
            "identifier": .array([.object(["system": .string(systems.photo), "value": .string(photoID)])]),
            "status": .string("current"),
            "subject": reference(patientURL),
            "description": .string("Asiakkaan lähettämä valokuva \(number)"),
            "content": .array([.object(["attachment": .object(["url": .string(photoAddress(photoID)),
                                                               "title": .string("Valokuva \(number)")])])]),
            "context": .object(["encounter": .array([reference(encounterURL)])]),
        ])
    }
}
