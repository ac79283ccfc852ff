import FluentKit
import Foundation
import MinshengCore

/// A person who signs in. Belongs to a region and, for reporters and reviewers, a unit.
public final class Account: Model, @unchecked Sendable {
    public static let schema = "accounts"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "username") public var username: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "password_hash") public var passwordHash: String
    @Parent(key: "region_id") public var region: Region
    @OptionalParent(key: "unit_id") public var unit: Department?
    /// Comma-separated `Role` raw values.
    @Field(key: "roles") public var roles: String
    @Field(key: "active") public var active: Bool
    @Field(key: "must_change_password") public var mustChangePassword: Bool
    @Field(key: "failed_logins") public var failedLogins: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    @OptionalField(key: "last_login_at") public var lastLoginAt: Date?
    /// When the account last opened its inbox of opinions: what came later is new to it.
    @OptionalField(key: "feedback_seen_at") public var feedbackSeenAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(username: String, displayName: String, passwordHash: String, regionID: Int, unitID: Int?, roles: Set<Role>) {
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.$region.id = regionID
        self.$unit.id = unitID
        self.roles = Role.encode(roles)
        self.active = true
        self.mustChangePassword = false
        self.failedLogins = 0
    }

    public var roleSet: Set<Role> { Role.decode(roles) }

    /// The roles' Chinese labels in their fixed order, for display (access is decided by `Access`).
    public var roleLabels: [String] { Role.ordered(roleSet).map(\.label) }
}
