import ArgumentParser
import Foundation
import MinshengData
import MinshengWeb

/// `minsheng backup --output FILE`: one consistent archive of the database and the files, made
/// while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write one consistent archive of the database and the files (while the server runs).")

    @OptionGroup var store: StoreOptions
    @ArgumentParser.Option(name: .long, help: "The archive to write (must not exist yet).") var output: String

    func run() async throws {
        let config = store.config()
        // The database is backed up as it is: a newer build must not upgrade it under a server
        // still running the previous version.
        try await withApp(config, migrate: false) { app in
            guard let pending = try await Bootstrap.pendingMigrations(app) else {
                throw CLIError("\(describe(config)) 中没有民生实事管理平台的数据，未写入备份。")
            }
            guard pending.isEmpty else {
                throw CLIError("数据库尚未升级到本程序的版本（待执行的迁移：\(pending.joined(separator: "、"))），未写入备份。请用与正在运行的服务相同版本的程序备份。")
            }
            let summary = try await Backup.write(from: app.db, files: app.blobStore, to: output)
            say("已写入备份 \(output)：\(summary.tables) 张数据表共 \(summary.rows) 行，\(summary.files) 个文件（\(Self.size(summary.fileBytes))）。数据库：\(describe(config))")
            if !summary.missingFiles.isEmpty {
                say("注意：数据中登记的 \(summary.missingFiles.count) 个文件在文件目录中找不到，未能写入备份：")
                summary.missingFiles.prefix(20).forEach { say("  \($0)") }
            }
            say("备份含密码散列和实例密钥，请像保管数据库一样保管它。")
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) : String(format: "%.1f KB", Double(bytes) / 1024)
    }
}

/// `minsheng restore FILE`: an archive of `minsheng backup` into an empty instance, on SQLite or
/// PostgreSQL whichever the archive came from.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore an archive of `minsheng backup` into an empty instance (SQLite or PostgreSQL).")

    @OptionGroup var store: StoreOptions
    @ArgumentParser.Argument(help: "The archive written by `minsheng backup`.") var file: String

    func run() async throws {
        let config = store.config()
        try await withApp(config) { app in
            let summary = try await Restore.run(archive: file, into: app.db, files: app.restoreBlobStore, scratch: app.minsheng.dataDirectory)
            say("已从 \(file) 恢复：\(summary.tables) 张数据表共 \(summary.rows) 行，\(summary.files) 个文件。数据库：\(describe(config))")
            if !summary.missingFiles.isEmpty {
                say("注意：备份时已缺失的 \(summary.missingFiles.count) 个文件仍然缺失（数据中登记了，但备份里没有）：")
                summary.missingFiles.prefix(20).forEach { say("  \($0)") }
            }
            if let note = summary.note { say("注意：" + note) }
        }
    }
}
