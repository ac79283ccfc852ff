import Foundation

/// What an uploaded file is, judged by its first bytes rather than its name: an executable
/// named `.jpg` is refused, a photo named `.pdf` is a photo.
public enum FileKind: String, CaseIterable, Sendable {
    case jpeg, png, gif, webp, heic
    case pdf
    /// Word / Excel / PowerPoint 2007+ and WPS's own formats saved as them: a zip container.
    case officeOpenXML = "ooxml"
    /// Word / Excel / PowerPoint 97–2003 and WPS (.wps, .et, .dps): a compound document.
    case compoundDocument = "ole2"
    case zip

    /// The bytes needed to judge a file.
    public static let prefixLength = 16

    /// The kind of a file from its first bytes, or nil when it is none Minsheng accepts.
    /// - Parameter name: the file's (sanitised) name; it only tells an OOXML document from a
    ///   plain zip, both of which begin with the same bytes.
    public static func sniff(_ prefix: [UInt8], name: String) -> FileKind? {
        func starts(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            prefix.count >= offset + bytes.count && Array(prefix[offset..<offset + bytes.count]) == bytes
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("ftyp".utf8), at: 4) && (starts(Array("heic".utf8), at: 8) || starts(Array("heix".utf8), at: 8)
                                                  || starts(Array("mif1".utf8), at: 8)) { return .heic }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .compoundDocument }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            let ext = (name as NSString).pathExtension.lowercased()
            return ["docx", "xlsx", "pptx", "docm", "xlsm"].contains(ext) ? .officeOpenXML : .zip
        }
        return nil
    }

    /// Shown in the browser rather than downloaded.
    public var previews: Bool { [.jpeg, .png, .gif, .webp, .pdf].contains(self) }

    public var isImage: Bool { [.jpeg, .png, .gif, .webp, .heic].contains(self) }

    /// The Content-Type a download is served with.
    public var contentType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .heic: "image/heic"
        case .pdf: "application/pdf"
        case .officeOpenXML, .zip, .compoundDocument: "application/octet-stream"
        }
    }

    public var label: String {
        switch self {
        case .jpeg, .png, .gif, .webp, .heic: "图片"
        case .pdf: "PDF 文档"
        case .officeOpenXML, .compoundDocument: "Office/WPS 文档"
        case .zip: "压缩包"
        }
    }

    /// What an upload may be, for the form's help text and refusals.
    public static let acceptedDescription = "图片（JPG、PNG、GIF、WebP、HEIC）、PDF、Word/Excel/PowerPoint/WPS 文档或 ZIP 压缩包"
}

/// File names as uploaded, made safe to store and to send back: no directories, no control or
/// invisible characters, no leading dots, at most 120 characters; Chinese is kept.
public enum SafeFileName {
    public static func clean(_ raw: String) -> String? {
        // Browsers on Windows send "C:\fakepath\…"; only the last component counts.
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var scalars = String.UnicodeScalarView()
        for scalar in last.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: continue
            default: break
            }
            if "<>:\"|?*".unicodeScalars.contains(scalar) { continue }
            scalars.append(scalar)
        }
        var name = String(scalars).trimmingCharacters(in: .whitespaces)
        while name.hasPrefix(".") { name.removeFirst() }
        name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name != "..", name != "." else { return nil }
        if name.count > 120 {
            let ext = (name as NSString).pathExtension
            let keep = ext.isEmpty || ext.count > 10 ? "" : "." + ext
            name = String(name.prefix(120 - keep.count)) + keep
        }
        return name
    }
}
