import NeuvoStore
import Synchronization

/// The clinic's domain rules over the store. Every method that changes state
/// runs in one writer transaction and returns the events it appended, so the
/// caller can wake whoever waits on them after the commit.
public final class Clinic: Sendable {
    public let store: Store
    /// The current time; replaceable in tests.
    let now: @Sendable () -> Timestamp
    /// The newest imported catalog, parsed once.
    let catalogCache = Mutex<Catalog?>(nil)
    /// Each work queue's waiting cases in order, read once per change.
    let standings = QueueStandings()
    /// Each day's conversations as statistics see them, read once per change.
    let statisticsDays = StatisticsDays()
    /// Every stored catalog version, oldest first, with the newest `seq` they were read at: the
    /// record documents' code systems are built from them (read again only after an import).
    let allCatalogs = Mutex<(seq: Int64, catalogs: [Catalog])?>(nil)
    /// Live resident sessions, so a request does not read the database to know its caller.
    let residentSessions = ResidentSessionCache()

    /// How closed cases are written for the record system.
    public let exportOptions: RecordExportOptions

    /// Continuity of care: who gets a returning resident's case first, and for how long.
    public let continuity: ContinuityOptions

    public init(store: Store, now: @escaping @Sendable () -> Timestamp = Timestamp.now,
                exportOptions: RecordExportOptions = RecordExportOptions(), continuity: ContinuityOptions = ContinuityOptions()) {
        self.store = store
        self.now = now
        self.exportOptions = exportOptions
        self.continuity = continuity
    }
}
