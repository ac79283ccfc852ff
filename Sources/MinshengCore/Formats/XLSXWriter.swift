import Foundation
import ZIPFoundation

/// A workbook to be written as .xlsx: sheets of styled cells, merged ranges, column widths and
/// frozen panes; enough for tables that read like the bulletins' attachments.
public struct Workbook: Sendable {
    public enum Style: Int, Sendable {
        case plain = 0
        case title = 1
        case header = 2
        case text = 3
        case number = 4
        case percent = 5
        case completed = 6
        case onSchedule = 7
        case lagging = 8
        case group = 9
        case caption = 10
        /// A count that needs attention: red bold, no number format.
        case alert = 11
    }

    public enum Value: Sendable, Equatable {
        case empty
        case text(String)
        case number(Double)
        /// A fraction shown as a percentage with two decimals (0.9513 → 95.13%).
        case percent(Double)
    }

    public struct Cell: Sendable {
        public var value: Value
        public var style: Style
        public init(_ value: Value, _ style: Style = .text) {
            self.value = value
            self.style = style
        }
        public static func text(_ text: String, _ style: Style = .text) -> Cell { Cell(.text(text), style) }
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[Cell]] = []
        /// 0-based inclusive ranges: (firstRow, firstColumn, lastRow, lastColumn).
        public var merges: [(Int, Int, Int, Int)] = []
        public var columnWidths: [Double] = []
        public var frozenRows = 0
        public var frozenColumns = 0
        public var landscape = true

        public init(name: String) { self.name = name }

        public mutating func merge(row: Int, column: Int, toRow: Int, toColumn: Int) {
            guard toRow > row || toColumn > column else { return }
            merges.append((row, column, toRow, toColumn))
        }
    }

    public var sheets: [Sheet]
    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// The workbook as .xlsx bytes.
    public func data() throws -> Data {
        var parts: [(path: String, data: Data)] = [
            ("[Content_Types].xml", Data(contentTypes.utf8)),
            ("_rels/.rels", Data(Self.rootRelations.utf8)),
            ("xl/workbook.xml", Data(workbookXML.utf8)),
            ("xl/_rels/workbook.xml.rels", Data(workbookRelations.utf8)),
            ("xl/styles.xml", Data(Self.styles.utf8)),
        ]
        for (index, sheet) in sheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", Data(Self.sheetXML(sheet).utf8)))
        }
        return try ZipArchiveWriter.archive(parts)
    }

    // MARK: - Parts

    private var contentTypes: String {
        var parts = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
        """
        for index in sheets.indices {
            parts += "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return parts + "</Types>"
    }

    private static let rootRelations = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
    </Relationships>
    """

    private var workbookXML: String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
        """
        var used: Set<String> = []
        for (index, sheet) in sheets.enumerated() {
            var name = Self.sheetName(sheet.name, index: index)
            while used.contains(name) { name = String(name.prefix(28)) + "\(index + 1)" }
            used.insert(name)
            xml += "<sheet name=\"\(Self.escape(name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        return xml + "</sheets></workbook>"
    }

    private var workbookRelations: String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        """
        for index in sheets.indices {
            xml += "<Relationship Id=\"rId\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return xml + "</Relationships>"
    }

    /// Fonts: 0 body, 1 bold, 2 title, 3 green, 4 blue, 5 red bold. Fills: 2 header grey, 3 group.
    /// Cell formats follow `Style`'s raw values.
    private static let styles = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
    <numFmts count="1"><numFmt numFmtId="164" formatCode="0.00%"/></numFmts>\
    <fonts count="6">\
    <font><sz val="10"/><name val="宋体"/><family val="2"/><charset val="134"/></font>\
    <font><b/><sz val="10"/><name val="宋体"/><family val="2"/><charset val="134"/></font>\
    <font><b/><sz val="16"/><name val="宋体"/><family val="2"/><charset val="134"/></font>\
    <font><sz val="10"/><color rgb="FF1F8A4C"/><name val="宋体"/><family val="2"/><charset val="134"/></font>\
    <font><sz val="10"/><color rgb="FF1F4E9A"/><name val="宋体"/><family val="2"/><charset val="134"/></font>\
    <font><b/><sz val="10"/><color rgb="FFC0392B"/><name val="宋体"/><family val="2"/><charset val="134"/></font>\
    </fonts>\
    <fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
    <fill><patternFill patternType="solid"><fgColor rgb="FFE7ECF3"/><bgColor indexed="64"/></patternFill></fill>\
    <fill><patternFill patternType="solid"><fgColor rgb="FFF6F7F9"/><bgColor indexed="64"/></patternFill></fill></fills>\
    <borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
    <border><left style="thin"><color rgb="FF7F7F7F"/></left><right style="thin"><color rgb="FF7F7F7F"/></right>\
    <top style="thin"><color rgb="FF7F7F7F"/></top><bottom style="thin"><color rgb="FF7F7F7F"/></bottom><diagonal/></border></borders>\
    <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
    <cellXfs count="12">\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
    <xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
    <xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="left" vertical="center" wrapText="1"/></xf>\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
    <xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
    <xf numFmtId="164" fontId="3" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
    <xf numFmtId="164" fontId="4" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
    <xf numFmtId="164" fontId="5" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
    <xf numFmtId="0" fontId="1" fillId="3" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="left" vertical="center" wrapText="1"/></xf>\
    <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="left" vertical="center" wrapText="1"/></xf>\
    <xf numFmtId="0" fontId="5" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
    </cellXfs>\
    <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
    </styleSheet>
    """

    static func sheetXML(_ sheet: Sheet) -> String {
        var xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>
        """
        if sheet.frozenRows > 0 || sheet.frozenColumns > 0 {
            let topLeft = columnName(sheet.frozenColumns) + "\(sheet.frozenRows + 1)"
            xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane"
            if sheet.frozenColumns > 0 { xml += " xSplit=\"\(sheet.frozenColumns)\"" }
            if sheet.frozenRows > 0 { xml += " ySplit=\"\(sheet.frozenRows)\"" }
            xml += " topLeftCell=\"\(topLeft)\" activePane=\"bottomRight\" state=\"frozen\"/></sheetView></sheetViews>"
        }
        if !sheet.columnWidths.isEmpty {
            xml += "<cols>"
            for (index, width) in sheet.columnWidths.enumerated() {
                xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(width)\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        let heights = rowHeights(sheet)
        for (r, row) in sheet.rows.enumerated() {
            if let height = heights[r] {
                xml += "<row r=\"\(r + 1)\" ht=\"\(height)\" customHeight=\"1\">"
            } else {
                xml += "<row r=\"\(r + 1)\">"
            }
            for (c, cell) in row.enumerated() {
                let reference = columnName(c) + "\(r + 1)"
                let style = cell.style.rawValue
                switch cell.value {
                case .empty:
                    xml += "<c r=\"\(reference)\" s=\"\(style)\"/>"
                case .text(let text):
                    xml += "<c r=\"\(reference)\" s=\"\(style)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
                case .number(let number), .percent(let number):
                    xml += number.isFinite
                        ? "<c r=\"\(reference)\" s=\"\(style)\"><v>\(number)</v></c>"
                        : "<c r=\"\(reference)\" s=\"\(style)\"/>"
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData>"
        if !sheet.merges.isEmpty {
            xml += "<mergeCells count=\"\(sheet.merges.count)\">"
            for (r1, c1, r2, c2) in sheet.merges {
                xml += "<mergeCell ref=\"\(columnName(c1))\(r1 + 1):\(columnName(c2))\(r2 + 1)\"/>"
            }
            xml += "</mergeCells>"
        }
        xml += "<pageMargins left=\"0.4\" right=\"0.4\" top=\"0.5\" bottom=\"0.5\" header=\"0.3\" footer=\"0.3\"/>"
        xml += "<pageSetup paperSize=\"9\" orientation=\"\(sheet.landscape ? "landscape" : "portrait")\" fitToWidth=\"1\" fitToHeight=\"0\"/>"
        return xml + "</worksheet>"
    }

    /// Heights for rows whose wrapped text needs more than one line; spreadsheet programs do
    /// not all measure wrapped text when they open a file. Cells merged across several rows or
    /// columns are left out of the estimate.
    static func rowHeights(_ sheet: Sheet) -> [Int: Double] {
        guard !sheet.columnWidths.isEmpty else { return [:] }
        var spanning: Set<String> = []
        for (r1, c1, r2, c2) in sheet.merges {
            for r in r1...r2 { for c in c1...c2 { spanning.insert("\(r):\(c)") } }
        }
        var heights: [Int: Double] = [:]
        for (r, row) in sheet.rows.enumerated() {
            var lines = 1
            for (c, cell) in row.enumerated() where c < sheet.columnWidths.count && !spanning.contains("\(r):\(c)") {
                guard case .text(let text) = cell.value, cell.style != .title else { continue }
                let capacity = max(1.0, sheet.columnWidths[c] - 1)
                var width = 0.0
                for scalar in text.unicodeScalars { width += scalar.value > 0x2E80 ? 2 : 1 }
                lines = max(lines, Int((width / capacity).rounded(.up)))
            }
            if lines > 1 { heights[r] = Double(min(lines, 15)) * 13 }
        }
        return heights
    }

    /// 0 → A, 25 → Z, 26 → AA.
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let remainder = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// Sheet names: at most 31 characters, none of : \ / ? * [ ].
    static func sheetName(_ name: String, index: Int) -> String {
        let cleaned = String(name.filter { !":\\/?*[]".contains($0) }.prefix(31))
        return cleaned.isEmpty ? "Sheet\(index + 1)" : cleaned
    }

    /// XML text escaping; characters XML 1.0 cannot carry are dropped.
    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
