import MinshengData
import Vapor

/// Vapor's session driver over `SessionStore`: keys are kept hashed, sessions expire on the server
/// (idle and absolute limits), and an account's sessions end when it is disabled or its password
/// changes.
struct ServerSessions: AsyncSessionDriver {
    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        // A session with nothing in it (a stale or made-up cookie came in) is not stored: every
        // request with a random cookie would otherwise write a row.
        guard !data.snapshot.isEmpty else { return SessionID(string: "") }
        return SessionID(string: try await SessionStore(db: request.db).create(data.snapshot))
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        try await SessionStore(db: request.db).read(sessionID.string).map { SessionData(initialData: $0) }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        do {
            try await SessionStore(db: request.db).update(sessionID.string, to: data.snapshot)
        } catch let error as ServiceError where error.kind == .busy {
            // The request's own work is done; a last-use mark that could not be written is not
            // worth an error page (it is written with the next request).
            request.logger.notice("session not updated: database busy")
        }
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await SessionStore(db: request.db).delete(sessionID.string)
    }
}

extension Request {
    /// Starts a new session holding `values` in place of the current one (sign-in): a session id
    /// known before sign-in, planted or not, is worth nothing after it.
    func renewSession(with values: [String: String]) async throws {
        if hasSession, let old = session.id {
            try await SessionStore(db: db).delete(old.string)
            session.id = nil
        }
        for key in session.data.snapshot.keys { session.data[key] = nil }
        for (key, value) in values { session.data[key] = value }
    }
}
