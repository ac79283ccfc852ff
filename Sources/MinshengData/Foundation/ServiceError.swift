/// A refusal a service gives, with a message for the user in Chinese.
public struct ServiceError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The input is malformed or breaks a rule (HTTP 400 / 422).
        case invalid
        /// The record does not exist, or is outside the caller's scope (HTTP 404).
        case notFound
        /// The caller may not do this (HTTP 403).
        case forbidden
        /// The change clashes with existing data (HTTP 409).
        case conflict
        /// Too many requests from the same sender in a short time (HTTP 429).
        case tooMany
        /// A burst from the same sender: it must answer a challenge before it may go on (HTTP 429).
        case challenge
        /// Too many writers at once: the change was not saved; try again in a few seconds (HTTP 503).
        case busy
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func invalid(_ message: String) -> ServiceError { .init(.invalid, message) }
    public static func notFound(_ message: String = "未找到该记录，或您无权查看。") -> ServiceError { .init(.notFound, message) }
    public static func forbidden(_ message: String = "您没有进行此操作的权限。") -> ServiceError { .init(.forbidden, message) }
    public static func conflict(_ message: String) -> ServiceError { .init(.conflict, message) }
    public static func tooMany(_ message: String) -> ServiceError { .init(.tooMany, message) }
    public static func challenge(_ message: String) -> ServiceError { .init(.challenge, message) }
    public static func busy(_ message: String) -> ServiceError { .init(.busy, message) }
}
