import FluentKit
import Foundation
import MinshengCore

/// 视察 / 监督测评: scheduled by the office or a 监督员 with its projects, sites and participants;
/// each participant records a finding per site (ratings, notes, photos).
public struct InspectionService: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Plan: Sendable {
        public var kind: String
        public var title: String
        public var date: String
        public var note: String
        /// "projectID:regionID" of each site, with its 点位 text.
        public var sites: [(key: String, site: String)]
        public var participants: [Int]

        public init(kind: String, title: String, date: String, note: String = "", sites: [(key: String, site: String)], participants: [Int]) {
            self.kind = kind
            self.title = title
            self.date = date
            self.note = note
            self.sites = sites
            self.participants = participants
        }
    }

    public func schedule(_ plan: Plan, regionID: Int, actor: Actor, tree: RegionTree, now: Date = Date()) async throws -> Inspection {
        let serving = try await SupervisionService(db: db).serving([actor.accountID], on: ChineseDate.isoDay(now)).contains(actor.accountID)
        try Access.scheduleInspection(actor, region: regionID, serving: serving, tree: tree).require()
        var problems: [String] = []
        let kind = Inspection.Kind(rawValue: plan.kind)
        if kind == nil { problems.append("请选择视察类型。") }
        var typedTitle = ""
        switch ProblemService.text(plan.title, label: "视察主题", minimum: 2, maximum: 100) {
        case .success(let text): typedTitle = text
        case .failure(let error): problems.append(error.message)
        }
        var typedNote = ""
        switch ProblemService.text(plan.note, label: "说明", minimum: 0, maximum: 2000) {
        case .success(let text): typedNote = text
        case .failure(let error): problems.append(error.message)
        }
        let day = SupervisionService.day(plan.date)
        if day == nil { problems.append("请填写视察日期（YYYY-MM-DD）。") }
        let runs = try await SupervisionService(db: db).projects(inRegions: tree.subtreeIDs(of: regionID), tree: tree)
        let known = Set(runs.map { "\($0.projectID):\($0.regionID)" })
        var chosen: [(project: Int, region: Int, site: String)] = []
        for entry in plan.sites {
            let parts = entry.key.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2, known.contains(entry.key) else { problems.append("所选项目不在本区划。"); break }
            guard !chosen.contains(where: { $0.project == parts[0] && $0.region == parts[1] }) else { continue }
            let site = entry.site.trimmingCharacters(in: .whitespacesAndNewlines)
            if site.count > 200 { problems.append("点位说明不超过 200 个字。"); break }
            chosen.append((parts[0], parts[1], site))
        }
        if chosen.isEmpty && problems.isEmpty { problems.append("请至少选择一个视察项目。") }
        let accounts = plan.participants.isEmpty ? [] : try await Account.query(on: db).filter(\.$id ~~ Array(Set(plan.participants))).all()
        // Participants read the inspection and record findings: appointed people of the region's line (or
        // the one who organises it), with active accounts.
        if accounts.count != Set(plan.participants).count || accounts.contains(where: { account in
            !account.active || (!tree.isWithin(account.$region.id, of: regionID) && !tree.isWithin(regionID, of: account.$region.id))
                || (!Access.isAppointed(account) && account.id != actor.accountID)
        }) {
            problems.append("参加人员应为本区划聘任的观察员、监督员、评议员（或安排视察的本人）。")
        }
        if accounts.isEmpty && problems.isEmpty { problems.append("请至少选择一名参加人员。") }
        guard problems.isEmpty, let kind, let day else { throw ServiceError.invalid(problems.joined(separator: " ")) }
        let (title, note, sites) = (typedTitle, typedNote, chosen)
        return try await db.write { db in
            let inspection = Inspection()
            inspection.$region.id = regionID
            inspection.kind = kind.rawValue
            inspection.title = title
            inspection.heldOn = day
            inspection.note = note.isEmpty ? nil : note
            inspection.$organizer.id = actor.accountID
            inspection.createdAt = now
            try await inspection.create(on: db)
            let id = try inspection.requireID()
            for site in sites {
                let record = InspectionSite()
                record.$inspection.id = id
                record.$project.id = site.project
                record.$region.id = site.region
                record.site = site.site.isEmpty ? nil : site.site
                try await record.create(on: db)
            }
            for account in accounts {
                let participant = InspectionParticipant()
                participant.$inspection.id = id
                participant.$account.id = try account.requireID()
                try await participant.create(on: db)
            }
            try await AuditLog.record("inspection.schedule", subject: "inspection:\(id)", detail: "\(day) \(title)，\(sites.count) 个项目，\(accounts.count) 人",
                                      by: actor.accountID, on: db)
            return inspection
        }
    }

    public struct Detail: Sendable {
        public var inspection: Inspection
        public var sites: [InspectionSite]
        public var participants: [Account]
        public var findings: [(finding: InspectionFinding, files: [SupervisionFile])]
        /// The problems raised from it (a page shows those its reader may read).
        public var problems: [Problem]
        public var isParticipant: Bool
    }

    public func inspection(id: Int, actor: Actor, tree: RegionTree) async throws -> Detail {
        guard let inspection = try await Inspection.query(on: db).filter(\.$id == id).with(\.$organizer).first() else {
            throw ServiceError.notFound("未找到该视察，或您无权查看。")
        }
        let participants = try await InspectionParticipant.query(on: db).filter(\.$inspection.$id == id).with(\.$account).all().map(\.account)
        let isParticipant = participants.contains { $0.id == actor.accountID }
        try Access.readInspection(actor, region: inspection.$region.id, participant: isParticipant, tree: tree).require()
        let sites = try await InspectionSite.query(on: db).filter(\.$inspection.$id == id).with(\.$project).sort(\.$id).all()
        let siteIDs = sites.compactMap(\.id)
        let findings = siteIDs.isEmpty ? [] : try await InspectionFinding.query(on: db).filter(\.$site.$id ~~ siteIDs).with(\.$account).sort(\.$recordedAt).all()
        let findingIDs = findings.compactMap(\.id)
        let files = findingIDs.isEmpty ? [] : try await SupervisionFile.query(on: db).filter(\.$owner == SupervisionFile.Owner.finding.rawValue)
            .filter(\.$ownerID ~~ findingIDs).all()
        let byFinding = Dictionary(grouping: files, by: \.ownerID)
        let problems = try await Problem.query(on: db).filter(\.$inspection.$id == id).with(\.$project).sort(\.$id).all()
        return Detail(inspection: inspection, sites: sites, participants: participants.sorted { $0.displayName < $1.displayName },
                      findings: findings.map { ($0, byFinding[$0.id ?? -1] ?? []) }, problems: problems, isParticipant: isParticipant)
    }

    /// A participant's finding at a site; recording again replaces the ratings and notes and adds the photos.
    public func record(siteID: Int, progress: Int?, quality: Int?, notes raw: String, photos: [EvidenceService.StoredFile], actor: Actor, tree: RegionTree,
                       now: Date = Date()) async throws -> InspectionFinding {
        guard let site = try await InspectionSite.query(on: db).filter(\.$id == siteID).with(\.$inspection).first() else {
            throw ServiceError.notFound("未找到该视察，或您无权查看。")
        }
        let participant = try await InspectionParticipant.query(on: db).filter(\.$inspection.$id == site.$inspection.id)
            .filter(\.$account.$id == actor.accountID).first() != nil
        try Access.recordFinding(actor, region: site.inspection.$region.id, participant: participant, tree: tree).require()
        var problems: [String] = []
        if progress.map({ !(1...4).contains($0) }) ?? true { problems.append("请评价推进情况。") }
        if quality.map({ !(1...4).contains($0) }) ?? true { problems.append("请评价建设质量。") }
        var typedNotes = ""
        switch ProblemService.text(raw, label: "视察意见", minimum: 0, maximum: 3000) {
        case .success(let text): typedNotes = text
        case .failure(let error): problems.append(error.message)
        }
        do { try ProblemService.check(photos: photos) } catch let error as ServiceError { problems.append(error.message) }
        guard problems.isEmpty, let progress, let quality else { throw ServiceError.invalid(problems.joined(separator: " ")) }
        let notes = typedNotes
        return try await db.write(locking: [.record("finding:\(siteID):\(actor.accountID)")]) { db in
            let finding = try await InspectionFinding.query(on: db).filter(\.$site.$id == siteID).filter(\.$account.$id == actor.accountID).first()
                ?? InspectionFinding()
            finding.$site.id = siteID
            finding.$account.id = actor.accountID
            finding.progressRating = progress
            finding.qualityRating = quality
            finding.notes = notes.isEmpty ? nil : notes
            finding.recordedAt = now
            try await finding.save(on: db)
            for photo in photos {
                let file = SupervisionFile()
                file.owner = SupervisionFile.Owner.finding.rawValue
                file.ownerID = try finding.requireID()
                file.blobKey = photo.key
                file.name = photo.name
                file.kind = photo.kind.rawValue
                file.size = photo.size
                try await file.create(on: db)
            }
            try await AuditLog.record("inspection.finding", subject: "inspection:\(site.$inspection.id)",
                                      detail: "推进 \(InspectionFinding.ratingLabel(progress))，质量 \(InspectionFinding.ratingLabel(quality))", by: actor.accountID, on: db)
            return finding
        }
    }

    /// Inspections the actor sees (its region and below, and those it takes part in), newest first.
    public func list(actor: Actor, tree: RegionTree, filter: ListFilter = ListFilter(), window: ListWindow = ListWindow()) async throws -> Listing<Inspection> {
        let mine = try await InspectionParticipant.query(on: db).filter(\.$account.$id == actor.accountID).all(\.$inspection.$id)
        let sees = Access.readsSupervision(actor)
        let regions = sees ? Array(tree.subtreeIDs(of: filter.regionID.flatMap { tree.isWithin($0, of: actor.regionID) ? $0 : nil } ?? actor.regionID)) : []
        let query = Inspection.query(on: db).group(.or) { either in
            either.filter(\.$region.$id ~~ (regions.isEmpty ? [-1] : regions))
            either.filter(\.$id ~~ (mine.isEmpty ? [-1] : mine))
        }
        if let year = filter.year {
            let month = filter.month
            let from = String(format: "%04d-%02d-01", year, month ?? 1)
            let until = month.map { $0 == 12 ? String(format: "%04d-01-01", year + 1) : String(format: "%04d-%02d-01", year, $0 + 1) }
                ?? String(format: "%04d-01-01", year + 1)
            query.filter(\.$heldOn >= from).filter(\.$heldOn < until)
        }
        return try await query.with(\.$organizer).with(\.$sites).with(\.$participants).sort(\.$heldOn, .descending).sort(\.$id, .descending).listing(window)
    }
}
