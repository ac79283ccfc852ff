/// Hashes and checks passwords. The web layer supplies Bcrypt; the data layer stays free of Vapor.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) throws -> String
    func verify(_ password: String, against hash: String) throws -> Bool
}
