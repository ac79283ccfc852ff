import Foundation

/// An outside program the tests check our output with, installed by the project's own script
/// (Scripts/ensure-*.sh, also called by .ci/run) when it is missing.
enum TestTool {
    struct Missing: Error, CustomStringConvertible { let description: String }

    static func path(_ candidates: [String], installer: String) throws -> String {
        if let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) { return found }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Scripts/\(installer)").standardized.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Missing(description: "\(candidates[0]) is missing and could not be installed (Scripts/\(installer))")
        }
        return found
    }
}

extension TestTool {
    struct Failed: Error, CustomStringConvertible { let description: String }

    /// Runs a tool and returns its standard output; a non-zero exit is an error with its output.
    static func run(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "\(path) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
