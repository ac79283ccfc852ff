import Crypto
import FluentKit
import Foundation
import SQLKit

/// The question a sender answers when a burst of ratings arrives from its address: a sum of two
/// small numbers written in Chinese (七加五等于几？), answered in digits or in Chinese. The token
/// carries no answer, only an HMAC of it with its expiry and a nonce; each token is good once.
///
/// Several servers share one instance: the key comes from the instance's secret (the same on every
/// server), and the answered nonces are kept in the database (`challenge_tokens`), so a token
/// answered through one server is refused by every other.
public final class FeedbackChallenge: Sendable {
    private let key: SymmetricKey
    public let lifetime: TimeInterval

    public init(key: SymmetricKey, lifetime: TimeInterval = 600) {
        self.key = key
        self.lifetime = lifetime
    }

    public struct Question: Sendable, Equatable {
        public var text: String
        public var token: String
    }

    static let numerals = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

    /// 0…99 in Chinese numerals as people write them: 七, 十, 十二, 二十, 二十一.
    static func chinese(_ n: Int) -> String {
        guard (0...99).contains(n) else { return String(n) }
        if n <= 10 { return numerals[n] }
        let (tens, ones) = (n / 10, n % 10)
        return (tens == 1 ? "" : numerals[tens]) + "十" + (ones == 0 ? "" : numerals[ones])
    }

    /// An answer as typed: ASCII or full-width digits, or Chinese numerals up to 99.
    static func parse(_ raw: String) -> Int? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 6 else { return nil }
        let digits = String(text.unicodeScalars.map { scalar -> Character in
            (0xFF10...0xFF19).contains(scalar.value) ? Character(UnicodeScalar(scalar.value - 0xFF10 + 0x30) ?? "0") : Character(scalar)
        })
        if let value = Int(digits), value >= 0 { return value }
        return (0...99).first { chinese($0) == text }
    }

    /// What a token's code signs.
    private static func signed(_ answer: Int, _ expiry: Int, _ nonce: Substring) -> Data { Data("\(answer)|\(expiry)|\(nonce)".utf8) }

    public func issue(now: Date = Date()) -> Question {
        let a = Int.random(in: 2...9)
        let b = Int.random(in: 1...9)
        let expiry = Int(now.timeIntervalSince1970 + lifetime)
        let nonce = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let code = Data(HMAC<SHA256>.authenticationCode(for: Self.signed(a + b, expiry, Substring(nonce)), using: key)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return Question(text: "\(Self.chinese(a))加\(Self.chinese(b))等于几？", token: "\(expiry).\(nonce).\(code).\(tag(expiry, Substring(nonce)))")
    }

    /// A code over the token's expiry and nonce alone: only tokens this instance issued are
    /// remembered as used (a forged one is refused before it takes any room).
    private func tag(_ expiry: Int, _ nonce: Substring) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data("token|\(expiry)|\(nonce)".utf8), using: key)).prefix(16).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// True when the answer is right for the token, the token has not expired, and it was not
    /// answered before, through any server. Any answer uses the token up, a wrong one too: a
    /// question cannot be tried again with the next number. The use is written at once, in its
    /// own statement (not in a transaction that a refusal would roll back).
    public func verify(token: String, answer: String, now: Date = Date(), on db: any Database) async throws -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let nowSeconds = Int(now.timeIntervalSince1970)
        guard token.count <= 200, parts.count == 4, let expiry = Int(parts[0]), expiry > nowSeconds,
              expiry <= nowSeconds + Int(lifetime) + 60,  // another server's clock may be a little ahead parts[1].count == 32, parts[1].allSatisfy(\.isHexDigit),
              ConstantTime.equal(String(parts[3]), tag(expiry, parts[1])) else { return false }
        guard try await Self.use(nonce: String(parts[1]), expiry: expiry, now: nowSeconds, on: db) else { return false }
        guard let value = Self.parse(answer), value <= 99 else { return false }
        var encoded = String(parts[2]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while encoded.count % 4 != 0 { encoded += "=" }
        guard let given = Data(base64Encoded: encoded) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Self.signed(value, expiry, parts[1]), using: key)
    }

    /// Records the nonce as answered; false when it was answered before. Expired nonces are
    /// removed by the scheduled housekeeping (a used token is refused by its expiry after that).
    static func use(nonce: String, expiry: Int, now: Int, on db: any Database) async throws -> Bool {
        // One statement outside the writers' queue: on SQLite it waits for the file's lock within
        // the busy timeout (an import in progress answers "busy", never a 500).
        let box = InsertedBox()
        try await db.bookkeeping { db in
            let inserted = try await db.sql.raw("""
                INSERT INTO challenge_tokens (nonce, expires_at) VALUES (\(bind: nonce), \(bind: expiry))
                ON CONFLICT (nonce) DO NOTHING RETURNING nonce
                """).all()
            box.set(!inserted.isEmpty)
        }
        return box.value
    }
}

/// The answer of a statement run through `bookkeeping` (whose body returns nothing).
private final class InsertedBox: @unchecked Sendable {
    private let lock = NSLock()
    private var inserted = false
    func set(_ value: Bool) { lock.withLock { inserted = value } }
    var value: Bool { lock.withLock { inserted } }
}

/// Compares two secrets (tokens, codes) in time that does not depend on where they differ.
public enum ConstantTime {
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
