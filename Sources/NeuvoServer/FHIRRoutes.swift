import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The definitions behind the record documents' codes and canonicals: code systems
/// (`/fhir/CodeSystem/{id}`), the services' pre-questions (`/fhir/Questionnaire/{id}`) and
/// Neuvo's one extension (`/fhir/StructureDefinition/{id}`), for the record system to read.
///
/// Who may call: anyone. They name the clinic's outcomes, urgencies, services, work queues and
/// questions, which the public catalog already shows; nothing personal.
struct FHIRRoutes: Sendable {
    let clinic: Clinic

    func register(in routes: inout RouteTable) {
        routes.get("/fhir/CodeSystem/{id}", .anyone) { request, _ in
            try Self.answer(try Self.id(request).flatMap { try clinic.fhirCodeSystem(id: $0) })
        }
        routes.get("/fhir/Questionnaire/{id}", .anyone, answers: [.badQuery("version")]) { request, _ in
            let version = request.queryValue("version")
            guard version.map({ !$0.isEmpty && $0.utf8.count <= 64 }) ?? true else {
                throw HTTPError.badRequest("version must be a catalog version (at most 64 characters).", code: "invalid_version")
            }
            return try Self.answer(try Self.id(request).flatMap { try clinic.fhirQuestionnaire(serviceID: $0, version: version) })
        }
        routes.get("/fhir/StructureDefinition/{id}", .anyone) { request, _ in
            try Self.answer(Self.id(request).flatMap { FHIRDefinitions.structureDefinition($0, systems: clinic.exportOptions.systems) })
        }
    }

    static func id(_ request: Request) -> String? {
        request.parameters["id"].flatMap { $0.utf8.count <= 200 ? $0 : nil }
    }

    static func answer(_ resource: JSONValue?) throws -> HandlerResult {
        guard let resource else { throw HTTPError.notFound() }
        var response = Response.json(resource)
        response.headers.replaceOrAdd(name: "content-type", value: "application/fhir+json")
        return .respond(response)
    }
}
