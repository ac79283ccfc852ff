import Foundation

/// A Word document to be written as .docx (WordprocessingML), in the layout of official
/// documents (GB/T 9704-2012): A4, 37 mm top and 28 mm left margins, a 156 × 225 mm type area
/// of 22 lines of 28 characters, 3号 仿宋_GB2312 body text, page numbers "— 3 —" in 4号 宋体
/// at the foot (odd pages right, even pages left), and sections that may turn to landscape for
/// attachment tables whose header rows repeat on every page.
///
/// Only what the bulletins and letters need; every part it writes is one Word, WPS and
/// LibreOffice open without a repair prompt.
public struct WordDocument: Sendable {
    /// The fonts official documents name, with the fallbacks a machine without them uses.
    public enum Font: String, Sendable, CaseIterable {
        case xiaobiaosong = "方正小标宋简体"
        case fangsong = "仿宋_GB2312"
        case heiti = "黑体"
        case kaiti = "楷体_GB2312"
        case songti = "宋体"

        /// Names a renderer tries when the font itself is missing (fontTable's altName).
        var fallback: String {
            switch self {
            case .xiaobiaosong: "方正小标宋_GBK"
            case .fangsong: "仿宋"
            case .heiti: "SimHei"
            case .kaiti: "楷体"
            case .songti: "SimSun"
            }
        }
    }

    /// Chinese type sizes in half-points (Word's unit).
    public enum Size {
        public static let chu = 84        // 初号 42 pt
        public static let xiaochu = 72    // 小初 36 pt
        public static let er = 44         // 2号 22 pt
        public static let san = 32        // 3号 16 pt
        public static let si = 28         // 4号 14 pt
        public static let xiaosi = 24     // 小4号 12 pt
        public static let wu = 21         // 5号 10.5 pt
        public static let xiaowu = 18     // 小5号 9 pt
        public static let liu = 15        // 6号 7.5 pt
    }

    public struct Run: Sendable {
        public var text: String
        public var font: Font?
        public var size: Int?
        public var bold = false
        /// RGB hex, e.g. "FF0000".
        public var color: String?
        public init(_ text: String, font: Font? = nil, size: Int? = nil, bold: Bool = false, color: String? = nil) {
            self.text = text
            self.font = font
            self.size = size
            self.bold = bold
            self.color = color
        }
    }

    public enum Alignment: String, Sendable {
        case left, center, right, both
    }

    public struct Paragraph: Sendable {
        public var runs: [Run]
        public var alignment: Alignment = .both
        /// First-line indent in characters of the paragraph's size (two for body text).
        public var firstLineChars = 0
        /// Hanging indent in characters (the 附件 list's second line).
        public var hangingChars = 0
        public var leftChars = 0
        public var rightChars = 0
        /// The default body line (28.95 pt, 22 lines a page) unless set, in twentieths of a point.
        public var lineTwips: Int?
        public var spaceBeforeTwips = 0
        public var spaceAfterTwips = 0
        public var keepWithNext = false
        public var pageBreakBefore = false
        /// A rule under the paragraph, in this colour (the 版头's red line).
        public var ruleBelow: String?
        /// Font and size for the whole paragraph (runs may still override).
        public var font: Font = .fangsong
        public var size: Int = Size.san
        /// A right-aligned tab stop at this many twips from the left margin ("\t" in a run jumps to it).
        public var rightTab: Int?

        public init(_ runs: [Run], alignment: Alignment = .both, font: Font = .fangsong, size: Int = Size.san, firstLineChars: Int = 0) {
            self.runs = runs
            self.alignment = alignment
            self.font = font
            self.size = size
            self.firstLineChars = firstLineChars
        }

        public init(_ text: String, alignment: Alignment = .both, font: Font = .fangsong, size: Int = Size.san, firstLineChars: Int = 0) {
            self.init([Run(text)], alignment: alignment, font: font, size: size, firstLineChars: firstLineChars)
        }

        /// Body text: 3号 仿宋, two characters' indent, justified.
        public static func body(_ text: String) -> Paragraph { Paragraph(text, firstLineChars: 2) }
    }

    public struct Cell: Sendable {
        public enum Merge: Sendable { case none, start, `continue` }
        public var text: String
        /// Grid columns this cell spans.
        public var span = 1
        public var verticalMerge: Merge = .none
        public var alignment: Alignment = .center
        public var bold = false
        /// Background, RGB hex.
        public var shade: String?
        public var color: String?
        public init(_ text: String, span: Int = 1, verticalMerge: Merge = .none, alignment: Alignment = .center, bold: Bool = false,
                    shade: String? = nil, color: String? = nil) {
            self.text = text
            self.span = span
            self.verticalMerge = verticalMerge
            self.alignment = alignment
            self.bold = bold
            self.shade = shade
            self.color = color
        }
    }

    public struct Table: Sendable {
        /// Column widths in twips; the table is laid out fixed at their sum.
        public var columnWidths: [Int]
        public var rows: [[Cell]]
        /// Rows repeated at the top of every page the table runs onto.
        public var headerRows = 1
        public var font: Font = .fangsong
        public var size = Size.xiaowu
        public init(columnWidths: [Int], rows: [[Cell]], headerRows: Int = 1) {
            self.columnWidths = columnWidths
            self.rows = rows
            self.headerRows = headerRows
        }

        /// Widths for `count` columns over `total` twips, keeping the given fixed widths at the front.
        public static func widths(fixed: [Int], rest count: Int, total: Int) -> [Int] {
            guard count > 0 else { return fixed }
            let left = max(total - fixed.reduce(0, +), count * 200)
            var widths = fixed + Array(repeating: left / count, count: count)
            widths[widths.count - 1] += left % count
            return widths
        }
    }

    public enum Block: Sendable {
        case paragraph(Paragraph)
        case table(Table)
    }

    public struct Section: Sendable {
        public var blocks: [Block]
        public var landscape = false
        public init(blocks: [Block], landscape: Bool = false) {
            self.blocks = blocks
            self.landscape = landscape
        }

        /// The width text and tables may take, in twips.
        public var textWidth: Int { landscape ? WordDocument.landscapeTextWidth : WordDocument.portraitTextWidth }
    }

    public var title: String
    public var sections: [Section]
    /// Shown as the document's creation date in its properties: the date it is issued on, so
    /// that the same document gives the same bytes.
    public var date: Date
    public var pageNumbers = true

    public init(title: String, date: Date, sections: [Section]) {
        self.title = title
        self.date = date
        self.sections = sections
    }

    // MARK: - Page geometry (twips: 1 mm = 56.7)

    static func mm(_ value: Double) -> Int { Int((value * 1440 / 25.4).rounded()) }
    static let pageWidth = 11906, pageHeight = 16838
    /// GB/T 9704: top 37 mm, left 28 mm, type area 156 × 225 mm, so right 26 mm and bottom 35 mm.
    static let top = mm(37), left = mm(28), right = mm(26), bottom = mm(35)
    public static let portraitTextWidth = pageWidth - mm(28) - mm(26)
    /// Landscape attachment pages: 20 mm all round, 257 mm for the table.
    static let landscapeMargin = mm(20)
    public static let landscapeTextWidth = pageHeight - 2 * mm(20)
    /// 225 mm over 22 lines.
    static let linePitch = mm(225) / 22

    // MARK: - Writing

    /// The document as .docx bytes; the same document gives the same bytes.
    public func data() throws -> Data {
        var parts: [(path: String, data: Data)] = [
            ("[Content_Types].xml", Data(Self.contentTypes.utf8)),
            ("_rels/.rels", Data(Self.rootRelations.utf8)),
            ("docProps/core.xml", Data(coreProperties.utf8)),
            ("docProps/app.xml", Data(Self.appProperties.utf8)),
            ("word/document.xml", Data(documentXML.utf8)),
            ("word/styles.xml", Data(Self.styles.utf8)),
            ("word/settings.xml", Data(Self.settings.utf8)),
            ("word/fontTable.xml", Data(Self.fontTable.utf8)),
            ("word/_rels/document.xml.rels", Data(Self.documentRelations.utf8)),
        ]
        parts.append(("word/footer1.xml", Data(Self.footer(odd: true, numbered: pageNumbers).utf8)))
        parts.append(("word/footer2.xml", Data(Self.footer(odd: false, numbered: pageNumbers).utf8)))
        return try ZipArchiveWriter.archive(parts)
    }

    static let namespaces = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

    static let contentTypes = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>
    """

    static let rootRelations = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>
    """

    static let documentRelations = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>
    """

    static let appProperties = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Minsheng</Application></Properties>
    """

    var coreProperties: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let stamp = formatter.string(from: date)
        return """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>\(XMLText.escape(title))</dc:title><dc:creator>民生实事管理平台</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">\(stamp)</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">\(stamp)</dcterms:modified></cp:coreProperties>
        """
    }

    static let settings = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <w:settings \(namespaces)><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>
    """

    static var fontTable: String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:fonts \(namespaces)>"
        for font in Font.allCases {
            xml += "<w:font w:name=\"\(font.rawValue)\"><w:altName w:val=\"\(font.fallback)\"/><w:charset w:val=\"86\"/><w:family w:val=\"\(font == .heiti ? "modern" : "roman")\"/><w:pitch w:val=\"variable\"/></w:font>"
        }
        xml += "<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font></w:fonts>"
        return xml
    }

    static func fonts(_ font: Font) -> String {
        "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"\(font.rawValue)\" w:cs=\"Times New Roman\" w:hint=\"eastAsia\"/>"
    }

    static var styles: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:styles \(namespaces)><w:docDefaults><w:rPrDefault><w:rPr>\(fonts(.fangsong))<w:kern w:val="2"/><w:sz w:val="\(Size.san)"/><w:szCs w:val="\(Size.san)"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:spacing w:line="\(linePitch)" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr><w:rPr>\(fonts(.songti))<w:sz w:val="\(Size.si)"/><w:szCs w:val="\(Size.si)"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>
        """
    }

    static func footer(odd: Bool, numbered: Bool) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:ftr \(namespaces)><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>"
        // GB/T 9704 7.5: odd pages right, even pages left, one character in from the edge.
        xml += odd ? "<w:ind w:right=\"280\"/><w:jc w:val=\"right\"/>" : "<w:ind w:left=\"280\"/><w:jc w:val=\"left\"/>"
        xml += "</w:pPr>"
        if numbered {
            let rPr = "<w:rPr>\(fonts(.songti))<w:sz w:val=\"\(Size.si)\"/><w:szCs w:val=\"\(Size.si)\"/></w:rPr>"
            xml += "<w:r>\(rPr)<w:t xml:space=\"preserve\">— </w:t></w:r>"
            xml += "<w:r>\(rPr)<w:fldChar w:fldCharType=\"begin\"/></w:r><w:r>\(rPr)<w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
            xml += "<w:r>\(rPr)<w:fldChar w:fldCharType=\"separate\"/></w:r><w:r>\(rPr)<w:t>1</w:t></w:r><w:r>\(rPr)<w:fldChar w:fldCharType=\"end\"/></w:r>"
            xml += "<w:r>\(rPr)<w:t xml:space=\"preserve\"> —</w:t></w:r>"
        }
        return xml + "</w:p></w:ftr>"
    }

    var documentXML: String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document \(Self.namespaces)><w:body>"
        for (index, section) in sections.enumerated() {
            let last = index == sections.count - 1
            for block in section.blocks {
                switch block {
                case .paragraph(let paragraph): xml += Self.paragraphXML(paragraph)
                case .table(let table): xml += Self.tableXML(table)
                }
            }
            if last {
                xml += Self.sectionProperties(section)
            } else {
                // A section ends with a paragraph that carries its properties.
                xml += "<w:p><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/>\(Self.sectionProperties(section))</w:pPr></w:p>"
            }
        }
        return xml + "</w:body></w:document>"
    }

    static func sectionProperties(_ section: Section) -> String {
        let footers = "<w:footerReference w:type=\"default\" r:id=\"rId4\"/><w:footerReference w:type=\"even\" r:id=\"rId5\"/>"
        if section.landscape {
            let m = landscapeMargin
            return "<w:sectPr>\(footers)<w:type w:val=\"nextPage\"/><w:pgSz w:w=\"\(pageHeight)\" w:h=\"\(pageWidth)\" w:orient=\"landscape\"/><w:pgMar w:top=\"\(m)\" w:right=\"\(m)\" w:bottom=\"\(m)\" w:left=\"\(m)\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/><w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" w:linePitch=\"312\"/></w:sectPr>"
        }
        // 22 lines on the line grid; 28 characters a line follow from 16 pt type in 156 mm (a
        // character grid would make renderers without the official fonts space characters out).
        return "<w:sectPr>\(footers)<w:type w:val=\"nextPage\"/><w:pgSz w:w=\"\(pageWidth)\" w:h=\"\(pageHeight)\"/><w:pgMar w:top=\"\(top)\" w:right=\"\(right)\" w:bottom=\"\(bottom)\" w:left=\"\(left)\" w:header=\"851\" w:footer=\"\(mm(28) - 280)\" w:gutter=\"0\"/><w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" w:linePitch=\"\(linePitch)\"/></w:sectPr>"
    }

    static func runProperties(font: Font?, size: Int?, bold: Bool, color: String?) -> String {
        var rPr = ""
        if let font { rPr += fonts(font) }
        if bold { rPr += "<w:b/><w:bCs/>" }
        if let color { rPr += "<w:color w:val=\"\(color)\"/>" }
        if let size { rPr += "<w:sz w:val=\"\(size)\"/><w:szCs w:val=\"\(size)\"/>" }
        return rPr.isEmpty ? "" : "<w:rPr>\(rPr)</w:rPr>"
    }

    static func runsXML(_ text: String, properties: String) -> String {
        // Line breaks inside a paragraph's text become <w:br/>.
        let lines = text.components(separatedBy: "\n")
        var xml = "<w:r>\(properties)"
        for (index, line) in lines.enumerated() {
            if index > 0 { xml += "<w:br/>" }
            for (part, piece) in line.components(separatedBy: "\t").enumerated() {
                if part > 0 { xml += "<w:tab/>" }
                if !piece.isEmpty { xml += "<w:t xml:space=\"preserve\">\(XMLText.escape(piece))</w:t>" }
            }
        }
        return xml + "</w:r>"
    }

    static func paragraphXML(_ p: Paragraph) -> String {
        var pPr = ""
        if p.keepWithNext { pPr += "<w:keepNext/>" }
        if p.pageBreakBefore { pPr += "<w:pageBreakBefore/>" }
        if let rule = p.ruleBelow { pPr += "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"4\" w:color=\"\(rule)\"/></w:pBdr>" }
        // The schema's order: keepNext, pageBreakBefore, pBdr, tabs, spacing, ind, jc, rPr.
        if let tab = p.rightTab { pPr += "<w:tabs><w:tab w:val=\"right\" w:pos=\"\(tab)\"/></w:tabs>" }
        let line = p.lineTwips ?? (p.size > Size.san ? max(linePitch, p.size * 15) : linePitch)
        pPr += "<w:spacing w:before=\"\(p.spaceBeforeTwips)\" w:after=\"\(p.spaceAfterTwips)\" w:line=\"\(line)\" w:lineRule=\"exact\"/>"
        // Indents in hundredths of a character, so they follow the paragraph's size.
        var ind = ""
        if p.leftChars > 0 { ind += " w:leftChars=\"\(p.leftChars * 100)\" w:left=\"\(p.leftChars * p.size * 10)\"" }
        if p.rightChars > 0 { ind += " w:rightChars=\"\(p.rightChars * 100)\" w:right=\"\(p.rightChars * p.size * 10)\"" }
        if p.firstLineChars > 0 { ind += " w:firstLineChars=\"\(p.firstLineChars * 100)\" w:firstLine=\"\(p.firstLineChars * p.size * 10)\"" }
        if p.hangingChars > 0 { ind += " w:hangingChars=\"\(p.hangingChars * 100)\" w:hanging=\"\(p.hangingChars * p.size * 10)\"" }
        if !ind.isEmpty { pPr += "<w:ind\(ind)/>" }
        pPr += "<w:jc w:val=\"\(p.alignment.rawValue)\"/>"
        pPr += "<w:rPr>\(fonts(p.font))<w:sz w:val=\"\(p.size)\"/><w:szCs w:val=\"\(p.size)\"/></w:rPr>"
        var xml = "<w:p><w:pPr>\(pPr)</w:pPr>"
        for run in p.runs where !run.text.isEmpty {
            xml += runsXML(run.text, properties: runProperties(font: run.font ?? p.font, size: run.size ?? p.size, bold: run.bold, color: run.color))
        }
        return xml + "</w:p>"
    }

    static func tableXML(_ table: Table) -> String {
        let width = table.columnWidths.reduce(0, +)
        let border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\""
        var xml = "<w:tbl><w:tblPr><w:tblW w:w=\"\(width)\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
        xml += "<w:tblBorders><w:top \(border)/><w:left \(border)/><w:bottom \(border)/><w:right \(border)/><w:insideH \(border)/><w:insideV \(border)/></w:tblBorders>"
        xml += "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"20\" w:type=\"dxa\"/><w:right w:w=\"20\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>"
        for column in table.columnWidths { xml += "<w:gridCol w:w=\"\(column)\"/>" }
        xml += "</w:tblGrid>"
        let line = max(table.size * 12, 200)
        for (rowIndex, row) in table.rows.enumerated() {
            xml += "<w:tr><w:trPr><w:cantSplit/>\(rowIndex < table.headerRows ? "<w:tblHeader/>" : "")<w:jc w:val=\"center\"/></w:trPr>"
            var column = 0
            for cell in row {
                let span = max(1, min(cell.span, table.columnWidths.count - column))
                let cellWidth = table.columnWidths[min(column, table.columnWidths.count - 1)..<min(column + span, table.columnWidths.count)].reduce(0, +)
                var tcPr = "<w:tcW w:w=\"\(cellWidth)\" w:type=\"dxa\"/>"
                if span > 1 { tcPr += "<w:gridSpan w:val=\"\(span)\"/>" }
                switch cell.verticalMerge {
                case .start: tcPr += "<w:vMerge w:val=\"restart\"/>"
                case .continue: tcPr += "<w:vMerge/>"
                case .none: break
                }
                if let shade = cell.shade { tcPr += "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"\(shade)\"/>" }
                tcPr += "<w:vAlign w:val=\"center\"/>"
                xml += "<w:tc><w:tcPr>\(tcPr)</w:tcPr>"
                let text = cell.verticalMerge == .continue ? "" : cell.text
                let paragraphs = text.components(separatedBy: "\n")
                for paragraph in paragraphs {
                    xml += "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"\(line)\" w:lineRule=\"atLeast\"/><w:jc w:val=\"\(cell.alignment.rawValue)\"/></w:pPr>"
                    if !paragraph.isEmpty {
                        xml += runsXML(paragraph, properties: runProperties(font: cell.bold ? .heiti : table.font, size: table.size, bold: false, color: cell.color))
                    }
                    xml += "</w:p>"
                }
                xml += "</w:tc>"
                column += span
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>"
    }
}

/// XML text escaping for the OOXML writers; characters XML 1.0 cannot carry are dropped.
public enum XMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF || (0xD800...0xDFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
