import FluentKit
import Foundation

/// Records who changed what. Every write a service makes on behalf of a person passes here.
public enum AuditLog {
    public static func record(_ action: String, subject: String, detail: String = "", by accountID: Int?, on db: any Database) async throws {
        try await AuditEvent(accountID: accountID, action: action, subject: subject, detail: detail).create(on: db)
    }

    public static func recent(limit: Int, on db: any Database) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: db).sort(\.$id, .descending).limit(limit).all()
    }
}
