import Plot
import Vapor

/// A Chinese error page with the status and a way back.
struct ErrorPage {
    let status: HTTPResponseStatus
    let message: String
    let details: [String]

    func render(in context: PageContext) -> String {
        let title: String
        switch status.code {
        case 404: title = "页面不存在"
        case 403: title = "无权访问"
        case 413: title = "内容过大"
        case 429: title = "操作过于频繁"
        case 400, 422: title = "提交的内容有误"
        case 500...599: title = "服务器出错了"
        default: title = "请求未能完成"
        }
        let body: Node<HTML.BodyContext> = .div(.class("error-page"),
            .p(.class("error-code"), .text("\(status.code)")),
            .h1(.text(title)),
            .p(.text(message)),
            .if(!details.isEmpty, .ul(.class("problems"), .forEach(details.prefix(200)) { .li(.text($0)) })),
            .p(.a(.class("button"), .attr("href", SiteURL.home.path), .text("返回首页"))))
        return PageFrame.render(title: title, context: context, body: body)
    }
}
