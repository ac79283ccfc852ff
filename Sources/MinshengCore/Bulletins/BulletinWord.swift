import Foundation

/// A bulletin as a Word document in the official layout: the red masthead (版头) with its issue
/// number and date over a red rule, the title, 主送, the numbered sections, the 附件 list, the
/// signature with 代章 and the date, then each attachment on its own page (tables landscape).
public enum BulletinWord {
    public static let red = "FF0000"
    public static let lagging = "C00000"

    public static func document(_ b: Bulletin) -> WordDocument {
        typealias P = WordDocument.Paragraph
        typealias S = WordDocument.Size
        var blocks: [WordDocument.Block] = []
        let width = WordDocument.portraitTextWidth

        // 版头: the office in red 小标宋, sized to fit one line, then the kind.
        let officeSize = fittingSize(b.office, width: width, largest: 52)
        var office = P(b.office, alignment: .center, font: .xiaobiaosong, size: officeSize)
        office.runs = [.init(b.office, color: red)]
        office.spaceBeforeTwips = 0
        blocks.append(.paragraph(office))
        var kind = P(b.kind.masthead, alignment: .center, font: .xiaobiaosong, size: S.xiaochu + 8)
        kind.runs = [.init(b.kind.masthead, color: red)]
        kind.lineTwips = (S.xiaochu + 8) * 16
        blocks.append(.paragraph(kind))
        var issue = P(b.issueLine, alignment: .center, font: .fangsong, size: S.san)
        issue.spaceBeforeTwips = 120
        blocks.append(.paragraph(issue))
        // The office and date on one line, over the red rule.
        let lineSize = b.office.count + b.chineseDate.count > 24 ? S.si : S.san
        var line = P([.init(b.office), .init("\t" + b.chineseDate)], alignment: .left, font: .fangsong, size: lineSize)
        line.rightTab = width
        line.ruleBelow = red
        blocks.append(.paragraph(line))
        blocks.append(.paragraph(P("", alignment: .left)))

        // Title, 主送, opening.
        var title = P(b.title, alignment: .center, font: .xiaobiaosong, size: S.er)
        title.spaceAfterTwips = 0
        blocks.append(.paragraph(title))
        blocks.append(.paragraph(P("", alignment: .left)))
        blocks.append(.paragraph(P(b.recipients, alignment: .both)))
        blocks.append(.paragraph(.body(b.opening)))

        for (index, section) in b.sections.enumerated() {
            var heading = P("\(Bulletin.ordinal(index + 1))、\(section.heading)", alignment: .both, font: .heiti, size: S.san, firstLineChars: 2)
            heading.keepWithNext = true
            blocks.append(.paragraph(heading))
            for paragraph in section.paragraphs {
                var runs: [WordDocument.Run] = []
                if let lead = paragraph.lead { runs.append(.init(lead, font: .kaiti)) }
                runs.append(.init(paragraph.text))
                blocks.append(.paragraph(P(runs, alignment: .both, firstLineChars: 2)))
            }
        }

        // 附件 list: "附件：1．…", later ones aligned under the first name.
        if !b.annexes.isEmpty {
            blocks.append(.paragraph(P("", alignment: .left)))
            // Wrapped lines align with the first name (GB/T 9704 7.3.4): "附件：1．" is five characters from the
            // indent, "2．" two.
            for (index, annex) in b.annexes.enumerated() {
                let number = b.annexes.count > 1 ? "\(index + 1)．" : ""
                var p = P((index == 0 ? "附件：" : "") + number + annex.title, alignment: .both)
                p.leftChars = number.isEmpty ? 5 : 7
                p.hangingChars = index == 0 ? (number.isEmpty ? 3 : 5) : 2
                blocks.append(.paragraph(p))
            }
        }

        blocks += signature(office: b.office, seal: b.seal, date: b.chineseDate)

        var sections = [WordDocument.Section(blocks: blocks)]
        // Attachments: each on a new page; consecutive ones of one orientation share a section.
        for (index, annex) in b.annexes.enumerated() {
            let section = WordDocument.Section(blocks: [], landscape: annex.landscape)
            var label = P(b.annexes.count > 1 ? "附件\(index + 1)" : "附件", alignment: .left, font: .heiti, size: S.san)
            if let last = sections.last, last.landscape == annex.landscape, index > 0 {
                label.pageBreakBefore = true
            } else {
                sections.append(section)
            }
            var annexTitle = P(annex.title, alignment: .center, font: .xiaobiaosong, size: annex.landscape ? S.san + 4 : S.er)
            annexTitle.keepWithNext = true
            annexTitle.spaceAfterTwips = 120
            label.keepWithNext = true
            var tableBlocks: [WordDocument.Block] = [.paragraph(label), .paragraph(annexTitle), .table(table(annex.table, width: sections[sections.count - 1].textWidth))]
            if let note = annex.note {
                var p = P(note, alignment: .both, font: .fangsong, size: S.xiaosi)
                p.lineTwips = 360
                p.spaceBeforeTwips = 120
                tableBlocks.append(.paragraph(p))
            }
            sections[sections.count - 1].blocks += tableBlocks
        }
        var document = WordDocument(title: b.title, date: isoDate(b.date), sections: sections)
        document.pageNumbers = true
        return document
    }

    public static func data(_ b: Bulletin) throws -> Data { try document(b).data() }

    /// The signature of a bulletin or letter after two empty lines: the office and the seal note two
    /// characters in from the right, the date in Chinese four.
    static func signature(office: String, seal: String?, date: String) -> [WordDocument.Block] {
        func line(_ text: String, right: Int) -> WordDocument.Block {
            var p = WordDocument.Paragraph(text, alignment: .right)
            p.rightChars = right
            return .paragraph(p)
        }
        let empty = WordDocument.Block.paragraph(.init("", alignment: .left))
        return [empty, empty, line(office, right: 2)] + (seal.map { [line($0, right: 2)] } ?? []) + [line(date, right: 4)]
    }

    /// The largest size (half-points, at most `largest`) at which `text` fits one line of `width` twips.
    static func fittingSize(_ text: String, width: Int, largest: Int) -> Int {
        let chars = max(1, text.count)
        // A CJK character is one em wide: size/2 pt = size × 10 twips.
        // Nine tenths of it, for renderers whose substitute fonts run a little wider.
        let fit = width * 9 / (chars * 100)
        return max(WordDocument.Size.san, min(largest, fit - fit % 2))
    }

    static func isoDate(_ iso: String) -> Date {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return ZipArchiveWriter.fixedDate }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ChineseDate.timeZone
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) ?? ZipArchiveWriter.fixedDate
    }

    /// A bulletin table as a Word table: rows spanned downwards become vertical merges; widths
    /// share the page's text width; the header rows repeat on every page.
    static func table(_ t: Bulletin.Table, width: Int) -> WordDocument.Table {
        let total = max(1, t.widths.reduce(0, +))
        var widths = t.widths.map { width * $0 / total }
        if !widths.isEmpty { widths[widths.count - 1] += width - widths.reduce(0, +) }
        let columns = widths.count
        var pending: [Int: (left: Int, span: Int)] = [:]
        func layout(_ rows: [[Bulletin.Cell]]) -> [[WordDocument.Cell]] {
            var result: [[WordDocument.Cell]] = []
            for row in rows {
                var out: [WordDocument.Cell] = []
                var queue = row[...]
                var column = 0
                while column < columns {
                    if let covered = pending[column], covered.left > 0 {
                        out.append(WordDocument.Cell("", span: covered.span, verticalMerge: .continue))
                        pending[column] = covered.left > 1 ? (covered.left - 1, covered.span) : nil
                        column += covered.span
                        continue
                    }
                    guard let cell = queue.popFirst() else {
                        out.append(WordDocument.Cell(""))
                        column += 1
                        continue
                    }
                    let span = max(1, min(cell.span, columns - column))
                    var word = WordDocument.Cell(cell.text, span: span, verticalMerge: cell.rows > 1 ? .start : .none,
                                                 alignment: cell.left ? .left : .center)
                    if cell.mark == ProgressStatus.lagging.rawValue { word.color = lagging }
                    out.append(word)
                    if cell.rows > 1 { pending[column] = (cell.rows - 1, span) }
                    column += span
                }
                result.append(out)
            }
            return result
        }
        let head = layout(t.head).map { $0.map { cell -> WordDocument.Cell in var c = cell; c.bold = true; c.shade = "F2F2F2"; return c } }
        pending = [:]
        let body = layout(t.body)
        var table = WordDocument.Table(columnWidths: widths, rows: head + body, headerRows: head.count)
        table.size = columns > 14 ? WordDocument.Size.liu : columns > 9 ? WordDocument.Size.xiaowu : WordDocument.Size.wu
        return table
    }
}
