import Foundation

/// Reads an uploaded plan or progress file into rows: CSV in UTF-8 (with or without a byte-order
/// mark) or GB18030, or the first sheet of an .xlsx workbook. Every refusal is in Chinese.
public enum TableFile {
    /// Import files larger than this are refused before they are read (20 MB).
    public static let maxBytes = 20 * 1024 * 1024

    public static func rows(_ data: Data, fileName: String?) throws -> [[String]] {
        func refuse(_ reason: String) -> ImportRefusal { ImportRefusal([ImportProblem(row: nil, column: nil, reason: reason)]) }
        guard data.count <= maxBytes else { throw refuse("文件大小超过 \(maxBytes / 1024 / 1024) MB，请拆分后分批导入。") }
        guard !data.isEmpty else { throw refuse("文件为空。") }
        let name = (fileName ?? "").lowercased()
        // .xls and WPS's .et are compound documents; so is an encrypted .xlsx.
        if name.hasSuffix(".et") || name.hasSuffix(".ett") { throw refuse(SpreadsheetAdvice.wpsSheet) }
        if name.hasSuffix(".xls") || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            if name.hasSuffix(".xlsx") { throw refuse("该 .xlsx 文件已加密或设置了打开密码，请取消密码后另存为 .xlsx 再导入。") }
            throw refuse(SpreadsheetAdvice.legacyExcel)
        }
        if name.hasSuffix(".xlsb") { throw refuse(SpreadsheetAdvice.binaryWorkbook) }
        if name.hasSuffix(".ods") { throw refuse(SpreadsheetAdvice.openDocument) }
        if name.hasSuffix(".xlsx") || data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            do {
                return try XLSXReader.rows(data)
            } catch let refusal as XLSXReader.Refusal {
                throw refuse(refusal.reason)
            }
        }
        guard let (text, _) = TextDecoding.decode(data) else {
            throw refuse("无法识别文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV 文件。")
        }
        if text.contains("\u{0}") { throw refuse("文件含有二进制内容，不是 CSV 文本文件。") }
        do {
            return try CSVReader.rows(text)
        } catch let malformed as CSVReader.Malformed {
            throw ImportRefusal([ImportProblem(row: malformed.line, column: nil, reason: malformed.reason)])
        }
    }
}
