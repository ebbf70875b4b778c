//! The OpenAPI document: served without credentials, OpenAPI 3.1, listing exactly the
//! routes the API serves, every reference resolving. (CI also runs schemathesis against a
//! seeded server with it.)

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::support::*;

/// Every operation of `/api/v1`, as the router serves them.
const OPERATIONS: &[(&str, &str)] = &[
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("patch", "/api/v1/cases/{id}"),
    ("post", "/api/v1/cases/{id}/notes"),
    ("post", "/api/v1/cases/{id}/take"),
    ("get", "/api/v1/cases/{id}/timeline"),
    ("put", "/api/v1/cases/{id}/assignees"),
    ("get", "/api/v1/cases/{id}/assessment"),
    ("post", "/api/v1/cases/{id}/transitions"),
    ("post", "/api/v1/cases/{id}/access-code"),
    ("post", "/api/v1/cases/{id}/letters"),
    ("get", "/api/v1/cases/{id}/letters"),
    ("get", "/api/v1/letters/{id}/pdf"),
    ("post", "/api/v1/letters/{id}/sent"),
    ("get", "/api/v1/deadlines"),
    ("get", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
];

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_resolves() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(res.status, StatusCode::OK, "no credentials needed");
    assert_eq!(res.header("content-type"), Some("application/json"));
    let doc = res.json();
    assert_eq!(doc["openapi"], "3.1.0");

    let paths = doc["paths"].as_object().expect("paths");
    let mut listed = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = item.get(method) {
                listed.push((method.to_string(), path.clone()));
                // Every operation answers errors in the documented shape.
                for status in ["400", "401", "404", "422"] {
                    assert!(
                        op["responses"].get(status).is_some(),
                        "{method} {path} documents {status}"
                    );
                }
            }
        }
    }
    let mut expected: Vec<(String, String)> = OPERATIONS
        .iter()
        .map(|(m, p)| ((*m).to_string(), (*p).to_string()))
        .collect();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);

    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 50, "the document uses its components");
    for r in found {
        let pointer = r.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "{r} resolves");
    }
    // Intake takes a group beside the case's facts; a patch may carry its version.
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["NewCase"]["properties"]["group"].is_object());
    assert!(schemas["CasePatch"]["properties"]["version"].is_object());
    assert!(schemas["CaseInput"]["properties"]["tenant"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

/// The documented shape of a case matches what the API answers: every property the answer
/// has is documented, and every required one is there.
#[tokio::test]
async fn a_case_answer_has_the_documented_properties() {
    let app = TestApp::new().await;
    let token = app.api_user().await;
    let case = create_case(&app, &token, case_e1()).await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    let schemas = &doc["components"]["schemas"];
    let mut documented = Vec::new();
    let mut required = Vec::new();
    // CaseDetail = CaseRecord + its own; CaseRecord = CaseFacts + its own (allOf).
    fn collect(
        schemas: &Value,
        s: &Value,
        documented: &mut Vec<String>,
        required: &mut Vec<String>,
    ) {
        if let Some(r) = s["$ref"].as_str() {
            let name = r.rsplit('/').next().unwrap_or_default();
            return collect(schemas, &schemas[name], documented, required);
        }
        for part in s["allOf"].as_array().into_iter().flatten() {
            collect(schemas, part, documented, required);
        }
        if let Some(props) = s["properties"].as_object() {
            documented.extend(props.keys().cloned());
        }
        for r in s["required"].as_array().into_iter().flatten() {
            required.extend(r.as_str().map(str::to_string));
        }
    }
    collect(
        schemas,
        &schemas["CaseDetail"],
        &mut documented,
        &mut required,
    );
    let answer = case.as_object().expect("an object");
    for key in answer.keys() {
        assert!(documented.contains(key), "{key} is documented");
    }
    for key in &required {
        assert!(answer.contains_key(key), "{key} is answered");
    }
    let res = app
        .api(Method::GET, "/api/v1/cases?per_page=1", &token, None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
}
