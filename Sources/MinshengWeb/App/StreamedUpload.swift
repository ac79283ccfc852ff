import Fluent
import Foundation
import MinshengCore
import MinshengData
import Vapor

/// A multipart form read as it arrives: text fields are kept (small), each file goes straight
/// into the blob store chunk by chunk, its kind judged by its first bytes. The form's first
/// part must be the CSRF token; nothing is stored before it is checked. On any refusal, and
/// when the request is cut off, what this request stored is removed again.
final class StreamedUpload: @unchecked Sendable {
    struct Refusal: Error { let message: String; let status: HTTPResponseStatus }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [EvidenceService.StoredFile] = []
    /// Keys of the files this request added to the store (content already there is not ours to remove).
    private var created: Set<String> = []
    private let store: any BlobStore
    private let expectedToken: String
    private let maxFiles: Int
    private var tokenChecked = false

    // The part being read.
    private var headers: [String: String] = [:]
    private var fieldBuffer: [UInt8] = []
    private var writer: (any BlobWriter)?
    private var fileName = ""
    private var refusal: Refusal?

    init(store: any BlobStore, expectedToken: String, maxFiles: Int = 20) {
        self.store = store
        self.expectedToken = expectedToken
        self.maxFiles = maxFiles
    }

    /// Reads the request's body. Throws a `Refusal` with a Chinese message.
    func read(_ req: Request) async throws {
        guard let contentType = req.headers.contentType, contentType.type == "multipart",
              let boundary = contentType.parameters["boundary"], !boundary.isEmpty else {
            throw Refusal(message: "请通过页面上的表单上传文件。", status: .badRequest)
        }
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { [unowned self] name, value in headers[name.lowercased()] = value; parsedPart = nil }
        parser.onBody = { [unowned self] buffer in body(&buffer) }
        parser.onPartComplete = { [unowned self] in partComplete() }
        do {
            for try await chunk in req.body {
                try parser.execute(chunk)
                if let refusal { throw refusal }
            }
            if let refusal { throw refusal }
            guard tokenChecked else { throw Refusal(message: "请求缺少有效的安全令牌，请刷新页面后重试。", status: .forbidden) }
            guard writer == nil else { throw Refusal(message: "上传没有完成，请重试。", status: .badRequest) }
        } catch {
            discard()
            if let refusal = error as? Refusal { throw refusal }
            throw Refusal(message: "上传中断，未保存任何内容，请重试。", status: .badRequest)
        }
    }

    /// After a refusal further on: removes the files this request stored that no evidence item,
    /// disclosure item, supervision photo or 验收标准 attachment uses (the store keeps identical content once, so one may be shared).
    func discardUnused(on db: any Database) async throws {
        let keys = files.map(\.key)
        guard !keys.isEmpty else { return discard() }
        let evidence = try await EvidenceFile.query(on: db).filter(\.$blobKey ~~ keys).all().map(\.blobKey)
        let disclosures = try await DisclosureFile.query(on: db).filter(\.$blobKey ~~ keys).all().map(\.blobKey)
        let supervision = try await SupervisionFile.query(on: db).filter(\.$blobKey ~~ keys).all().map(\.blobKey)
        let standards = try await IndicatorAttachment.query(on: db).filter(\.$blobKey ~~ keys).all().map(\.blobKey)
        discard(keeping: Set(evidence + disclosures + supervision + standards))
    }

    /// Removes the files this request added to the store, but those in `referenced`.
    func discard(keeping referenced: Set<String> = []) {
        writer?.abort()
        writer = nil
        for key in created where !referenced.contains(key) { try? store.remove(key) }
        files = []
        created = []
    }

    /// The part's name and file name, read once from its headers (the body arrives in many pieces).
    private var parsedPart: (name: String?, fileName: String?)?

    private var partHeaders: (name: String?, fileName: String?) {
        if let parsedPart { return parsedPart }
        let disposition = headers["content-disposition"] ?? ""
        let parsed = (Self.parameter("name", in: disposition), Self.parameter("filename", in: disposition))
        parsedPart = parsed
        return parsed
    }

    private var partName: String? { partHeaders.name }
    private var partFileName: String? { partHeaders.fileName }

    private func body(_ buffer: inout ByteBuffer) {
        guard refusal == nil else { return }
        let name = partName ?? ""
        if !tokenChecked {
            guard name == CSRFMiddleware.field else {
                refusal = Refusal(message: "请求缺少有效的安全令牌，请刷新页面后重试。", status: .forbidden)
                return
            }
        }
        if let raw = partFileName {
            // A file input left empty arrives as a part with an empty name and no bytes.
            if raw.isEmpty && buffer.readableBytes == 0 { return }
            if writer == nil {
                guard files.count < maxFiles else { refusal = Refusal(message: "一次最多上传 \(maxFiles) 个文件。", status: .unprocessableEntity); return }
                guard let clean = SafeFileName.clean(raw) else { refusal = Refusal(message: "文件名无效，请改名后重新上传。", status: .unprocessableEntity); return }
                do { writer = try store.begin() } catch { refusal = Refusal(message: "暂时无法保存文件，请稍后重试。", status: .internalServerError); return }
                fileName = clean
            }
            guard let writer else { return }
            do {
                try buffer.withUnsafeReadableBytes { try writer.write($0) }
            } catch BlobError.tooLarge(let limit) {
                refusal = Refusal(message: "“\(fileName)”超过 \(Self.size(limit)) 的大小上限。", status: .payloadTooLarge)
            } catch {
                refusal = Refusal(message: "暂时无法保存文件，请稍后重试。", status: .internalServerError)
            }
        } else {
            guard fieldBuffer.count + buffer.readableBytes <= 16 * 1024 else {
                refusal = Refusal(message: "表单内容过长。", status: .payloadTooLarge)
                return
            }
            fieldBuffer += buffer.readableBytesView
        }
    }

    private func partComplete() {
        defer { headers = [:]; fieldBuffer = []; fileName = ""; parsedPart = nil }
        guard refusal == nil else { return }
        let name = partName ?? ""
        if !tokenChecked {
            let sent = String(decoding: fieldBuffer, as: UTF8.self)
            guard name == CSRFMiddleware.field, !expectedToken.isEmpty, ConstantTime.equal(sent, expectedToken) else {
                refusal = Refusal(message: "请求缺少有效的安全令牌，请刷新页面后重试。", status: .forbidden)
                return
            }
            tokenChecked = true
            return
        }
        if partFileName != nil {
            guard let current = writer else {
                if !(partFileName ?? "").isEmpty { refusal = Refusal(message: "“\(SafeFileName.clean(partFileName ?? "") ?? "文件")”是空文件。", status: .unprocessableEntity) }
                return
            }
            writer = nil
            guard current.size > 0 else { current.abort(); refusal = Refusal(message: "“\(fileName)”是空文件。", status: .unprocessableEntity); return }
            guard let kind = FileKind.sniff(current.prefix, name: fileName) else {
                current.abort()
                refusal = Refusal(message: "“\(fileName)”不是可接受的文件类型。只能上传\(FileKind.acceptedDescription)。", status: .unprocessableEntity)
                return
            }
            do {
                let size = current.size
                let key = try current.finish()
                if current.isNew { created.insert(key) }
                files.append(.init(key: key, name: fileName, kind: kind, size: size))
            } catch {
                refusal = Refusal(message: "暂时无法保存文件，请稍后重试。", status: .internalServerError)
            }
        } else {
            fields[name] = String(decoding: fieldBuffer, as: UTF8.self)
        }
    }

    /// "50 MB", "64 KB".
    static func size(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? "\(bytes / 1024 / 1024) MB" : "\(max(1, bytes / 1024)) KB"
    }

    /// A parameter of a Content-Disposition header: `name="x"`, `filename="照片.jpg"`.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }
}
