import Fluent
import MinshengCore
import MinshengData
import Vapor

/// 民生实事码上通: the public page of every project, for the whole plan and in each region that
/// runs it, and the QR codes that lead to them. No sign-in.
struct PublicController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.publicIndex, use: publicIndex)
        routes.get(SiteURL.publicRegion(id: .parameter), use: regionIndex)
        routes.get(SiteURL.publicItem(id: .parameter), use: item)
        routes.get(SiteURL.publicFile(id: .parameter), use: file)
        routes.get(SiteURL.publicProject(project: .parameter, region: nil), use: whole)
        routes.get(SiteURL.publicQR(project: .parameter, region: nil, format: "svg"), use: qrSVG)
        routes.get(SiteURL.publicQR(project: .parameter, region: nil, format: "png"), use: qrPNG)
        routes.get(SiteURL.publicProject(project: .parameter, region: .parameter), use: inRegion)
        routes.get(SiteURL.publicQR(project: .parameter, region: .parameter, format: "svg"), use: qrSVG)
        routes.get(SiteURL.publicQR(project: .parameter, region: .parameter, format: "png"), use: qrPNG)
        routes.get(SiteURL.publicPoster(project: .parameter, region: .parameter), use: poster)
        // Every poster of a region at once, for the office that prints them.
        routes.grouped(RequireSignIn()).get(SiteURL.posters(region: .parameter), use: posters)
        // The rating form is sent without a session: it checks the request's origin instead of a token.
        routes.on(.POST, SiteURL.publicFeedback(project: .parameter, region: nil), body: .collect(maxSize: "256kb"), use: feedback).checksOwnOrigin()
        routes.on(.POST, SiteURL.publicFeedback(project: .parameter, region: .parameter), body: .collect(maxSize: "256kb"), use: feedback).checksOwnOrigin()
    }

    /// `/p`: every region with projects to show.
    func publicIndex(req: Request) async throws -> Response {
        let regions = try await PublicProjectService(db: req.db).regionsWithProjects()
        return Self.publicHTML(PublicIndexPage(index: nil, regions: regions).render())
    }

    /// `/p/r/{region}`: a region's projects by plan (the short address posted beside the codes).
    func regionIndex(req: Request) async throws -> Response {
        guard let id = req.parameters.get("region", as: Int.self), let index = try await PublicProjectService(db: req.db).index(regionID: id) else {
            throw Abort(.notFound, reason: "没有找到该行政区划。")
        }
        return Self.publicHTML(PublicIndexPage(index: index).render())
    }

    static func publicHTML(_ html: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: html))
    }

    /// A public page that does not exist: the public index, never the sign-in page.
    static func publicNotFound(_ req: Request, message: String) async -> Response {
        let regions = (try? await PublicProjectService(db: req.db).regionsWithProjects()) ?? []
        return publicHTML(PublicIndexPage(index: nil, regions: regions, notice: message + "请从下面的行政区划中查找项目。").render(), status: .notFound)
    }

    struct FeedbackForm: Content {
        var rating: String?
        var text: String?
        var phone: String?
        var challenge: String?
        var answer: String?
    }

    /// A rating and/or an opinion from the public page. Accepted: a redirect to the page, which
    /// thanks the sender. Refused: the page itself (never cached) with the reason, the typed text
    /// kept, and a question to answer after a burst.
    func feedback(req: Request) async throws -> Response {
        let (project, region) = try ids(req)
        let form = (try? req.content.decode(FeedbackForm.self)) ?? FeedbackForm()
        // A browser that comes without an id (a phone's first rating: the cookie is only set in
        // this reply) gets one now, and this very submission is stored under it, so that one
        // rating per page per browser holds from the first.
        let existing = req.cookies[Self.browserCookie].map(\.string).flatMap { (id: String) in id.count == 32 && id.allSatisfy(\.isHexDigit) ? id : nil }
        let browser = existing ?? Self.newBrowserID()
        let newBrowser = existing == nil ? browser : nil
        let submission = FeedbackService.Submission(projectID: project, regionID: region, rating: form.rating ?? "", text: form.text ?? "",
                                                    phone: form.phone ?? "", address: req.senderAddress, browser: browser,
                                                    challengeToken: form.challenge, challengeAnswer: form.answer)
        let notice: PublicProjectPage.Notice
        let status: HTTPResponseStatus
        var question: FeedbackChallenge.Question? = nil
        let challenge = try await req.application.feedbackChallenge(on: req.db)
        do {
            _ = try await FeedbackService(db: req.db, secret: req.application.instanceSecret).submit(submission, challenge: challenge)
            // Post/redirect/get: the thanks come on the page itself (served from the cache), and a
            // reload does not send the form again.
            let sent = (form.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "rating" : "opinion"
            let path = SiteURL.publicProject(project: project, region: region).path
            return Self.withBrowserCookie(req.redirect(to: path + "?sent=" + sent + "#feedback", redirectType: .normal), req, newBrowser)
        } catch let error as ServiceError where error.kind != .notFound {
            notice = .init(ok: false, text: error.message)
            status = error.kind == .tooMany || error.kind == .challenge ? .tooManyRequests : .unprocessableEntity
            if error.kind == .challenge { question = challenge.issue() }
        }
        let page = try await page(req)
        // Refused: the page again, with the reason and what was typed.
        let typed = ["rating": form.rating ?? "", "text": String((form.text ?? "").prefix(2000)), "phone": String((form.phone ?? "").prefix(40))]
        let html = PublicProjectPage(page: page, url: Self.url(req, page), notice: notice, typed: typed, question: question).render()
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Self.withBrowserCookie(Response(status: status, headers: headers, body: .init(string: html)), req, newBrowser)
    }

    static let browserCookie = "minsheng_browser"

    /// A browser's random id: 16 random bytes in hex.
    static func newBrowserID() -> String {
        [UInt8].random(count: 16).hexEncodedString()
    }

    /// Gives a browser that came without one the id its submission was stored under.
    static func withBrowserCookie(_ response: Response, _ req: Request, _ newBrowser: String?) -> Response {
        if let id = newBrowser {
            response.cookies[browserCookie] = HTTPCookies.Value(string: id, expires: Date(timeIntervalSinceNow: 365 * 86_400), maxAge: nil, domain: nil,
                                                                path: SiteURL.publicIndex.path, isSecure: req.application.minsheng.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }

    /// The thanks shown after an accepted rating or opinion (`?sent=`), put into the cached page.
    static func thanks(_ body: ByteBuffer, sent: String) -> Response? {
        let text: String
        switch sent {
        case "rating": text = "感谢您的评价！页面上的统计稍后更新。"
        case "opinion": text = "感谢您的意见建议！责任单位将在规定时间内答复，答复将在本页公开。"
        default: return nil
        }
        let html = String(buffer: body)
        guard let marker = html.range(of: PublicProjectPage.feedbackMarker) else { return nil }
        let notice = "<div class=\"notice ok\" role=\"status\">\(text)</div>"
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let response = Response(status: .ok, headers: headers, body: .init(string: html.replacingCharacters(in: marker, with: html[marker] + notice)))
        SecurityHeadersMiddleware.apply(to: response)
        return response
    }

    private func ids(_ req: Request) throws -> (Int, Int?) {
        guard let project = req.parameters.get("project", as: Int.self) else { throw Abort(.notFound, reason: "没有找到这个民生实事项目。") }
        if let raw = req.parameters.get("region") {
            guard let region = Int(raw) else { throw Abort(.notFound, reason: "没有找到这个民生实事项目。") }
            return (project, region)
        }
        return (project, nil)
    }

    private func page(_ req: Request) async throws -> PublicProjectService.Page {
        let (project, region) = try ids(req)
        return try await PublicProjectPage.load(req, project: project, region: region)
    }

    func whole(req: Request) async throws -> Response { try await render(req) }
    func inRegion(req: Request) async throws -> Response { try await render(req) }

    private func render(_ req: Request) async throws -> Response {
        let (project, region) = try ids(req)
        let key = PublicPageCache.Key(project: project, region: region ?? 0)
        let cache = req.application.publicPages
        let sent = req.url.query == nil ? nil : try? req.query.get(String.self, at: "sent")
        if let cached = cache.get(key) {
            return sent.flatMap { Self.thanks(cached, sent: $0) } ?? PublicPageCache.response(cached)
        }
        let version = PublicVersion.shared.current
        let page = try await page(req)
        let body = ByteBuffer(string: PublicProjectPage(page: page, url: Self.url(req, page)).render())
        cache.put(key, body, version: version)
        return sent.flatMap { Self.thanks(body, sent: $0) } ?? PublicPageCache.response(body)
    }

    /// The printable A4 poster of a project in a region.
    func poster(req: Request) async throws -> Response {
        let page = try await page(req)
        let html = try Self.posterHTML(req, page)
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: "Content-Security-Policy", value: PosterPage.contentSecurityPolicy)
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }

    static func posterHTML(_ req: Request, _ page: PublicProjectService.Page) throws -> String {
        let url = url(req, page)
        return PosterPage(page: page, url: url).render(qrPNG: try QRCode(text: url, level: .quartile).png(moduleSize: 10))
    }

    /// Every poster of a region, one HTML file a project, in one zip.
    func posters(req: Request) async throws -> Response {
        guard let region = req.parameters.get("region", as: Int.self) else { throw Abort(.notFound, reason: "没有找到该行政区划。") }
        try AccessPolicy.read(region: region).check(req)
        let service = PublicProjectService(db: req.db)
        let projectIDs = try await service.projects(inRegion: region)
        var files: [(String, Data)] = []
        for id in projectIDs {
            guard let page = try await service.page(projectID: id, regionID: region) else { continue }
            let name = SafeFileName.clean("\(files.count + 1)-\(page.projectName).html") ?? "\(files.count + 1).html"
            files.append((name, Data(try Self.posterHTML(req, page).utf8)))
        }
        guard !files.isEmpty, let regionName = try await Region.find(region, on: req.db)?.name else {
            throw Abort(.notFound, reason: "该行政区划没有民生实事项目。")
        }
        let zip = try ZipArchiveWriter.archive(files)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "zip")
        headers.replaceOrAdd(name: .contentDisposition, value: Download.disposition("attachment", fileName: "\(regionName)亮码海报.zip"))
        return Response(status: .ok, headers: headers, body: .init(data: zip))
    }

    /// One published item in full.
    func item(req: Request) async throws -> Response {
        guard let id = req.parameters.get("item", as: Int.self),
              let item = try await Disclosure.query(on: req.db).filter(\.$id == id).with(\.$files).with(\.$unit).with(\.$project).first(),
              item.isPublished else {
            throw Abort(.notFound, reason: "没有找到这条信息，或已撤回。")
        }
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        return Response(status: .ok, headers: headers, body: .init(string: PublicItemPage(item: item).render()))
    }

    /// A file of a published item.
    func file(req: Request) async throws -> Response {
        guard let id = req.parameters.get("file", as: Int.self),
              let file = try await DisclosureFile.query(on: req.db).filter(\.$id == id).with(\.$disclosure).first(), file.disclosure.isPublished,
              let path = req.application.blobStore.path(for: file.blobKey) else {
            throw Abort(.notFound, reason: "没有找到这个文件。")
        }
        return try await Download.storedFile(req, path: path, name: file.name, kind: FileKind(rawValue: file.kind), cacheControl: "public, max-age=86400")
    }

    /// The page's absolute, stable address: what the QR code encodes.
    static func url(_ req: Request, _ page: PublicProjectService.Page) -> String {
        SiteURL.publicProject(project: page.projectID, region: page.isWhole ? nil : page.regionID).absolute(req.application.minsheng.publicURL)
    }

    /// Size (module pixels) and error-correction level from the query: `size=4…20`, `level=L|M|Q|H`.
    private func qr(_ req: Request) async throws -> (QRCode, Int) {
        let page = try await page(req)
        let levelText = (try? req.query.get(String.self, at: "level"))?.uppercased() ?? "M"
        guard let level = QRCode.Level(rawValue: levelText) else { throw Abort(.badRequest, reason: "纠错等级应为 L、M、Q 或 H。") }
        let size = (try? req.query.get(Int.self, at: "size")) ?? 8
        guard (2...20).contains(size) else { throw Abort(.badRequest, reason: "尺寸应在 2 至 20 之间。") }
        return (try QRCode(text: Self.url(req, page), level: level), size)
    }

    func qrSVG(req: Request) async throws -> Response {
        let (code, size) = try await qr(req)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return Response(status: .ok, headers: headers, body: .init(string: code.svg(moduleSize: size)))
    }

    func qrPNG(req: Request) async throws -> Response {
        let (code, size) = try await qr(req)
        var headers = HTTPHeaders()
        headers.contentType = .png
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return Response(status: .ok, headers: headers, body: .init(data: code.png(moduleSize: size)))
    }
}

/// Rendered public pages, kept for a short while: a page changes only when figures, a month's
/// closing, disclosure items or answers change. Each such change bumps `PublicVersion` — here at
/// once, on the other servers within a second of its commit (they read the shared version once a
/// second) — and the pages rendered before it are dropped.
final class PublicPageCache: @unchecked Sendable {
    struct Key: Hashable {
        var project: Int
        var region: Int  // 0: the project across its regions

        /// The key of `/p/{project}` or `/p/{project}/{region}`; nil for any other path.
        init?(path: String) {
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            guard parts.count == 2 || parts.count == 3, parts[0] == "p", let project = Int(parts[1]) else { return nil }
            if parts.count == 3 {
                guard let region = Int(parts[2]) else { return nil }
                self.init(project: project, region: region)
            } else {
                self.init(project: project, region: 0)
            }
        }

        init(project: Int, region: Int) {
            self.project = project
            self.region = region
        }
    }

    private struct Entry { var body: ByteBuffer; var version: PublicVersion.Value; var at: Date }
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    let lifetime: TimeInterval = 30
    let capacity = 5_000

    func get(_ key: Key) -> ByteBuffer? {
        lock.lock(); defer { lock.unlock() }
        guard let entry = entries[key], entry.version == PublicVersion.shared.current, Date().timeIntervalSince(entry.at) < lifetime else { return nil }
        return entry.body
    }

    func put(_ key: Key, _ body: ByteBuffer, version: PublicVersion.Value) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = Entry(body: body, version: version, at: Date())
    }

    /// A public page's response. The body's storage is shared, not copied.
    static func response(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: headers, body: .init(buffer: body))
    }

    /// A public page's headers, security headers included, built once.
    private static let headers: HTTPHeaders = {
        let response = Response(status: .ok)
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        SecurityHeadersMiddleware.apply(to: response)
        return response.headers
    }()
}

/// Answers a public project page that is already rendered straight from the event loop, before
/// Vapor's router and middlewares (an anonymous page needs no session, account or CSRF token) and
/// without a hop into Swift concurrency. Anything else, and a page not yet cached, goes on to the
/// normal responder, which renders and caches it.
struct PublicPageResponder: Responder {
    let next: any Responder
    let cache: PublicPageCache

    func respond(to request: Request) -> EventLoopFuture<Response> {
        guard request.method == .GET, request.url.query == nil, let key = PublicPageCache.Key(path: request.url.path),
              let body = cache.get(key) else {
            return next.respond(to: request)
        }
        return request.eventLoop.makeSucceededFuture(PublicPageCache.response(body))
    }
}

extension Application {
    /// Holds the challenge once its key is read (made at start-up, before requests share it).
    final class ChallengeHolder: @unchecked Sendable {
        private let lock = NSLock()
        private var challenge: FeedbackChallenge?
        func get(_ make: () async throws -> FeedbackChallenge) async throws -> FeedbackChallenge {
            if let challenge = lock.withLock({ challenge }) { return challenge }
            let made = try await make()
            lock.withLock { challenge = made }
            return made
        }
    }

    private struct ChallengeHolderKey: StorageKey { typealias Value = ChallengeHolder }

    var challengeHolder: ChallengeHolder {
        if let holder = storage[ChallengeHolderKey.self] { return holder }
        let holder = ChallengeHolder()
        storage[ChallengeHolderKey.self] = holder
        return holder
    }

    /// The challenge for bursts of ratings, keyed from the instance's secret: the same on every
    /// server of the instance, so a question asked by one is answered through any other.
    func feedbackChallenge(on db: any Database) async throws -> FeedbackChallenge {
        try await challengeHolder.get { FeedbackChallenge(key: try await instanceSecret.key(for: "feedback-challenge", on: db)) }
    }

    private struct PublicPagesKey: StorageKey { typealias Value = PublicPageCache }

    var publicPages: PublicPageCache {
        if let cache = storage[PublicPagesKey.self] { return cache }
        let cache = PublicPageCache()
        storage[PublicPagesKey.self] = cache
        return cache
    }
}
