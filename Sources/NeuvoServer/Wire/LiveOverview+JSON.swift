import NeuvoClinic
import NeuvoEncoding
import NeuvoJSON

/// The live overview's JSON, and the token that says whether it changed.
enum LiveOverviewWire {
    /// What the page shows but the clock alone does not change: counts and the oldest arrival.
    static func token(_ queues: [QueueOverview]) -> String {
        let text = queues.map { q in
            "\(q.queue.id):\(q.waiting):\(q.oldestQueuedAt?.millis ?? 0):\(q.pastTarget):\(q.inHandling):\(q.onShift):\(q.callBacksWaiting)"
        }.joined(separator: "|")
        return String(Hex.lowercase(SHA256.hash(Array(text.utf8))).prefix(24))
    }

    static func json(_ overview: (at: Timestamp, queues: [QueueOverview]), token: String, language: Language) -> JSONValue {
        .object([
            "at": .string(overview.at.rfc3339), "token": .string(token),
            "queues": .array(overview.queues.map { q in
                .object([
                    "id": .string(q.queue.id), "name": .string(q.queue.name[language]),
                    "waiting": .int(q.waiting), "oldestQueuedAt": q.oldestQueuedAt.map { .string($0.rfc3339) } ?? .null,
                    "longestWaitSeconds": q.oldestQueuedAt.map { .int64((overview.at.millis - $0.millis) / 1000) } ?? .null,
                    "pastTarget": .int(q.pastTarget), "targetMinutes": .int(q.queue.targetFirstResponseMinutes),
                    "inHandling": .int(q.inHandling), "onShift": .int(q.onShift), "callBacksWaiting": .int(q.callBacksWaiting),
                ])
            }),
        ])
    }
}
