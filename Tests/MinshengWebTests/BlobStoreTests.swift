import Foundation
import MinshengData
import XCTest

/// The file store behind evidence uploads: content-addressed, streamed, nothing left of a
/// refused or abandoned upload.
final class BlobStoreTests: XCTestCase {
    private func store(limit: Int = 1_000) throws -> (LocalBlobStore, String) {
        let root = NSTemporaryDirectory() + "minsheng-blobs-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        return (LocalBlobStore(root: root, limit: limit), root)
    }

    private func leftovers(_ root: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root + "/incoming")) ?? []
    }

    func testFilesAreNamedByTheirSHA256AndStoredOnce() throws {
        let (store, root) = try store()
        // FIPS 180-2 test vector: SHA-256("abc")
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        for _ in 0..<2 {
            let writer = try store.begin()
            try Array("a".utf8).withUnsafeBytes { try writer.write($0) }
            try Array("bc".utf8).withUnsafeBytes { try writer.write($0) }
            XCTAssertEqual(writer.prefix, Array("abc".utf8))
            XCTAssertEqual(writer.size, 3)
            XCTAssertEqual(try writer.finish(), expected)
        }
        let path = try XCTUnwrap(store.path(for: expected))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "abc")
        XCTAssertEqual(leftovers(root), [])
        XCTAssertNil(store.path(for: "../../etc/passwd"))
        XCTAssertNil(store.path(for: String(repeating: "0", count: 64)), "unknown key")
    }

    func testAFileOverTheLimitIsRefusedAndAbandonedUploadsLeaveNothing() throws {
        let (store, root) = try store(limit: 10)
        let writer = try store.begin()
        try Array(repeating: UInt8(1), count: 8).withUnsafeBytes { try writer.write($0) }
        XCTAssertThrowsError(try Array(repeating: UInt8(1), count: 3).withUnsafeBytes { try writer.write($0) }) { error in
            XCTAssertEqual(error as? BlobError, .tooLarge(limit: 10))
        }
        writer.abort()
        XCTAssertEqual(leftovers(root), [])
        // a writer dropped half-way (the request was cut off) removes its temporary file
        do {
            let dropped = try store.begin()
            try Array(repeating: UInt8(2), count: 5).withUnsafeBytes { try dropped.write($0) }
            XCTAssertEqual(leftovers(root).count, 1)
        }
        XCTAssertEqual(leftovers(root), [])
    }
}
