import FluentKit
import Foundation
import SQLKit

/// 013: supervision — the people an office appoints (观察员, 监督员, 评议员), inspections with their
/// sites, participants and findings, problems with every step of their history, the photos of
/// findings and steps, and each office's times to rectify.
public struct M013Supervision: AsyncMigration {
    public init() {}

    public var name: String { "M013Supervision" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("supervisors")
            .field("id", .int, .identifier(auto: true))
            .field("account_id", .int, .required, .references("accounts", "id"))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("role", .string, .required)
            .field("scope", .string, .required)
            .field("project_id", .int, .references("projects", "id"))
            .field("project_region_id", .int, .references("regions", "id"))
            .field("unit_id", .int, .references("units", "id"))
            .field("identity", .string, .required)
            .field("organisation", .string)
            .field("phone", .string)
            .field("term_from", .string, .required)
            .field("term_until", .string, .required)
            .field("appointed_by", .int, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_supervisors_account").unique().on("supervisors").column("account_id").run()
        try await database.sql.create(index: "idx_supervisors_region").on("supervisors").column("region_id").run()

        try await database.schema("supervision_settings")
            .field("region_id", .int, .identifier(auto: false), .references("regions", "id"))
            .field("deadlines", .string, .required)
            .field("updated_by", .int, .references("accounts", "id"))
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("inspections")
            .field("id", .int, .identifier(auto: true))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("held_on", .string, .required)
            .field("note", .string)
            .field("organizer_id", .int, .required, .references("accounts", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_inspections_region").on("inspections").column("region_id").column("held_on").run()

        try await database.schema("inspection_sites")
            .field("id", .int, .identifier(auto: true))
            .field("inspection_id", .int, .required, .references("inspections", "id"))
            .field("project_id", .int, .required, .references("projects", "id"))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("site", .string)
            .create()
        try await database.sql.create(index: "idx_inspection_sites").unique().on("inspection_sites")
            .column("inspection_id").column("project_id").column("region_id").run()

        try await database.schema("inspection_participants")
            .field("id", .int, .identifier(auto: true))
            .field("inspection_id", .int, .required, .references("inspections", "id"))
            .field("account_id", .int, .required, .references("accounts", "id"))
            .create()
        try await database.sql.create(index: "idx_inspection_participants").unique().on("inspection_participants")
            .column("inspection_id").column("account_id").run()

        try await database.schema("inspection_findings")
            .field("id", .int, .identifier(auto: true))
            .field("site_id", .int, .required, .references("inspection_sites", "id"))
            .field("account_id", .int, .required, .references("accounts", "id"))
            .field("progress_rating", .int, .required)
            .field("quality_rating", .int, .required)
            .field("notes", .string)
            .field("recorded_at", .datetime, .required)
            .create()
        // One finding per participant and site; recording again replaces it.
        try await database.sql.create(index: "idx_inspection_findings").unique().on("inspection_findings")
            .column("site_id").column("account_id").run()

        try await database.schema("problems")
            .field("id", .int, .identifier(auto: true))
            .field("region_id", .int, .required, .references("regions", "id"))
            .field("project_id", .int, .required, .references("projects", "id"))
            .field("unit_id", .int, .references("units", "id"))
            .field("inspection_id", .int, .references("inspections", "id"))
            .field("raised_by", .int, .required, .references("accounts", "id"))
            .field("category", .string, .required)
            .field("severity", .string, .required)
            .field("description", .string, .required)
            .field("location", .string)
            .field("state", .string, .required)
            .field("clock_start", .datetime)
            .field("clock_days", .int)
            .field("warn_at", .datetime)
            .field("due_at", .datetime)
            .field("doubled_at", .datetime)
            .field("answered_at", .datetime)
            .field("rectified_at", .datetime)
            .field("dismissed_at", .datetime)
            .field("published", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_problems_region").on("problems").column("region_id").column("created_at").run()
        try await database.sql.create(index: "idx_problems_unit").on("problems").column("unit_id").column("state").run()
        try await database.sql.create(index: "idx_problems_project").on("problems").column("project_id").column("region_id").run()

        try await database.schema("problem_steps")
            .field("id", .int, .identifier(auto: true))
            .field("problem_id", .int, .required, .references("problems", "id"))
            .field("action", .string, .required)
            .field("state", .string, .required)
            .field("account_id", .int, .required, .references("accounts", "id"))
            .field("on_behalf", .bool, .required)
            .field("text", .string)
            .field("unit_id", .int, .references("units", "id"))
            .field("due_at", .datetime)
            .field("at", .datetime, .required)
            .create()
        try await database.sql.create(index: "idx_problem_steps").on("problem_steps").column("problem_id").column("at").run()

        try await database.schema("supervision_files")
            .field("id", .int, .identifier(auto: true))
            .field("owner", .string, .required)
            .field("owner_id", .int, .required)
            .field("blob_key", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int, .required)
            .create()
        try await database.sql.create(index: "idx_supervision_files").on("supervision_files").column("owner").column("owner_id").run()
    }

    public func revert(on database: any Database) async throws {
        for table in ["supervision_files", "problem_steps", "problems", "inspection_findings", "inspection_participants", "inspection_sites",
                      "inspections", "supervision_settings", "supervisors"] {
            try await database.schema(table).delete()
        }
    }
}
