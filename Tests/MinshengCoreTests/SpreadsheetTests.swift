import Foundation
@testable import MinshengCore
import XCTest

/// Sheets as Excel, WPS and LibreOffice save them, written out by hand one case at a time, and
/// files that LibreOffice Calc itself saved (Fixtures/Office, made by
/// Scripts/make-office-fixtures.sh from our CSV files and our own templates).
final class SpreadsheetTests: XCTestCase {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    /// A one-sheet workbook around `sheetData` rows, with optional styles and shared strings.
    func workbook(_ rows: String, shared: [String] = [], styles: String? = nil, workbookPr: String = "") throws -> Data {
        var parts: [String: Data] = [
            "xl/workbook.xml": Data("""
            <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\(Self.main)" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\(workbookPr)<sheets><sheet name="进度" sheetId="1" r:id="rId1"/></sheets></workbook>
            """.utf8),
            "xl/_rels/workbook.xml.rels": Data(oneSheetRels.utf8),
            "xl/worksheets/data.xml": Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(Self.main)\"><sheetData>\(rows)</sheetData></worksheet>".utf8),
        ]
        if !shared.isEmpty {
            parts["xl/sharedStrings.xml"] = Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"\(Self.main)\">" + shared.map { "<si>\($0)</si>" }.joined() + "</sst>").utf8)
        }
        if let styles { parts["xl/styles.xml"] = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"\(Self.main)\">\(styles)</styleSheet>".utf8) }
        return try handMadeXLSX(parts: parts)
    }

    /// The progress header as seven shared strings (indices 0–6).
    let header = ProgressFile.header.map { "<t>\($0)</t>" }
    let headerRow = "<row r=\"1\">" + (0..<7).map { "<c r=\"\(String(UnicodeScalar(UInt8(65 + $0))))1\" t=\"s\"><v>\($0)</v></c>" }.joined() + "</row>"

    func inline(_ reference: String, _ text: String) -> String { "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }

    func progress(_ data: Data) throws -> [ProgressFile.Row] { try ProgressFile.parse(rows: try TableFile.rows(data, fileName: "进度.xlsx")) }

    func refusal(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "accepted" } catch let refusal as ImportRefusal {
            return refusal.problems.map(\.description).joined(separator: " ")
        } catch { return "\(error)" }
    }

    // MARK: - Rows by reference

    func testARowWithoutItsEmptyCellsReadsByReference() throws {
        // The issue's row: no 进度 (F) and no 进度情况 (G), so Excel writes 5 cells, not 7.
        let row = "<row r=\"2\">" + inline("A2", "2024-10") + inline("B2", "普惠性托育“护蕾”行动") + inline("C2", "新增普惠性托位")
            + inline("D2", "双清区") + "<c r=\"E2\"><v>277</v></c></row>"
        let rows = try progress(try workbook(headerRow + row, shared: header))
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows.first?.region, "双清区")
        XCTAssertEqual(rows.first?.quantity, 277)
        XCTAssertNil(rows.first?.progress)
        XCTAssertNil(rows.first?.note)
    }

    func testCellsAreNeverReadByPosition() throws {
        // Only A, B, C, D and G are present: the note must land in 进度情况, not in 完成数量.
        let row = "<row r=\"2\">" + inline("A2", "2024-10") + inline("B2", "项目") + inline("C2", "指标") + inline("D2", "邵东市")
            + inline("G2", "已开工") + "</row>"
        let rows = try progress(try workbook(headerRow + row, shared: header))
        XCTAssertNil(rows.first?.quantity)
        XCTAssertEqual(rows.first?.note, "已开工")
    }

    func testTrailingEmptyRowsAndColumnsAreIgnored() throws {
        // Formatting beyond G leaves styled empty cells (H, I) and empty rows at the end; the header has them too.
        let head = headerRow.replacingOccurrences(of: "</row>", with: "<c r=\"H1\" s=\"0\"/><c r=\"I1\" t=\"s\"><v>7</v></c></row>")
        let row = "<row r=\"2\">" + inline("A2", "2024-10") + inline("B2", "项目") + inline("C2", "指标") + inline("D2", "邵东市")
            + "<c r=\"E2\"><v>5</v></c><c r=\"H2\" s=\"0\"/><c r=\"I2\" t=\"inlineStr\"><is><t>  </t></is></c></row>"
            + "<row r=\"3\"><c r=\"A3\" s=\"0\"/></row><row r=\"40\"><c r=\"H40\" t=\"inlineStr\"><is><t></t></is></c></row>"
        let rows = try progress(try workbook(head + row, shared: header + ["<t></t>"]))
        XCTAssertEqual(rows.map(\.quantity), [5])
        // Something written beyond the header is a problem named with its row.
        let extra = "<row r=\"2\">" + inline("A2", "2024-10") + inline("B2", "项目") + inline("C2", "指标") + inline("D2", "邵东市") + inline("J2", "多余") + "</row>"
        let reason = refusal { try self.progress(try self.workbook(self.headerRow + extra, shared: self.header)) }
        XCTAssertTrue(reason.contains("第 2 行") && reason.contains("多余"), reason)
    }

    // MARK: - Strings

    func testSharedInlineAndRichTextStringsReadAsTheirText() throws {
        // Shared: a rich run split in two, and a phonetic guide that is not part of the text.
        let shared = header + ["<r><rPr><b/></rPr><t>普惠性</t></r><r><t xml:space=\"preserve\">托育“护蕾”行动</t></r>",
                               "<t>新增普惠性托位</t><rPh sb=\"0\" eb=\"2\"><t>ふりがな</t></rPh>"]
        let row = "<row r=\"2\">" + inline("A2", "2024-10") + "<c r=\"B2\" t=\"s\"><v>7</v></c><c r=\"C2\" t=\"s\"><v>8</v></c>"
            + "<c r=\"D2\" t=\"inlineStr\"><is><r><t>双清</t></r><r><rPr><i/></rPr><t>区</t></r></is></c>"
            + "<c r=\"G2\" t=\"inlineStr\"><is><t>新增 &amp; 托位</t></is></c></row>"
        let rows = try progress(try workbook(headerRow + row, shared: shared))
        XCTAssertEqual(rows.first?.projectName, "普惠性托育“护蕾”行动")
        XCTAssertEqual(rows.first?.indicatorName, "新增普惠性托位")
        XCTAssertEqual(rows.first?.region, "双清区")
        XCTAssertEqual(rows.first?.note, "新增 & 托位")
    }

    func testNumbersStoredAsTextAreNumbers() throws {
        // A text cell "277", one with thousands separators and spaces, and a text percent.
        let row = "<row r=\"2\">" + inline("A2", "2024-10") + inline("B2", "项目") + inline("C2", "指标") + inline("D2", "邵东市")
            + inline("E2", " 3,710 ") + inline("F2", "95.67 %") + "</row>"
            + "<row r=\"3\">" + inline("A3", "2024-10") + inline("B3", "项目") + inline("C3", "指标") + inline("D3", "双清区")
            + "<c r=\"E3\" t=\"s\"><v>7</v></c></row>"
        let rows = try progress(try workbook(headerRow + row, shared: header + ["<t>277</t>"]))
        XCTAssertEqual(rows.map(\.quantity), [3710, 277])
        XCTAssertEqual(rows.first?.progress, 95.67)
        // 1,5 is not fifteen; separators must group three digits.
        XCTAssertNil(ImportNumber.value("1,5"))
        XCTAssertNil(ImportNumber.value("12,34"))
        XCTAssertEqual(ImportNumber.value("1,234,567.5"), 1_234_567.5)
    }

    // MARK: - Dates

    let dateStyles = """
    <numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;;@"/></numFmts>\
    <cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>\
    <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="10"/><xf numFmtId="177"/></cellXfs>
    """

    func monthRow(_ monthCell: String, line: Int = 2) -> String {
        "<row r=\"\(line)\">" + monthCell + inline("B\(line)", "项目") + inline("C\(line)", "指标") + inline("D\(line)", "区\(line)") + "<c r=\"E\(line)\"><v>1</v></c></row>"
    }

    func testDateSerialsInBothDateSystemsAreMonths() throws {
        // Hand calculation: 2024-01-01 is serial 45292; + 31+29+31+30+31+30+31+31+30 days = 45566 = 2024-10-01;
        // + 30 = 45596 = 2024-10-31. In the 1904 system the same day is 45596 − 1462 = 44134.
        let styles1900 = dateStyles
        let rows1900 = "<c r=\"A2\" s=\"1\"><v>45596</v></c>"
        let rows = try progress(try workbook(headerRow + monthRow(rows1900) + monthRow("<c r=\"A3\" s=\"2\"><v>45566.5</v></c>", line: 3), shared: header, styles: styles1900))
        XCTAssertEqual(rows.map { "\($0.year)-\($0.month)" }, ["2024-10", "2024-10"])
        let rows1904 = try progress(try workbook(headerRow + monthRow("<c r=\"A2\" s=\"1\"><v>44134</v></c>"), shared: header, styles: dateStyles,
                                                 workbookPr: "<workbookPr date1904=\"1\"/>"))
        XCTAssertEqual(rows1904.map { "\($0.year)-\($0.month)" }, ["2024-10"])
        // Read as the 1900 system, 44134 would be 2020-10-30: the flag matters.
        XCTAssertEqual(XLSXReader.displayDate("44134", date1904: false), "2020-10-30")
        XCTAssertEqual(XLSXReader.displayDate("45596", date1904: false), "2024-10-31")
        // Lotus's phantom day: serial 59 is 1900-02-28, 61 is 1900-03-01.
        XCTAssertEqual(XLSXReader.displayDate("59", date1904: false), "1900-02-28")
        XCTAssertEqual(XLSXReader.displayDate("61", date1904: false), "1900-03-01")
    }

    func testMonthsWrittenAsTextInTheWaysPeopleWriteThem() throws {
        for text in ["2025年11月", "2025/11", "2025-11", "2025-11-30", "2025/11/1", "2025年11月30日", " 2025-11 ", "2025-11-01 00:00:00"] {
            XCTAssertEqual(MonthText.parse(text).map { "\($0.year)-\($0.month)" }, "2025-11", text)
        }
        for text in ["2025.11", "2025-13", "11/2025", "2025年11", "2025-11-32", "2025", "二〇二五年十一月", "2025-1-1-1"] {
            XCTAssertNil(MonthText.parse(text), text)
        }
        let rows = try progress(try workbook(headerRow + monthRow(inline("A2", "2025年11月")) + monthRow(inline("A3", "2025/11"), line: 3), shared: header))
        XCTAssertEqual(rows.map { "\($0.year)-\($0.month)" }, ["2025-11", "2025-11"])
        // The same month twice in two spellings is one row twice.
        let twice = "<row r=\"2\">" + inline("A2", "2025年11月") + inline("B2", "项目") + inline("C2", "指标") + inline("D2", "区") + "</row>"
            + "<row r=\"3\">" + inline("A3", "2025-11") + inline("B3", "项目") + inline("C3", "指标") + inline("D3", "区") + "</row>"
        XCTAssertTrue(refusal { try self.progress(try self.workbook(self.headerRow + twice, shared: self.header)) }.contains("与第 2 行重复"))
    }

    // MARK: - Percents and formulas

    func testPercentFormattedCellsReadAsPercents() throws {
        // 0.9567 under 0.00% (built-in 10) is 95.67%; under a custom "0.0%" too; 1 is 100%.
        let styles = dateStyles.replacingOccurrences(of: "<numFmts count=\"1\">", with: "<numFmts count=\"2\"><numFmt numFmtId=\"177\" formatCode=\"0.0%\"/>")
        let cells = "<row r=\"2\">" + inline("A2", "2024-10") + inline("B2", "项目") + inline("C2", "指标") + inline("D2", "甲") + "<c r=\"F2\" s=\"3\"><v>0.95669999999999999</v></c></row>"
            + "<row r=\"3\">" + inline("A3", "2024-10") + inline("B3", "项目") + inline("C3", "指标") + inline("D3", "乙") + "<c r=\"F3\" s=\"4\"><v>1</v></c></row>"
        let rows = try progress(try workbook(headerRow + cells, shared: header, styles: styles))
        XCTAssertEqual(rows.map(\.progress), [95.67, 100])
        XCTAssertEqual(NumberStyles.kind(formatCode: "0.00%"), .percent)
        XCTAssertEqual(NumberStyles.kind(formatCode: "#,##0\"%\""), .plain, "a quoted % sign is text, not a percent")
        XCTAssertEqual(NumberStyles.kind(formatCode: "[$-804]yyyy\"年\"m\"月\"d\"日\""), .date)
        XCTAssertEqual(NumberStyles.kind(formatCode: "#,##0.00_);[Red]\\(#,##0.00\\)"), .plain)
        XCTAssertEqual(NumberStyles.kind(formatCode: "General"), .plain)
    }

    func testFormulasReadAsTheirCachedValues() throws {
        let cells = "<row r=\"2\">" + inline("A2", "2024-10") + "<c r=\"B2\" t=\"str\"><f>Sheet2!B2</f><v>项目</v></c>" + inline("C2", "指标") + inline("D2", "甲")
            + "<c r=\"E2\"><f>SUM(100,177)</f><v>277</v></c></row>"
        XCTAssertEqual(try progress(try workbook(headerRow + cells, shared: header)).first?.quantity, 277)
        XCTAssertEqual(try progress(try workbook(headerRow + cells, shared: header)).first?.projectName, "项目")
        // A formula never calculated (no cached value) is not silently read as empty.
        let uncalculated = "<row r=\"2\">" + inline("A2", "2024-10") + inline("B2", "项目") + inline("C2", "指标") + inline("D2", "甲") + "<c r=\"E2\"><f>SUM(1,2)</f></c></row>"
        let reason = refusal { try self.progress(try self.workbook(self.headerRow + uncalculated, shared: self.header)) }
        XCTAssertTrue(reason.contains("E2") && reason.contains("公式"), reason)
    }

    // MARK: - Sheets and formats

    func testTheFirstVisibleWorksheetIsRead() throws {
        let workbook = """
        <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\(Self.main)" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
        <sheet name="说明" sheetId="1" state="hidden" r:id="rId1"/><sheet name="图表" sheetId="2" r:id="rId2"/><sheet name="进度" sheetId="3" r:id="rId3"/></sheets></workbook>
        """
        let rels = """
        <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet3.xml"/>\
        <Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
        """
        func sheet(_ text: String) -> Data { Data("<worksheet xmlns=\"\(Self.main)\"><sheetData><row r=\"1\">\(inline("A1", text))</row></sheetData></worksheet>".utf8) }
        let data = try handMadeXLSX(parts: ["xl/workbook.xml": Data(workbook.utf8), "xl/_rels/workbook.xml.rels": Data(rels.utf8),
                                            "xl/worksheets/sheet1.xml": sheet("隐藏的说明"), "xl/chartsheets/sheet1.xml": Data("<chartsheet/>".utf8),
                                            "xl/worksheets/sheet3.xml": sheet("看得见的进度")])
        XCTAssertEqual(try XLSXReader.rows(data), [["看得见的进度"]])
    }

    func testOtherSpreadsheetFormatsAreToldHowToSaveAsXLSX() {
        func reason(_ data: Data, _ name: String) -> String { refusal { try TableFile.rows(data, fileName: name) } }
        let ole = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0])
        for (name, expected) in [("进度.xls", ".xls"), ("进度.et", ".et"), ("进度.XLS", ".xls")] {
            let text = reason(ole, name)
            XCTAssertTrue(text.contains(expected) && text.contains("另存为") && text.contains(".xlsx"), "\(name): \(text)")
        }
        XCTAssertTrue(reason(ole, "无名").contains(".xls"), "judged by the bytes when the name says nothing")
        XCTAssertTrue(reason(ole, "加密.xlsx").contains("密码"), "an encrypted .xlsx is a compound document")
        let ods = try? handMadeXLSX(parts: ["mimetype": Data("application/vnd.oasis.opendocument.spreadsheet".utf8), "content.xml": Data("<x/>".utf8)])
        XCTAssertTrue(reason(ods ?? Data(), "进度.zip").contains(".ods"))
        XCTAssertTrue(reason(Data([0x50, 0x4B, 0x03, 0x04]), "进度.xlsb").contains(".xlsb"))
    }

    // MARK: - Files LibreOffice saved

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/Office")
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/MinshengData/Demo/Resources")

    func fixture(_ name: String) throws -> [[String]] {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        return try TableFile.rows(data, fileName: name)
    }

    func csv(_ name: String) throws -> [[String]] {
        try TableFile.rows(try Data(contentsOf: Self.demo.appendingPathComponent(name)), fileName: name)
    }

    func testProgressSavedByLibreOfficeFromOurCSVImportsToTheSameFigures() throws {
        let expected = try ProgressFile.parse(rows: try csv("progress-shaoyang-2024-city.csv"))
        XCTAssertEqual(expected.count, 1200, "the demo's city figures: 120 shares × 10 months")
        let saved = try fixture("progress-city.libreoffice.xlsx")
        // Calc leaves the empty 完成数量 cells out and stores 8.00% as 0.08 in a 0.00% cell.
        XCTAssertEqual(try ProgressFile.parse(rows: saved), expected)
        // With Calc's "detect special numbers" the months, written 2024-01-31, become date serials.
        let dated = try ProgressFile.parse(rows: try fixture("progress-city-dates.libreoffice.xlsx"))
        XCTAssertEqual(dated.map { "\($0.year)-\($0.month) \($0.region) \($0.quantity ?? -1) \($0.progress ?? -1) \($0.note ?? "")" },
                       expected.map { "\($0.year)-\($0.month) \($0.region) \($0.quantity ?? -1) \($0.progress ?? -1) \($0.note ?? "")" })
    }

    func testPlanSavedByLibreOfficeFromOurCSVImportsToTheSameRows() throws {
        let expected = try PlanFile.parse(rows: try csv("plan-shaoyang-2024-city.csv"))
        XCTAssertEqual(try PlanFile.parse(rows: try fixture("plan-city.libreoffice.xlsx")), expected)
    }

    /// The optional columns as Calc saves them: a standard with quoted commas, quotes and a line break,
    /// a unit per share, 50.5 and a target in words (Fixtures/Office/plan-full.csv, written by hand).
    func testAPlanWithUnitsAndStandardsSavedByLibreOfficeImportsToTheSameRows() throws {
        let expected = try PlanFile.parse(rows: try TableFile.rows(try Data(contentsOf: Self.fixtures.appendingPathComponent("plan-full.csv")), fileName: "plan-full.csv"))
        XCTAssertEqual(expected.count, 7)
        XCTAssertTrue(expected.allSatisfy(\.carriesUnits))
        XCTAssertEqual(expected.map { $0.responsibleUnit ?? "" }, ["", "甲县住建局", "乙县住建局", "", "甲县卫健局", "", ""])
        // The standard written on an indicator's first row holds for its other rows.
        XCTAssertEqual(expected[1].acceptanceStandard, expected[0].acceptanceStandard)
        XCTAssertEqual(expected[3].acceptanceStandard, "托位通过备案\n（附备案清单）")
        XCTAssertNil(expected[6].acceptanceStandard)
        XCTAssertEqual(expected[1].target, 50.5)
        XCTAssertEqual(expected[3].targetNote, "待另行发文确定")
        XCTAssertEqual(try PlanFile.parse(rows: try fixture("plan-full.libreoffice.xlsx")), expected)
    }

    func testOurTemplatesResavedByLibreOfficeReadAsTheyWereWritten() throws {
        XCTAssertEqual(try PlanFile.parse(rows: try fixture("plan-template.libreoffice.xlsx")), try PlanFile.parse(rows: ImportTemplate.planRows))
        XCTAssertEqual(try ProgressFile.parse(rows: try fixture("progress-template.libreoffice.xlsx")), try ProgressFile.parse(rows: ImportTemplate.progressRows))
        // And our own writer's file reads the same before Calc touches it.
        XCTAssertEqual(try ProgressFile.parse(rows: try XLSXReader.rows(try ImportTemplate.xlsx(.progress))), try ProgressFile.parse(rows: ImportTemplate.progressRows))
    }
}
