import Plot

/// The sign-in page: a single card, readable on a phone.
struct LoginPage {
    let username: String
    let next: String
    let message: String?

    func render(in context: PageContext) -> String {
        PageFrame.render(title: "登录", context: context, body: .div(.class("login"),
            .div(.class("login-card"),
                .h1(.text("登录")),
                .p(.class("subtitle"), .text("重点民生实事计划、调度、验收与公开")),
                .unwrap(message) { .div(.class("notice error"), .attr("role", "alert"), .text($0)) },
                .form(.method(.post), .action(SiteURL.login(next: nil).path),
                    PageFrame.csrfField(context.csrf),
                    .input(.type(.hidden), .name("next"), .attr("value", next)),
                    .label(.for("username"), .text("用户名")),
                    .input(.type(.text), .name("username"), .id("username"), .attr("value", username), .required(true),
                           .attr("autocomplete", "username"), .attr("maxlength", "64")),
                    .label(.for("password"), .text("密码")),
                    .input(.type(.password), .name("password"), .id("password"), .required(true),
                           .attr("autocomplete", "current-password"), .attr("maxlength", "128")),
                    .button(.type(.submit), .class("primary wide"), .text("登录"))
                )
            )
        ))
    }
}
