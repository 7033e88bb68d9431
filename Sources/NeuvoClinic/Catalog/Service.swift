/// A service in the catalog tree, e.g. Illness and health → Skin symptoms.
/// Leaves carry a pre-questionnaire; inner nodes carry children.
public struct Service: Sendable, Equatable {
    public let id: String
    public let title: LocalizedText
    public let description: LocalizedText?
    public let children: [Service]
    public let questionnaire: PreQuestionnaire?

    init(_ cursor: JSONCursor, queues: Set<String>, depth: Int = 0) throws(CatalogError) {
        _ = try cursor.object(allowed: ["id", "title", "description", "children", "questionnaire"])
        id = try cursor["id"].identifier()
        title = try LocalizedText(cursor["title"], maxLength: 120)
        description = cursor["description"].exists ? try LocalizedText(cursor["description"], maxLength: 1000) : nil
        let hasChildren = cursor["children"].exists, hasQuestions = cursor["questionnaire"].exists
        guard hasChildren != hasQuestions else {
            throw cursor.fail("a service has either children or a questionnaire, not both or neither")
        }
        guard depth < 4 else { throw cursor.fail("services nest at most four levels deep") }
        var children: [Service] = []
        for item in try cursor["children"].optionalArray() {
            children.append(try Service(item, queues: queues, depth: depth + 1))
        }
        if hasChildren && children.isEmpty { throw cursor["children"].fail("must not be empty") }
        self.children = children
        questionnaire = hasQuestions ? try PreQuestionnaire(cursor["questionnaire"], queues: queues) : nil
    }

    /// This service and every service below it, depth first.
    public var flattened: [Service] { [self] + children.flatMap(\.flattened) }
}
