import Fluent
import MinshengData
import SQLKit
import Vapor

/// Health check and the stylesheet.
struct SystemController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.healthz, use: health)
        routes.get(SiteURL.stylesheet, use: stylesheet)
        routes.get(SiteURL.publicStylesheet, use: publicStylesheet)
    }

    /// 200 only while the database answers a query.
    func health(req: Request) async throws -> Response {
        do {
            _ = try await (try req.db.sql).raw("SELECT 1").all()
            return Response(status: .ok, body: .init(string: "ok"))
        } catch {
            return Response(status: .serviceUnavailable, body: .init(string: "database unavailable"))
        }
    }

    func stylesheet(req: Request) async throws -> Response { Self.css(Stylesheet.css) }

    /// The public pages' own small stylesheet.
    func publicStylesheet(req: Request) async throws -> Response { Self.css(PublicProjectPage.stylesheet) }

    static func css(_ text: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
