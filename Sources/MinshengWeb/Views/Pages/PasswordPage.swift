import MinshengCore
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
