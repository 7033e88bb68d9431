import Testing
@testable import NeuvoClinic

@Suite struct IdentifierTests {
    @Test func timeOrderedIdsSortByTimeAndStayUnguessable() {
        let early = Identifier.timeOrdered(milliseconds: 1_795_000_000_000)
        let late = Identifier.timeOrdered(milliseconds: 1_795_000_000_001)
        #expect(early < late)
        #expect(Identifier.isWellFormed(early) && Identifier.isWellFormed(late))
        // The first 12 hex digits are the time; the rest differ between two ids of the same millisecond.
        #expect(early.prefix(12) == "01a1ee565e00")
        let twins = (0..<100).map { _ in Identifier.timeOrdered(milliseconds: 1_795_000_000_000) }
        #expect(Set(twins).count == 100)
        #expect(Set(twins.map { $0.dropFirst(12) }).count == 100)
    }
}
