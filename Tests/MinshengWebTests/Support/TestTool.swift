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
