import Foundation

/// Slow-down and temporary lock after repeated failed sign-ins.
///
/// The first few failures cost nothing, the next ones an increasing delay, and at `lockAfter`
/// failures the account is locked for `lockDuration`. A success resets the count.
public struct LoginThrottle: Sendable {
    public var freeFailures: Int
    public var lockAfter: Int
    public var lockDuration: TimeInterval
    /// Delay per failure past the free ones; tests set it to zero.
    public var delayStep: TimeInterval
    public var maximumDelay: TimeInterval

    public init(
        freeFailures: Int = 2,
        lockAfter: Int = 5,
        lockDuration: TimeInterval = 15 * 60,
        delayStep: TimeInterval = 1,
        maximumDelay: TimeInterval = 5
    ) {
        self.freeFailures = freeFailures
        self.lockAfter = lockAfter
        self.lockDuration = lockDuration
        self.delayStep = delayStep
        self.maximumDelay = maximumDelay
    }

    /// The pause before answering a failed attempt, given failures so far including this one.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures > freeFailures else { return 0 }
        return min(Double(failures - freeFailures) * delayStep, maximumDelay)
    }

    /// When the account unlocks, if this failure locks it.
    public func lockUntil(afterFailures failures: Int, now: Date) -> Date? {
        failures >= lockAfter ? now.addingTimeInterval(lockDuration) : nil
    }

    public func isLocked(until: Date?, now: Date) -> Bool {
        guard let until else { return false }
        return until > now
    }
}
