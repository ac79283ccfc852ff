import FluentKit
import Foundation
import MinshengCore

/// The demo's 亮码评价 for Shaoyang's 2024 provincial programme, March–October: 116 ratings
/// (100 满意, 13 基本满意, 3 不满意: 满意率 113 ÷ 116 = 97.41%, the rate reference 003 reports) and
/// 42 opinions — 38 answered within a few days, one marked invalid, and three in 邵东市 still
/// open at the end of October (one of them past its five-working-day deadline).
extension DemoLoader {
    public func loadFeedback() async throws {
        guard let pages = try await publicPages() else { return }
        let (report, tree, units, admin, reporter) = (pages.report, pages.tree, pages.units, pages.admin, pages.reporter)
        let rows = report.rows.compactMap { row -> (project: Int, region: Int, unit: Int, unitName: String)? in
            guard let name = row.unit, let unit = units["\(row.regionID)|\(name)"] else { return nil }
            return (row.projectID, row.regionID, unit, name)
        }
        guard !rows.isEmpty else { return }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        func day(_ month: Int, _ day: Int, _ hour: Int) -> Date {
            calendar.date(from: DateComponents(year: 2024, month: month, day: day, hour: hour, minute: (day * 7) % 60)) ?? Self.submissionDate
        }
        func hash(_ index: Int) -> String { String(format: "demo-%04d", index) }

        // Ratings alone: 100 满意, 13 基本满意, 3 不满意, spread over the projects and months.
        var ratings: [Rating] = Array(repeating: .satisfied, count: 100) + Array(repeating: .basic, count: 13) + Array(repeating: .unsatisfied, count: 3)
        ratings = ratings.enumerated().sorted { ($0.offset * 37) % 116 < ($1.offset * 37) % 116 }.map(\.element)
        var items: [(Feedback, [FeedbackHistory])] = []
        for (index, rating) in ratings.enumerated() {
            let row = rows[(index * 7) % rows.count]
            let at = day(3 + index % 8, 1 + (index * 3) % 28, 8 + index % 12)
            items.append((Feedback(projectID: row.project, regionID: row.region, unitID: row.unit, rating: rating, body: nil, phone: nil,
                                   addressHash: hash(index), browser: nil, at: at, due: FeedbackText.deadline(from: at, workingDays: 5)),
                          [FeedbackHistory(feedbackID: 0, action: "receive", detail: "评价：\(rating.label)", accountID: nil, at: at)]))
        }
        // 38 answered opinions.
        let replyHours: [Double] = [2, 3, 5, 6, 8, 20, 22, 26, 30, 47, 50, 70]
        for index in 0..<38 {
            let row = rows[(index * 5 + 3) % rows.count]
            let (opinion, answer) = Self.opinions[index % Self.opinions.count]
            let at = day(3 + index % 8, 2 + (index * 5) % 26, 9 + index % 9)
            let replied = at.addingTimeInterval(replyHours[index % replyHours.count] * 3600)
            let item = Feedback(projectID: row.project, regionID: row.region, unitID: row.unit, rating: nil, body: opinion,
                                phone: index % 4 == 0 ? "1387391\(String(format: "%04d", 1000 + index * 37))" : nil,
                                addressHash: hash(200 + index), browser: nil, at: at, due: FeedbackText.deadline(from: at, workingDays: 5))
            item.reply = answer
            item.replyUnit = row.unitName
            item.repliedAt = replied
            item.state = FeedbackState.answered.rawValue
            items.append((item, [FeedbackHistory(feedbackID: 0, action: "receive", detail: "意见建议", accountID: nil, at: at),
                                 FeedbackHistory(feedbackID: 0, action: "reply", detail: answer, accountID: nil, at: replied)]))
        }
        // One off-topic advertisement, marked invalid by the office.
        let spamRow = rows[rows.count / 2]
        let spamAt = day(6, 18, 23)
        let spam = Feedback(projectID: spamRow.project, regionID: spamRow.region, unitID: spamRow.unit, rating: nil,
                            body: "专业代办各类证件，加微信 xx123456，价格优惠！", phone: nil, addressHash: hash(300), browser: nil, at: spamAt,
                            due: FeedbackText.deadline(from: spamAt, workingDays: 5))
        spam.state = FeedbackState.invalid.rawValue
        spam.invalidReason = "广告信息，与项目无关"
        spam.$invalidBy.id = admin
        spam.invalidAt = spamAt.addingTimeInterval(10 * 3600)
        items.append((spam, [FeedbackHistory(feedbackID: 0, action: "receive", detail: "意见建议", accountID: nil, at: spamAt),
                             FeedbackHistory(feedbackID: 0, action: "invalid", detail: "广告信息，与项目无关", accountID: admin, at: spamAt.addingTimeInterval(10 * 3600))]))
        // Three still open in 邵东市, for the reporter's unit when it has a project there.
        let shaodong = rows.filter { tree[$0.region]?.name == "邵东市" }
        let open = shaodong.first { $0.region == reporter?.$region.id && $0.unit == reporter?.$unit.id } ?? shaodong.first ?? rows[0]
        let waiting = [(day(10, 9, 10), "学校食堂什么时候能完工？孩子们现在还在临时餐厅吃饭，希望加快进度。", "13873915678"),
                       (day(10, 28, 16), "建议在项目公示牌上写明投诉电话和完工时间，方便大家监督。", ""),
                       (day(10, 29, 9), "感谢政府办实事，新教室很亮堂，孩子们很喜欢！", "")]
        for (index, entry) in waiting.enumerated() {
            items.append((Feedback(projectID: open.project, regionID: open.region, unitID: open.unit, rating: nil, body: entry.1,
                                   phone: entry.2.isEmpty ? nil : entry.2, addressHash: hash(400 + index), browser: nil, at: entry.0,
                                   due: FeedbackText.deadline(from: entry.0, workingDays: 5)),
                          [FeedbackHistory(feedbackID: 0, action: "receive", detail: "意见建议", accountID: nil, at: entry.0)]))
        }
        for (item, history) in items {
            try await item.create(on: db)
            let id = try item.requireID()
            for entry in history { entry.feedbackID = id }
            try await history.create(on: db)
        }
    }

    /// Opinions and the units' answers, in the tone the public pages carry.
    static let opinions: [(String, String)] = [
        ("项目进展很快，为相关部门点赞！", "感谢您的肯定！我们将继续加快进度、保证质量，让项目早日惠及群众。"),
        ("施工期间噪音较大，能否避开中午和晚上施工？", "您反映的问题已转施工单位整改，自即日起中午12时至14时、晚上22时后停止高噪音作业。感谢监督！"),
        ("希望增加服务网点，老年人办事不方便。", "已在3个社区增设服务点，并安排工作人员提供上门服务，联系电话已在项目页面公布。"),
        ("项目资金使用情况能否公开？", "项目资金安排和使用进度已在本页面“项目详情”中公开，每季度更新一次，欢迎监督。"),
        ("工地围挡占用人行道，出行不便。", "已要求施工单位调整围挡，留出1.5米人行通道，并增设安全提示标识。"),
        ("服务很好，工作人员态度热情。", "感谢您的鼓励！我们会继续提升服务质量。"),
        ("什么时候能完工投入使用？", "项目计划于11月底完工，12月投入使用，届时将在本页面发布通知。"),
        ("建议延长周末开放时间。", "经研究，自下月起周末开放时间延长至晚上8点，感谢您的建议。"),
    ]
}
