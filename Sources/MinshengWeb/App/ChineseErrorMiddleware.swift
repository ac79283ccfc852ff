import MinshengCore
import MinshengData
import Vapor

/// Turns every error into a Chinese error page, or a JSON error for API requests, with the
/// right status. Nothing thrown on a request path reaches the client in English or crashes.
struct ChineseErrorMiddleware: AsyncMiddleware {
    let environment: Environment

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            let response = try await next.respond(to: request)
            // A public address that matches no route: the public index, not a staff page.
            if response.status == .notFound, Self.isPublic(request) { return await PublicController.publicNotFound(request, message: "没有找到这个页面。") }
            return response
        } catch {
            let (status, message, _) = Self.classify(error)
            if status == .notFound, Self.isPublic(request), !request.wantsJSON {
                return await PublicController.publicNotFound(request, message: message)
            }
            return Self.response(for: error, request: request)
        }
    }

    /// The public site (民生实事码上通): `/p` and below, seen by citizens without an account.
    static func isPublic(_ request: Request) -> Bool {
        let path = request.url.path
        return request.method == .GET && (path == "/p" || path.hasPrefix("/p/"))
    }

    static func classify(_ error: any Error) -> (HTTPResponseStatus, String, [String]) {
        switch error {
        case let refusal as ImportRefusal:
            return (.unprocessableEntity, "导入失败，文件中有 \(refusal.problems.count) 处问题，未写入任何数据。", refusal.problems.map(\.description))
        case let service as ServiceError:
            let status: HTTPResponseStatus
            switch service.kind {
            case .invalid: status = .unprocessableEntity
            case .notFound: status = .notFound
            case .forbidden: status = .forbidden
            case .conflict: status = .conflict
            case .tooMany, .challenge: status = .tooManyRequests
            case .busy: status = .serviceUnavailable
            }
            return (status, service.message, [])
        case let abort as any AbortError:
            let reason = abort.reason
            return (abort.status, containsChinese(reason) ? reason : defaultMessage(for: abort.status), [])
        case let error where WriteErrors.isBusy(error):
            // The database stayed busy past its wait (another process writing): try again soon.
            return (.serviceUnavailable, busyMessage, [])
        case is DecodingError:
            return (.badRequest, "提交的内容不完整或格式不正确，请检查后重试。", [])
        default:
            return (.internalServerError, defaultMessage(for: .internalServerError), [])
        }
    }

    static func response(for error: any Error, request: Request) -> Response {
        let (status, message, details) = classify(error)
        if status == .internalServerError {
            request.logger.report(error: error)
        }
        if request.wantsJSON {
            let body = ErrorBody(error: true, status: Int(status.code), reason: message, details: details.isEmpty ? nil : details)
            let response = Response(status: status)
            try? response.content.encode(body, as: .json)
            if status == .serviceUnavailable { response.headers.replaceOrAdd(name: .retryAfter, value: retryAfter) }
            return response
        }
        if status == .unauthorized {
            let path = request.url.path
            let target = request.method == .GET && path.hasPrefix("/") && !path.hasPrefix("//") ? path : "/"
            return request.redirect(to: SiteURL.login(next: target).path)
        }
        let html = ErrorPage(status: status, message: message, details: details).render(in: PageContext(request: request))
        var headers = HTTPHeaders()
        headers.contentType = .html
        if status == .serviceUnavailable { headers.replaceOrAdd(name: .retryAfter, value: retryAfter) }
        return Response(status: status, headers: headers, body: .init(string: html))
    }

    struct ErrorBody: Content {
        var error: Bool
        var status: Int
        var reason: String
        var details: [String]?
    }

    static let busyMessage = "系统正忙（同时提交的人较多），您的修改尚未保存，请稍候几秒再提交。"
    /// Seconds a client is asked to wait before it tries a refused write again.
    static let retryAfter = "5"

    static func containsChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
    }

    static func defaultMessage(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: return "请求格式不正确。"
        case 401: return "请先登录。"
        case 403: return "您没有访问此页面的权限。"
        case 404: return "您访问的页面不存在。"
        case 405: return "不支持该请求方式。"
        case 413: return "提交的内容过大，超出了允许的上限。"
        case 415: return "不支持该内容格式。"
        case 422: return "提交的内容有误，请检查后重试。"
        case 429: return "请求过于频繁，请稍后再试。"
        case 500...599: return "服务器内部错误，请稍后重试。如问题持续，请联系管理员。"
        default: return "请求未能完成（状态码 \(status.code)）。"
        }
    }
}
