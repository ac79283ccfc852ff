import Foundation

/// Everything a bulletin says that comes from data, gathered by the data layer for one region and
/// period; `BulletinComposer` turns it into text and tables with no I/O.
public struct BulletinFacts: Sendable {
    /// A figure reported with no evidence behind it.
    public struct Shortfall: Sendable, Equatable {
        public var project: String
        public var indicator: String
        public var region: String
        public var unit: String?
        public init(project: String, indicator: String, region: String, unit: String?) {
            self.project = project
            self.indicator = indicator
            self.region = region
            self.unit = unit
        }
    }

    /// Evidence waiting for review, per indicator (summed over regions).
    public struct Waiting: Sendable, Equatable {
        public var project: String
        public var indicator: String
        public var count: Int
        public init(project: String, indicator: String, count: Int) {
            self.project = project
            self.indicator = indicator
            self.count = count
        }
    }

    public struct Level: Sendable {
        public var level: PlanLevel
        public var planTitle: String
        /// The focus region's table at the period's end, with 验收率 and its gap on every figure.
        public var table: ProgressTable
        public var withoutEvidence: [Shortfall]
        public var waiting: [Waiting]
        /// The disclosure compliance of the plan's projects (rows per project and region).
        public var disclosure: DisclosureTable?
        /// The plan's id where the facts were read from the store.
        public var planID: Int?
        public init(level: PlanLevel, planTitle: String, table: ProgressTable, withoutEvidence: [Shortfall] = [], waiting: [Waiting] = [],
                    disclosure: DisclosureTable? = nil) {
            self.level = level
            self.planTitle = planTitle
            self.table = table
            self.withoutEvidence = withoutEvidence
            self.waiting = waiting
            self.disclosure = disclosure
        }
    }

    /// A disclosure item the quality checks flag (滥竽充数, 张冠李戴).
    public struct Flag: Sendable, Equatable {
        public var project: String
        public var region: String
        public var reasons: [String]
        public init(project: String, region: String, reasons: [String]) {
            self.project = project
            self.region = region
            self.reasons = reasons
        }
    }

    public var kind: BulletinKind
    public var period: BulletinPeriod
    /// 邵阳市
    public var region: String
    /// 全市, 全县 …
    public var aggregateLabel: String
    public var office: String
    public var levels: [Level]
    /// Progress figures submitted during the period (the month, or the ten days).
    public var figuresReported = 0
    /// Disclosure items published during the period, per category.
    public var itemsAdded: [DisclosureCategory: Int] = [:]
    public var flagged: [Flag] = []
    /// 亮码评价 from January to the period's end.
    public var feedback: FeedbackRates?
    public var feedbackUnitsBelowFull: [(unit: String, rates: FeedbackRates)] = []
    public var ranking: RankingTable?
    /// 亮码评价 rates of each child region and of each project, over the levels (the ranking's inputs).
    public var feedbackByRegion: [String: FeedbackRates] = [:]
    public var feedbackByProject: [String: FeedbackRates] = [:]
    /// Problems raised by the supervisors, year to date as of the period's month end.
    public var supervision: SupervisionStatistics?

    public init(kind: BulletinKind, period: BulletinPeriod, region: String, aggregateLabel: String, office: String, levels: [Level]) {
        self.kind = kind
        self.period = period
        self.region = region
        self.aggregateLabel = aggregateLabel
        self.office = office
        self.levels = levels
    }
}
