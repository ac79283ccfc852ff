import Foundation
import ZIPFoundation

/// Zip archives built in memory: an .xlsx's parts, a region's posters.
public enum ZipArchiveWriter {
    /// Entries carry this date, not the clock's, so that the same parts make the same bytes
    /// (an issued bulletin, a re-exported table): 2000-01-01 00:00, within the ZIP's DOS range.
    public static let fixedDate = Date(timeIntervalSince1970: 946_684_800)

    /// The archive of the files (path inside the archive, bytes), deflated, in the given order.
    public static func archive(_ files: [(path: String, data: Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for file in files {
            let bytes = file.data
            try archive.addEntry(with: file.path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: fixedDate,
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<min(Int(position) + size, bytes.count))
            }
        }
        return archive.data ?? Data()
    }
}
