/// A professional work queue: where routed cases wait to be picked.
public struct WorkQueue: Sendable, Equatable {
    public let id: String
    public let name: LocalizedText
    public let openingHours: OpeningHours
    /// The service promise: minutes from queueing to the first response.
    public let targetFirstResponseMinutes: Int
    /// Ready answers the queue's professionals can insert into the chat.
    public let cannedReplies: [LocalizedText]
    /// Call-back requests, when the queue takes them.
    public let callBack: CallBackPlan?

    init(_ cursor: JSONCursor) throws(CatalogError) {
        _ = try cursor.object(allowed: ["id", "name", "openingHours", "targetFirstResponseMinutes", "cannedReplies", "callBack"])
        id = try cursor["id"].identifier()
        name = try LocalizedText(cursor["name"], maxLength: 120)
        openingHours = try OpeningHours(cursor["openingHours"])
        targetFirstResponseMinutes = try cursor["targetFirstResponseMinutes"].integer(in: 1...(7 * 24 * 60))
        var replies: [LocalizedText] = []
        for item in try cursor["cannedReplies"].optionalArray() { replies.append(try LocalizedText(item, maxLength: 1000)) }
        guard replies.count <= 50 else { throw cursor["cannedReplies"].fail("holds at most 50 replies") }
        cannedReplies = replies
        callBack = cursor["callBack"].exists ? try CallBackPlan(cursor["callBack"]) : nil
    }
}
