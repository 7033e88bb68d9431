/// A professional work queue: where routed cases wait to be picked.
public struct WorkQueue: Sendable, Equatable {
    public let id: String
    public let name: LocalizedText
    public let openingHours: OpeningHours
    /// The service promise: minutes from queueing to the first response.
    public let targetFirstResponseMinutes: Int

    init(_ cursor: JSONCursor) throws(CatalogError) {
        _ = try cursor.object(allowed: ["id", "name", "openingHours", "targetFirstResponseMinutes"])
        id = try cursor["id"].identifier()
        name = try LocalizedText(cursor["name"], maxLength: 120)
        openingHours = try OpeningHours(cursor["openingHours"])
        targetFirstResponseMinutes = try cursor["targetFirstResponseMinutes"].integer(in: 1...(7 * 24 * 60))
    }
}
