import MinshengData
import XCTest

// XCTest's assertions take synchronous autoclosures; these take asynchronous ones, so a test can
// assert on a database read in one line.

func XCTAssertEqualAsync<T: Equatable>(_ expression: @autoclosure () async throws -> T, _ expected: @autoclosure () throws -> T,
                                       _ message: String = "", file: StaticString = #filePath, line: UInt = #line) async throws {
    let value = try await expression()
    XCTAssertEqual(value, try expected(), message, file: file, line: line)
}

func XCTAssertNilAsync<T>(_ expression: @autoclosure () async throws -> T?, _ message: String = "",
                          file: StaticString = #filePath, line: UInt = #line) async throws {
    let value = try await expression()
    XCTAssertNil(value, message, file: file, line: line)
}

func XCTAssertTrueAsync(_ expression: @autoclosure () async throws -> Bool, _ message: String = "",
                        file: StaticString = #filePath, line: UInt = #line) async throws {
    let value = try await expression()
    XCTAssertTrue(value, message, file: file, line: line)
}

func XCTAssertFalseAsync(_ expression: @autoclosure () async throws -> Bool, _ message: String = "",
                         file: StaticString = #filePath, line: UInt = #line) async throws {
    let value = try await expression()
    XCTAssertFalse(value, message, file: file, line: line)
}

func XCTUnwrapAsync<T>(_ expression: @autoclosure () async throws -> T?, _ message: String = "",
                       file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    let value = try await expression()
    return try XCTUnwrap(value, message, file: file, line: line)
}

/// The service error an async expression throws (nil, and a failure, when it throws none or another error).
@discardableResult
func XCTAssertServiceErrorAsync<T>(_ expression: @autoclosure () async throws -> T, _ kind: ServiceError.Kind, _ message: String = "",
                                   file: StaticString = #filePath, line: UInt = #line) async -> ServiceError? {
    do {
        _ = try await expression()
        XCTFail("no error thrown. \(message)", file: file, line: line)
    } catch let error as ServiceError {
        XCTAssertEqual(error.kind, kind, "\(error.message) \(message)", file: file, line: line)
        return error
    } catch {
        XCTFail("\(error) \(message)", file: file, line: line)
    }
    return nil
}
