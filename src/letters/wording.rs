//! The wording of letters L1–L6: tera templates in `templates/letters/`, rendered with a
//! case's facts into a [`Letter`]'s subject and paragraphs.

use std::sync::LazyLock;

use tera::{Context, Tera};

use super::sandbox::describe;

use crate::domain::letters::LetterKind;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "letters/L1.txt",
        include_str!("../../templates/letters/L1.txt"),
    ),
    (
        "letters/L2.txt",
        include_str!("../../templates/letters/L2.txt"),
    ),
    (
        "letters/L3.txt",
        include_str!("../../templates/letters/L3.txt"),
    ),
    (
        "letters/L4.txt",
        include_str!("../../templates/letters/L4.txt"),
    ),
    (
        "letters/L5.txt",
        include_str!("../../templates/letters/L5.txt"),
    ),
    (
        "letters/L6.txt",
        include_str!("../../templates/letters/L6.txt"),
    ),
];

static TERA: LazyLock<Result<Tera, String>> = LazyLock::new(|| {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    tera.add_raw_templates(TEMPLATES.iter().copied())
        .map_err(|e| format!("{e:?}"))?;
    Ok(tera)
});

/// A letter's wording: its subject line and paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// The subject.
    pub subject: String,
    /// The paragraphs.
    pub paragraphs: Vec<String>,
}

/// The standard wording of `kind`, as shipped.
pub fn standard(kind: LetterKind) -> &'static str {
    TEMPLATES
        .iter()
        .find(|(name, _)| *name == kind.template())
        .map_or("", |(_, text)| text)
}

/// Renders the wording of `kind` with `ctx`: the group's own wording when `custom` is
/// given, else the standard one. The text's first line is "Subject: …"; paragraphs are
/// separated by blank lines; a numbered list keeps its lines. A group's own wording runs
/// under the limits of [`super::sandbox`].
pub fn render(kind: LetterKind, custom: Option<&str>, ctx: &Context) -> Result<Wording, String> {
    let text = match custom {
        None => {
            let tera = TERA.as_ref().map_err(Clone::clone)?;
            tera.render(kind.template(), ctx)
                .map_err(|e| describe(&e))?
        }
        Some(body) => super::sandbox::render(body, ctx)?,
    };
    let mut blocks = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty());
    let first = blocks.next().unwrap_or_default();
    let subject = first
        .strip_prefix("Subject:")
        .map(str::trim)
        .unwrap_or(first)
        .to_string();
    let mut paragraphs = Vec::new();
    for block in blocks {
        let lines: Vec<&str> = block
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let listed = lines
            .iter()
            .skip(1)
            .any(|l| l.starts_with(|c: char| c.is_ascii_digit()));
        if listed {
            paragraphs.extend(lines.iter().map(|l| l.to_string()));
        } else {
            paragraphs.push(lines.join(" "));
        }
    }
    Ok(Wording {
        subject,
        paragraphs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_letter_templates_compile() {
        assert!(TERA.as_ref().err().is_none(), "{:?}", TERA.as_ref().err());
        for k in LetterKind::ALL {
            assert!(TEMPLATES.iter().any(|(name, _)| *name == k.template()));
        }
    }
}

#[cfg(test)]
mod custom_tests {
    use super::*;

    #[test]
    fn custom_wording_renders_and_reports_its_errors() {
        let mut ctx = Context::new();
        ctx.insert("tenants", "Siân Evans");
        let w = render(
            LetterKind::L1,
            Some("Subject: For {{ tenants }}\n\nDear landlord,\nplease pay.\n\nThanks."),
            &ctx,
        );
        let w = w
            .as_ref()
            .map(|w| (w.subject.as_str(), w.paragraphs.clone()));
        assert_eq!(
            w,
            Ok((
                "For Siân Evans",
                vec!["Dear landlord, please pay.".to_string(), "Thanks.".into()]
            ))
        );
        let err = render(LetterKind::L1, Some("{{ nobody_knows }}"), &ctx);
        assert!(
            err.as_ref().is_err_and(|e| e.contains("nobody_knows")),
            "{err:?}"
        );
        assert!(render(LetterKind::L1, Some("{% if %}"), &ctx).is_err());
    }
}
