import Foundation

/// `minsheng report selection`: a region's round for a year — proposals received, answered and
/// what became of them, the candidates with their public votes, and the deputies' result.
///
/// JSON shape (keys in this order): `region`, `year`, `round`, `proposals` {`received`,
/// `answered`, `answer_rate` (percent, 2 decimals, null with none), `candidate`, `merged`,
/// `not_adopted`, `referred`, `unanswered`, `by_channel` {online, letter, meeting, phone}},
/// `places`, `public_vote` {`opens`, `closes`, `picks`, `voters`} or null, `candidates` [{`seq`,
/// `name`, `cost`, `department`, `proposals`, `public_votes`, `for`, `against`, `abstain`,
/// `passes`, `rank`, `chosen`}], `deputies_vote` {`session`, `date`, `deputies`, `present`,
/// `rule`, `mode`, `threshold`, `closed`, `tied_at_last_place`} or null.
public struct SelectionReport: Sendable {
    public struct Candidate: Sendable {
        public var seq: Int
        public var name: String
        public var cost: Double?
        public var department: String?
        public var proposals: Int
        public var publicVotes: Int
        public var tally: DeputyVote.Tally?
        public var standing: DeputyVote.Standing?
        public init(seq: Int, name: String, cost: Double?, department: String?, proposals: Int, publicVotes: Int, tally: DeputyVote.Tally?,
                    standing: DeputyVote.Standing?) {
            self.seq = seq
            self.name = name
            self.cost = cost
            self.department = department
            self.proposals = proposals
            self.publicVotes = publicVotes
            self.tally = tally
            self.standing = standing
        }
    }

    public var region: String
    public var year: Int
    public var round: String
    /// Counts by state (raw values of the proposal states) and by channel.
    public var byState: [String: Int]
    public var byChannel: [String: Int]
    public var places: Int?
    public var vote: (opens: String, closes: String, picks: Int, voters: Int)?
    public var candidates: [Candidate]
    public var session: (title: String, date: String, deputies: Int, present: Int, rule: DeputyVote.PassRule, mode: String, closed: Bool)?
    public var result: DeputyVote.Result?

    public init(region: String, year: Int, round: String, byState: [String: Int], byChannel: [String: Int], places: Int?,
                vote: (opens: String, closes: String, picks: Int, voters: Int)?, candidates: [Candidate],
                session: (title: String, date: String, deputies: Int, present: Int, rule: DeputyVote.PassRule, mode: String, closed: Bool)?,
                result: DeputyVote.Result?) {
        self.region = region
        self.year = year
        self.round = round
        self.byState = byState
        self.byChannel = byChannel
        self.places = places
        self.vote = vote
        self.candidates = candidates
        self.session = session
        self.result = result
    }

    public var received: Int { byState.values.reduce(0, +) }
    public var answered: Int { received - (byState["received"] ?? 0) }
    /// 答复率, percent rounded half-up to 2 places.
    public var answerRate: Decimal? { received == 0 ? nil : Exact.rounded(Decimal(answered) * 100 / Decimal(received), scale: 2) }

    public var title: String { "\(region)\(year)年重点民生实事项目征集与票决情况" }

    public var json: JSONValue {
        let proposals: JSONValue = .object([
            ("received", .int(received)), ("answered", .int(answered)), ("answer_rate", answerRate.map { .number(Exact.double($0)) } ?? .null),
            ("candidate", .int(byState["candidate"] ?? 0)), ("merged", .int(byState["merged"] ?? 0)), ("not_adopted", .int(byState["not_adopted"] ?? 0)),
            ("referred", .int(byState["referred"] ?? 0)), ("unanswered", .int(byState["received"] ?? 0)),
            ("by_channel", .object(["online", "letter", "meeting", "phone"].map { ($0, .int(byChannel[$0] ?? 0)) })),
        ])
        let candidates: JSONValue = .array(self.candidates.map(Self.json))
        let vote: JSONValue = self.vote.map { .object([("opens", .string($0.opens)), ("closes", .string($0.closes)), ("picks", .int($0.picks)), ("voters", .int($0.voters))]) } ?? .null
        var deputies: JSONValue = .null
        if let s = session {
            let tied: [JSONValue] = (result?.tiedAtLastPlace ?? []).compactMap { id in self.candidate(id).map { JSONValue.string($0.name) } }
            let threshold: JSONValue = result.map { JSONValue.int($0.threshold) } ?? .null
            var fields: [(String, JSONValue)] = [("session", .string(s.title)), ("date", .string(s.date)), ("deputies", .int(s.deputies))]
            fields += [("present", .int(s.present)), ("rule", .string(s.rule.rawValue)), ("mode", .string(s.mode)), ("threshold", threshold)]
            fields += [("closed", .bool(s.closed)), ("tied_at_last_place", .array(tied))]
            deputies = .object(fields)
        }
        return .object([("region", .string(region)), ("year", .int(year)), ("round", .string(round)), ("proposals", proposals),
                        ("places", places.map(JSONValue.int) ?? .null), ("public_vote", vote), ("candidates", candidates), ("deputies_vote", deputies)])
    }

    static func json(_ c: Candidate) -> JSONValue {
        func count(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        func flag(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }
        var fields: [(String, JSONValue)] = [("seq", .int(c.seq)), ("name", .string(c.name)), ("cost", .optional(c.cost)), ("department", .optional(c.department))]
        fields += [("proposals", .int(c.proposals)), ("public_votes", .int(c.publicVotes))]
        fields += [("for", count(c.tally?.votesFor)), ("against", count(c.tally?.against)), ("abstain", count(c.tally?.abstain))]
        fields += [("passes", flag(c.standing?.passes)), ("rank", count(c.standing?.rank)), ("chosen", flag(c.standing?.chosen))]
        return .object(fields)
    }

    private func candidate(_ id: Int) -> Candidate? { candidates.first { $0.tally?.candidateID == id } }

    static let heading = ["序号", "候选项目", "估算投资（万元）", "责任部门", "来源建议", "网络投票", "赞成", "反对", "弃权", "结果"]

    func cells(_ c: Candidate) -> [String] {
        let outcome: String
        if let s = c.standing {
            outcome = s.chosen ? (result?.tiedAtLastPlace.contains(s.tally.candidateID) == true ? "同票待定" : "入选") : s.passes ? "通过，名额已满" : "未通过"
        } else { outcome = "" }
        return ["\(c.seq)", c.name, c.cost.map { Figures.quantity($0) } ?? "", c.department ?? "", "\(c.proposals)", "\(c.publicVotes)",
                c.tally.map { "\($0.votesFor)" } ?? "", c.tally.map { "\($0.against)" } ?? "", c.tally.map { "\($0.abstain)" } ?? "", outcome]
    }

    public var sentence: String {
        "收到建议 \(received) 条，已答复 \(answered) 条" + (answerRate.map { "（\(Figures.percent($0))）" } ?? "")
            + "，列为候选 \(byState["candidate"] ?? 0) 条；候选项目 \(candidates.count) 个" + (places.map { "，名额 \($0) 个" } ?? "")
            + (result.map { "；票决入选 \($0.chosen.count) 个" } ?? "")
    }

    public var csv: String {
        var lines: [[String]] = [[title], ["征集", round], ["收到建议", "\(received)"], ["已答复", "\(answered)"],
                                 ["答复率", answerRate.map { Figures.percent($0) } ?? "—"]]
        for (key, label) in [("candidate", "列为候选项目"), ("merged", "合并办理"), ("not_adopted", "不予采纳"), ("referred", "转日常工作办理"), ("received", "待答复")] {
            lines.append([label, "\(byState[key] ?? 0)"])
        }
        lines.append([])
        lines.append(Self.heading)
        for c in candidates { lines.append(cells(c)) }
        if let s = session {
            lines.append([])
            lines.append(["票决会议", s.title, s.date, "全体代表 \(s.deputies) 人", "出席 \(s.present) 人", s.rule.label])
        }
        return CSVWriter.document(lines)
    }

    public var workbook: Workbook {
        var sheet = Workbook.Sheet(name: "征集与票决")
        let width = Self.heading.count
        sheet.rows.append([.text(title, .title)] + Array(repeating: Workbook.Cell(.empty, .title), count: width - 1))
        sheet.merge(row: 0, column: 0, toRow: 0, toColumn: width - 1)
        sheet.rows.append([.text(sentence + "。", .caption)] + Array(repeating: Workbook.Cell(.empty, .caption), count: width - 1))
        sheet.merge(row: 1, column: 0, toRow: 1, toColumn: width - 1)
        sheet.rows.append(Self.heading.map { .text($0, .header) })
        for c in candidates {
            sheet.rows.append(cells(c).enumerated().map { index, text in .text(text, [0, 2, 4, 5, 6, 7, 8].contains(index) ? .number : .text) })
        }
        sheet.frozenRows = 3
        sheet.columnWidths = [6, 30, 12, 16, 10, 10, 8, 8, 8, 14]
        return Workbook(sheets: [sheet])
    }
}
