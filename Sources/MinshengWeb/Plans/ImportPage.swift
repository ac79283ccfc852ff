import Foundation
import MinshengCore
import Plot

/// Uploading a plan or a month's progress, with the templates and the exchange format.
struct ImportPage {
    enum Outcome {
        case failure(ImportController.Kind, [String])
    }

    let principal: Principal
    let outcome: Outcome?
    let year: Int

    func render(in context: PageContext) -> String {
        let body: Node<HTML.BodyContext> = .group(
            Fragments.pageHeader("导入计划与进度", subtitle: "上传 CSV（UTF-8 或 GB18030/GBK 编码）或 Excel .xlsx 文件（读取第一个工作表）。文件中任一行有误则全部不导入，并逐行列出问题。"),
            .unwrap(outcome) { outcome in
                switch outcome {
                case .failure(let kind, let problems):
                    return .div(.class("notice error"), .attr("role", "alert"),
                                .p(.strong(.text("\(kind == .plan ? "计划" : "进度")导入失败，未写入任何数据。共 \(problems.count) 处问题："))),
                                .ul(.class("problems"), .forEach(problems.prefix(200)) { .li(.text($0)) }),
                                .if(problems.count > 200, .p(.text("……另有 \(problems.count - 200) 处问题未列出。"))))
                }
            },
            .div(.class("cards two"),
                 form(kind: .plan, title: "导入计划与任务分解", year: year, context: context,
                      help: "每行一个指标在一个行政区划的目标任务；行政区划为“全市”“全县”等或本级名称的行，为本级自身的目标任务。系统里还没有的行政区划按错误列出；确需新建时，勾选“新建文件中的行政区划”，它们将作为所选区划的下级创建。最后两列“责任单位”“验收标准”可以没有：没有这两列的文件不改动已有的责任单位和验收标准；有这两列时按文件设置（留空即清除），验收标准只需写在指标的第一行。",
                      columns: PlanFile.fullHeader, templates: [("plan.xlsx", "Excel 模板"), ("plan.csv", "CSV 模板")]),
                 form(kind: .progress, title: "导入月度进度", year: year, context: context,
                      help: "每行一个指标在一个行政区划某月的完成情况。同一月份再次导入时，以新数据替换，原数据保留在修改记录中。已关账月份不能导入。",
                      columns: ProgressFile.header, templates: [("progress.xlsx", "Excel 模板"), ("progress.csv", "CSV 模板")]))
        )
        return PageFrame.render(title: "导入计划与进度", context: context, body: body)
    }

    private func form(kind: ImportController.Kind, title: String, year: Int, context: PageContext, help: String,
                      columns: [String], templates: [(String, String)]) -> Node<HTML.BodyContext> {
        let regions = principal.tree.subtree(of: principal.regionID)
        let base = principal.tree.depth(of: principal.regionID)
        let id = kind.rawValue
        return .section(.class("panel"),
            .h2(.text(title)),
            .p(.class("hint"), .text(help)),
            .p(.class("hint"), .text("列（按顺序）：" + columns.joined(separator: "，"))),
            .p(.forEach(templates) { name, label in
                .a(.class("button"), .attr("href", SiteURL.template(name: name).path), .text("下载" + label))
            }),
            .form(.method(.post), .action(kind == .plan ? SiteURL.importPlan.path : SiteURL.importProgress.path),
                  .attr("enctype", "multipart/form-data"),
                  PageFrame.csrfField(context.csrf),
                  .label(.for("\(id)-region"), .text("行政区划")),
                  .select(.attr("name", "region"), .id("\(id)-region"),
                          .forEach(regions) { node in
                              Fragments.option(value: "\(node.id)", label: String(repeating: "　", count: principal.tree.depth(of: node.id) - base) + node.name,
                                               selected: node.id == principal.regionID)
                          }),
                  .label(.for("\(id)-year"), .text("年度")),
                  .input(.type(.number), .name("year"), .id("\(id)-year"), .attr("value", "\(year)"), .attr("min", "2000"), .attr("max", "2100"), .required(true)),
                  .label(.for("\(id)-file"), .text("文件")),
                  .input(.type(.file), .name("file"), .id("\(id)-file"), .attr("accept", ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), .required(true)),
                  .p(.class("hint"), .text("文件不超过 \(TableFile.maxBytes / 1024 / 1024) MB。")),
                  .if(kind == .plan, .label(.class("check"),
                                            .input(.type(.checkbox), .name("createRegions"), .attr("value", "1")),
                                            .text(" 新建文件中的行政区划（仅在文件中确有新设的县市区、乡镇街道时勾选）"))),
                  .button(.type(.submit), .class("button primary"), .text("上传并导入"))))
    }
}
