import FluentKit
import Foundation
import MinshengCore

/// 问题清单: raised by appointed people, assigned by the office with a deadline from its
/// severity, answered by the unit, confirmed (or found partly done, or not done) by the raiser
/// or the office for them. Every step is in the problem's history and the audit log; each
/// checks the problem's state inside its write, under the problem's lock.
public struct ProblemService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// The largest photo a step takes (a phone's photo is 2–8 MB).
    public static let photoLimit = 10 * 1024 * 1024
    public static let maxPhotos = 9

    public struct Raised: Sendable {
        public var projectID: Int
        public var regionID: Int
        public var category: String
        public var severity: String
        public var description: String
        public var location: String
        public var inspectionID: Int?

        public init(projectID: Int, regionID: Int, category: String, severity: String, description: String, location: String = "", inspectionID: Int? = nil) {
            self.projectID = projectID
            self.regionID = regionID
            self.category = category
            self.severity = severity
            self.description = description
            self.location = location
            self.inspectionID = inspectionID
        }
    }

    /// A text typed in a form, trimmed, or the Chinese refusal.
    static func text(_ raw: String, label: String, minimum: Int, maximum: Int) -> Result<String, ServiceError> {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\r\n", with: "\n")
        if text.count < minimum { return .failure(.invalid(minimum <= 1 ? "请填写\(label)。" : "请填写\(label)（不少于 \(minimum) 个字）。")) }
        if text.count > maximum { return .failure(.invalid("\(label)不超过 \(maximum) 个字（现有 \(text.count) 字）。")) }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) {
            return .failure(.invalid("\(label)含有不可见的控制字符。"))
        }
        return .success(text)
    }

    /// Photos of a step: images only, at most nine, each within the limit.
    static func check(photos: [EvidenceService.StoredFile]) throws {
        guard photos.count <= maxPhotos else { throw ServiceError.invalid("每次最多上传 \(maxPhotos) 张照片。") }
        for file in photos {
            guard file.kind.isImage else { throw ServiceError.invalid("“\(file.name)”不是照片。只能上传 JPG、PNG、HEIC 等图片。") }
            guard file.size <= photoLimit else { throw ServiceError.invalid("“\(file.name)”超过 10 MB，请压缩后上传。") }
        }
    }

    private static func attach(_ photos: [EvidenceService.StoredFile], owner: SupervisionFile.Owner, id: Int, on db: any Database) async throws {
        for photo in photos {
            let file = SupervisionFile()
            file.owner = owner.rawValue
            file.ownerID = id
            file.blobKey = photo.key
            file.name = photo.name
            file.kind = photo.kind.rawValue
            file.size = photo.size
            try await file.create(on: db)
        }
    }

    // MARK: - Raise

    /// The (project, region) pairs the actor may raise problems on, by the same rule `raise` asks.
    public func raisable(actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> [SupervisionService.ProjectInRegion] {
        let supervision = SupervisionService(db: db)
        let appointment = try await supervision.accessAppointment(accountID: actor.accountID, today: ChineseDate.isoDay(now))
        return try await supervision.projects(inRegions: tree.subtreeIDs(of: actor.regionID), tree: tree).filter { entry in
            Access.raiseProblem(actor, region: entry.regionID, project: entry.projectID, appointment: appointment,
                                unitHoldsShare: appointment?.unitID.map { entry.unitIDs.contains($0) } ?? false, tree: tree).isAllowed
        }
    }

    public func raise(_ raised: Raised, photos: [EvidenceService.StoredFile], actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Problem {
        let supervision = SupervisionService(db: db)
        guard tree[raised.regionID] != nil,
              let entry = try await supervision.projects(inRegions: [raised.regionID], tree: tree).first(where: { $0.projectID == raised.projectID }) else {
            throw ServiceError.notFound("该项目不在您的监督范围内。")
        }
        let appointment = try await supervision.accessAppointment(accountID: actor.accountID, today: ChineseDate.isoDay(now))
        try Access.raiseProblem(actor, region: raised.regionID, project: raised.projectID, appointment: appointment,
                                unitHoldsShare: appointment?.unitID.map { entry.unitIDs.contains($0) } ?? false, tree: tree).require()
        var problems: [String] = []
        let category = ProblemCategory(token: raised.category)
        if category == nil { problems.append("请选择问题类别。") }
        let severity = ProblemSeverity(rawValue: raised.severity)
        if severity == nil { problems.append("请选择严重程度。") }
        var typedDescription = ""
        switch Self.text(raised.description, label: "问题描述", minimum: 5, maximum: 2000) {
        case .success(let text): typedDescription = text
        case .failure(let error): problems.append(error.message)
        }
        var typedLocation = ""
        switch Self.text(raised.location, label: "位置", minimum: 0, maximum: 200) {
        case .success(let text): typedLocation = text
        case .failure(let error): problems.append(error.message)
        }
        if let inspection = raised.inspectionID {
            guard let found = try await Inspection.find(inspection, on: db), tree.isWithin(raised.regionID, of: found.$region.id) else {
                throw ServiceError.invalid("所选视察不存在。")
            }
        }
        do { try Self.check(photos: photos) } catch let error as ServiceError { problems.append(error.message) }
        guard problems.isEmpty, let category, let severity else { throw ServiceError.invalid(problems.joined(separator: " ")) }
        let (description, location) = (typedDescription, typedLocation)
        return try await db.write { db in
            let problem = Problem()
            problem.$region.id = raised.regionID
            problem.$project.id = raised.projectID
            // No unit until the office assigns it (the assigning form proposes the project's own units):
            // a unit sees a problem once it is its to rectify.
            problem.$unit.id = nil
            problem.$inspection.id = raised.inspectionID
            problem.$raiser.id = actor.accountID
            problem.category = category.rawValue
            problem.severity = severity.rawValue
            problem.description = description
            problem.location = location.isEmpty ? nil : location
            problem.state = ProblemState.pending.rawValue
            problem.published = false
            problem.createdAt = now
            problem.updatedAt = now
            try await problem.create(on: db)
            let step = try await Self.step(problem, .raise, text: nil, actor: actor, onBehalf: false, now: now, on: db)
            try await Self.attach(photos, owner: .step, id: try step.requireID(), on: db)
            try await PublicVersion.changed(on: db)
            try await AuditLog.record("problem.raise", subject: "problem:\(problem.id ?? 0)",
                                      detail: "\(entry.region) \(entry.project)：\(category.label)，\(severity.label)", by: actor.accountID, on: db)
            return problem
        }
    }

    @discardableResult
    static func step(_ problem: Problem, _ action: ProblemAction, text: String?, actor: Actor, onBehalf: Bool, unitID: Int? = nil, due: Date? = nil,
                     now: Date, on db: any Database) async throws -> ProblemStep {
        let step = ProblemStep()
        step.$problem.id = try problem.requireID()
        step.action = action.rawValue
        step.state = problem.state
        step.$account.id = actor.accountID
        step.onBehalf = onBehalf
        step.text = text
        step.unitID = unitID
        step.dueAt = due
        step.at = now
        try await step.create(on: db)
        return step
    }

    // MARK: - The next steps

    public func problem(id: Int, actor: Actor, tree: RegionTree) async throws -> Problem {
        guard let problem = try await Problem.query(on: db).filter(\.$id == id).with(\.$project).with(\.$unit).with(\.$raiser).first() else {
            throw ServiceError.notFound("未找到该问题，或您无权查看。")
        }
        try Access.readProblem(actor, region: problem.$region.id, raiser: problem.$raiser.id, unit: problem.$unit.id, tree: tree).require()
        return problem
    }

    /// Runs a step: re-reads the problem under its lock, checks the action is allowed from its
    /// state now, changes it, records the step.
    private func advance(_ id: Int, _ action: ProblemAction, now: Date,
                         _ body: @escaping @Sendable (Problem, any Database) async throws -> ProblemStep) async throws {
        try await db.write(locking: [.record("problem:\(id)")]) { db in
            guard let problem = try await Problem.find(id, on: db) else { throw ServiceError.notFound("未找到该问题，或您无权查看。") }
            guard let next = action.next(from: problem.stateValue) else {
                throw ServiceError.conflict("该问题当前为“\(problem.stateValue.label)”，不能\(action.label)；请刷新页面查看最新状态。")
            }
            problem.state = next.rawValue
            problem.updatedAt = now
            let step = try await body(problem, db)
            try await problem.save(on: db)
            step.state = next.rawValue
            try await step.save(on: db)
            // The project's public page counts problems raised and rectified.
            try await PublicVersion.changed(on: db)
            try await AuditLog.record("problem.\(action.rawValue)", subject: "problem:\(id)", detail: "\(next.label)" + (step.text.map { "：" + String($0.prefix(200)) } ?? ""),
                                      by: step.$account.id, on: db)
        }
    }

    /// The office assigns it to a unit of the problem's region (or above) with the deadline its
    /// severity gives (the office may change the severity as it assigns).
    public func assign(id: Int, unitID: Int, severity rawSeverity: String?, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let problem = try await problem(id: id, actor: actor, tree: tree)
        try Access.manageProblem(actor, region: problem.$region.id, tree: tree).require()
        guard let unit = try await Department.find(unitID, on: db), tree.isWithin(problem.$region.id, of: unit.$region.id) else {
            throw ServiceError.invalid("请选择责任单位（问题所在区划或上级区划的单位）。")
        }
        let severity = rawSeverity.flatMap { $0.isEmpty ? nil : ProblemSeverity(rawValue: $0) } ?? problem.severityValue
        if let raw = rawSeverity, !raw.isEmpty, ProblemSeverity(rawValue: raw) == nil { throw ServiceError.invalid("请选择严重程度。") }
        let days = try await SupervisionService(db: db).deadlines(regionID: problem.$region.id, tree: tree).days(severity)
        let clock = ProblemClock(start: now, days: days)
        try await advance(id, .assign, now: now) { fresh, db in
            fresh.$unit.id = unitID
            fresh.severity = severity.rawValue
            fresh.startClock(clock)
            return try await Self.step(fresh, .assign, text: "\(unit.name)，\(severity.label)，\(days) 个工作日内整改", actor: actor, onBehalf: false,
                                       unitID: unitID, due: clock.due, now: now, on: db)
        }
    }

    /// The unit answers with its measures and after-photos; the raiser is asked to confirm.
    public func answer(id: Int, text raw: String, photos: [EvidenceService.StoredFile], actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let problem = try await problem(id: id, actor: actor, tree: tree)
        try Access.answerProblem(actor, region: problem.$region.id, raiser: problem.$raiser.id, unit: problem.$unit.id, tree: tree).require()
        let text = try Self.text(raw, label: "整改情况", minimum: 10, maximum: 3000).get()
        try Self.check(photos: photos)
        try await advance(id, .answer, now: now) { fresh, db in
            guard fresh.$unit.id == problem.$unit.id else { throw ServiceError.conflict("该问题已改派给其他单位。") }
            fresh.answeredAt = now
            let step = try await Self.step(fresh, .answer, text: text, actor: actor, onBehalf: false, now: now, on: db)
            try await Self.attach(photos, owner: .step, id: try step.requireID(), on: db)
            return step
        }
    }

    /// The raiser's verdict (or the office's for them): rectified; partly rectified with a new
    /// deadline (a day after today); not rectified, back to the unit with its deadline standing.
    public func review(id: Int, verdict: ProblemAction, text raw: String, newDeadline: String? = nil, actor: Actor, tree: RegionTree,
                       now: Date = Date()) async throws {
        guard [.confirm, .partial, .reopen].contains(verdict) else { throw ServiceError.invalid("请选择确认结果。") }
        let problem = try await problem(id: id, actor: actor, tree: tree)
        let (decision, onBehalf) = Access.confirmProblem(actor, region: problem.$region.id, raiser: problem.$raiser.id, unit: problem.$unit.id, tree: tree)
        try decision.require()
        let text = try Self.text(raw, label: verdict == .confirm ? "确认意见" : "未整改到位的情况", minimum: verdict == .confirm ? 0 : 5, maximum: 2000).get()
        var newClock: ProblemClock?
        if verdict == .partial {
            guard let (day, start) = newDeadline.flatMap(ChineseDate.parseDay) else { throw ServiceError.invalid("部分整改请填写新的整改期限（YYYY-MM-DD）。") }
            let today = ChineseDate.isoDay(now)
            guard day > today else { throw ServiceError.invalid("新的整改期限（\(day)）应在今天之后。") }
            guard WorkingDays.isWorkingDay(start) else { throw ServiceError.invalid("新的整改期限（\(day)）是周末，请选择一个工作日。") }
            // The deadline day itself is the last allowed one: working days after today up to and including it.
            let days = WorkingDays.between(now, start)
            guard days >= 1 else { throw ServiceError.invalid("新的整改期限应至少留出 1 个工作日。") }
            guard days <= ProblemDeadlines.range.upperBound else { throw ServiceError.invalid("新的整改期限不超过 120 个工作日。") }
            newClock = ProblemClock(start: now, days: days)
        }
        let clock = newClock
        let note = onBehalf ? "（专班办公室代提出人确认）" : ""
        try await advance(id, verdict, now: now) { fresh, db in
            switch verdict {
            case .confirm: fresh.rectifiedAt = now
            case .partial: if let clock { fresh.startClock(clock) }
            default: break
            }
            fresh.answeredAt = nil
            return try await Self.step(fresh, verdict, text: (text.isEmpty ? nil : text).map { $0 + note } ?? (note.isEmpty ? nil : note), actor: actor,
                                       onBehalf: onBehalf, due: clock?.due, now: now, on: db)
        }
    }

    /// The office closes it as 不属实 or 重复, with the reason.
    public func dismiss(id: Int, as verdict: ProblemAction, reason raw: String, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        guard verdict == .invalid || verdict == .duplicate else { throw ServiceError.invalid("请选择关闭原因。") }
        let problem = try await problem(id: id, actor: actor, tree: tree)
        try Access.manageProblem(actor, region: problem.$region.id, tree: tree).require()
        let reason = try Self.text(raw, label: "关闭理由", minimum: 4, maximum: 1000).get()
        try await advance(id, verdict, now: now) { fresh, db in
            fresh.dismissedAt = now
            fresh.answeredAt = nil
            return try await Self.step(fresh, verdict, text: reason, actor: actor, onBehalf: false, now: now, on: db)
        }
    }

    /// The office shows (or hides) the problem's text on the project's public page.
    public func publish(id: Int, _ published: Bool, actor: Actor, tree: RegionTree, now: Date = Date()) async throws {
        let problem = try await problem(id: id, actor: actor, tree: tree)
        try Access.manageProblem(actor, region: problem.$region.id, tree: tree).require()
        try await db.write(locking: [.record("problem:\(id)")]) { db in
            guard let fresh = try await Problem.find(id, on: db) else { return }
            fresh.published = published
            try await fresh.save(on: db)
            try await PublicVersion.changed(on: db)
            try await AuditLog.record(published ? "problem.publish" : "problem.unpublish", subject: "problem:\(id)", by: actor.accountID, on: db)
        }
    }

    // MARK: - Reading

    /// The history, oldest first, with each step's photos.
    public func history(_ problemID: Int) async throws -> [(step: ProblemStep, files: [SupervisionFile])] {
        let steps = try await ProblemStep.query(on: db).filter(\.$problem.$id == problemID).with(\.$account).sort(\.$at).sort(\.$id).all()
        let ids = steps.compactMap(\.id)
        let files = ids.isEmpty ? [] : try await SupervisionFile.query(on: db).filter(\.$owner == SupervisionFile.Owner.step.rawValue)
            .filter(\.$ownerID ~~ ids).sort(\.$id).all()
        let byStep = Dictionary(grouping: files, by: \.ownerID)
        return steps.map { ($0, byStep[$0.id ?? -1] ?? []) }
    }

    /// Which problems an account's list holds: an office and appointed people and leaders, every
    /// one in their region and below; a unit's account, those assigned to its unit and those it raised.
    func scoped(actor: Actor, tree: RegionTree) -> QueryBuilder<Problem> {
        let query = Problem.query(on: db)
        if Access.holds(.office, actor) || Access.isAppointed(actor) || Access.holds(.lead, actor) {
            // Their region and below, and — as anyone's — those they raised and those of their unit.
            let regions = Array(tree.subtreeIDs(of: actor.regionID))
            return query.group(.or) { either in
                either.filter(\.$region.$id ~~ regions)
                either.filter(\.$raiser.$id == actor.accountID)
                if let unit = actor.unitID { either.filter(\.$unit.$id == unit) }
            }
        }
        return query.group(.or) { either in
            either.filter(\.$raiser.$id == actor.accountID)
            either.filter(\.$unit.$id == (actor.unitID ?? Int.min))
        }
    }

    /// What a problem list filters on beyond `ListFilter`: `status` is a state, "overdue" (the
    /// unit's deadline passed), "red", "blue" or "mine" (raised by the actor).
    public struct Counts: Sendable, Equatable {
        public var byState: [ProblemState: Int] = [:]
        public var blue = 0
        public var overdue = 0
        public var red = 0
        public var total = 0
    }

    public func list(actor: Actor, tree: RegionTree, filter: ListFilter = ListFilter(), window: ListWindow = ListWindow(),
                     now: Date = Date()) async throws -> (listing: Listing<Problem>, counts: Counts) {
        func filtered() -> QueryBuilder<Problem> {
            let query = scoped(actor: actor, tree: tree)
            if let region = filter.regionID { query.filter(\.$region.$id ~~ Array(tree.subtreeIDs(of: region))) }
            if let project = filter.projectID { query.filter(\.$project.$id == project) }
            if let unit = filter.unitID { query.filter(\.$unit.$id == unit) }
            if let category = filter.category { query.filter(\.$category == category) }
            if let year = filter.year {
                let from = ChineseDate.startOfMonth(year: year, month: filter.month ?? 1)
                let until = filter.month.map { ChineseDate.endOfMonth(year: year, month: $0) } ?? ChineseDate.endOfMonth(year: year, month: 12)
                query.filter(\.$createdAt >= from).filter(\.$createdAt < until)
            }
            if let text = filter.text { query.filter(\.$description ~~ text) }
            return query
        }
        let open = [ProblemState.rectifying.rawValue, ProblemState.partial.rawValue]
        let states = try await filtered().field(\.$id).field(\.$state).field(\.$warnAt).field(\.$dueAt).field(\.$doubledAt).all()
        var counts = Counts()
        counts.total = states.count
        for problem in states {
            counts.byState[problem.stateValue, default: 0] += 1
            guard problem.stateValue.isWithUnit else { continue }
            if let doubled = problem.doubledAt, now >= doubled { counts.red += 1 }
            if let due = problem.dueAt, now >= due { counts.overdue += 1 } else if let warn = problem.warnAt, now >= warn { counts.blue += 1 }
        }
        let query = filtered()
        switch filter.status {
        case "overdue"?: query.filter(\.$state ~~ open).filter(\.$dueAt <= now)
        case "red"?: query.filter(\.$state ~~ open).filter(\.$doubledAt <= now)
        case "blue"?: query.filter(\.$state ~~ open).filter(\.$warnAt <= now).filter(\.$dueAt > now)
        case "mine"?: query.filter(\.$raiser.$id == actor.accountID)
        case "open"?: query.filter(\.$state !~ [ProblemState.rectified.rawValue, ProblemState.invalid.rawValue, ProblemState.duplicate.rawValue])
        case let state? where ProblemState(rawValue: state) != nil: query.filter(\.$state == state)
        default: break
        }
        let listing = try await query.with(\.$project).with(\.$unit).with(\.$raiser)
            .sort(\.$createdAt, .descending).sort(\.$id, .descending).listing(window)
        return (listing, counts)
    }

    /// Problems an account's unit owes an answer on, and those of them overdue (the navigation's badge).
    public func waiting(unitID: Int, now: Date = Date()) async throws -> (open: Int, overdue: Int) {
        let open = try await Problem.query(on: db).filter(\.$unit.$id == unitID)
            .filter(\.$state ~~ [ProblemState.rectifying.rawValue, ProblemState.partial.rawValue]).field(\.$id).field(\.$dueAt).all()
        return (open.count, open.filter { ($0.dueAt ?? .distantFuture) <= now }.count)
    }

    /// Problems waiting for the actor's confirmation (raised by it and answered).
    public func awaitingConfirmation(accountID: Int) async throws -> Int {
        try await Problem.query(on: db).filter(\.$raiser.$id == accountID).filter(\.$state == ProblemState.answered.rawValue).count()
    }
}
