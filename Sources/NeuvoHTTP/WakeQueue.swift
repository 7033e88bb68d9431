import Dispatch

/// Where a wave of woken parked requests produces its answers: one serial
/// queue beside the handlers' concurrent one.
///
/// One commit may wake thousands of parked polls at once (a pick moves every
/// resident of the queue). Run as handler tasks, that wave would stand ahead
/// of the next fresh request and take both cores. Here the wave is answered one
/// poll after another on one thread, while fresh requests (the nurse's next
/// pick, the residents' re-polls) keep the handlers' queue and the other core.
/// A poll woken again before its turn is answered once, with the state of its turn.
/// A single wake (a message for one conversation) does not queue here: see
/// ``ParkedRequest/complete(producing:wave:)``.
final class WakeQueue: Sendable {
    private let queue = DispatchQueue(label: "neuvo.wakes")

    func run(_ work: @escaping @Sendable () -> Void) {
        queue.async(execute: work)
    }
}
