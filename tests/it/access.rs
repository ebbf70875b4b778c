//! Anonymous callers are refused everywhere but the sign-in page and the health check.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};

use crate::support::*;

const CASE: &str = "/cases/01900000-0000-7000-8000-000000000000";

#[tokio::test]
async fn anonymous_page_requests_are_sent_to_sign_in() {
    let app = TestApp::new().await;
    for uri in ["/", "/cases", "/cases/new", CASE, &format!("{CASE}/edit")] {
        let res = app.get(uri, None).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(res.header("location"), Some("/login"), "{uri}");
    }
}

#[tokio::test]
async fn anonymous_api_requests_get_401_json() {
    let app = TestApp::new().await;
    let api_case = format!("/api/v1{CASE}");
    let routes = [
        (Method::GET, "/api/v1/cases".to_string()),
        (Method::POST, "/api/v1/cases".to_string()),
        (Method::GET, api_case.clone()),
        (Method::PATCH, api_case.clone()),
        (Method::POST, format!("{api_case}/notes")),
        (Method::GET, format!("{api_case}/timeline")),
    ];
    for (method, uri) in routes {
        let req = Request::builder()
            .method(method.clone())
            .uri(&uri)
            .header("content-type", "application/json")
            .body(Body::from(case_e1().to_string()))
            .expect("request");
        let res = app.send(req).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{method} {uri}: {}",
            res.text
        );
        assert_eq!(
            res.json()["error"]["code"],
            "unauthorized",
            "{method} {uri}"
        );
    }
}

#[tokio::test]
async fn health_and_sign_in_need_no_login() {
    let app = TestApp::new().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    let login = app.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.text.contains("Sign in to tenantcase"));
    let css = app.get("/static/app.css", None).await;
    assert!(css.text.contains(".error-summary"));
}

#[tokio::test]
async fn unknown_pages_and_api_routes_are_404_in_their_own_format() {
    let app = TestApp::new().await;
    let page = app.get("/no-such-page", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text.contains("Page not found"));
    let token = app.api_user().await;
    let api = app.api(Method::GET, "/api/v1/nothing", &token, None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.json()["error"]["code"], "not_found");
}
