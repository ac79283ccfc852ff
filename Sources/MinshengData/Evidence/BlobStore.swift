import Crypto
import Foundation

/// Where uploaded files live. The default keeps them under the data directory, named by the
/// SHA-256 of their content; an object store can take its place behind this interface.
public protocol BlobStore: Sendable {
    /// Starts a new file; chunks are written as they arrive, never held whole in memory.
    func begin() throws -> any BlobWriter
    /// The stored file's location for streaming it back, or nil when it is missing.
    func path(for key: String) -> String?
    func remove(_ key: String) throws
}

public protocol BlobWriter: AnyObject, Sendable {
    /// Appends a chunk. Throws `BlobError.tooLarge` once the file passes `limit` bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// The first bytes written, for judging the file's kind.
    var prefix: [UInt8] { get }
    var size: Int { get }
    /// Completes the file and returns its key (the content's SHA-256, hex).
    func finish() throws -> String
    /// After `finish`: whether the content was new to the store (else it was there already, and
    /// may belong to someone else).
    var isNew: Bool { get }
    /// Discards everything written.
    func abort()
}

public enum BlobError: Error, Equatable, Sendable {
    case tooLarge(limit: Int)
    case io(String)
}

/// Files under `root/aa/bb/<sha256>`: the same content uploaded twice is stored once.
public struct LocalBlobStore: BlobStore {
    public let root: String
    /// The most bytes one file may have.
    public let limit: Int

    public init(root: String, limit: Int) {
        self.root = root
        self.limit = limit
    }

    public func begin() throws -> any BlobWriter {
        let incoming = root + "/incoming"
        // Evidence is for the server's account alone, whatever the process's umask.
        try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return try LocalBlobWriter(store: self, temporary: incoming + "/" + UUID().uuidString)
    }

    func finalPath(_ key: String) -> String {
        let a = key.prefix(2), b = key.dropFirst(2).prefix(2)
        return "\(root)/\(a)/\(b)/\(key)"
    }

    public func path(for key: String) -> String? {
        guard key.count == 64, key.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        let path = finalPath(key)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    public func remove(_ key: String) throws {
        guard let path = path(for: key) else { return }
        try FileManager.default.removeItem(atPath: path)
    }
}

final class LocalBlobWriter: BlobWriter, @unchecked Sendable {
    private let store: LocalBlobStore
    private let temporary: String
    private let handle: FileHandle
    private var hasher = SHA256()
    private var head: [UInt8] = []
    private var written = 0
    private var closed = false
    private var stored = false
    /// Bytes not yet written to the file: parsers hand over many small pieces, and a write
    /// per piece would cost a system call each.
    private var pending: [UInt8] = []
    private static let flushSize = 256 * 1024
    private let lock = NSLock()

    init(store: LocalBlobStore, temporary: String) throws {
        self.store = store
        self.temporary = temporary
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary) else { throw BlobError.io("无法创建临时文件。") }
        self.handle = handle
    }

    var prefix: [UInt8] { lock.lock(); defer { lock.unlock() }; return head }
    var size: Int { lock.lock(); defer { lock.unlock() }; return written }
    var isNew: Bool { lock.lock(); defer { lock.unlock() }; return stored }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        lock.lock(); defer { lock.unlock() }
        guard !closed else { throw BlobError.io("文件已关闭。") }
        guard written + bytes.count <= store.limit else { throw BlobError.tooLarge(limit: store.limit) }
        if head.count < 64 { head.append(contentsOf: bytes.prefix(64 - head.count)) }
        hasher.update(bufferPointer: bytes)
        pending.append(contentsOf: bytes)
        written += bytes.count
        if pending.count >= Self.flushSize { try flush() }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }

    func finish() throws -> String {
        lock.lock(); defer { lock.unlock() }
        guard !closed else { throw BlobError.io("文件已关闭。") }
        closed = true
        do {
            try flush()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw BlobError.io("保存文件失败。")
        }
        let key = hasher.finalize().hex
        let destination = store.finalPath(key)
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
            if manager.fileExists(atPath: destination) {
                try manager.removeItem(atPath: temporary)
            } else {
                try manager.moveItem(atPath: temporary, toPath: destination)
                stored = true
            }
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw BlobError.io("保存文件失败。")
        }
        return key
    }

    func abort() {
        lock.lock(); defer { lock.unlock() }
        if !closed { try? handle.close() }
        closed = true
        try? FileManager.default.removeItem(atPath: temporary)
    }

    deinit {
        // A writer dropped without finishing (a request cut off) leaves nothing behind.
        if !closed {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
        }
    }
}
