import Foundation

/// What follow does with each failure it reads: the sinks of the line pipeline for a live
/// log, as concrete members (see `EventSink`). Follow keeps no requests: its sinks want no
/// `cause = none` attempts, which the pipeline then passes over, as a scan without request
/// analysis does. So follow prints and counts every 401 as it reads it: whether a 401 was a
/// challenge (`ChallengeMatcher`: answered within seconds by a login that worked) is known
/// only after the window, from a served line follow does not keep, so it does not say.
struct FollowSinks: EventSink {
    /// The overview printed on SIGUSR1, on schedule and at the end.
    var aggregate: FailureAggregate
    var printer: PrinterSink
    var alerts: AlertSink

    mutating func record(_ event: AuthEvent) {
        aggregate.record(event)
        printer.record(event)
        alerts.record(event)
    }
}

/// The aggregate is a sink by itself (follow's; a scan's adds partial flushing, see
/// `AggregateSink`).
extension FailureAggregate: EventSink {
    mutating func record(_ event: AuthEvent) { add(event) }
}

/// Each event, printed as it is read.
struct PrinterSink: EventSink {
    weak var output: FollowOutput?

    func record(_ event: AuthEvent) { output?.event(event) }
}

/// The --alert rules, in log time; an alert is printed and handed to --exec.
struct AlertSink: EventSink {
    var alerts: SlidingAlerts
    weak var output: FollowOutput?
    let executor: AlertExecutor?

    mutating func record(_ event: AuthEvent) {
        for alert in alerts.add(event, now: Int64(Date().timeIntervalSince1970)) {
            output?.alert(alert)
            executor?.submit(alert)
        }
    }
}
