import Foundation

/// The limits a public sender meets (亮码评价, 民生实事我来提): how many from one address in a short
/// window and in a day, from one browser in the short window, and from how many on an address
/// must answer a question first. A shared address (an office behind one gateway) gets more room
/// than a single browser. Counted inside the writing transaction, holding the sender's locks.
public struct SenderLimits: Sendable {
    public var challengeAfter = 3
    public var perAddressShort = 20
    public var perAddressDay = 100
    public var perBrowserShort = 5
    public var shortWindow: TimeInterval = 600
    public init() {}

    /// Who is counted: the sender's address hash, or its browser id.
    public enum Sender: Sendable { case address, browser }

    /// Refuses a sender over its limits, and one that must answer the challenge and sent no
    /// answer (or, with `solved` false inside the transaction, whose challenge became due since
    /// the first check). Returns whether the challenge is due. `count` counts the sender's
    /// submissions since a time; `what` names them in the day's refusal (评价, 建议).
    static func check(browser: String?, challengeToken: String?, challenge: Bool, solved: Bool?, what: String, now: Date,
                      count: (Sender, Date) async throws -> Int, limits: SenderLimits) async throws -> Bool {
        let short = now.addingTimeInterval(-limits.shortWindow)
        let fromAddress = try await count(.address, short)
        if fromAddress >= limits.perAddressShort { throw ServiceError.tooMany("提交过于频繁，请过几分钟再试。") }
        if try await count(.address, now.addingTimeInterval(-86_400)) >= limits.perAddressDay {
            throw ServiceError.tooMany("今天从您的网络提交的\(what)已达上限，请明天再试。")
        }
        if browser != nil, try await count(.browser, short) >= limits.perBrowserShort {
            throw ServiceError.tooMany("提交过于频繁，请过几分钟再试。")
        }
        // A burst from one address: each further submission answers a question first.
        let mustAnswer = challenge && fromAddress >= limits.challengeAfter
        if mustAnswer {
            guard !(challengeToken ?? "").isEmpty else { throw ServiceError.challenge("您的网络近期提交较多，请回答下面的问题后再提交。") }
            // Inside the transaction (`solved` given): the answer was checked before it, once.
            if let solved, !solved { throw ServiceError.challenge("您的网络近期提交较多，请回答下面的问题后再提交。") }
        }
        return mustAnswer
    }
}
