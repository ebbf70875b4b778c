//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations and the
//! types they answer with (utoipa), and served at `GET /api/v1/openapi.json`.
//!
//! What every operation shares is added in one place, [`Conventions`]: the bearer
//! authentication and the error answers, which all have the same shape.

use std::collections::BTreeMap;

use utoipa::openapi::path::Operation;
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

use super::{cases, letters, tokens};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tenantcase API",
        version = "1",
        description = "Deposit-dispute casework: cases, their assessment under the law of England, Wales or Scotland, letters and deadlines. Dates are YYYY-MM-DD and money is whole pence. Send `Authorization: Bearer <token>` (make one with `tenantcase token create --email E`). A case outside the caller's groups answers 404, exactly like one that does not exist."
    ),
    paths(
        cases::create,
        cases::list,
        cases::show,
        cases::patch,
        cases::add_note,
        cases::timeline,
        cases::assign,
        cases::take,
        cases::assessment,
        cases::transition,
        cases::access_code,
        cases::deadlines,
        letters::create,
        letters::list,
        letters::pdf,
        letters::sent,
        tokens::list,
        tokens::revoke,
    ),
    components(schemas(ErrorBody, crate::domain::input::CaseInput)),
    modifiers(&Conventions),
    security(("bearer" = [])),
    tags(
        (name = "cases", description = "Cases, their facts, stages and deadlines"),
        (name = "letters", description = "Letters L1–L6, frozen as PDF"),
        (name = "tokens", description = "The caller's API tokens"),
    )
)]
pub struct ApiDoc;

/// The document as JSON, built once.
pub fn document() -> &'static str {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
}

/// What every failed call answers.
#[derive(Debug, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// One error.
#[derive(Debug, ToSchema)]
pub struct ErrorDetail {
    /// `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`,
    /// `payload_too_large`, `unsupported_media_type`, `invalid`, `precondition_required`,
    /// `too_many_requests`, or `internal`.
    pub code: String,
    /// In plain words.
    pub message: String,
    /// For `invalid`: each field's problem, by its path (`tenant.email`).
    pub fields: BTreeMap<String, String>,
}

/// The answers any operation may give besides its own: the error shape on each.
const ERRORS: &[(&str, &str)] = &[
    (
        "400",
        "Broken JSON, a body that is not an object, or a field that is not part of it",
    ),
    ("401", "No credentials, or a token that is not valid"),
    (
        "403",
        "A call made with a browser session but without its X-CSRF-Token",
    ),
    (
        "404",
        "No such thing, or one outside the caller's groups (they are told apart by nobody)",
    ),
    ("413", "A body over 256 KiB"),
    ("415", "A body that is not Content-Type: application/json"),
    (
        "422",
        "Wrong types, or fields that are not valid: `fields` names each",
    ),
];

/// Adds what every operation shares, and the two request bodies that extend a case's
/// input (intake's `group`, a patch's `version`).
pub struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        // utoipa fills the licence from Cargo.toml, which names none.
        doc.info.license = None;
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        for (status, description) in ERRORS {
            components.responses.insert(
                format!("E{status}"),
                RefOr::T(
                    ResponseBuilder::new()
                        .description(*description)
                        .content(
                            "application/json",
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("ErrorBody")))
                                .build(),
                        )
                        .build(),
                ),
            );
        }
        extend_case_input(components);
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                (&mut item.get, "get"),
                (&mut item.post, "post"),
                (&mut item.put, "put"),
                (&mut item.patch, "patch"),
                (&mut item.delete, "delete"),
            ];
            for (op, method) in ops {
                let Some(op) = op.as_mut() else { continue };
                add_errors(op);
                let body = match (path.as_str(), method) {
                    ("/api/v1/cases", "post") => Some("NewCase"),
                    ("/api/v1/cases/{id}", "patch") => Some("CasePatch"),
                    _ => None,
                };
                if let Some(schema) = body {
                    op.request_body = Some(RefOr::T(
                        RequestBodyBuilder::new()
                            .required(Some(utoipa::openapi::Required::True))
                            .content(
                                "application/json",
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name(schema)))
                                    .build(),
                            )
                            .build(),
                    ));
                }
            }
        }
    }
}

/// Intake's body is a case's input with its `group`; a patch's, with its `version`.
fn extend_case_input(components: &mut utoipa::openapi::Components) {
    if let Some(RefOr::T(Schema::Object(input))) = components.schemas.get("CaseInput") {
        let with = |name: &str, schema: Object| {
            let mut extended = input.clone();
            extended.properties.insert(name.into(), schema.into());
            Schema::Object(extended)
        };
        let group = ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::String,
                Type::Null,
            ]))
            .description(Some(
                "The name of the case's group; by default the caller's only group",
            ))
            .build();
        let version = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .description(Some("The version being edited, if not sent as If-Match"))
            .build();
        let mut new_case = with("group", group);
        let mut patch = with("version", version);
        if let Schema::Object(o) = &mut new_case {
            o.examples = vec![new_case_example()];
        }
        if let Schema::Object(o) = &mut patch {
            o.examples = vec![serde_json::json!({
                "tenant": {"phone": "07700 900123"},
                "deposit": {"scheme": "dps", "protected_date": "2024-03-01"}
            })];
        }
        components.schemas.insert("NewCase".into(), new_case.into());
        components.schemas.insert("CasePatch".into(), patch.into());
    }
}

/// Intake of example E1 of the rules (England, protected and informed late).
fn new_case_example() -> serde_json::Value {
    serde_json::json!({
        "group": "Leeds",
        "tenant": {"name": "Łukasz Nowak", "email": "l.nowak@example.org",
                   "phone": "07700 900123", "preferred_contact": "email",
                   "consent_date": "2026-11-20"},
        "property": {"address": "12 Cardigan Road, Leeds", "postcode": "LS6 1AB"},
        "landlord": {"name": "Headingley Lettings Ltd", "kind": "agent",
                     "address": "1 Otley Road, Leeds LS6 3AA"},
        "tenancy": {"jurisdiction": "england", "start_date": "2024-01-10",
                    "end_date": "2025-01-09", "rent_pence": 95000, "rent_period": "month"},
        "deposit": {"amount_pence": 110000, "received_date": "2024-01-10", "scheme": "dps",
                    "protected_date": "2024-03-01", "information_date": "2024-03-01"},
        "deductions": [{"item": "Cleaning", "amount_pence": 18000}],
        "account": "They kept all of it."
    })
}

fn add_errors(op: &mut Operation) {
    for (status, _) in ERRORS {
        op.responses
            .responses
            .entry((*status).to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(format!("E{status}"))));
    }
}
