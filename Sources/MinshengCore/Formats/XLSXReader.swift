import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the first visible worksheet of an .xlsx workbook into rows of strings, the way a person
/// sees the cells, whichever program saved it (Excel, WPS, LibreOffice): cells are placed by
/// their reference (`r="E12"`), empty cells that the program left out are empty strings, shared,
/// inline and rich-text strings read as their text, formulas as their cached value, dates (1900
/// and 1904 systems) as `YYYY-MM-DD`, and percent-formatted numbers as `95.67%`.
///
/// Hostile files are refused: not a zip, parts that expand past `expansionLimit`, XML with a
/// document type (entity expansion), a missing worksheet.
public enum XLSXReader {
    public struct Refusal: Error, Sendable, Equatable {
        public var reason: String
    }

    /// The most bytes all the parts read may expand to (100 MB).
    public static let defaultExpansionLimit = 100 * 1024 * 1024

    public static func rows(_ data: Data, expansionLimit: Int = defaultExpansionLimit) throws -> [[String]] {
        guard data.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
            throw Refusal(reason: "不是有效的 XLSX 文件（不是 zip 格式）。请用 Excel 或 WPS 另存为 .xlsx 后再上传。")
        }
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw Refusal(reason: "不是有效的 XLSX 文件（zip 结构损坏）。")
        }
        var budget = expansionLimit
        func part(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            if entry.uncompressedSize > UInt64(budget) { throw Refusal(reason: "XLSX 文件解压后超过 \(expansionLimit / 1024 / 1024) MB，拒绝读取。") }
            var content = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    budget -= chunk.count
                    if budget < 0 { throw Refusal(reason: "XLSX 文件解压后超过 \(expansionLimit / 1024 / 1024) MB，拒绝读取。") }
                    content.append(chunk)
                }
            } catch let refusal as Refusal {
                throw refusal
            } catch {
                throw Refusal(reason: "XLSX 文件中的“\(path)”无法解压，文件可能已损坏。")
            }
            return content
        }

        if archive["xl/workbook.xml"] == nil {
            // Other zip-based formats people save spreadsheets in.
            if archive["xl/workbook.bin"] != nil { throw Refusal(reason: SpreadsheetAdvice.binaryWorkbook) }
            if archive["content.xml"] != nil { throw Refusal(reason: SpreadsheetAdvice.openDocument) }
        }
        let workbook = try Self.workbook(part("xl/workbook.xml"), relations: part("xl/_rels/workbook.xml.rels"))
        guard let sheet = try part(workbook.sheetPath) else { throw Refusal(reason: "XLSX 文件中没有工作表。") }
        let shared = try part("xl/sharedStrings.xml").map(sharedStrings) ?? []
        let styles = try part("xl/styles.xml").map(NumberStyles.read) ?? NumberStyles()
        return try cells(sheet, shared: shared, styles: styles, date1904: workbook.date1904)
    }

    // MARK: - Parts

    struct WorkbookFacts: Equatable {
        var sheetPath: String
        /// The workbook counts dates from 1904-01-01 (Excel for Mac before 2011) rather than 1900.
        var date1904: Bool
    }

    /// The first worksheet a person sees when the workbook opens: hidden and very hidden sheets
    /// and chart sheets are passed over.
    static func workbook(_ workbook: Data?, relations: Data?) throws -> WorkbookFacts {
        let fallback = "xl/worksheets/sheet1.xml"
        guard let workbook else { return WorkbookFacts(sheetPath: fallback, date1904: false) }
        let elements = try XMLScan.elements(workbook, named: ["sheet", "workbookPr"])
        let date1904 = elements.contains { $0.name == "workbookPr" && ["1", "true"].contains($0.attributes["date1904"]?.lowercased() ?? "") }
        guard let relations else { return WorkbookFacts(sheetPath: fallback, date1904: date1904) }
        var targets: [String: String] = [:]
        for relation in try XMLScan.elements(relations, named: ["Relationship"]) {
            guard let id = relation.attributes["Id"], let target = relation.attributes["Target"] else { continue }
            // Chart sheets and dialog sheets hold no rows: only worksheets count.
            if let type = relation.attributes["Type"], !type.hasSuffix("/worksheet") { continue }
            targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        let sheets = elements.filter { $0.name == "sheet" }.map(\.attributes)
        func path(_ sheet: [String: String]) -> String? {
            let id = sheet["r:id"] ?? sheet.first(where: { $0.key.hasSuffix(":id") })?.value
            return id.flatMap { targets[$0] }
        }
        let visible = sheets.filter { !["hidden", "veryhidden"].contains($0["state"]?.lowercased() ?? "") }
        let chosen = visible.lazy.compactMap(path).first ?? sheets.lazy.compactMap(path).first ?? fallback
        return WorkbookFacts(sheetPath: chosen, date1904: date1904)
    }

    private static func sharedStrings(_ data: Data) throws -> [String] {
        let handler = SharedStringsHandler()
        try XMLScan.run(data, delegate: handler)
        return handler.strings
    }

    private static func cells(_ data: Data, shared: [String], styles: NumberStyles, date1904: Bool) throws -> [[String]] {
        let handler = SheetHandler(shared: shared, styles: styles, date1904: date1904)
        do {
            try XMLScan.run(data, delegate: handler)
        } catch {
            if let problem = handler.problem { throw Refusal(reason: problem) }
            throw error
        }
        if let problem = handler.problem { throw Refusal(reason: problem) }
        return handler.rows
    }

    /// "BC12" → 54 (0-based column index of BC).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) || (97...122).contains(scalar.value) else { break }
            index = index * 26 + Int((scalar.value & ~0x20) - 64)
            letters += 1
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : index - 1
    }

    /// A numeric cell as a person reads it: 15 significant digits, as Excel shows them, so that
    /// binary noise such as 20.489999999999998 becomes 20.49.
    static func displayNumber(_ raw: String) -> String {
        guard let value = Double(raw), value.isFinite else { return raw }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let text = String(format: "%.15g", value)
        return text
    }

    /// A percent-formatted cell as it is shown: the stored 0.9567 is "95.67%". Worked in
    /// decimal on the 15 digits a person sees, so no binary noise enters.
    static func displayPercent(_ raw: String) -> String {
        let shown = displayNumber(raw)
        guard let fraction = Decimal(string: shown, locale: Locale(identifier: "en_US_POSIX")) else { return raw }
        let percent = fraction * 100
        return NSDecimalNumber(decimal: percent).stringValue + "%"
    }

    /// A date cell as `YYYY-MM-DD`. Serial numbers count days from 1899-12-30 in the 1900 system
    /// (Excel keeps Lotus's phantom 1900-02-29 as day 60, so days before it are one later) and
    /// from 1904-01-01 in the 1904 system. The time of day is dropped.
    static func displayDate(_ raw: String, date1904: Bool) -> String? {
        guard let serial = Double(raw.trimmingCharacters(in: .whitespaces)), serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        if date1904 {
            days += 1462 // 1904-01-01 is serial 1462 in the 1900 system
        } else if days < 61 {
            if days == 60 { return "1900-02-29" }
            days += 1
        }
        // 1970-01-01 is serial 25569.
        let date = civil(daysSinceEpoch: days - 25_569)
        return String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
    }

    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (the civil-from-days
    /// algorithm of Howard Hinnant's date library).
    static func civil(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// What to tell a person whose spreadsheet is in a format Minsheng does not read, and how to
/// save it as one it does.
public enum SpreadsheetAdvice {
    public static let howToSave = "在 Excel 中选择“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”；在 WPS 表格中选择“文件 → 另存为”，文件类型选“Microsoft Excel 文件(*.xlsx)”；也可另存为 CSV（逗号分隔）。"
    public static let legacyExcel = "不支持旧版 Excel 97-2003 工作簿（.xls）。" + howToSave
    public static let wpsSheet = "不支持 WPS 表格自有格式（.et）。" + howToSave
    public static let binaryWorkbook = "不支持 Excel 二进制工作簿（.xlsb）。" + howToSave
    public static let openDocument = "不支持 OpenDocument 电子表格（.ods）。请在 LibreOffice 或 WPS 中另存为 Excel 2007-365 (.xlsx) 或 CSV 后再导入。"
}

/// Which cells show dates and which percents, from the workbook's styles: each cell's `s` is an
/// index into `cellXfs`, whose `numFmtId` is a built-in format or one of `numFmts`.
struct NumberStyles: Equatable {
    enum Kind: Equatable { case plain, date, percent }
    var kinds: [Kind] = []

    func kind(_ styleIndex: Int?) -> Kind {
        guard let styleIndex, kinds.indices.contains(styleIndex) else { return .plain }
        return kinds[styleIndex]
    }

    static func read(_ data: Data) throws -> NumberStyles {
        let handler = StylesHandler()
        try XMLScan.run(data, delegate: handler)
        return NumberStyles(kinds: handler.cellFormats.map { id in
            if let code = handler.customFormats[id] { return kind(formatCode: code) }
            return builtIn(id)
        })
    }

    /// Excel's built-in formats: 9–10 are percents; 14–22 and 45–47 dates and times; 27–36 and
    /// 50–58 the East Asian date formats (yyyy"年"m"月" and the like) of Chinese Excel and WPS.
    static func builtIn(_ id: Int) -> Kind {
        switch id {
        case 9, 10: .percent
        case 14...22, 27...36, 45...47, 50...58: .date
        default: .plain
        }
    }

    /// A custom format code is a date when, outside quoted text, escapes and [brackets], it
    /// has a date or time letter; a percent when it has a % sign there.
    static func kind(formatCode: String) -> Kind {
        var plain = ""
        var inQuote = false, inBracket = false, escaped = false
        for character in formatCode {
            if escaped { escaped = false; continue }
            switch character {
            case "\\" where !inQuote: escaped = true
            case "\"": inQuote.toggle()
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            case "_", "*": escaped = !inQuote // the next character is padding
            default: if !inQuote && !inBracket { plain.append(character) }
            }
        }
        // Only the first section (positive numbers) decides.
        let first = plain.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? plain
        if first.lowercased() == "general" || first.isEmpty { return .plain }
        if first.contains("%") { return .percent }
        if first.lowercased().contains(where: { "ymdhs".contains($0) }) { return .date }
        return .plain
    }
}

/// Runs XMLParser over a part with external entities off, refusing documents that declare a
/// document type (the way entity-expansion attacks begin).
enum XMLScan {
    static func run(_ data: Data, delegate: any XMLParserDelegate) throws {
        let head = data.prefix(4096)
        if let text = String(data: head, encoding: .utf8) ?? String(data: head, encoding: .isoLatin1), text.contains("<!DOCTYPE") || text.contains("<!ENTITY") {
            throw XLSXReader.Refusal(reason: "XLSX 文件含有不允许的 XML 声明（DOCTYPE/ENTITY）。")
        }
        if data.range(of: Data("<!ENTITY".utf8)) != nil {
            throw XLSXReader.Refusal(reason: "XLSX 文件含有不允许的 XML 声明（DOCTYPE/ENTITY）。")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse() else {
            throw XLSXReader.Refusal(reason: "XLSX 文件中的 XML 无法解析，文件可能已损坏。")
        }
    }

    struct Element {
        var name: Substring
        var attributes: [String: String]
    }

    /// Every element with one of the given local names, with its attributes, in document order.
    static func elements(_ data: Data, named names: Set<Substring>) throws -> [Element] {
        let handler = AttributeCollector(names: names)
        try run(data, delegate: handler)
        return handler.found
    }
}

private final class AttributeCollector: NSObject, XMLParserDelegate {
    let names: Set<Substring>
    var found: [XMLScan.Element] = []
    init(names: Set<Substring>) { self.names = names }
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let name = local(elementName)
        if names.contains(name) { found.append(XMLScan.Element(name: name, attributes: attributeDict)) }
    }
}

private final class StylesHandler: NSObject, XMLParserDelegate {
    var customFormats: [Int: String] = [:]
    /// The numFmtId of each cell format, by index.
    var cellFormats: [Int] = []
    private var inCellFormats = false

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        switch local(elementName) {
        case "numFmt":
            if let id = attributeDict["numFmtId"].flatMap(Int.init), let code = attributeDict["formatCode"] { customFormats[id] = code }
        case "cellXfs": inCellFormats = true
        case "xf" where inCellFormats:
            if cellFormats.count < 65_536 { cellFormats.append(attributeDict["numFmtId"].flatMap(Int.init) ?? 0) }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if local(elementName) == "cellXfs" { inCellFormats = false }
    }
}

private final class SharedStringsHandler: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current = ""
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        switch local(elementName) {
        case "si": inItem = true; current = ""
        case "t": inText = inItem && phoneticDepth == 0
        case "rPh": phoneticDepth += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch local(elementName) {
        case "si": strings.append(current); inItem = false
        case "t": inText = false
        case "rPh": phoneticDepth -= 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}

private final class SheetHandler: NSObject, XMLParserDelegate {
    let shared: [String]
    let styles: NumberStyles
    let date1904: Bool
    var rows: [[String]] = []
    var problem: String?
    private var row: [String] = []
    private var rowNumber = 0
    private var column = 0
    private var type = "n"
    private var style: Int?
    private var value = ""
    private var hasValue = false
    private var hasFormula = false
    private var capturing = false
    private var inInline = false
    private var phoneticDepth = 0

    /// Beyond these the sheet is not a plan or a progress file.
    static let maxRows = 1_000_000
    static let maxColumns = 200

    init(shared: [String], styles: NumberStyles, date1904: Bool) {
        self.shared = shared
        self.styles = styles
        self.date1904 = date1904
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        switch local(elementName) {
        case "row":
            let number = attributeDict["r"].flatMap(Int.init) ?? (rowNumber + 1)
            guard number > rowNumber, number <= Self.maxRows else { fail("工作表的行号不正确或行数过多。", parser); return }
            // Rows the sheet leaves out are blank rows, so row numbers stay as the sheet shows them.
            while rows.count < number - 1 { rows.append([]) }
            rowNumber = number
            row = []
            column = 0
        case "c":
            if let reference = attributeDict["r"] {
                guard let index = XLSXReader.columnIndex(reference), index < Self.maxColumns else { fail("工作表的列数过多。", parser); return }
                guard index >= row.count else { fail("工作表第 \(rowNumber) 行的单元格顺序不正确（\(reference.echoed(12))）。", parser); return }
                column = index
            }
            // Cells without a reference take the next column: they count against the limit too.
            guard column < Self.maxColumns else { fail("工作表的列数过多。", parser); return }
            type = attributeDict["t"] ?? "n"
            style = attributeDict["s"].flatMap(Int.init)
            value = ""
            hasValue = false
            hasFormula = false
        case "v":
            capturing = true
            hasValue = true
        case "f":
            hasFormula = true
        case "is":
            inInline = true
            hasValue = true
        case "rPh":
            phoneticDepth += 1
        case "t":
            if inInline && phoneticDepth == 0 { capturing = true }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch local(elementName) {
        case "v", "t": capturing = false
        case "is": inInline = false
        case "rPh": phoneticDepth -= 1
        case "c":
            let text: String
            if hasFormula && !hasValue {
                fail("工作表 \(Workbook.columnName(column))\(rowNumber) 单元格是没有计算结果的公式。请用 Excel 或 WPS 打开文件、保存后再导入，或把公式改为数值。", parser)
                return
            }
            switch type {
            case "s":
                guard let index = Int(value.trimmingCharacters(in: .whitespaces)), shared.indices.contains(index) else { fail("工作表引用了不存在的共享字符串。", parser); return }
                text = shared[index]
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "d": text = String(value.trimmingCharacters(in: .whitespaces).prefix(10)) // ISO 8601, as strict OOXML stores dates
            case "n":
                let raw = value.trimmingCharacters(in: .whitespaces)
                switch raw.isEmpty ? .plain : styles.kind(style) {
                case .date: text = XLSXReader.displayDate(raw, date1904: date1904) ?? XLSXReader.displayNumber(raw)
                case .percent: text = XLSXReader.displayPercent(raw)
                case .plain: text = XLSXReader.displayNumber(raw)
                }
            default: text = value // str (a formula's text), inlineStr, e (an error such as #DIV/0!)
            }
            while row.count < column { row.append("") }
            row.append(text)
            column += 1
        case "row":
            rows.append(row)
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing { value += string }
    }

    private func fail(_ reason: String, _ parser: XMLParser) {
        problem = problem ?? reason
        parser.abortParsing()
    }
}

private func local(_ name: String) -> Substring {
    if let colon = name.lastIndex(of: ":") { return name[name.index(after: colon)...] }
    return name[...]
}
