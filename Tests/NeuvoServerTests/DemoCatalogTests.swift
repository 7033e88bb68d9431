import Foundation
import NeuvoClinic
import Testing

/// The demo catalog that `neuvo serve --demo` loads.
@Suite struct DemoCatalogTests {
    @Test func theDemoCatalogIsValid() async throws {
        let app = try TestApp()
        defer { app.stop() }
        let data = try #require(FileManager.default.contents(atPath: repositoryRoot + "/Sources/neuvo/demo-catalog.json"))
        let catalog = try await app.app.clinic.importCatalog(Array(data)).catalog
        func leavesOf(_ service: Service) -> [Service] { service.children.isEmpty ? [service] : service.children.flatMap(leavesOf) }
        let leaves = catalog.services.flatMap(leavesOf)
        #expect(leaves.count >= 6)
        #expect(catalog.queues.count >= 5)
        for service in leaves {
            let questions = try #require(service.questionnaire).questions
            #expect((4...10).contains(questions.count), "\(service.id) has \(questions.count) questions")
            #expect(questions.contains { $0.showIf != nil }, "\(service.id) has no branching")
        }
        #expect(leaves.filter { !($0.questionnaire?.redFlags.isEmpty ?? true) }.count >= 3)
    }
}
