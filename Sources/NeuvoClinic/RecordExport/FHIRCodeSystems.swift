import NeuvoJSON

/// The CodeSystem resources behind every code Neuvo writes into a record document, served at
/// `<canonical base>/CodeSystem/<id>` so a record system can read what a code means.
///
/// Catalog code systems (services, work queues, a question's options) hold every code any stored
/// catalog version defined, with the newest wording: a document written under an older version
/// still finds its codes. Built on request from the catalogs; nothing is cached.
public enum FHIRCodeSystems {
    /// How a person in the document is known to be who the document says.
    enum Identification: String, CaseIterable {
        case identified
        case unidentified
        case mandate
        case statedByGuardian = "stated-by-guardian"

        var finnishName: String {
            switch self {
            case .identified: return "Tunnistettu henkilötunnuksella"
            case .unidentified: return "Tunnistamaton"
            case .mandate: return "Henkilötunnus, huoltajan valtuus tarkistettu tunnistautumisessa"
            case .statedByGuardian: return "Henkilötunnus tunnistautuneen huoltajan ilmoittamana"
            }
        }
    }

    struct Concept {
        let code: String
        var text: LocalizedText
    }

    /// The CodeSystem `id`, or nil when Neuvo defines none by that id (or it has no codes yet).
    /// - Parameter catalogs: every stored catalog version, oldest first.
    public static func resource(_ id: String, systems: FHIRSystems, catalogs: [Catalog]) -> JSONValue? {
        if let fixed = fixed(id, systems: systems) { return fixed }
        let version = catalogs.last?.version ?? "1"
        switch FHIRSystems.CodeSystem(rawValue: id) {
        case .service?:
            let concepts = merged(catalogs.map { $0.allServices.map { Concept(code: $0.id, text: $0.title) } })
            return codeSystem(.service, systems: systems, version: version, title: "Palvelut", localized: concepts)
        case .workQueue?:
            let concepts = merged(catalogs.map { $0.queues.map { Concept(code: $0.id, text: $0.name) } })
            return codeSystem(.workQueue, systems: systems, version: version, title: "Työjonot", localized: concepts)
        case .caseOutcome?, .urgency?, .identification?, nil:
            return optionSystem(id, systems: systems, catalogs: catalogs, version: version)
        }
    }

    /// The code systems that do not depend on the catalog: outcomes, urgencies, identification.
    public static func fixed(_ id: String, systems: FHIRSystems) -> JSONValue? {
        switch FHIRSystems.CodeSystem(rawValue: id) {
        case .caseOutcome?:
            return codeSystem(.caseOutcome, systems: systems, version: "1", title: "Digitaalisen vastaanoton tapauksen lopputulos",
                              concepts: ClosingOutcome.allCases.map { ($0.rawValue, $0.finnishName) })
        case .urgency?:
            return codeSystem(.urgency, systems: systems, version: "1", title: "Kiireellisyys esitietojen perusteella",
                              concepts: Urgency.allCases.map { ($0.rawValue, $0.finnishName) })
        case .identification?:
            return codeSystem(.identification, systems: systems, version: "1", title: "Henkilön tunnistaminen",
                              concepts: Identification.allCases.map { ($0.rawValue, $0.finnishName) })
        default:
            return nil
        }
    }

    /// A question's options, `<service>.<question>` (see ``FHIRSystems/optionSystemID(serviceID:questionID:)``).
    static func optionSystem(_ id: String, systems: FHIRSystems, catalogs: [Catalog], version: String) -> JSONValue? {
        var found: [[Concept]] = []
        var title: String?
        for catalog in catalogs {
            for service in catalog.allServices {
                for question in service.questionnaire?.questions ?? [] {
                    guard FHIRSystems.optionSystemID(serviceID: service.id, questionID: question.id) == id else { continue }
                    switch question.kind {
                    case .singleChoice(let options), .multipleChoice(let options):
                        found.append(options.map { Concept(code: $0.id, text: $0.label) })
                        title = "\(service.title.fi): \(question.text.fi)"
                    default: break
                    }
                }
            }
        }
        guard let title, !found.isEmpty else { return nil }
        var object = base(url: systems.base + "/CodeSystem/" + id, id: id, version: version, title: title)
        add(merged(found), to: &object)
        return .object(object)
    }

    /// Codes in order of first appearance; the newest catalog's wording wins.
    static func merged(_ versions: [[Concept]]) -> [Concept] {
        var concepts: [Concept] = []
        for version in versions {
            for concept in version {
                if let i = concepts.firstIndex(where: { $0.code == concept.code }) { concepts[i].text = concept.text } else { concepts.append(concept) }
            }
        }
        return concepts
    }

    static func codeSystem(_ system: FHIRSystems.CodeSystem, systems: FHIRSystems, version: String, title: String,
                           concepts: [(String, String)]) -> JSONValue {
        var object = base(url: systems.codeSystem(system), id: system.rawValue, version: version, title: title)
        object["count"] = .int(concepts.count)
        object["concept"] = .array(concepts.map { .object(["code": .string($0.0), "display": .string($0.1)]) })
        return .object(object)
    }

    static func codeSystem(_ system: FHIRSystems.CodeSystem, systems: FHIRSystems, version: String, title: String,
                           localized: [Concept]) -> JSONValue? {
        guard !localized.isEmpty else { return nil }  // FHIR JSON has no empty arrays: no catalog yet, no such system yet
        var object = base(url: systems.codeSystem(system), id: system.rawValue, version: version, title: title)
        add(localized, to: &object)
        return .object(object)
    }

    /// Finnish displays, with Swedish and English designations.
    static func add(_ concepts: [Concept], to object: inout JSONObject) {
        object["count"] = .int(concepts.count)
        object["concept"] = .array(concepts.map { concept in
            .object(["code": .string(concept.code), "display": .string(concept.text.fi),
                     "designation": .array([("sv", concept.text.sv), ("en", concept.text.en)].map {
                         .object(["language": .string($0.0), "value": .string($0.1)])
                     })])
        })
    }

    static func base(url: String, id: String, version: String, title: String) -> JSONObject {
        let name = id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return JSONObject([
            ("resourceType", .string("CodeSystem")), ("id", .string(id)), ("url", .string(url)), ("version", .string(version)),
            ("name", .string("Neuvo" + name.filter { $0.isLetter || $0.isNumber })), ("title", .string(title)),
            ("status", .string("active")), ("experimental", .bool(false)), ("publisher", .string("Neuvo")),
            ("caseSensitive", .bool(true)), ("content", .string("complete")),
        ])
    }
}

extension Catalog {
    /// Every service of the tree, in tree order.
    var allServices: [Service] { services.flatMap(\.flattened) }
}
