//! The wording of letters L1–L6: tera templates in `templates/letters/`, rendered with a
//! case's facts into a [`Letter`]'s subject and paragraphs.

use std::sync::LazyLock;

use tera::{Context, Tera};

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

/// Renders the wording of `kind` with `ctx`. The template's first line is
/// "Subject: …"; paragraphs are separated by blank lines; a numbered list keeps its lines.
pub fn render(kind: LetterKind, ctx: &Context) -> Result<Wording, String> {
    let tera = TERA.as_ref().map_err(Clone::clone)?;
    let text = tera
        .render(kind.template(), ctx)
        .map_err(|e| format!("{e:?}"))?;
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
