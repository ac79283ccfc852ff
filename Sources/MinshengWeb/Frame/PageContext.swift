import Vapor

/// What every page needs from the request: who is signed in, the CSRF token, the current
/// path for navigation, and a one-time notice left by the previous request.
struct PageContext {
    enum Notice {
        case success(String)
        case failure(String)
    }

    let principal: Principal?
    let csrf: String
    let path: String
    let notice: Notice?

    /// A context made by hand (snapshot tests render pages from fixture models with it).
    init(principal: Principal?, csrf: String, path: String, notice: Notice? = nil) {
        self.principal = principal
        self.csrf = csrf
        self.path = path
        self.notice = notice
    }

    init(request: Request) {
        principal = request.principal
        // Only a signed-in account gets a token (and so a stored session) for a page: the forms that
        // anonymous visitors send (sign-in, ratings) check where they come from instead.
        csrf = request.principal != nil ? request.csrfToken() : ""
        path = request.url.path
        if request.hasSession, let raw = request.session.data["notice"] {
            request.session.data["notice"] = nil
            notice = raw.hasPrefix("ok:") ? .success(String(raw.dropFirst(3))) : .failure(String(raw.dropFirst(4)))
        } else {
            notice = nil
        }
    }
}

extension Request {
    /// Leaves a notice for the next page (after a redirect).
    func notify(_ message: String, success: Bool = true) {
        session.data["notice"] = (success ? "ok:" : "err:") + message
    }

    /// A page rendered as an HTML response.
    func page(_ html: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: html))
    }
}
