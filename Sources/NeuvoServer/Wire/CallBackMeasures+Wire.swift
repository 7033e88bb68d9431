import NeuvoClinic
import NeuvoJSON

extension CallBackMeasures.Counts {
    var json: JSONValue {
        .object([
            "requested": .int(requested), "cancelled": .int(cancelled), "waiting": .int(waiting), "reached": .int(reached),
            "reachedOnAttempt": .array(reachedOnAttempt.map { .int($0) }), "notReached": .int(notReached),
            "reachedShare": rounded(reachedShare, places: 4), "calledInWindow": .int(calledInWindow),
            "delaySeconds": delay?.json ?? .null,
        ])
    }

    /// One CSV row's cells after the window: attempts past the third are counted with the third.
    var cells: [CSVTable.Cell] {
        func minutes(_ value: Double?) -> CSVTable.Cell { .number(value.map { $0 / 60 }, places: 1) }
        let onAttempt = (0..<3).map { index in
            index < 2 ? (index < reachedOnAttempt.count ? reachedOnAttempt[index] : 0) : reachedOnAttempt.dropFirst(2).reduce(0, +)
        }
        let counts: [CSVTable.Cell] = [.int(requested), .int(cancelled), .int(waiting), .int(reached)]
        let ends: [CSVTable.Cell] = [.int(notReached), .number(reachedShare, places: 4), .int(calledInWindow),
                                     minutes(delay?.median), minutes(delay?.p90)]
        return counts + onAttempt.map { CSVTable.Cell.int($0) } + ends
    }

    static let csvHeader = ["requested", "cancelled", "waiting", "reached", "reached on attempt 1", "reached on attempt 2",
                            "reached on attempt 3 or later", "not reached", "reached share", "first call in the window",
                            "request to call median (min)", "request to call p90 (min)"]
}

extension CallBackMeasures {
    /// A window as the page and the CSV name it: "08:00–10:00".
    static func label(_ window: Window) -> String {
        func clock(_ minute: Int) -> String {
            let hours = String(format2: minute / 60), minutes = String(format2: minute % 60)
            return "\(hours):\(minutes)"
        }
        return clock(window.startMinute) + "–" + clock(window.endMinute)
    }

    var json: JSONValue {
        .object([
            "totals": totals.json,
            "byWindow": .array(byWindow.map { .object(["window": .string(Self.label($0)), "measures": $0.measures.json]) }),
        ])
    }

    /// The totals first ("all"), then each window of the day.
    var csv: CSVTable {
        var table = CSVTable(["window"] + Counts.csvHeader)
        table.add([.text("all")] + totals.cells)
        for window in byWindow { table.add([.text(Self.label(window))] + window.measures.cells) }
        return table
    }
}
