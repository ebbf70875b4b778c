//! Accessibility, measured: the real server driven by headless Chromium through
//! chromedriver, at a phone width (360 px) and a desktop width, with axe-core run on every
//! page against WCAG 2.2 AA. Any violation, or a page wider than the screen, fails.
//! The walk visits every page template: a tenant asks for help and follows their case; a
//! volunteer takes the request, adds what L1 needs, writes and sends it, and finds its reply
//! deadline on their home page; an admin goes through the admin pages and makes a password
//! reset link, which the volunteer uses.
//!
//! It needs `chromium`, `chromedriver` and axe-core (`npm install axe-core`), so it runs
//! only when `BROWSER_TESTS=1`; then a missing tool is a failure, not a skip.
//! `AXE_CORE_JS` names axe.min.js (default: node_modules/axe-core/axe.min.js).

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tenantcase::domain::user::Role;

use crate::support::*;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start_driver() -> (Driver, u16) {
    let port = free_port();
    // Held by the guard at once, so it is killed and reaped whatever happens next.
    let driver = Driver(
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (apt-get install chromium chromium-driver)"),
    );
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (driver, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(port: u16, profile: &std::path::Path) -> Client {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                     format!("--user-data-dir={}", profile.display())]
        }
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a browser session")
}

struct Pass {
    client: Client,
    base: String,
    axe: String,
    width: u32,
    problems: Vec<String>,
}

impl Pass {
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigate");
    }

    /// The element, or a failure that shows the page it was looked for on.
    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(el) => el,
            Err(e) => {
                let page = self.client.source().await.unwrap_or_default();
                let main = page.split("<main").nth(1).unwrap_or(&page);
                panic!(
                    "{} px: no {css} on {}: {e}\n{main}",
                    self.width,
                    self.path().await
                )
            }
        }
    }

    async fn fill(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.expect("type");
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Clicks a button that sends a form, and waits for the next page to load.
    async fn submit(&self, css: &str) {
        self.client
            .execute("window.__leaving = true; return true;", vec![])
            .await
            .expect("mark the page");
        self.click(css).await;
        for _ in 0..200 {
            let state = self
                .client
                .execute(
                    "return window.__leaving === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if state.ok().and_then(|v| v.as_bool()) == Some(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{} px: no new page after clicking {css}", self.width);
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    /// Runs axe-core on the page and checks it fits the screen; records any problem.
    async fn check(&mut self, page: &str) {
        let title = self.client.title().await.unwrap_or_default();
        assert!(!title.is_empty(), "{page}: the page has a title");
        self.client
            .execute(&format!("{};return true;", self.axe), vec![])
            .await
            .expect("axe loads");
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
              .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                  + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));"#;
        let found = self
            .client
            .execute_async(script, vec![])
            .await
            .expect("axe runs");
        for v in found.as_array().into_iter().flatten() {
            self.problems.push(format!(
                "{} px, {page}: {}",
                self.width,
                v.as_str().unwrap_or_default()
            ));
        }
        let wide = self
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .expect("widths");
        let (scroll, inner) = (wide[0].as_i64().unwrap_or(0), wide[1].as_i64().unwrap_or(0));
        if scroll > inner {
            let culprits = self
                .client
                .execute(
                    "return Array.from(document.querySelectorAll('main *'))
                       .filter(e => e.getBoundingClientRect().right > window.innerWidth)
                       .slice(-3)
                       .map(e => e.tagName + '.' + e.className + ' [' + e.textContent.trim().slice(0, 60) + ']');",
                    vec![],
                )
                .await
                .unwrap_or_default();
            self.problems.push(format!(
                "{} px, {page}: the page is {scroll} px wide, wider than the {inner} px screen ({culprits})",
                self.width
            ));
        }
    }
}

async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("address");
    let router = app.router.clone();
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    format!("http://{addr}")
}

/// A tenant asks for help, signs in to their status page, sends a message and a photo;
/// then a volunteer signs in and works through their pages.
async fn walk(p: &mut Pass, png: &std::path::Path, app: &TestApp) {
    // Asking for help, one question a page.
    p.goto("/get-help").await;
    p.check("get help: start").await;
    // The check can fail: an image without a text alternative is caught.
    p.client
        .execute(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"data:,\">'); return true;",
            vec![],
        )
        .await
        .expect("add a bad image");
    let before = p.problems.len();
    p.check("a page with a bad image").await;
    let caught: Vec<String> = p.problems.drain(before..).collect();
    assert!(
        caught.iter().any(|v| v.contains("image-alt")),
        "axe must report the image without alt text: {caught:?}"
    );
    p.goto("/get-help").await;
    p.submit("button.button--start").await;
    p.check("get help: where").await;
    p.submit("button[value=next]").await;
    p.check("get help: where, with an error").await;
    p.click("#nation-wales").await;
    p.submit("button[value=next]").await;
    p.fill("#postcode", "CF24 4HX").await;
    p.check("get help: postcode").await;
    p.submit("button[value=next]").await;
    p.fill("#name", "Siân Evans").await;
    p.check("get help: name").await;
    p.submit("button[value=next]").await;
    p.fill("#email", "sian@example.org").await;
    p.check("get help: contact").await;
    p.submit("button[value=next]").await;
    p.fill("#deposit", "950").await;
    p.check("get help: deposit").await;
    p.submit("button[value=next]").await;
    p.click("#problem").await;
    p.fill("#details", "They kept all of it.").await;
    p.check("get help: problem").await;
    p.submit("button[value=next]").await;
    p.check("get help: check answers").await;
    p.click("#consent").await;
    p.submit("button[value=submit]").await;
    p.check("get help: request sent").await;
    let reference = p.text(".panel__body strong").await;
    let code = p.text("p.code").await;
    assert!(reference.starts_with("TC-2026-"), "{reference}");
    assert_eq!(code.len(), 19, "{code}");

    // The tenant's status page.
    p.goto("/status").await;
    p.check("status: sign in").await;
    p.submit("button[type=submit].button").await;
    p.check("status: sign in, with errors").await;
    p.fill("#reference", &reference).await;
    p.fill("#code", &code).await;
    p.submit("form[action='/status'] button").await;
    assert_eq!(p.path().await, "/status/case");
    p.check("status page").await;
    p.fill("#message", "My landlord phoned me today.").await;
    p.submit("form[action='/status/messages'] button").await;
    p.check("status page after a message").await;
    p.submit("form[action='/status/documents'] button").await;
    p.check("status page, upload without a file").await;
    p.fill("#file", &png.display().to_string()).await;
    p.click("#description").await;
    p.submit("form[action='/status/documents'] button").await;
    p.check("status page after an upload").await;
    let page = p.client.source().await.unwrap_or_default();
    assert!(page.contains("photo.png") && page.contains("My landlord phoned me today."));
    p.submit("form[action='/status/sign-out'] button").await;

    // The volunteer's pages.
    p.goto("/login").await;
    p.check("sign in").await;
    p.fill("#email", "vol@example.org").await;
    p.fill("#password", PASSWORD).await;
    p.submit("form[action='/login'] button").await;
    p.check("my cases").await;
    // "/" puts the cursor in the header's search box.
    {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let slash = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: '/' })
            .then(KeyAction::Up { value: '/' });
        p.client.perform_actions(slash).await.expect("press /");
    }
    let focused = p
        .client
        .execute("return document.activeElement.id;", vec![])
        .await
        .expect("focus");
    assert_eq!(focused.as_str(), Some("header-search"));
    p.goto("/cases").await;
    p.check("case list").await;
    let id = tenantcase::db::cases::id_of_reference(
        &app.state.db,
        &tenantcase::domain::CaseReference::parse(&reference).expect("reference"),
    )
    .await
    .expect("query")
    .expect("the case");
    p.goto(&format!("/cases/{id}")).await;
    p.check("case page").await;
    // No one works the online request yet: the volunteer takes it on.
    p.submit(&format!("form[action='/cases/{id}/take'] button"))
        .await;
    p.check("case page, taken on, with its banner").await;
    let page = p.client.source().await.unwrap_or_default();
    assert!(
        page.contains("You work this case now"),
        "the banner says what happened"
    );
    // A phone call: the volunteer logs the case on the short intake page, then writes and
    // sends its L1, and finds the reply deadline on their home page.
    p.goto("/cases/new").await;
    p.check("intake form").await;
    p.submit("form[action='/cases'][method='post'] button[type=submit]")
        .await;
    p.check("intake form, with errors").await;
    p.fill("[id='tenant.name']", "Rhys Morgan").await;
    p.fill("[id='tenant.phone']", "07700 900456").await;
    p.fill("[id='property.postcode']", "CF10 1AA").await;
    p.fill("[id='landlord.name']", "Bay Lettings").await;
    p.fill("[id='deposit.amount_pence']", "875").await;
    p.submit("form[action='/cases'][method='post'] button[type=submit]")
        .await;
    p.check("case page after intake").await;
    let phoned = p.path().await;
    let phoned = phoned.trim_start_matches("/cases/");
    let phoned = uuid::Uuid::parse_str(phoned).expect("the new case's page");
    send_l1(p, phoned).await;
    p.goto("/cases?per_page=1").await;
    p.check("case list, a page at a time").await;
    p.goto("/account").await;
    p.check("account").await;
    p.goto(&format!("/cases/{id}/move?to=on_hold")).await;
    p.check("move a case").await;
    p.goto(&format!("/cases/{id}/access-code")).await;
    p.check("replace the access code?").await;
    p.submit(&format!("form[action='/cases/{id}/access-code'] button"))
        .await;
    p.check("new access code").await;
    p.goto("/no-such-page").await;
    p.check("not found").await;
    p.goto("/").await;
    p.submit("form[action='/logout'] button").await;
}

/// An admin's pages; a password reset link made for the volunteer and used by them.
async fn admin_walk(p: &mut Pass, app: &TestApp) {
    p.goto("/login").await;
    p.fill("#email", "admin@example.org").await;
    p.fill("#password", PASSWORD).await;
    p.submit("form[action='/login'] button").await;
    p.goto("/cases").await;
    p.check("case list with the forms for selected cases").await;
    p.goto("/admin/users").await;
    p.check("users").await;
    p.goto("/admin/users/new").await;
    p.check("new user").await;
    let vol = app.principal("vol@example.org").await.user_id;
    p.goto(&format!("/admin/users/{vol}")).await;
    p.check("a user").await;
    p.submit(&format!(
        "form[action='/admin/users/{vol}/reset-link'] button"
    ))
    .await;
    p.check("reset link").await;
    let link = p.text("#reset-link").await;
    p.goto(&format!("/admin/users/{vol}/disable")).await;
    p.check("disable a user?").await;
    p.goto("/admin/groups").await;
    p.check("groups").await;
    let cardiff = app.group("Cardiff").await;
    p.goto(&format!("/admin/groups/{cardiff}")).await;
    p.check("a group").await;
    p.goto("/admin/audit").await;
    p.check("audit log").await;
    p.goto("/letters/wording").await;
    p.check("letter wording").await;
    p.goto(&format!("/letters/wording/{cardiff}/L1")).await;
    p.check("letter wording of L1").await;
    p.submit("form[action='/logout'] button").await;

    // The volunteer opens the link and chooses a new password.
    let path = link
        .split_once("/reset/")
        .map(|(_, t)| format!("/reset/{t}"));
    let path = path.expect("a reset link");
    p.goto(&path).await;
    p.check("choose a new password").await;
    p.submit(&format!("form[action='{path}'] button")).await;
    p.check("choose a new password, with errors").await;
    p.fill("#new", "violet harbour quietly sings").await;
    p.fill("#confirm", "violet harbour quietly sings").await;
    p.submit(&format!("form[action='{path}'] button")).await;
    p.check("sign in after a reset").await;
    assert!(
        p.text("#done-title")
            .await
            .contains("new password is saved")
    );
    p.goto(&path).await;
    p.check("a used reset link").await;
}

/// The volunteer adds what L1 needs, writes it, records it sent, and finds its reply
/// deadline on their home page.
async fn send_l1(p: &mut Pass, id: uuid::Uuid) {
    p.goto(&format!("/cases/{id}/letters/new?type=L1")).await;
    p.check("write L1, facts missing").await;
    p.goto(&format!("/cases/{id}/edit")).await;
    p.check("edit a case").await;
    p.fill("[id='landlord.name']", "Cathays Student Homes")
        .await;
    p.fill("[id='landlord.address']", "1 Cathays Terrace\nCardiff")
        .await;
    p.fill("[id='deposit.returned_pence']", "0").await;
    // Dates are typed as day, month and year.
    p.fill("[id='tenancy.end_date']", "31").await;
    p.fill("[id='tenancy.end_date-month']", "10").await;
    p.fill("[id='tenancy.end_date-year']", "2026").await;
    p.submit(&format!(
        "form[action='/cases/{id}/edit'] button[type=submit]"
    ))
    .await;
    p.goto(&format!("/cases/{id}/letters/new?type=L1")).await;
    p.check("write L1").await;
    p.submit(&format!(
        "form[action='/cases/{id}/letters'] button[type=submit]"
    ))
    .await;
    p.check("case page with a letter to send").await;
    p.click("#letters ~ .card details summary").await;
    p.check("case page, marking a letter sent").await;
    p.submit("form[action$='/sent'] button[type=submit]").await;
    p.check("case page, letter sent").await;
    p.goto("/").await;
    p.check("my cases, a reply due").await;
    let due = p.text("#due-soon + table").await;
    assert!(
        due.contains("Reply due to"),
        "the reply deadline is on the home page: {due}"
    );
}

/// Gives the volunteer the test password again, for the next width's walk.
async fn reset_password(app: &TestApp) {
    let id = app.principal("vol@example.org").await.user_id;
    let admin = app.principal("admin@example.org").await;
    let (db, clock) = (&app.state.db, app.state.clock.as_ref());
    let link = tenantcase::service::resets::issue(db, clock, &admin, id)
        .await
        .expect("a link");
    tenantcase::service::resets::choose_password(db, clock, &link.token, PASSWORD, PASSWORD)
        .await
        .expect("the test password again");
}

#[tokio::test]
async fn every_page_passes_axe_at_phone_and_desktop_widths() {
    if std::env::var("BROWSER_TESTS").as_deref() != Ok("1") {
        eprintln!("browser tests skipped: set BROWSER_TESTS=1 (see tests/it/browser.rs)");
        return;
    }
    let axe_path =
        std::env::var("AXE_CORE_JS").unwrap_or_else(|_| "node_modules/axe-core/axe.min.js".into());
    let axe = std::fs::read_to_string(&axe_path)
        .unwrap_or_else(|e| panic!("axe-core at {axe_path}: {e} (npm install axe-core)"));
    let app = TestApp::new().await;
    let cardiff = app.group("Cardiff").await;
    let me = {
        app.user("admin@example.org", Role::Admin).await;
        app.principal("admin@example.org").await
    };
    let fields = tenantcase::service::admin::GroupFields {
        name: "Cardiff".into(),
        postcode_areas: "CF".into(),
        takes_unmatched: true,
        ..Default::default()
    };
    tenantcase::service::admin::update_group(
        &app.state.db,
        app.state.clock.as_ref(),
        &me,
        cardiff,
        &fields,
    )
    .await
    .expect("areas");
    app.user_in("vol@example.org", Role::Volunteer, &["Cardiff"])
        .await;
    let base = serve(&app).await;
    let dir = std::env::temp_dir().join(format!("tenantcase-browser-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let png = dir.join("photo.png");
    std::fs::write(&png, PNG).expect("a photo");
    let (_driver, port) = start_driver().await;
    let mut problems = Vec::new();
    for (width, height) in [(360, 800), (1280, 900)] {
        let client = browser(port, &dir.join(format!("profile-{width}"))).await;
        client
            .set_window_size(width, height)
            .await
            .expect("window size");
        let inner = client
            .execute("return window.innerWidth;", vec![])
            .await
            .expect("width");
        assert!(
            inner.as_u64().is_some_and(|w| w <= u64::from(width)),
            "the window is {inner} px wide, asked for {width}"
        );
        let mut pass = Pass {
            client,
            base: base.clone(),
            axe: axe.clone(),
            width,
            problems: Vec::new(),
        };
        walk(&mut pass, &png, &app).await;
        admin_walk(&mut pass, &app).await;
        reset_password(&app).await;
        problems.append(&mut pass.problems);
        pass.client.close().await.expect("close");
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        problems.is_empty(),
        "{} accessibility problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
