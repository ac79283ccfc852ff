import Foundation

/// A real browser for the tests: headless Chromium (Debian's chromium), installed by the project's
/// own script when missing. `dumpDOM` loads a page and returns the document after its scripts ran.
enum Chromium {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func path() throws -> String {
        try TestTool.path(["/usr/bin/chromium", "/usr/bin/chromium-browser"], installer: "ensure-chromium.sh")
    }

    /// The DOM of `html` (served from a file) after Chromium has parsed it and run whatever
    /// scripts it would run.
    static func dumpDOM(_ html: String) throws -> String {
        let directory = NSTemporaryDirectory() + "minsheng-chromium-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/page.html"
        try html.write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        // No host resolves: a page that (wrongly) loads from elsewhere fails at once instead of
        // waiting for a network this machine does not have.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory)/profile",
                             "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=2000", "--dump-dom", "file://" + file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A browser that hangs is stopped after a minute (the test then fails, it does not hang).
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationStatus == 0, !output.isEmpty else { throw Failure(description: "chromium exited with \(process.terminationStatus)") }
        return String(decoding: output, as: UTF8.self)
    }
}
