import MinshengCore
import MinshengData
import Vapor

/// JSON for signed-in clients: who am I, which regions and plans can I see.
struct APIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped(RequireSignIn())
        api.get(SiteURL.apiMe, use: me)
        api.get(SiteURL.apiRegions, use: regions)
        api.get(SiteURL.apiPlans, use: plans)
    }

    struct Me: Content {
        var username: String
        var displayName: String
        var region: String
        var unit: String?
        var roles: [String]
    }

    struct RegionDTO: Content {
        var id: Int
        var name: String
        var kind: String
        var code: String?
        var parentID: Int?
    }

    struct PlanDTO: Content {
        var id: Int
        var year: Int
        var level: String
        var title: String
        var owner: String
        var items: Int
        var projects: Int
        var indicators: Int
    }

    func me(req: Request) async throws -> Me {
        let p = try AccessPolicy.signedIn.check(req)
        return Me(username: p.username, displayName: p.displayName, region: p.regionName, unit: p.unitName,
                  roles: p.roleCodes)
    }

    func regions(req: Request) async throws -> [RegionDTO] {
        let p = try AccessPolicy.signedIn.check(req)
        return p.tree.subtree(of: p.regionID).map {
            RegionDTO(id: $0.id, name: $0.name, kind: $0.kind.rawValue, code: $0.code, parentID: $0.id == p.regionID ? nil : $0.parentID)
        }
    }

    func plans(req: Request) async throws -> [PlanDTO] {
        let p = try AccessPolicy.signedIn.check(req)
        return try await PlanService(db: req.db).summaries(scopeRegionID: p.regionID, tree: p.tree).map { summary in
            PlanDTO(id: summary.id, year: summary.year, level: summary.level.label, title: summary.title, owner: summary.ownerName,
                    items: summary.items, projects: summary.projects, indicators: summary.indicators)
        }
    }
}
