import Foundation

/// A counter bumped whenever something the public pages show changes in this process (figures,
/// a month closed or reopened, disclosure items). Caches of rendered public pages compare it;
/// other processes' changes reach them through the caches' short lifetime.
public final class PublicVersion: @unchecked Sendable {
    public static let shared = PublicVersion()
    private let lock = NSLock()
    private var value = 0

    public var current: Int { lock.lock(); defer { lock.unlock() }; return value }

    public func bump() { lock.lock(); value &+= 1; lock.unlock() }
}
