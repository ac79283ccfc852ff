import MinshengCore
import MinshengData
import Plot

struct PasswordPage {
    let principal: Principal
    let message: String?

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("修改密码", subtitle: "账号：\(principal.username)"),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .form(.class("panel narrow"), .method(.post), .action(SiteURL.password.path),
                PageFrame.csrfField(context.csrf),
                .label(.for("current"), .text("当前密码")),
                .input(.type(.password), .name("current"), .id("current"), .required(true), .attr("autocomplete", "current-password")),
                .label(.for("new"), .text("新密码")),
                .input(.type(.password), .name("new"), .id("new"), .required(true), .attr("autocomplete", "new-password"),
                       .attr("minlength", "\(PasswordRules.minimumLength)")),
                .p(.class("hint"), .text("至少 \(PasswordRules.minimumLength) 个字符，需同时包含字母和数字。")),
                .label(.for("confirmation"), .text("再次输入新密码")),
                .input(.type(.password), .name("confirmation"), .id("confirmation"), .required(true), .attr("autocomplete", "new-password")),
                .button(.type(.submit), .class("primary"), .text("保存新密码")))
        )
        return PageFrame.render(title: "修改密码", context: context, body: body)
    }
}

/// A unit's reporter sets the unit's contact phone, shown on its posters and public pages.
struct UnitPhonePage {
    let principal: Principal
    let unit: Department
    let typed: String?
    let message: String?

    func render(in context: PageContext) -> String {
        let region = principal.tree[unit.$region.id]?.name ?? ""
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("本单位联系电话", subtitle: region + " " + unit.name),
            .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
            .form(.class("panel narrow"), .method(.post), .action(SiteURL.unitPhone.path),
                PageFrame.csrfField(context.csrf),
                .label(.for("phone"), .text("联系电话")),
                .input(.type(.tel), .name("phone"), .id("phone"), .attr("maxlength", "20"), .attr("autocomplete", "tel"),
                       .attr("value", typed ?? unit.phone ?? ""), .attr("placeholder", "如 0739-5123456 或手机号")),
                .p(.class("hint"), .text("印在本单位各项目的亮码海报上，并显示在项目公开页面的“责任单位”中，供群众咨询。留空则不显示。")),
                .button(.type(.submit), .class("primary"), .text("保存")))
        )
        return PageFrame.render(title: "本单位联系电话", context: context, body: body)
    }
}
