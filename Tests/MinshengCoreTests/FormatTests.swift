import Foundation
@testable import MinshengCore
import XCTest
import ZIPFoundation

/// UTF-8 text as GB18030 bytes.
func gb18030(_ text: String) -> Data { TextDecoding.encodeGB18030(text) ?? Data() }

/// Builds an .xlsx by hand, part by part, the way Excel lays one out (shared strings, numeric
/// cells with binary noise), so the reader is tested on something other than its own writer.
/// A hand-written workbook of one sheet, 进度, at xl/worksheets/data.xml.
let oneSheetWorkbook = """
<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="进度" sheetId="1" r:id="rId1"/></sheets></workbook>
"""
let oneSheetRels = """
<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>
"""

func handMadeXLSX(parts: [String: Data]) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create)
    for (path, bytes) in parts.sorted(by: { $0.key < $1.key }) {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
            bytes.subdata(in: Int(position)..<min(Int(position) + size, bytes.count))
        }
    }
    return archive.data ?? Data()
}

final class FileFormatTests: XCTestCase {
    func testCSVInUTF8WithAndWithoutBOMAndInGB18030ReadsTheSame() throws {
        let text = "月份,项目名称,指标任务,行政区划,完成数量,进度,进度情况\n2024-10,普惠性托育“护蕾”行动,新增普惠性托位,邵阳县,237,,新增托位\n"
        let expected = try CSVReader.rows(text)
        XCTAssertEqual(try TableFile.rows(Data(text.utf8), fileName: "a.csv"), expected)
        XCTAssertEqual(try TableFile.rows(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8), fileName: "a.csv"), expected)
        let gb = gb18030(text)
        XCTAssertNil(String(data: gb, encoding: .utf8), "the GB18030 bytes are not UTF-8")
        // 邵阳 in GB18030 is C9DB D1F4 (GB2312 code points, hand-checked against the GB2312 table)
        XCTAssertNotNil(gb.range(of: Data([0xC9, 0xDB, 0xD1, 0xF4])))
        XCTAssertEqual(try TableFile.rows(gb, fileName: "a.csv"), expected)
        XCTAssertEqual(TextDecoding.decode(gb)?.encoding, .gb18030)
    }

    func testUnreadableFilesAreRefusedInChinese() {
        func reason(_ data: Data, _ name: String) -> String {
            do { _ = try TableFile.rows(data, fileName: name); return "accepted" } catch let refusal as ImportRefusal {
                return refusal.problems.map(\.description).joined()
            } catch { return "\(error)" }
        }
        XCTAssertTrue(reason(Data(), "a.csv").contains("文件为空"))
        XCTAssertTrue(reason(Data("not a zip at all".utf8), "plan.xlsx").contains("不是有效的 XLSX 文件"))
        XCTAssertTrue(reason(Data([0x50, 0x4B, 0x03, 0x04, 0, 1, 2, 3]), "plan.xlsx").contains("XLSX"))
        XCTAssertTrue(reason(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1]), "plan.xls").contains(".xls"))
        XCTAssertTrue(reason(Data([0xFF, 0xFE, 0x00, 0x81, 0x30]), "a.csv").contains("编码"))
        XCTAssertTrue(reason(Data(count: TableFile.maxBytes + 1), "big.csv").contains("20 MB"))
        // 50 MB, as the issue asks: refused on size before anything is parsed
        XCTAssertTrue(reason(Data(repeating: 0x41, count: 50 * 1024 * 1024), "big.csv").contains("超过"))
    }

    func testXLSXWithSharedStringsAndNumericNoiseReadsAsAPersonSeesIt() throws {
        let (workbook, rels) = (oneSheetWorkbook, oneSheetRels)
        let shared = """
        <?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">\
        <si><t>月份</t></si><si><r><t>新增</t></r><r><t>普惠性托位</t></r></si><si><t>邵阳县</t><rPh><t>しょう</t></rPh></si></sst>
        """
        // B1 is left out (a blank cell); row 2 is left out (a blank row); 20.489999999999998 is
        // how Excel stores 20.49 typed by a person.
        let sheet = """
        <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>\
        <row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3"><v>20.489999999999998</v></c><c r="C3"><v>3710</v></c>\
        <c r="D3" t="inlineStr"><is><t>正在&lt;推进&gt;</t></is></c></row></sheetData></worksheet>
        """
        let data = try handMadeXLSX(parts: ["xl/workbook.xml": Data(workbook.utf8), "xl/_rels/workbook.xml.rels": Data(rels.utf8),
                                            "xl/sharedStrings.xml": Data(shared.utf8), "xl/worksheets/data.xml": Data(sheet.utf8)])
        let rows = try TableFile.rows(data, fileName: "进度.xlsx")
        XCTAssertEqual(rows, [["月份", "", "新增普惠性托位"], [], ["邵阳县", "20.49", "3710", "正在<推进>"]])
    }

    func testXLSXWhoseXMLExpandsPast100MBIsRefused() throws {
        // A 101 MB worksheet of spaces compresses to about 100 KB.
        let size = 101 * 1024 * 1024
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate,
                             bufferSize: 1 << 20) { position, chunk in
            Data(repeating: 0x20, count: min(chunk, size - Int(position)))
        }
        let bomb = try XCTUnwrap(archive.data)
        XCTAssertLessThan(bomb.count, 2 * 1024 * 1024)
        XCTAssertThrowsError(try TableFile.rows(bomb, fileName: "bomb.xlsx")) { error in
            XCTAssertTrue((error as? ImportRefusal)?.problems.first?.reason.contains("100 MB") == true, "\(error)")
        }
        // Entity expansion is refused before parsing.
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><worksheet><sheetData/></worksheet>"
        let entity = try handMadeXLSX(parts: ["xl/worksheets/sheet1.xml": Data(laughs.utf8)])
        XCTAssertThrowsError(try TableFile.rows(entity, fileName: "e.xlsx")) { error in
            XCTAssertTrue((error as? ImportRefusal)?.problems.first?.reason.contains("DOCTYPE") == true, "\(error)")
        }
    }

    func testWorkbookWriterOutputReadsBackCellForCell() throws {
        var sheet = Workbook.Sheet(name: "计划/导入?")
        sheet.rows = [[.text("级别", .header), .text("目标任务", .header)],
                      [.text("省定"), Workbook.Cell(.number(3900), .number)],
                      [.text("A & <B>\u{1}"), Workbook.Cell(.percent(0.9513), .percent)]]
        sheet.merge(row: 0, column: 0, toRow: 0, toColumn: 1)
        let data = try Workbook(sheets: [sheet]).data()
        // the percent-styled 0.9513 reads as a person sees it: 95.13% (0.9513 × 100, by hand)
        XCTAssertEqual(try XLSXReader.rows(data), [["级别", "目标任务"], ["省定", "3900"], ["A & <B>", "95.13%"]])
        XCTAssertEqual(Workbook.columnName(0), "A")
        XCTAssertEqual(Workbook.columnName(25), "Z")
        XCTAssertEqual(Workbook.columnName(26), "AA")
        XCTAssertEqual(Workbook.sheetName("计划/导入?", index: 0), "计划导入")
    }

    func testCSVWriterQuotesAndDefusesFormulas() {
        XCTAssertEqual(CSVWriter.line(["a,b", "say \"hi\"", "=SUM(A1)", "-12.5", "plain"]),
                       "\"a,b\",\"say \"\"hi\"\"\",'=SUM(A1),-12.5,plain\r\n")
        XCTAssertTrue(CSVWriter.document([["x"]]).hasPrefix("\u{FEFF}"))
    }

    func testOrderedJSONKeepsKeyOrderAndEscapes() {
        let value = JSONValue.object([("region", .string("邵阳市\"\n")), ("schedule", .number(83.33)), ("target", .number(3900)),
                                      ("quantity", .null), ("list", .array([.int(1)]))])
        XCTAssertEqual(value.text(pretty: false), "{\"region\":\"邵阳市\\\"\\n\",\"schedule\":83.33,\"target\":3900,\"quantity\":null,\"list\":[1]}")
    }

    func testPlanScheduleOverridesMonthByMonth() {
        let custom = Schedule.parse("3:20, 6：50，9:75.5")
        XCTAssertEqual(custom, [3: 20, 6: 50, 9: Decimal(string: "75.5")!])
        XCTAssertEqual(Schedule.share(endOfMonth: 6, custom: custom ?? [:]), 50)
        // hand calculation: 10/12 = 83.333…% where the plan sets nothing
        XCTAssertEqual(Figures.percent(Schedule.share(endOfMonth: 10, custom: custom ?? [:])), "83.33%")
        XCTAssertNil(Schedule.parse("13:50"))
        XCTAssertNil(Schedule.parse("3:120"))
        XCTAssertNil(Schedule.parse("3:20,3:30"))
    }
}

final class UploadFileTests: XCTestCase {
    func testTheKindIsJudgedByTheBytesNotTheName() {
        // magic numbers from the formats' specifications
        XCTAssertEqual(FileKind.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], name: "现场.pdf"), .jpeg)
        XCTAssertEqual(FileKind.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], name: "a"), .png)
        XCTAssertEqual(FileKind.sniff(Array("%PDF-1.7\n".utf8), name: "验收单.jpg"), .pdf)
        XCTAssertEqual(FileKind.sniff([0x50, 0x4B, 0x03, 0x04, 0x14, 0], name: "台账.xlsx"), .officeOpenXML)
        XCTAssertEqual(FileKind.sniff([0x50, 0x4B, 0x03, 0x04, 0x14, 0], name: "照片.zip"), .zip)
        XCTAssertEqual(FileKind.sniff([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], name: "报告.wps"), .compoundDocument)
        XCTAssertEqual(FileKind.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), name: "x.webp"), .webp)
        // a Windows executable and a Linux one named as photos; a script; HTML (would run when previewed); empty
        XCTAssertNil(FileKind.sniff(Array("MZ\u{90}\u{0}".utf8), name: "现场照片.jpg"))
        XCTAssertNil(FileKind.sniff([0x7F, 0x45, 0x4C, 0x46, 2, 1], name: "photo.jpg"))
        XCTAssertNil(FileKind.sniff(Array("#!/bin/sh\n".utf8), name: "a.pdf"))
        XCTAssertNil(FileKind.sniff(Array("<html><script>".utf8), name: "a.png"))
        XCTAssertNil(FileKind.sniff([], name: "a.jpg"))
        XCTAssertTrue(FileKind.pdf.previews)
        XCTAssertFalse(FileKind.officeOpenXML.previews)
    }

    func testNamesLoseDirectoriesAndControlCharactersButKeepChinese() {
        XCTAssertEqual(SafeFileName.clean("../../etc/passwd"), "passwd")
        XCTAssertEqual(SafeFileName.clean("C:\\fakepath\\双清区托育机构验收单.pdf"), "双清区托育机构验收单.pdf")
        XCTAssertEqual(SafeFileName.clean("现场\u{0}照片\u{7}\r\n.jpg"), "现场照片.jpg")
        XCTAssertEqual(SafeFileName.clean("\u{202E}gpj.exe"), "gpj.exe", "the right-to-left override is dropped")
        XCTAssertEqual(SafeFileName.clean("..hidden.png"), "hidden.png")
        XCTAssertNil(SafeFileName.clean("../.."))
        XCTAssertNil(SafeFileName.clean("  "))
        let long = String(repeating: "长", count: 300) + ".docx"
        XCTAssertEqual(SafeFileName.clean(long)?.count, 120)
        XCTAssertEqual(SafeFileName.clean(long)?.hasSuffix(".docx"), true)
    }
}

/// QR codes: the arithmetic (decoding by an independent reader is in the web tests).
final class QRCodeTests: XCTestCase {
    func testReedSolomonMatchesTheStandardsExample() {
        // ISO/IEC 18004 annex I: "01234567" in version 1-M; data codewords and their 10 EC codewords
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let ecc = QRCode.reedSolomonRemainder(data, QRCode.reedSolomonDivisor(degree: 10))
        XCTAssertEqual(ecc, [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    func testTooMuchTextIsRefused() {
        XCTAssertThrowsError(try QRCode(bytes: Array(repeating: 65, count: 3000), level: .high)) { error in
            XCTAssertEqual(error as? QRCode.Failure, .tooLong)
        }
    }

    /// The completion share of the disclosure task is computed once (pages and exports show it):
    /// 2 of 3 projects is 66.67% (by hand, half-up), 3 of 3 is 100%, and a region without projects
    /// has no share — not 0%, which the export wrote while the page said "—".
    func testTheDisclosureCompletionShareIsOneFigureAndNoneWithoutProjects() {
        XCTAssertEqual(DisclosureTable.RegionCompletion(region: "双清区", completed: 2, projects: 3).share, Decimal(string: "66.67"))
        XCTAssertEqual(DisclosureTable.RegionCompletion(region: "大祥区", completed: 3, projects: 3).share, 100)
        XCTAssertNil(DisclosureTable.RegionCompletion(region: "市本级", completed: 0, projects: 0).share)
    }
}
