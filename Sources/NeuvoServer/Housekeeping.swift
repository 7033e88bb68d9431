import NeuvoClinic

/// The server's own rounds, once a second, until it stops:
/// - ended continuity offers go to the whole queue (every `offerInterval`);
/// - changes the command line made in another process reach the open pages
///   (a disabled account's long polls wake and end within a second or two);
/// - retention runs at its hour each day, logged as counts only.
///
/// Runs on the handlers' Dispatch executor, not the cooperative pool: callers
/// that block the pool's threads must not stall it. One round at a time.
struct Housekeeping: Sendable {
    let clinic: Clinic
    let hub: EventHub
    let logger: Logger
    let offerInterval: Duration
    let retention: RetentionSchedule

    func run(stopping: StopFlag) async {
        let tick = min(offerInterval, .seconds(1))
        var sinceOffers = Duration.zero
        var heard = (try? clinic.latestOutsideChange()) ?? 0
        var nextRetention = retention.next(after: clinic.currentTime())
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            guard !Task.isCancelled, !stopping.isSet else { break }
            sinceOffers += tick
            if sinceOffers >= offerInterval {
                sinceOffers = .zero
                await expireOffers()
            }
            heard = hearOutsideChanges(after: heard)
            if let due = nextRetention, clinic.currentTime() >= due {
                await applyRetention()
                nextRetention = retention.next(after: clinic.currentTime())
            }
        }
    }

    private func expireOffers() async {
        do {
            let events = try await clinic.expireOffers()
            if !events.isEmpty { hub.publish(streams: EventStreams.touched(by: events)) }
        } catch {
            logger.log(.error, "offer sweep failed with \(type(of: error))")
        }
    }

    /// Publishes what the command line changed; returns the new cursor.
    private func hearOutsideChanges(after cursor: Int64) -> Int64 {
        do {
            let changes = try clinic.outsideChanges(after: cursor)
            guard changes.last != cursor else { return cursor }
            var streams = EventStreams.touched(by: changes.events)
            for professional in changes.professionals { streams.insert(EventStreams.professional(professional)) }
            // Managers' live overviews ask again whether their session still stands.
            if !changes.professionals.isEmpty { streams.insert(EventStreams.overview) }
            hub.publish(streams: streams)
            return changes.last
        } catch {
            logger.log(.error, "reading outside changes failed with \(type(of: error))")
            return cursor
        }
    }

    private func applyRetention() async {
        do {
            let report = try await clinic.applyRetention(olderThanDays: retention.days)
            logger.log(.info, "retention (\(retention.days) days): \(report.purged) conversation(s) purged, "
                + "\(report.keptUnacknowledged.count) kept until their export is acknowledged")
        } catch {
            logger.log(.error, "retention failed with \(type(of: error))")
        }
    }
}
