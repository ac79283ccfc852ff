import Foundation
@testable import MinshengCore
import XCTest

/// Hostile numbers and sheets (issue 13, item 5 and 6). Expected values by hand.
final class HardeningCoreTests: XCTestCase {
    func testOnlyPlainDecimalsWithinRangeAreNumbers() {
        XCTAssertEqual(ImportNumber.parse("1234"), .number(1234))
        XCTAssertEqual(ImportNumber.parse("12.5"), .number(12.5))
        XCTAssertEqual(ImportNumber.parse("-3"), .number(-3))
        XCTAssertEqual(ImportNumber.parse("1000000000000"), .number(1_000_000_000_000))
        // Swift's Double("0x10") is 16 and Double("9e307") is 9×10³⁰⁷: both refused here.
        for text in ["0x10", "9e307", "1e3", "inf", "nan", "infinity", "1.2.3", "+-1", "1-", "", ".", "١٢", "１２", "12 ", "0b11", "1_000"] {
            XCTAssertEqual(ImportNumber.parse(text), .notDecimal, text)
        }
        XCTAssertEqual(ImportNumber.parse("1000000000001"), .outOfRange)
        XCTAssertEqual(ImportNumber.parse(String(repeating: "9", count: 30)), .outOfRange)
        XCTAssertTrue(ImportNumber.problem("0x10")?.contains("十六进制") ?? false)
        XCTAssertTrue(ImportNumber.problem("99999999999999")?.contains("超出允许范围") ?? false)
    }

    func testPlanAndProgressFilesRefuseHexadecimalAndExponents() throws {
        let plan = [PlanFile.header, ["市定", "1", "实事", "项目", "指标", "个", "进度", "求和", "市民政局", "全市", "0x10"]]
        XCTAssertThrowsError(try PlanFile.parse(rows: plan)) { error in
            let problem = (error as? ImportRefusal)?.problems.first
            XCTAssertEqual(problem?.row, 2)
            XCTAssertTrue(problem?.reason.contains("十六进制") ?? false, problem?.reason ?? "")
        }
        // A target that is words stays a note, as before.
        let note = [PlanFile.header, ["市定", "1", "实事", "项目", "指标", "个", "进度", "求和", "市民政局", "全市", "待另行发文确定"]]
        XCTAssertEqual(try PlanFile.parse(rows: note).first?.targetNote, "待另行发文确定")
        let progress = [ProgressFile.header, ["2024-10", "项目", "指标", "双清区", "9e307", "", ""], ["2024-10", "项目", "指标", "大祥区", "", "0x10", ""]]
        let (rows, problems) = try ProgressFile.parseCollecting(rows: progress)
        XCTAssertTrue(rows.isEmpty)
        XCTAssertEqual(problems.map(\.row), [2, 3])
        XCTAssertEqual(problems.map(\.column), ["完成数量", "进度"])
    }

    func testCellsWithoutAReferenceCountAgainstTheColumnLimit() throws {
        let (workbook, rels) = (oneSheetWorkbook, oneSheetRels)
        func sheet(cells: Int) -> Data {
            Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row>"
                  + String(repeating: "<c><v>1</v></c>", count: cells) + "</row></sheetData></worksheet>").utf8)
        }
        func read(_ cells: Int) throws -> [[String]] {
            try TableFile.rows(try handMadeXLSX(parts: ["xl/workbook.xml": Data(workbook.utf8), "xl/_rels/workbook.xml.rels": Data(rels.utf8),
                                                         "xl/worksheets/data.xml": sheet(cells: cells)]), fileName: "进度.xlsx")
        }
        XCTAssertEqual(try read(200).first?.count, 200, "200 columns is the limit (XLSXReader.maxColumns)")
        XCTAssertThrowsError(try read(201)) { error in
            XCTAssertTrue((error as? ImportRefusal)?.problems.first?.reason.contains("列数过多") ?? false, "\(error)")
        }
    }

    func testErrorMessagesCutTheCellTextTheyRepeat() throws {
        let long = String(repeating: "长", count: 5000)
        XCTAssertEqual(long.echoed().count, 41, "40 characters and the ellipsis")
        XCTAssertEqual("邵东市".echoed(), "邵东市")
        XCTAssertThrowsError(try PlanFile.parse(rows: [[long]])) { error in
            let reason = (error as? ImportRefusal)?.problems.first?.reason ?? ""
            XCTAssertLessThan(reason.count, 400, "the header is repeated cut to 200 characters")
        }
    }
}
