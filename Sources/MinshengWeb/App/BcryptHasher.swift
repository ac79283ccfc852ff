import MinshengData
import Vapor

/// Bcrypt through Vapor's implementation, at a configurable cost (tests use the minimum).
struct BcryptHasher: PasswordHashing {
    var cost: Int

    func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: cost)
    }

    func verify(_ password: String, against hash: String) throws -> Bool {
        // A malformed stored hash must not crash the request: treat it as a mismatch.
        (try? Bcrypt.verify(password, created: hash)) ?? false
    }
}
