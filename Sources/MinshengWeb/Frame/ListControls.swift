import Foundation
import MinshengCore
import MinshengData
import Plot
import Vapor

/// A long list's filters and page as a request asks for them (`?region=&project=&unit=&category=
/// &status=&month=&q=&page=`), and the links that keep them while paging.
struct ListQuery: Sendable {
    var filter: ListFilter
    var window: ListWindow
    /// Parameters every link of the list keeps (the grid's plan and month).
    var fixed: [(String, String)] = []

    init(_ req: Request) {
        func int(_ key: String) -> Int? { (try? req.query.get(String.self, at: key)).flatMap { Int($0) } }
        func text(_ key: String) -> String? { try? req.query.get(String.self, at: key) }
        // month=10, or month=2024-10 (an <input type=month>) for lists that span years.
        let monthText = text("month") ?? ""
        let monthParts = monthText.split(separator: "-")
        let (year, month) = monthParts.count == 2 ? (Int(monthParts[0]), Int(monthParts[1])) : (nil, Int(monthText))
        filter = ListFilter(regionID: int("region"), projectID: int("project"), unitID: int("unit"), category: text("category"),
                            status: text("status"), year: year, month: month, text: text("q"))
        window = ListWindow(page: int("page"), size: int("size"))
    }

    init(filter: ListFilter = ListFilter(), window: ListWindow = ListWindow()) {
        self.filter = filter
        self.window = window
    }

    /// The query string for these filters on page `page` (the first page has none).
    func query(page: Int) -> String {
        var parts: [(String, String)] = fixed
        if let v = filter.regionID { parts.append(("region", "\(v)")) }
        if let v = filter.projectID { parts.append(("project", "\(v)")) }
        if let v = filter.unitID { parts.append(("unit", "\(v)")) }
        if let v = filter.category { parts.append(("category", v)) }
        if let v = filter.status { parts.append(("status", v)) }
        if let v = filter.month { parts.append(("month", filter.year.map { String(format: "%04d-%02d", $0, v) } ?? "\(v)")) }
        if let v = filter.text { parts.append(("q", v)) }
        if page > 1 { parts.append(("page", "\(page)")) }
        if window.size != ListWindow.defaultSize { parts.append(("size", "\(window.size)")) }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = parts.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        return encoded.isEmpty ? "" : "?" + encoded.joined(separator: "&")
    }

    var isFiltered: Bool { filter != ListFilter() }

    /// The filter's own link with no filters (the fixed parameters kept).
    func cleared(_ base: String) -> String { base + ListQuery(fixed: fixed).query(page: 1) }

    init(filter: ListFilter = ListFilter(), window: ListWindow = ListWindow(), fixed: [(String, String)]) {
        self.filter = filter
        self.window = window
        self.fixed = fixed
    }
}

extension Principal {
    /// The account's region (unless left out) and the regions below it, in the tree's order,
    /// as a list's region filter offers them.
    func regionsInScope(includingOwn: Bool = true) -> [(id: Int, name: String)] {
        tree.subtreeIDs(of: regionID).filter { includingOwn || $0 != regionID }.compactMap { tree[$0] }
            .sorted { ($0.sortOrder, $0.id) < ($1.sortOrder, $1.id) }.map { (id: $0.id, name: $0.name) }
    }

    /// Units as an office names them, with their region ("邵东市 县人社局"): bureau names repeat.
    func labelled(_ units: [Department]) -> [(id: Int, name: String)] {
        units.compactMap { unit in unit.id.map { (id: $0, name: (tree[unit.$region.id]?.name ?? "") + " " + unit.name) } }
    }
}

extension Fragments {
    /// A month filter (`month=YYYY-MM`) for lists that span years.
    static func filterMonth(_ filter: ListFilter, label: String) -> Node<HTML.FormContext> {
        let value = filter.month.flatMap { m in filter.year.map { String(format: "%04d-%02d", $0, m) } } ?? ""
        return .label(.class("filter"), .span(.class("filter-label"), .text(label)), .input(.type(.month), .name("month"), .attr("value", value)))
    }

    /// "共 3,428 条，第 2/69 页" with links to the first, previous, nearby, next and last pages.
    static func pager<Item>(_ listing: Listing<Item>, base: String, query: ListQuery) -> Node<HTML.BodyContext> {
        let page = listing.window.page, count = listing.pageCount
        func link(_ target: Int, _ label: String, rel: String? = nil) -> Node<HTML.BodyContext> {
            guard target != page, (1...count).contains(target) else { return .span(.class(target == page ? "page current" : "page disabled"), .text(label)) }
            return .a(.class("page"), .attr("href", base + query.query(page: target)), .unwrap(rel) { .attr("rel", $0) }, .text(label))
        }
        // A page past the end (an old link, a typed address) still shows the pages near the end.
        let centre = min(page, count)
        let nearby = Array(max(1, centre - 2)...min(count, centre + 2))
        return .nav(.class("pager"), .attr("aria-label", "分页"),
                    .span(.class("total"), .text("共 \(listing.total.formatted(.number.grouping(.automatic).locale(Locale(identifier: "zh_CN")))) 条" + (count > 1 ? "，第 \(page)/\(count) 页" : ""))),
                    .if(count > 1, .group(
                        link(page - 1, "上一页", rel: "prev"),
                        .if(nearby.first ?? 1 > 1, .group(link(1, "1"), .if(nearby.first ?? 1 > 2, .span(.class("gap"), .text("…"))))),
                        .forEach(nearby) { link($0, "\($0)") },
                        .if(nearby.last ?? count < count, .group(.if(nearby.last ?? count < count - 1, .span(.class("gap"), .text("…"))), link(count, "\(count)"))),
                        link(page + 1, "下一页", rel: "next"))))
    }

    /// A GET form of filters over a list; `fields` are its selects and inputs.
    static func filterBar(action: String, query: ListQuery, _ fields: [Node<HTML.FormContext>]) -> Node<HTML.BodyContext> {
        .form(.class("filters"), .method(.get), .action(action), .attr("role", "search"),
              .forEach(query.fixed) { .input(.type(.hidden), .name($0.0), .attr("value", $0.1)) },
              .group(fields),
              .button(.type(.submit), .class("button small"), .text("筛选")),
              .if(query.isFiltered, .a(.class("small"), .attr("href", query.cleared(action)), .text("清除筛选"))))
    }

    /// A labelled select of a filter: "全部" first, then the choices.
    static func filterSelect(_ name: String, label: String, choices: [(value: String, label: String)], selected: String?) -> Node<HTML.FormContext> {
        .label(.class("filter"), .span(.class("filter-label"), .text(label)),
               .select(.attr("name", name),
                       option(value: "", label: "全部"),
                       .forEach(choices) { option(value: $0.value, label: $0.label, selected: $0.value == selected) }))
    }

    static func filterText(_ name: String, label: String, value: String?, placeholder: String) -> Node<HTML.FormContext> {
        .label(.class("filter"), .span(.class("filter-label"), .text(label)),
               .input(.type(.search), .name(name), .attr("value", value ?? ""), .attr("placeholder", placeholder), .attr("maxlength", "50")))
    }

    /// The months of a year as filter choices.
    static var monthChoices: [(value: String, label: String)] { (1...12).map { ("\($0)", "\($0) 月") } }
}
