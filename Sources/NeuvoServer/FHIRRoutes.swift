import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The code systems behind the record documents' codes (`/fhir/CodeSystem/{id}`), for the
/// record system to read what a code means.
///
/// Who may call: anyone. They name the clinic's outcomes, urgencies, services, work queues and
/// question options, which the public catalog already shows; nothing personal.
struct FHIRRoutes: Sendable {
    let clinic: Clinic

    func register(in routes: inout RouteTable) {
        routes.get("/fhir/CodeSystem/{id}", .anyone) { request, _ in
            guard let id = request.parameters["id"], id.utf8.count <= 200,
                  let resource = try clinic.fhirCodeSystem(id: id) else { throw HTTPError.notFound() }
            var response = Response.json(resource)
            response.headers.replaceOrAdd(name: "content-type", value: "application/fhir+json")
            return .respond(response)
        }
    }
}
