import Foundation
import MinshengCore
import MinshengData
import Plot

/// The poster's layout and its print stylesheet (`PosterPage+Model.swift` chooses what it shows).
extension PosterPage {
    static let stylesheet = """
    @page{size:A4 portrait;margin:0}*{box-sizing:border-box}
    html,body{margin:0;padding:0;background:#fff}
    body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2933}
    .sheet{width:210mm;height:296mm;overflow:hidden;display:flex;flex-direction:column}
    .band{background:#b3202a;color:#fff;padding:12mm 14mm 9mm}
    .band .kicker{font-size:13pt;letter-spacing:.2em;opacity:.92}
    .band h1{font-size:30pt;line-height:1.25;margin:4mm 0 2mm}
    .band .where{font-size:14pt;opacity:.95}
    .qr{flex:0 0 auto;text-align:center;padding:10mm 0 4mm}
    .qr img{width:92mm;height:92mm;image-rendering:pixelated}
    .qr p{font-size:16pt;font-weight:700;margin:3mm 0 0;color:#b3202a}
    .qr .url{font-size:9pt;color:#6b7280;font-weight:400;margin-top:1mm}
    .body{flex:1 1 auto;padding:2mm 16mm 0;overflow:hidden}
    .body h2{font-size:14pt;margin:4mm 0 2mm;border-left:2mm solid #b3202a;padding-left:3mm}
    .body p{font-size:12pt;line-height:1.6;margin:0 0 2mm}
    .foot{padding:6mm 16mm 10mm;border-top:.4mm solid #e5e7eb;font-size:11pt;color:#4b5563;display:flex;justify-content:space-between}
    """

    /// The content policy the poster needs (its styles and QR code are inline).
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"

    func render(qrPNG: Data) -> String {
        let indicators = targets
        let (content, unit) = (self.content, self.unit)
        let html = HTML(
            .lang(.chinese),
            .head(.meta(.charset(.utf8)), .pageTitle("亮码公示 · " + page.projectName), .element(named: "style", text: Self.stylesheet)),
            .body(.div(.class("sheet"),
                .div(.class("band"),
                     .div(.class("kicker"), .text("民生实事码上通 · 亮码实施")),
                     .h1(.text(page.projectName)),
                     .div(.class("where"), .text("\(page.regionName) · \(page.planTitle)"))),
                .div(.class("qr"),
                     .img(.attr("src", "data:image/png;base64," + qrPNG.base64EncodedString()), .attr("alt", "项目二维码")),
                     .p(.text("扫码查看项目进展 · 参与评价")),
                     .p(.class("url"), .text(url))),
                .div(.class("body"),
                     .h2(.text("建设内容")),
                     .p(.text(content ?? page.itemName)),
                     .if(!indicators.isEmpty, .group(.h2(.text("目标任务")), .forEach(indicators) { .p(.text($0)) }))),
                .div(.class("foot"),
                     .span(.text("责任单位：" + (unit?.name ?? "—"))),
                     .span(.text("联系电话：" + (unit?.phone ?? "—")))))))
        return "<!DOCTYPE html>" + html.render().replacingOccurrences(of: "<!DOCTYPE html>", with: "")
    }
}
