import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the first worksheet of an .xlsx workbook into rows of strings, the way a person sees
/// the cells. Hostile files are refused: not a zip, parts that expand past `expansionLimit`,
/// XML with a document type (entity expansion), a missing worksheet.
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

        let sheetPath = try firstSheetPath(workbook: part("xl/workbook.xml"), relations: part("xl/_rels/workbook.xml.rels"))
        guard let sheet = try part(sheetPath) else { throw Refusal(reason: "XLSX 文件中没有工作表。") }
        let shared = try part("xl/sharedStrings.xml").map(sharedStrings) ?? []
        return try cells(sheet, shared: shared)
    }

    // MARK: - Parts

    private static func firstSheetPath(workbook: Data?, relations: Data?) throws -> String {
        let fallback = "xl/worksheets/sheet1.xml"
        guard let workbook, let relations else { return fallback }
        let sheets = try XMLScan.elements(workbook, named: "sheet")
        guard let first = sheets.first, let relationID = first["r:id"] ?? first.first(where: { $0.key.hasSuffix(":id") })?.value else { return fallback }
        let rels = try XMLScan.elements(relations, named: "Relationship")
        guard let target = rels.first(where: { $0["Id"] == relationID })?["Target"] else { return fallback }
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        return "xl/" + target
    }

    private static func sharedStrings(_ data: Data) throws -> [String] {
        let handler = SharedStringsHandler()
        try XMLScan.run(data, delegate: handler)
        return handler.strings
    }

    private static func cells(_ data: Data, shared: [String]) throws -> [[String]] {
        let handler = SheetHandler(shared: shared)
        do {
            try XMLScan.run(data, delegate: handler)
        } catch {
            if let problem = handler.problem { throw Refusal(reason: problem) }
            throw error
        }
        return handler.rows
    }

    /// "BC12" → 54 (0-based column index of BC).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value - 64)
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

    /// The attributes of every element with the given name.
    static func elements(_ data: Data, named name: String) throws -> [[String: String]] {
        let handler = AttributeCollector(name: name)
        try run(data, delegate: handler)
        return handler.found
    }
}

private final class AttributeCollector: NSObject, XMLParserDelegate {
    let name: String
    var found: [[String: String]] = []
    init(name: String) { self.name = name }
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        if elementName == name || elementName.hasSuffix(":" + name) { found.append(attributeDict) }
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
    var rows: [[String]] = []
    var problem: String?
    private var row: [String] = []
    private var rowNumber = 0
    private var column = 0
    private var type = "n"
    private var value = ""
    private var capturing = false
    private var inInline = false

    /// Beyond these the sheet is not a plan or a progress file.
    static let maxRows = 1_000_000
    static let maxColumns = 200

    init(shared: [String]) { self.shared = shared }

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
                column = index
            }
            // Cells without a reference take the next column: they count against the limit too.
            guard column < Self.maxColumns else { fail("工作表的列数过多。", parser); return }
            type = attributeDict["t"] ?? "n"
            value = ""
        case "v":
            capturing = true
        case "is":
            inInline = true
        case "t":
            if inInline { capturing = true }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch local(elementName) {
        case "v", "t": capturing = false
        case "is": inInline = false
        case "c":
            let text: String
            switch type {
            case "s":
                guard let index = Int(value.trimmingCharacters(in: .whitespaces)), shared.indices.contains(index) else { fail("工作表引用了不存在的共享字符串。", parser); return }
                text = shared[index]
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "n": text = XLSXReader.displayNumber(value.trimmingCharacters(in: .whitespaces))
            default: text = value
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
