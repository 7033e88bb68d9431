import NeuvoJSON

/// The definitions behind the documents' canonicals, so a validator resolves every one of them:
/// each service's pre-questions as a Questionnaire (`<base>/Questionnaire/<service>|<catalog
/// version>`) and the case-outcome extension's StructureDefinition.
public enum FHIRDefinitions {
    /// The service's pre-questions as `catalog` asked them.
    public static func questionnaire(_ service: Service, catalog: Catalog, systems: FHIRSystems) -> JSONValue? {
        guard let questions = service.questionnaire?.questions, !questions.isEmpty else { return nil }
        let kinds = Dictionary(questions.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        return .object([
            "resourceType": .string("Questionnaire"),
            "id": .string(service.id),
            "url": .string(systems.questionnaire(serviceID: service.id)),
            "version": .string(catalog.version),
            "name": .string("Neuvo" + service.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()),
            "title": .string(service.title.fi),
            "status": .string("active"),
            "subjectType": .array([.string("Patient")]),
            "item": .array(questions.map { item($0, serviceID: service.id, systems: systems, kinds: kinds) }),
        ])
    }

    /// One question, with its condition (`showIf`) as `enableWhen` where FHIR can say it (``FHIREnableWhen``).
    static func item(_ question: Question, serviceID: String, systems: FHIRSystems, kinds: [String: Question.Kind]) -> JSONValue {
        var object = JSONObject([("linkId", .string(question.id)), ("text", .string(question.text.fi))])
        func options(_ list: [Question.Option]) -> JSONValue {
            .array(list.map { .object(["valueCoding": .object([
                "system": .string(systems.optionSystem(serviceID: serviceID, questionID: question.id)),
                "code": .string($0.id), "display": .string($0.label.fi)])]) })
        }
        switch question.kind {
        case .singleChoice(let list):
            object["type"] = .string("choice")
            object["answerOption"] = options(list)
        case .multipleChoice(let list):
            object["type"] = .string("choice")
            object["repeats"] = .bool(true)
            object["answerOption"] = options(list)
        case .yesNo: object["type"] = .string("boolean")
        case .number(_, _, let integer, _): object["type"] = .string(integer ? "integer" : "decimal")
        case .text(let maxLength):
            object["type"] = .string("text")
            object["maxLength"] = .int(maxLength)
        case .photo: object["type"] = .string("attachment")
        }
        if let condition = question.showIf,
           let enable = FHIREnableWhen.of(condition, questions: kinds,
                                          optionSystem: { systems.optionSystem(serviceID: serviceID, questionID: $0) }) {
            object["enableWhen"] = .array(enable.conditions)
            if let behavior = enable.behavior { object["enableBehavior"] = .string(behavior) }
        }
        if question.required { object["required"] = .bool(true) }
        return .object(object)
    }

    /// The extension that carries a closed case's outcome on the document's outcome section.
    public static func structureDefinition(_ id: String, systems: FHIRSystems) -> JSONValue? {
        guard id == "case-outcome" else { return nil }
        let url = systems.outcomeExtension
        return .object([
            "resourceType": .string("StructureDefinition"),
            "id": .string(id),
            "url": .string(url),
            "version": .string("1"),
            "name": .string("NeuvoCaseOutcome"),
            "title": .string("Digitaalisen vastaanoton tapauksen lopputulos"),
            "status": .string("active"),
            "description": .string("How a digital clinic case ended, coded from \(systems.codeSystem(.caseOutcome))."),
            "fhirVersion": .string("4.0.1"),
            "kind": .string("complex-type"),
            "abstract": .bool(false),
            "context": .array([.object(["type": .string("element"), "expression": .string("Composition.section")])]),
            "type": .string("Extension"),
            "baseDefinition": .string("http://hl7.org/fhir/StructureDefinition/Extension"),
            "derivation": .string("constraint"),
            "differential": .object(["element": .array([
                .object(["id": .string("Extension"), "path": .string("Extension"), "max": .string("1")]),
                .object(["id": .string("Extension.extension"), "path": .string("Extension.extension"), "max": .string("0")]),
                .object(["id": .string("Extension.url"), "path": .string("Extension.url"), "fixedUri": .string(url)]),
                .object(["id": .string("Extension.value[x]"), "path": .string("Extension.value[x]"), "min": .int(1),
                         "type": .array([.object(["code": .string("Coding")])])]),
                .object(["id": .string("Extension.value[x].system"), "path": .string("Extension.value[x].system"), "min": .int(1),
                         "fixedUri": .string(systems.codeSystem(.caseOutcome))]),
            ])]),
        ])
    }
}

extension Clinic {
    /// The service's Questionnaire from catalog `version` (nil: the newest catalog that has the service).
    public func fhirQuestionnaire(serviceID: String, version: String?) throws -> JSONValue? {
        let catalogs = try storedCatalogs()
        let catalog = version.map { v in catalogs.last { $0.version == v } } ?? catalogs.last { $0.service(serviceID) != nil }
        guard let catalog, let service = catalog.service(serviceID) else { return nil }
        return FHIRDefinitions.questionnaire(service, catalog: catalog, systems: exportOptions.systems)
    }
}
