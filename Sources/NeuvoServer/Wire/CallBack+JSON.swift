import NeuvoClinic
import NeuvoJSON

extension CallBack {
    var json: JSONValue {
        .object([
            "id": .string(id), "queueId": .string(queueID),
            "window": .object(["start": .string(window.start.rfc3339), "end": .string(window.end.rfc3339)]),
            "phone": phone.map { .string($0.description) } ?? .null, "notify": .bool(notify), "language": .string(language.rawValue),
            "status": .string(status.rawValue), "attempts": .int(attempts), "requestedAt": .string(createdAt.rfc3339),
        ])
    }
}

extension CallBackOffer {
    var json: JSONValue {
        .object([
            "queue": queue.map { .object(["id": .string($0.id), "name": $0.name.json]) } ?? .null,
            "available": .bool(plan != nil), "offered": .bool(offered),
            "callerNumber": plan.map { .string($0.callerNumber.description) } ?? .null,
            "attempts": plan.map { .int($0.attempts) } ?? .null,
            "windows": .array(windows.map {
                .object(["start": .string($0.start.rfc3339), "end": .string($0.end.rfc3339), "free": .int($0.free)])
            }),
            "callBack": current?.json ?? .null,
        ])
    }
}

extension OutboxNotification {
    var json: JSONValue {
        .object([
            "id": .string(id), "seq": .int64(seq), "kind": .string(kind.rawValue), "phone": phone.map { .string($0) } ?? .null,
            "language": .string(language.rawValue), "text": text.map { .string($0) } ?? .null, "createdAt": .string(createdAt.rfc3339),
            "acknowledged": .bool(acknowledgedAt != nil), "acknowledgedAt": acknowledgedAt.map { .string($0.rfc3339) } ?? .null,
        ])
    }
}
