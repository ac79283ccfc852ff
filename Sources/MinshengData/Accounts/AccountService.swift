import FluentKit
import Foundation
import MinshengCore

/// Accounts: creation, sign-in with throttling, password changes.
public struct AccountService: Sendable {
    public let db: any Database
    public let hasher: any PasswordHashing
    public let throttle: LoginThrottle
    public let secret: InstanceSecret

    public init(db: any Database, hasher: any PasswordHashing, throttle: LoginThrottle = LoginThrottle(), secret: InstanceSecret = InstanceSecret()) {
        self.db = db
        self.hasher = hasher
        self.throttle = throttle
        self.secret = secret
    }

    public enum SignIn: Sendable {
        case success(Account)
        /// Wrong username or password; answer after `delay` seconds.
        case failure(delay: TimeInterval)
        case locked(until: Date)
        case inactive
    }

    public struct NewAccount: Sendable {
        public var username: String
        public var displayName: String
        public var password: String
        public var regionID: Int
        public var unitID: Int?
        public var roles: Set<Role>
        public var mustChangePassword: Bool

        public init(username: String, displayName: String, password: String, regionID: Int, unitID: Int?, roles: Set<Role>, mustChangePassword: Bool = true) {
            self.username = username
            self.displayName = displayName
            self.password = password
            self.regionID = regionID
            self.unitID = unitID
            self.roles = roles
            self.mustChangePassword = mustChangePassword
        }
    }

    public func find(username: String) async throws -> Account? {
        try await Account.query(on: db).filter(\.$username == username).first()
    }

    public func count() async throws -> Int {
        try await Account.query(on: db).count()
    }

    /// A page of the accounts in `regionIDs`, filtered by region (and below), unit, role
    /// (`status` holds the role's raw value), and words of the username or name.
    public func accounts(inRegions regionIDs: Set<Int>, tree: RegionTree, filter: ListFilter, window: ListWindow) async throws -> Listing<Account> {
        var regions = regionIDs
        if let region = filter.regionID { regions.formIntersection(tree.subtreeIDs(of: region)) }
        guard !regions.isEmpty else { return Listing(items: [], total: 0, window: window) }
        let query = Account.query(on: db).filter(\.$region.$id ~~ Array(regions))
        if let unit = filter.unitID { query.filter(\.$unit.$id == unit) }
        if let role = filter.status.flatMap(Role.init(rawValue:)) { query.filter(\.$roles ~~ role.rawValue) }
        if let text = filter.text { query.group(.or) { $0.filter(\.$username ~~ text).filter(\.$displayName ~~ text) } }
        return try await query.sort(\.$id).listing(window)
    }

    public func accounts(inRegions regionIDs: Set<Int>) async throws -> [Account] {
        guard !regionIDs.isEmpty else { return [] }
        return try await Account.query(on: db).filter(\.$region.$id ~~ Array(regionIDs)).sort(\.$id).all()
    }

    @discardableResult
    public func create(_ new: NewAccount, by accountID: Int?) async throws -> Account {
        let username = new.username.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = UsernameRules.problem(with: username) { throw ServiceError.invalid(problem) }
        let displayName = new.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !displayName.isEmpty, displayName.count <= 50 else { throw ServiceError.invalid("姓名应为 1 至 50 个字符。") }
        if let problem = PasswordRules.problem(with: new.password, username: username) { throw ServiceError.invalid(problem) }
        guard !new.roles.isEmpty else { throw ServiceError.invalid("请至少选择一个角色。") }
        guard try await Region.find(new.regionID, on: db) != nil else { throw ServiceError.invalid("所选行政区划不存在。") }
        if let unitID = new.unitID {
            guard let unit = try await Department.find(unitID, on: db), unit.$region.id == new.regionID else {
                throw ServiceError.invalid("所选单位不属于该行政区划。")
            }
        }
        if Access.needsUnit(new.roles) && new.unitID == nil {
            throw ServiceError.invalid("填报员和审核员必须属于一个单位。")
        }
        if try await find(username: username) != nil { throw ServiceError.conflict("用户名“\(username)”已被使用。") }
        let account = Account(username: username, displayName: displayName, passwordHash: try hasher.hash(new.password),
                              regionID: new.regionID, unitID: new.unitID, roles: new.roles)
        account.mustChangePassword = new.mustChangePassword
        try await db.write { db in
            try await account.create(on: db)
            try await AuditLog.record("account.create", subject: "账号 \(username)",
                                      detail: "角色：\(new.roles.map(\.label).sorted().joined(separator: "、"))", by: accountID, on: db)
        }
        return account
    }

    /// A hash of a password nobody knows, made with the same hasher: an unknown name is checked
    /// against it, so that it takes as long to answer as a known one.
    private final class Decoy: @unchecked Sendable {
        private let lock = NSLock()
        private var hash: String?
        func hash(with hasher: any PasswordHashing) -> String {
            lock.withLock {
                if let hash { return hash }
                let made = (try? hasher.hash(AccountService.randomPassword(length: 20))) ?? ""
                hash = made
                return made
            }
        }
    }
    private static let decoy = Decoy()

    /// Checks a sign-in attempt from `address`, counting failures per account and address and
    /// locking that pair after too many. The count is read, decided and written in one
    /// transaction (parallel attempts cannot each see a count below the limit); the password is
    /// checked before, outside it (bcrypt takes a quarter second).
    public func signIn(username: String, password: String, address: String = "", now: Date = Date()) async throws -> SignIn {
        let known = password.count <= PasswordRules.maximumLength && username.count <= 64 ? try await find(username: username) : nil
        guard let account = known, let accountID = account.id else {
            _ = try? hasher.verify(String(password.prefix(PasswordRules.maximumLength)), against: Self.decoy.hash(with: hasher))
            return .failure(delay: 0)
        }
        let addressHash = InstanceSecret.hash(address, purpose: "login", key: try await secret.key(on: db))
        let existing = try await LoginAttempt.query(on: db).filter(\.$accountID == accountID).filter(\.$addressHash == addressHash).first()
        if let until = existing?.lockedUntil, throttle.isLocked(until: until, now: now) { return .locked(until: until) }
        let right = try hasher.verify(password, against: account.passwordHash)
        guard account.active else { return right ? .inactive : .failure(delay: 0) }
        let throttle = self.throttle
        return try await db.write(locking: [.account("\(accountID)")]) { db in
            let attempt = try await LoginAttempt.query(on: db).filter(\.$accountID == accountID).filter(\.$addressHash == addressHash).first()
            if let until = attempt?.lockedUntil, throttle.isLocked(until: until, now: now) { return .locked(until: until) }
            guard let account = try await Account.find(accountID, on: db) else { return .failure(delay: 0) }
            if right {
                try await LoginAttempt.query(on: db).filter(\.$accountID == accountID).filter(\.$addressHash == addressHash).delete()
                account.failedLogins = 0
                account.lastLoginAt = now
                try await account.save(on: db)
                return .success(account)
            }
            let row = attempt ?? LoginAttempt()
            // A lock that has run out starts a fresh count.
            if row.lockedUntil != nil { row.failures = 0; row.lockedUntil = nil }
            row.accountID = accountID
            row.addressHash = addressHash
            row.failures = (attempt == nil ? 0 : row.failures) + 1
            row.updatedAt = now
            let failures = row.failures
            account.failedLogins += 1
            if let until = throttle.lockUntil(afterFailures: failures, now: now) {
                row.lockedUntil = until
                account.lockedUntil = until
                try await row.save(on: db)
                try await account.save(on: db)
                try await AuditLog.record("account.lock", subject: "账号 \(account.username)", detail: "同一网络地址连续 \(failures) 次登录失败", by: nil, on: db)
                return .locked(until: until)
            }
            try await row.save(on: db)
            try await account.save(on: db)
            return .failure(delay: throttle.delay(afterFailures: failures))
        }
    }

    /// The account's own change: the current password must be right.
    public func changePassword(_ account: Account, current: String, new: String, confirmation: String, keepSession: String? = nil) async throws {
        guard try hasher.verify(current, against: account.passwordHash) else { throw ServiceError.invalid("当前密码不正确。") }
        guard new == confirmation else { throw ServiceError.invalid("两次输入的新密码不一致。") }
        guard new != current else { throw ServiceError.invalid("新密码不能与当前密码相同。") }
        if let problem = PasswordRules.problem(with: new, username: account.username) { throw ServiceError.invalid(problem) }
        account.passwordHash = try hasher.hash(new)
        account.mustChangePassword = false
        try await db.write { db in
            try await account.save(on: db)
            // Every other browser signed in as this account is signed out.
            if let id = account.id { try await SessionStore.endSessions(of: id, except: keepSession, on: db) }
            try await AuditLog.record("account.password", subject: "账号 \(account.username)", detail: "本人修改密码", by: account.id, on: db)
        }
    }

    /// An administrator's reset: the account must change it at next sign-in.
    public func resetPassword(_ account: Account, to new: String, by accountID: Int?) async throws {
        if let problem = PasswordRules.problem(with: new, username: account.username) { throw ServiceError.invalid(problem) }
        account.passwordHash = try hasher.hash(new)
        account.mustChangePassword = true
        account.failedLogins = 0
        account.lockedUntil = nil
        try await db.write { db in
            try await account.save(on: db)
            if let id = account.id {
                try await LoginAttempt.query(on: db).filter(\.$accountID == id).delete()
                try await SessionStore.endSessions(of: id, on: db)
            }
            try await AuditLog.record("account.reset", subject: "账号 \(account.username)", detail: "管理员重置密码", by: accountID, on: db)
        }
    }

    public func setActive(_ account: Account, _ active: Bool, by accountID: Int?) async throws {
        if account.id == accountID && !active { throw ServiceError.invalid("不能停用自己的账号。") }
        account.active = active
        try await db.write { db in
            try await account.save(on: db)
            if !active, let id = account.id { try await SessionStore.endSessions(of: id, on: db) }
            try await AuditLog.record(active ? "account.enable" : "account.disable", subject: "账号 \(account.username)", detail: "", by: accountID, on: db)
        }
    }

    /// A random password of letters and digits, for first start and resets.
    public static func randomPassword(length: Int = 14) -> String {
        let letters = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
        let digits = Array("23456789")
        var generator = SystemRandomNumberGenerator()
        var characters = (0..<(length - 2)).map { _ in (letters + digits)[Int.random(in: 0..<(letters.count + digits.count), using: &generator)] }
        characters.append(letters[Int.random(in: 0..<letters.count, using: &generator)])
        characters.append(digits[Int.random(in: 0..<digits.count, using: &generator)])
        characters.shuffle(using: &generator)
        return String(characters)
    }
}

/// Start-up: an empty database gets one administrator whose password is shown once.
public enum InitialAdmin {
    public struct Created: Sendable {
        public var username: String
        public var password: String
        public var regionName: String
    }

    /// Creates `admin` with a random password when the database has no account at all.
    public static func ensure(on db: any Database, hasher: any PasswordHashing, regionName: String) async throws -> Created? {
        guard try await Account.query(on: db).count() == 0 else { return nil }
        let regions = RegionService(db: db)
        let region: Region
        if let existing = try await Region.query(on: db).filter(\.$parent.$id == nil).sort(\.$id).first() {
            region = existing
        } else {
            region = try await regions.create(name: regionName, kind: RegionKind.guess(fromName: regionName, parent: nil), code: nil, parentID: nil, by: nil)
        }
        let password = AccountService.randomPassword()
        let service = AccountService(db: db, hasher: hasher)
        try await service.create(.init(username: "admin", displayName: "系统管理员", password: password,
                                       regionID: try region.requireID(), unitID: nil, roles: [.admin], mustChangePassword: true), by: nil)
        return Created(username: "admin", password: password, regionName: region.name)
    }
}
