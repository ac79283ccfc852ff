import Foundation

/// Reads QR codes back with an independent decoder: zbarimg (Debian's zbar-tools), installed by
/// the project's own script when missing.
enum ZBar {
    static func path() throws -> String {
        try TestTool.path(["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"], installer: "ensure-zbar.sh")
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
