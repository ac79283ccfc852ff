import Foundation
import MinshengCore

/// Everything an instance is configured with, read from flags and the environment.
public struct AppConfig: Sendable {
    public enum Store: Sendable, Equatable {
        /// The embedded default: one SQLite file in the data directory.
        case sqliteFile(String)
        /// For tests: a private in-memory SQLite database.
        case sqliteMemory
        case postgres(url: String)
    }

    public var store: Store
    public var dataDirectory: String
    /// `MINSHENG_PUBLIC_URL`: the absolute address links and QR codes point to.
    public var publicURL: String
    public var bcryptCost: Int
    public var throttle: LoginThrottle
    /// Largest request body a form may send.
    public var maxBodySize: String
    /// Whether session cookies carry the Secure flag (set when the public URL is https).
    public var secureCookies: Bool
    /// `MINSHENG_UPLOAD_LIMIT_MB`: the largest evidence file, in bytes (default 50 MB).
    public var uploadLimit: Int = 50 * 1024 * 1024
    /// `MINSHENG_TRUSTED_PROXIES`: addresses of reverse proxies in front of the instance, comma
    /// separated. A request from one of them is taken to come from the last address its
    /// X-Forwarded-For names (the rating limits count per citizen, not per proxy).
    public var trustedProxies: Set<String> = []
    /// `MINSHENG_SECRET`: the instance's secret (keyed hashes of senders' addresses, the rating
    /// challenge's signatures), the same on every server of the instance. Without it, the secret
    /// the first migration generated and stored in the database is used — also shared by every
    /// server on that database. At least 32 characters.
    public var secret: String? = nil

    public init(store: Store, dataDirectory: String, publicURL: String, bcryptCost: Int = 12,
                throttle: LoginThrottle = LoginThrottle(), maxBodySize: String = "1mb") {
        self.store = store
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.bcryptCost = bcryptCost
        self.throttle = throttle
        self.maxBodySize = maxBodySize
        self.secureCookies = publicURL.lowercased().hasPrefix("https://")
    }

    /// Reads `DATABASE_URL`, `MINSHENG_DATA_DIR`, `MINSHENG_PUBLIC_URL`, `MINSHENG_UPLOAD_LIMIT_MB`, `MINSHENG_TRUSTED_PROXIES` and `MINSHENG_SECRET`, with flags taking precedence.
    public static func fromEnvironment(dataDirectory flag: String?, hostname: String, port: Int,
                                       environment: [String: String] = ProcessInfo.processInfo.environment) -> AppConfig {
        let directory = flag ?? environment["MINSHENG_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        let store: Store
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            store = .postgres(url: url)
        } else {
            store = .sqliteFile((directory as NSString).appendingPathComponent("minsheng.sqlite"))
        }
        let host = hostname == "0.0.0.0" || hostname == "::" ? "127.0.0.1" : hostname
        let publicURL = environment["MINSHENG_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://\(host):\(port)"
        var config = AppConfig(store: store, dataDirectory: directory, publicURL: publicURL)
        if let megabytes = environment["MINSHENG_UPLOAD_LIMIT_MB"].flatMap(Int.init), (1...2048).contains(megabytes) {
            config.uploadLimit = megabytes * 1024 * 1024
        }
        if let secret = environment["MINSHENG_SECRET"], !secret.isEmpty { config.secret = secret }
        if let proxies = environment["MINSHENG_TRUSTED_PROXIES"] {
            config.trustedProxies = Set(proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        return config
    }
}
