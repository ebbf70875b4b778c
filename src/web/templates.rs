//! Tera templates, compiled into the binary, and the filters they use.

use std::sync::LazyLock;

use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{Date, OffsetDateTime};

use crate::domain::Money;
use crate::error::AppError;

/// Every template, by name, as shipped in the binary.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "components.html",
        include_str!("../../templates/components.html"),
    ),
    ("error.html", include_str!("../../templates/error.html")),
    ("login.html", include_str!("../../templates/login.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("account.html", include_str!("../../templates/account.html")),
    (
        "admin/users.html",
        include_str!("../../templates/admin/users.html"),
    ),
    (
        "admin/user_form.html",
        include_str!("../../templates/admin/user_form.html"),
    ),
    (
        "admin/confirm_disable.html",
        include_str!("../../templates/admin/confirm_disable.html"),
    ),
    (
        "admin/groups.html",
        include_str!("../../templates/admin/groups.html"),
    ),
    (
        "admin/audit.html",
        include_str!("../../templates/admin/audit.html"),
    ),
    (
        "cases/list.html",
        include_str!("../../templates/cases/list.html"),
    ),
    (
        "cases/form.html",
        include_str!("../../templates/cases/form.html"),
    ),
    (
        "cases/show.html",
        include_str!("../../templates/cases/show.html"),
    ),
    (
        "cases/move.html",
        include_str!("../../templates/cases/move.html"),
    ),
    (
        "cases/intake.html",
        include_str!("../../templates/cases/intake.html"),
    ),
    (
        "cases/replace_code.html",
        include_str!("../../templates/cases/replace_code.html"),
    ),
    (
        "admin/reset_link.html",
        include_str!("../../templates/admin/reset_link.html"),
    ),
    ("reset.html", include_str!("../../templates/reset.html")),
    (
        "reset_gone.html",
        include_str!("../../templates/reset_gone.html"),
    ),
    (
        "letters/write.html",
        include_str!("../../templates/letters/write.html"),
    ),
    (
        "admin/group.html",
        include_str!("../../templates/admin/group.html"),
    ),
    (
        "admin/group_fields.html",
        include_str!("../../templates/admin/group_fields.html"),
    ),
    (
        "letters/wording_list.html",
        include_str!("../../templates/letters/wording_list.html"),
    ),
    (
        "letters/wording.html",
        include_str!("../../templates/letters/wording.html"),
    ),
    (
        "tenant/login.html",
        include_str!("../../templates/tenant/login.html"),
    ),
    (
        "tenant/status.html",
        include_str!("../../templates/tenant/status.html"),
    ),
    (
        "help/start.html",
        include_str!("../../templates/help/start.html"),
    ),
    (
        "help/step.html",
        include_str!("../../templates/help/step.html"),
    ),
    (
        "help/check.html",
        include_str!("../../templates/help/check.html"),
    ),
    (
        "help/done.html",
        include_str!("../../templates/help/done.html"),
    ),
    (
        "cases/access_code.html",
        include_str!("../../templates/cases/access_code.html"),
    ),
];

/// A whole number with thousands separated by commas: 12,345.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The one stylesheet.
pub const STYLESHEET: &str = include_str!("../../templates/static/app.css");

/// The one script: "/" focuses the search box. Pages work without it.
pub const SCRIPT: &str = include_str!("../../templates/static/app.js");

static TERA: LazyLock<Result<Tera, String>> = LazyLock::new(|| {
    let mut tera = Tera::new();
    tera.autoescape_on([".html"]);
    tera.register_filter("money", |pence: i64, _: Kwargs, _: &State| {
        Money::from_pence(pence).map_or_else(|| pence.to_string(), |m| m.to_string())
    });
    tera.register_filter("long_date", |s: &str, _: Kwargs, _: &State| long_date(s));
    tera.register_filter("date_time", |s: &str, _: Kwargs, _: &State| date_time(s));
    tera.register_filter("thousands", |n: i64, _: Kwargs, _: &State| thousands(n));
    tera.add_raw_templates(TEMPLATES.iter().copied())
        .map_err(|e| format!("{e:?}"))?;
    Ok(tera)
});

/// "2024-02-08" as "8 February 2024"; anything else unchanged.
pub fn long_date(s: &str) -> String {
    match Date::parse(s, &Iso8601::DATE) {
        Ok(d) => crate::domain::case::long_date(d),
        Err(_) => s.to_string(),
    }
}

/// An RFC 3339 instant in UK time, as "26 November 2026 at 14:05"; anything else
/// unchanged.
pub fn date_time(s: &str) -> String {
    match OffsetDateTime::parse(s, &Rfc3339).map(crate::domain::dates::uk_time) {
        Ok(t) => format!(
            "{} at {:02}:{:02}",
            long_date(&t.date().to_string()),
            t.hour(),
            t.minute()
        ),
        Err(_) => s.to_string(),
    }
}

/// Renders `name` with `ctx`.
pub fn render(name: &str, ctx: &Context) -> Result<String, AppError> {
    let tera = TERA
        .as_ref()
        .map_err(|e| anyhow::anyhow!("templates failed to load: {e}"))?;
    tera.render(name, ctx)
        .map_err(|e| anyhow::anyhow!("rendering {name}: {e:?}").into())
}

/// A context from any serialisable value (a struct or a `json!` object).
pub fn context(value: &impl Serialize) -> Result<Context, AppError> {
    Context::from_serialize(value).map_err(|e| anyhow::anyhow!("template context: {e:?}").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-45_000), "-45,000");
    }

    #[test]
    fn all_templates_compile() {
        assert!(TERA.as_ref().err().is_none(), "{:?}", TERA.as_ref().err());
    }

    #[test]
    fn every_template_file_is_shipped() {
        fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, root, out);
                } else if path.extension().is_some_and(|e| e == "html") {
                    let rel = path
                        .strip_prefix(root)
                        .map(|p| p.to_string_lossy().replace('\\', "/"));
                    out.extend(rel.ok());
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = Vec::new();
        walk(&root, &root, &mut files);
        assert!(files.len() >= 10, "{files:?}");
        for f in files {
            assert!(
                TEMPLATES.iter().any(|(name, _)| *name == f),
                "{f} is not in TEMPLATES"
            );
        }
    }

    #[test]
    fn dates_read_the_british_way() {
        assert_eq!(long_date("2024-02-08"), "8 February 2024");
        assert_eq!(
            date_time("2026-11-26T14:05:00Z"),
            "26 November 2026 at 14:05"
        );
        assert_eq!(
            date_time("2026-07-26T23:05:00Z"),
            "27 July 2026 at 00:05",
            "in summer time"
        );
        assert_eq!(long_date("not a date"), "not a date");
    }
}
