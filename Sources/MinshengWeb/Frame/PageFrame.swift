import MinshengCore
import MinshengData
import Plot

/// The shared frame every signed-in page renders inside: header, navigation showing only what
/// the account may use, the notice, the content, the footer.
enum PageFrame {
    struct NavItem {
        let title: String
        let url: SiteURL
        let prefix: String
        /// A count shown beside the title (opinions waiting), and whether it is urgent.
        var badge: (count: Int, urgent: Bool, label: String)? = nil
        /// Other paths the item stands for (one item for a room of several pages).
        var also: [String] = []
    }

    static func navigation(for principal: Principal?) -> [NavItem] {
        guard let principal else { return [] }
        var items = [
            NavItem(title: "首页", url: .home, prefix: "/"),
            NavItem(title: "计划与任务分解", url: .plans, prefix: "/plans"),
        ]
        if principal.may(.report) {
            items.append(NavItem(title: "月度填报", url: .reporting(), prefix: "/reporting"))
            items.append(NavItem(title: "佐证资料", url: .evidenceMine, prefix: "/evidence/mine"))
            items.append(NavItem(title: "信息公开", url: .disclosures, prefix: "/disclosures"))
        }
        if principal.may(.answer) {
            let waiting = principal.feedback.flatMap { $0.open > 0 ? $0 : nil }
            items.append(NavItem(title: "群众意见", url: .feedbackInbox, prefix: "/feedback",
                                 badge: waiting.map { ($0.open, $0.overdue > 0, "待回复 \($0.open) 条" + ($0.overdue > 0 ? "，其中超期 \($0.overdue) 条" : "")) }))
        }
        if principal.may(.review) {
            items.append(NavItem(title: "佐证审核", url: .evidenceReview, prefix: "/evidence/review"))
        }
        if Access.readsDashboard(principal.actor) {
            items.append(NavItem(title: "看板", url: .dashboard(), prefix: "/dashboard"))
        }
        items.append(NavItem(title: "通报", url: .bulletins, prefix: "/bulletins"))
        items.append(NavItem(title: "排名", url: .rankings(), prefix: "/rankings"))
        if Access.seesLetters(principal.actor) {
            let waiting = principal.letters.flatMap { $0.open > 0 ? $0 : nil }
            items.append(NavItem(title: principal.may(.office) ? "督办函件" : "收到的函件", url: .letters, prefix: "/letters",
                                 badge: waiting.map { ($0.open, $0.overdue > 0, "待回复函件 \($0.open) 件" + ($0.overdue > 0 ? "，其中逾期 \($0.overdue) 件" : "")) }))
        }
        if Access.readsSupervision(principal.actor) {
            // An evaluator's work is scoring and voting: its item opens there.
            let evaluatorOnly = Access.isEvaluator(principal.actor) && !principal.may(.office)
            items.append(NavItem(title: "监督评议", url: evaluatorOnly ? .evaluations : .supervision(), prefix: "/supervision",
                                 also: ["/inspections", "/evaluations", "/ballots"]))
        }
        if Access.readsSupervision(principal.actor) || principal.unitID != nil {
            let waiting = principal.problems.flatMap { $0.open > 0 ? $0 : nil }
            items.append(NavItem(title: principal.unitID != nil && !Access.supervises(principal.actor) ? "问题整改" : "问题清单", url: .problems, prefix: "/problems",
                                 badge: waiting.map { ($0.open, $0.overdue > 0, $0.label) }))
        }
        if let round = principal.ballots.first {
            items.append(NavItem(title: "代表票决", url: .selectionBallot(round: round), prefix: "/selection/ballots",
                                 badge: (principal.ballots.count, true, "待投票的票决 \(principal.ballots.count) 项")))
        }
        if let waiting = principal.opinions, !principal.may(.office) {
            items.append(NavItem(title: "征集建议意见", url: .selectionOpinions, prefix: "/selection/opinions",
                                 badge: (waiting, false, "待提出意见的建议 \(waiting) 条")))
        }
        if principal.may(.office) {
            items.append(NavItem(title: "项目征集", url: .selection, prefix: "/selection"))
            items.append(NavItem(title: "导入", url: .imports, prefix: "/imports"))
            items.append(NavItem(title: "行政区划与单位", url: .regions, prefix: "/admin/regions"))
            items.append(NavItem(title: "账号管理", url: .accounts, prefix: "/admin/accounts"))
        }
        return items
    }

    static func render(title: String, context: PageContext, body: Node<HTML.BodyContext>) -> String {
        let principal = context.principal
        let html = HTML(
            .lang(.chinese),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .pageTitle(title + " · 民生实事管理平台"),
                .link(.rel(.stylesheet), .attr("href", SiteURL.stylesheet.path))
            ),
            .body(
                .header(.class("site-header"),
                    .div(.class("bar"),
                        .a(.class("brand"), .attr("href", SiteURL.home.path),
                           .span(.class("brand-mark"), .text("民")),
                           .span(.class("brand-name"), .text("民生实事管理平台"))),
                        .unwrap(principal) { principal in
                            .div(.class("user"),
                                 .span(.class("user-name"), .text(principal.displayName)),
                                 .span(.class("user-region"), .text(principal.regionName + " · " + principal.roleLabels.joined(separator: "、"))),
                                 .if(principal.may(.unitPhone), .a(.class("hide-phone"), .attr("href", SiteURL.unitPhone.path), .text("单位电话"))),
                                 .a(.attr("href", SiteURL.password.path), .text("修改密码")),
                                 .form(.class("inline"), .method(.post), .action(SiteURL.logout.path),
                                       csrfField(context.csrf),
                                       .button(.type(.submit), .class("link"), .text("退出"))))
                        }
                    ),
                    .if(principal != nil,
                        .nav(.class("site-nav"), .attr("aria-label", "主导航"),
                             .ul(.forEach(navigation(for: principal)) { item in
                                 .li(.a(.attr("href", item.url.path),
                                        .if(isCurrent(item, path: context.path), .class("current")),
                                        .text(item.title),
                                        .unwrap(item.badge) { badge in
                                            .span(.class(badge.urgent ? "nav-count urgent" : "nav-count"), .attr("title", badge.label),
                                                  .attr("aria-label", badge.label), .text("\(badge.count)"))
                                        }))
                             })))
                ),
                .main(.class("content"),
                      .unwrap(context.notice) { notice in
                          switch notice {
                          case .success(let message): return .div(.class("notice ok"), .attr("role", "status"), .text(message))
                          case .failure(let message): return .div(.class("notice error"), .attr("role", "alert"), .text(message))
                          }
                      },
                      body),
                .footer(.class("site-footer"),
                        .p(.text("民生实事管理平台 · 让每一件民生实事可感可及")))
            )
        )
        return html.render()
    }

    static func isCurrent(_ item: NavItem, path: String) -> Bool {
        item.prefix == "/" ? path == "/" : ([item.prefix] + item.also).contains { path.hasPrefix($0) }
    }

    /// The session's token; nothing for a visitor without a session (the forms such a visitor
    /// sends check their origin instead).
    static func csrfField(_ token: String) -> Node<HTML.FormContext> {
        token.isEmpty ? .empty : .input(.type(.hidden), .name(CSRFMiddleware.field), .attr("value", token))
    }
}

/// Small building blocks shared by the pages.
enum Fragments {
    static func pageHeader(_ title: String, subtitle: String? = nil, trail: [(String, String?)] = []) -> Node<HTML.BodyContext> {
        .div(.class("page-header"),
             .if(!trail.isEmpty, .nav(.class("breadcrumb"), .attr("aria-label", "位置"),
                                      .forEach(trail.enumerated()) { index, crumb in
                                          .group(
                                              .if(index > 0, .span(.class("sep"), .text("›"))),
                                              crumb.1.map { .a(.attr("href", $0), .text(crumb.0)) } ?? .span(.text(crumb.0)))
                                      })),
             .h1(.text(title)),
             .unwrap(subtitle) { .p(.class("subtitle"), .text($0)) })
    }

    /// The months a report page can show, the shown one marked; `url` links the others.
    static func monthPicker<Months: Sequence>(_ months: Months, current: Int?, label: String, url: @escaping (Int) -> String) -> Node<HTML.BodyContext>
        where Months.Element == Int {
        .nav(.class("months"), .attr("aria-label", label),
             .span(.class("label"), .text(label + "：")),
             .forEach(Array(months)) { month in
                 month == current ? .span(.class("month current"), .text("\(month) 月"))
                     : .a(.class("month"), .attr("href", url(month)), .text("\(month) 月"))
             })
    }

    /// A figure with its label; with `href`, the figure links to the list it counts.
    static func stat(_ label: String, _ value: String, tone: String = "", href: String? = nil) -> Node<HTML.BodyContext> {
        .div(.class("stat " + tone),
             .div(.class("stat-value"), href.map { .a(.attr("href", $0), .text(value)) } ?? .text(value)),
             .div(.class("stat-label"), .text(label)))
    }

    /// An `<option>` with visible text (Plot's own writes a self-closed element with a label).
    static func option(value: String, label: String, selected: Bool = false) -> Node<HTML.SelectContext> {
        var nodes: [Node<HTML.OptionContext>] = [.attr("value", value)]
        if selected { nodes.append(.attr("selected", "selected")) }
        nodes.append(.text(label))
        return .element(named: "option", nodes: nodes)
    }

    static func empty(_ text: String) -> Node<HTML.BodyContext> {
        .p(.class("empty"), .text(text))
    }

    static func statusBadge(_ status: ProgressStatus?) -> Node<HTML.BodyContext> {
        guard let status else { return .span(.class("badge none"), .text("未填报")) }
        return .span(.class("badge " + status.rawValue), .text(status.label))
    }
}
