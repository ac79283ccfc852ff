import Foundation

/// Reads QR codes back with an independent decoder: zbarimg (Debian's zbar-tools), installed by
/// the project's own script when missing.
enum ZBar {
    static func path() throws -> String {
        for path in ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"] where FileManager.default.isExecutableFile(atPath: path) { return path }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Scripts/ensure-zbar.sh").standardized.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "zbarimg is missing and could not be installed (Scripts/ensure-zbar.sh)"])
        }
        return "/usr/bin/zbarimg"
    }

    /// The text of the one QR code in the PNG.
    static func decode(_ png: Data) throws -> String {
        let file = NSTemporaryDirectory() + "minsheng-qr-\(UUID().uuidString).png"
        try png.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = ["--raw", "-q", "-Sbinary", file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var text = String(decoding: output, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
