import Foundation
import MinshengCore
import MinshengData
import Plot

struct AccountIndexPage {
    let principal: Principal
    let listing: Listing<Account>
    let unitNames: [Int: String]
    let units: [Department]
    let query: ListQuery

    var accounts: [Account] { listing.items }

    func render(in context: PageContext) -> String {
        let f = query.filter
        let regions = principal.regionsInScope()
        let filters = Fragments.filterBar(action: SiteURL.accounts.path, query: query, [
            Fragments.filterSelect("region", label: "区划", choices: regions.map { ("\($0.id)", $0.name) }, selected: f.regionID.map { "\($0)" }),
            Fragments.filterSelect("unit", label: "单位", choices: principal.labelled(units).map { ("\($0.id)", $0.name) },
                                   selected: f.unitID.map { "\($0)" }),
            Fragments.filterSelect("status", label: "角色", choices: Role.allCases.map { ($0.rawValue, $0.label) }, selected: f.status),
            Fragments.filterText("q", label: "用户名或姓名", value: f.text, placeholder: "文字"),
        ])
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("账号管理", subtitle: "\(principal.regionName)及下辖行政区划的账号。"),
            .p(.a(.class("button primary"), .attr("href", SiteURL.newAccount.path), .text("新建账号"))),
            filters,
            Fragments.pager(listing, base: SiteURL.accounts.path, query: query),
            .if(accounts.isEmpty, Fragments.empty("没有符合筛选条件的账号。")),
            .div(.class("table-wrap"), .table(.class("list"),
                .thead(.tr(.th(.text("用户名")), .th(.text("姓名")), .th(.text("行政区划")), .th(.class("hide-phone"), .text("单位")), .th(.text("角色")), .th(.class("hide-phone"), .text("状态")))),
                .tbody(.forEach(accounts) { account in
                    .tr(.td(.a(.attr("href", SiteURL.account(id: account.id ?? 0).path), .text(account.username))),
                        .td(.text(account.displayName)),
                        .td(.text(principal.tree[account.$region.id]?.name ?? "")),
                        .td(.class("hide-phone"), .text(account.$unit.id.flatMap { unitNames[$0] } ?? "—")),
                        .td(.text(account.roleLabels.joined(separator: "、"))),
                        .td(.class("hide-phone"), AccountShowPage.state(account)))
                }))),
            .if(listing.pageCount > 1, Fragments.pager(listing, base: SiteURL.accounts.path, query: query))
        )
        return PageFrame.render(title: "账号管理", context: context, body: body)
    }
}

struct AccountNewPage {
    let principal: Principal
    let units: [Department]
    let form: AccountAdminController.AccountForm?
    let message: String?

    private func unitOption(_ unit: Department) -> Node<HTML.SelectContext> {
        let id = "\(unit.id ?? 0)"
        let label = (principal.tree[unit.$region.id]?.name ?? "") + " · " + unit.name
        return Fragments.option(value: id, label: label, selected: form?.unit == id)
    }

    func render(in context: PageContext) -> String {
        let nodes = principal.tree.subtree(of: principal.regionID)
        let base = principal.tree.depth(of: principal.regionID)
        let chosenRegion = form?.region ?? principal.regionID
        let chosenRoles = Set(form?.roles ?? [])
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("新建账号", trail: [("账号管理", SiteURL.accounts.path), ("新建账号", nil)]),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .form(.class("panel narrow"), .method(.post), .action(SiteURL.accounts.path),
                PageFrame.csrfField(context.csrf),
                .label(.for("username"), .text("用户名")),
                .input(.type(.text), .name("username"), .id("username"), .attr("value", form?.username ?? ""), .required(true), .attr("maxlength", "64")),
                .p(.class("hint"), .text("字母、数字、汉字和 . _ -，用于登录。")),
                .label(.for("displayName"), .text("姓名或岗位")),
                .input(.type(.text), .name("displayName"), .id("displayName"), .attr("value", form?.displayName ?? ""), .required(true), .attr("maxlength", "50")),
                .label(.for("password"), .text("初始密码")),
                .input(.type(.text), .name("password"), .id("password"), .attr("value", AccountService.randomPassword()), .required(true), .attr("autocomplete", "off")),
                .p(.class("hint"), .text("已生成随机密码，请转告本人；首次登录时须修改。")),
                .label(.for("region"), .text("所属行政区划")),
                .select(.attr("name", "region"), .id("region"), .forEach(nodes) { node in
                    Fragments.option(value: "\(node.id)", label: String(repeating: "　", count: principal.tree.depth(of: node.id) - base) + node.name,
                                     selected: node.id == chosenRegion)
                }),
                .label(.for("unit"), .text("所属单位（填报员、审核员必填）")),
                .select(.attr("name", "unit"), .id("unit"),
                        Fragments.option(value: "", label: "（无）"),
                        .forEach(units) { unit in
                            unitOption(unit)
                        }),
                .fieldset(.element(named: "legend", text: "角色"),
                          .forEach(Role.allCases) { role in
                              .label(.class("check"),
                                     .input(.type(.checkbox), .name("roles[]"), .attr("value", role.rawValue), .checked(chosenRoles.contains(role.rawValue))),
                                     .text(role.label))
                          }),
                .button(.type(.submit), .class("primary"), .text("创建账号")))
        )
        return PageFrame.render(title: "新建账号", context: context, body: body)
    }
}

struct AccountShowPage {
    let principal: Principal
    let account: Account
    let unitName: String?
    let events: [AuditEvent]

    static func state(_ account: Account) -> Node<HTML.BodyContext> {
        if !account.active { return .span(.class("badge lagging"), .text("已停用")) }
        if let until = account.lockedUntil, until > Date() { return .span(.class("badge lagging"), .attr("title", "有网络地址连续登录失败，已在该地址临时锁定；重置密码即解除"), .text("已锁定")) }
        return .span(.class("badge completed"), .text("正常"))
    }

    func render(in context: PageContext) -> String {
        let id = account.id ?? 0
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader(account.displayName, subtitle: "用户名 \(account.username)", trail: [("账号管理", SiteURL.accounts.path), (account.username, nil)]),
            .div(.class("columns"),
                .section(.class("panel"),
                    .h2(.text("账号信息")),
                    .dl(.class("facts"),
                        .dt(.text("行政区划")), .dd(.text(principal.tree.path(of: account.$region.id))),
                        .dt(.text("单位")), .dd(.text(unitName ?? "—")),
                        .dt(.text("角色")), .dd(.text(account.roleLabels.joined(separator: "、"))),
                        .dt(.text("状态")), .dd(Self.state(account)),
                        .dt(.text("最近登录")), .dd(.text(account.lastLoginAt.map(ChineseDate.dayAndTime) ?? "从未登录")),
                        .dt(.text("创建时间")), .dd(.text(account.createdAt.map(ChineseDate.dayAndTime) ?? "—")))),
                .section(.class("panel"),
                    .h2(.text("重置密码")),
                    .form(.method(.post), .action(SiteURL.accountReset(id: id).path),
                        PageFrame.csrfField(context.csrf),
                        .label(.for("password"), .text("新密码")),
                        .input(.type(.text), .name("password"), .id("password"), .attr("value", AccountService.randomPassword()), .required(true), .attr("autocomplete", "off")),
                        .p(.class("hint"), .text("重置后账号解除锁定，对方下次登录须修改密码。")),
                        .button(.type(.submit), .class("primary"), .text("重置密码"))),
                    .if(account.id != principal.accountID,
                        .form(.method(.post), .action(SiteURL.accountActive(id: id).path),
                              PageFrame.csrfField(context.csrf),
                              .input(.type(.hidden), .name("active"), .attr("value", account.active ? "0" : "1")),
                              .button(.type(.submit), .class(account.active ? "danger" : ""), .text(account.active ? "停用账号" : "启用账号")))))),
            .section(.class("panel"),
                .h2(.text("操作记录")),
                events.isEmpty ? Fragments.empty("暂无记录。") :
                    .ul(.class("plain"), .forEach(events) { event in
                        .li(.span(.class("muted"), .text((event.at.map(ChineseDate.dayAndTime) ?? "") + "　")),
                            .text(AuditText.label(event.action) + (event.detail.isEmpty ? "" : "（\(event.detail)）")))
                    }))
        )
        return PageFrame.render(title: account.displayName, context: context, body: body)
    }
}

/// Chinese names for recorded actions.
enum AuditText {
    static func label(_ action: String) -> String {
        switch action {
        case "account.create": return "创建账号"
        case "account.password": return "本人修改密码"
        case "account.reset": return "管理员重置密码"
        case "account.lock": return "因连续登录失败被锁定"
        case "account.enable": return "启用账号"
        case "account.disable": return "停用账号"
        case "region.create": return "新增行政区划"
        case "region.update": return "修改行政区划"
        case "unit.create": return "新增单位"
        case "unit.update": return "修改单位"
        case "plan.import": return "导入计划"
        case "progress.import": return "导入进度"
        default: return action
        }
    }
}
