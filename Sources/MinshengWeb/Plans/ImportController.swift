import Fluent
import MinshengCore
import MinshengData
import Vapor

/// Importing plans and monthly progress: the upload page, the HTTP API and the templates.
struct ImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(RequireSignIn()).grouped(RequireDuty(.office))
        admin.get(SiteURL.imports, use: page)
        let limit = ByteCount(value: CSRFMiddleware.uploadLimit)
        admin.on(.POST, SiteURL.importPlan, body: .collect(maxSize: limit), use: uploadPlan).takesUploads()
        admin.on(.POST, SiteURL.importProgress, body: .collect(maxSize: limit), use: uploadProgress).takesUploads()
        routes.grouped(RequireSignIn()).get(SiteURL.template(name: .parameter), use: template)
        // The same imports for programs: JSON answers, a token in the header.
        admin.on(.POST, SiteURL.apiImportPlan, body: .collect(maxSize: limit), use: apiPlan).takesUploads()
        admin.on(.POST, SiteURL.apiImportProgress, body: .collect(maxSize: limit), use: apiProgress).takesUploads()
    }

    enum Kind: String { case plan, progress }

    struct ImportResult: Content { var message: String }

    struct UploadForm: Content {
        var region: Int
        var year: Int
        var file: File
        /// "1": the office confirmed that the regions the file names may be created.
        var createRegions: String?
    }

    // MARK: - Pages

    func page(req: Request) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        return req.page(ImportPage(principal: principal, outcome: nil, year: try await Self.latestYear(req.db)).render(in: PageContext(request: req)))
    }

    func uploadPlan(req: Request) async throws -> Response { try await upload(req, kind: .plan) }
    func uploadProgress(req: Request) async throws -> Response { try await upload(req, kind: .progress) }

    private func upload(_ req: Request, kind: Kind) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        let form: UploadForm
        do {
            form = try req.content.decode(UploadForm.self)
        } catch {
            return req.page(ImportPage(principal: principal, outcome: .failure(kind, ["请选择行政区划、年度和要导入的文件。"]), year: try await Self.latestYear(req.db))
                .render(in: PageContext(request: req)), status: .badRequest)
        }
        try AccessPolicy.officeOf(region: form.region).check(req)
        let regionName = principal.tree[form.region]?.name ?? ""
        do {
            let message = try await run(kind, data: Data(buffer: form.file.data), fileName: form.file.filename,
                                        regionName: regionName, year: form.year, createRegions: form.createRegions == "1",
                                        accountID: principal.accountID, db: req.db)
            req.notify(message)
            return req.redirect(to: SiteURL.imports.path)
        } catch let refusal as ImportRefusal {
            return req.page(ImportPage(principal: principal, outcome: .failure(kind, refusal.problems.map(\.description)), year: form.year)
                .render(in: PageContext(request: req)), status: .unprocessableEntity)
        }
    }

    /// The year the forms start with: the latest year with a plan, else this year.
    static func latestYear(_ db: any Database) async throws -> Int {
        try await Year.query(on: db).max(\.$year) ?? Calendar(identifier: .gregorian).component(.year, from: Date())
    }

    /// Reads, checks and writes a file; the message says what was written.
    private func run(_ kind: Kind, data: Data, fileName: String?, regionName: String, year: Int, createRegions: Bool = false, accountID: Int,
                     db: any Database) async throws -> String {
        guard (2000...2100).contains(year) else { throw ImportRefusal([ImportProblem(row: nil, column: nil, reason: "年度应在 2000 至 2100 之间。")]) }
        let rows = try TableFile.rows(data, fileName: fileName)
        let importer = PlanImporter(db: db)
        switch kind {
        case .plan:
            let summary = try await importer.importPlan(try PlanFile.parse(rows: rows), regionName: regionName, year: year,
                                                          createRegions: createRegions, by: accountID)
            var text = "已导入\(regionName) \(year) 年计划：新增 \(summary.items) 个实事、\(summary.projects) 个项目、\(summary.indicators) 个指标，写入 \(summary.targets) 条任务分解。"
            if !summary.regionsCreated.isEmpty { text += "新建行政区划：" + summary.regionsCreated.joined(separator: "、") + "。" }
            return text
        case .progress:
            let summary = try await importer.importProgress(try ProgressFile.parseCollecting(rows: rows), regionName: regionName, year: year, by: accountID)
            return "已导入\(regionName) \(year) 年进度：新增 \(summary.written) 条，更新 \(summary.replaced) 条，未变 \(summary.unchanged) 条，忽略汇总行 \(summary.aggregateRowsIgnored) 条。"
        }
    }

    func template(req: Request) async throws -> Response {
        _ = try AccessPolicy.signedIn.check(req)
        let name = req.parameters.get("name") ?? ""
        let parts = name.split(separator: ".")
        guard parts.count == 2, let kind = ImportTemplate.Kind(rawValue: String(parts[0])), ["csv", "xlsx"].contains(parts[1]) else {
            throw Abort(.notFound, reason: "没有该模板。")
        }
        if parts[1] == "csv" {
            return Download.response(ImportTemplate.csv(kind), fileName: kind.title + ".csv", type: .csv)
        }
        return Download.response(try ImportTemplate.xlsx(kind), fileName: kind.title + ".xlsx", type: .xlsx)
    }

    // MARK: - API

    func apiPlan(req: Request) async throws -> Response { try await api(req, kind: .plan) }
    func apiProgress(req: Request) async throws -> Response { try await api(req, kind: .progress) }

    /// `POST /api/imports/{plan|progress}?region=NAME&year=YYYY` with the file as the body;
    /// `X-File-Name` (or a `.xlsx` content type) tells an .xlsx from a CSV when the bytes alone do not.
    private func api(_ req: Request, kind: Kind) async throws -> Response {
        let principal = try AccessPolicy.office.check(req)
        guard let regionName = try? req.query.get(String.self, at: "region"), let year = try? req.query.get(Int.self, at: "year") else {
            throw Abort(.badRequest, reason: "请在查询参数中给出 region（行政区划名称）和 year（年度）。")
        }
        guard let region = principal.tree.subtree(of: principal.regionID).first(where: { $0.name == regionName }) else {
            throw Abort(.notFound, reason: "没有名为“\(regionName)”的行政区划，或您无权管理。")
        }
        try AccessPolicy.officeOf(region: region.id).check(req)
        let data = req.body.data.map { Data(buffer: $0) } ?? Data()
        var fileName = req.headers.first(name: "X-File-Name")?.removingPercentEncoding
        if fileName == nil, req.headers.contentType?.subType.contains("spreadsheetml") == true { fileName = "upload.xlsx" }
        let message = try await run(kind, data: data, fileName: fileName, regionName: regionName, year: year, accountID: principal.accountID, db: req.db)
        let response = Response(status: .ok)
        try response.content.encode(ImportResult(message: message), as: .json)
        return response
    }
}

/// File downloads with their Chinese names intact (RFC 6266 / RFC 5987).
enum Download {
    enum Kind {
        case csv, xlsx, json, docx
        var mediaType: HTTPMediaType {
            switch self {
            case .docx: return HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.wordprocessingml.document")
            case .csv: return HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            case .xlsx: return HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            case .json: return .json
            }
        }
    }

    /// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 / 5987): an ASCII fallback and the
    /// Chinese name for browsers that read it.
    static func disposition(_ type: String, fileName: String) -> String {
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_"))) ?? "download"
        let ascii = String(fileName.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }.map(Character.init))
        let fallback = ascii.trimmingCharacters(in: .whitespaces).isEmpty || ascii.hasPrefix(".") ? "download" + (fileName.split(separator: ".").last.map { "." + $0 } ?? "") : ascii
        return "\(type); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }

    /// A stored file (evidence, a disclosure's attachment): streamed, inline where the browser
    /// previews it, its name kept. Nothing served so may run script in the site's origin; PDFs
    /// are left to the browser's viewer, which a sandboxed document would block.
    static func storedFile(_ req: Request, path: String, name: String, kind: FileKind?, cacheControl: String) async throws -> Response {
        let response = try await req.fileio.asyncStreamFile(at: path)
        let type = (kind?.contentType ?? "application/octet-stream").split(separator: "/")
        response.headers.contentType = HTTPMediaType(type: String(type.first ?? "application"), subType: String(type.last ?? "octet-stream"))
        response.headers.replaceOrAdd(name: .contentDisposition, value: disposition(kind?.previews == true ? "inline" : "attachment", fileName: name))
        response.headers.replaceOrAdd(name: .cacheControl, value: cacheControl)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        if kind != .pdf {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
        }
        return response
    }

    static func response(_ data: Data, fileName: String, type: Kind) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = type.mediaType
        headers.replaceOrAdd(name: .contentDisposition, value: disposition("attachment", fileName: fileName))
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
