//! What tenants get: their access code, and their case told in plain words.

use hmac::{KeyInit, Mac};

use serde::Serialize;
use time::Date;

use super::CaseFacts;
use super::case::long_date;
use super::letters::LetterKind;
use super::rules;
use super::timeline::TimelineEvent;
use super::workflow::Stage;

/// The characters of an access code: no 0/O, 1/I/l, so it reads aloud and copies by hand
/// without mistakes. 32 characters: each carries 5 bits.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters in a code: 16 × 5 = 80 bits.
pub const LENGTH: usize = 16;

/// The access code for `LENGTH` random bytes, in groups of four: `7KQ2-MX9D-R4TW-H8PC`.
pub fn access_code_from(bytes: &[u8; LENGTH]) -> String {
    let mut code = String::with_capacity(LENGTH + 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        // 256 is a multiple of 32, so every character is equally likely.
        code.push(char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
    }
    code
}

/// A code as typed, made comparable: separators and spaces dropped, upper case. `None`
/// when it cannot be a code (wrong length or characters).
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The keyed hash (HMAC-SHA-256) of a normalised code, as stored. A fast hash is right
/// here: the code has 80 random bits, so there is nothing to guess from the hash.
pub fn code_hash(key: &[u8; 32], normalised: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(normalised.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `typed` is the code whose hash is `stored`, compared in constant time.
pub fn code_matches(key: &[u8; 32], typed: &str, stored: &str) -> bool {
    let Some(code) = normalise_code(typed) else {
        return false;
    };
    let Ok(stored) = hex::decode(stored) else {
        return false;
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(code.as_bytes());
    mac.verify_slice(&stored).is_ok()
}

/// For a tenant: what happens next, and what they can do now, at each stage.
pub fn next_steps(stage: Stage) -> (&'static str, &'static str) {
    match stage {
        Stage::Intake | Stage::Triage => (
            "A volunteer will read what you told us and contact you, usually within a week.",
            "Find your tenancy agreement, any inventory, and proof that you paid the deposit (a bank statement or receipt). You can send them to us below.",
        ),
        Stage::FactsGathering | Stage::AdviceGiven => (
            "We are checking the facts of your case and what the law gives you. We will tell you what we advise.",
            "Send us any papers or photos you have not sent yet. Keep every letter or e-mail from your landlord or agent.",
        ),
        Stage::LandlordRequested | Stage::LetterBeforeClaim | Stage::Negotiating => (
            "We have written to your landlord or letting agent. We will tell you when they reply, or what we do next if they do not.",
            "If your landlord or agent contacts you, tell us by sending a message below. Do not agree to anything before you talk to us.",
        ),
        Stage::SchemeAdr => (
            "The deposit protection scheme is looking at the dispute. It decides using the evidence from you and your landlord.",
            "Answer any message from the scheme before its deadline. Send us a copy of anything the scheme sends you.",
        ),
        Stage::Court => (
            "Your claim is with the court or tribunal. We will tell you about any hearing and what to bring.",
            "Keep all your papers together. Tell us at once if you get a letter from the court or tribunal.",
        ),
        Stage::Enforcement => (
            "You were awarded money. We are helping you collect it.",
            "Tell us if your landlord pays you anything, and how much.",
        ),
        Stage::OnHold => (
            "Your case is paused for now. We will contact you before we take it up again.",
            "Send us a message if anything changes.",
        ),
        Stage::Resolved => (
            "Your case is finished. We hope it went well for you.",
            "Keep your letters and papers. Send us a message if you have any questions.",
        ),
        Stage::Closed | Stage::Withdrawn => (
            "We are no longer working on your case.",
            "If you need help again, send us a message or ask for help on our website.",
        ),
    }
}

/// What an uploaded file is, by its first bytes (never its name or declared type):
/// its type and usual extension; `None` for anything not accepted.
pub fn sniff_document(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if starts(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(("image/png", "png"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis"
        )
    {
        Some(("image/heic", "heic"))
    } else {
        None
    }
}

/// A fingerprint of the access-code key, safe to store: an HMAC of a fixed label, which
/// tells two keys apart without revealing either.
pub fn key_fingerprint(key: &[u8; 32]) -> String {
    code_hash(key, "tenantcase key fingerprint")
}

/// Characters that reorder text around them (bidirectional overrides, embeddings,
/// isolates and marks): in a file name they can make "gpj.exe" read as "exe.jpg".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A file name made safe to show and to offer back: no folders, no control or
/// bidirectional characters, at most 100 characters, and ending in `extension`, the type
/// found in the content (a PDF sent as "photo.jpg.exe" is offered back as
/// "photo.jpg.pdf").
pub fn clean_file_name(raw: &str, extension: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && !matches!(c, '"' | '<' | '>'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, ext))
            if ext.eq_ignore_ascii_case(extension)
                || (extension == "jpg" && ext.eq_ignore_ascii_case("jpeg")) =>
        {
            stem
        }
        Some((stem, ext)) if ext.len() <= 5 && !stem.is_empty() => stem,
        _ => cleaned,
    };
    let stem: String = stem.trim().chars().take(95).collect();
    if stem.is_empty() {
        format!("document.{extension}")
    } else {
        format!("{stem}.{extension}")
    }
}

/// A reply we wait for: a sent letter's reply deadline.
#[derive(Debug, Clone, Copy)]
pub struct AwaitedReply<'a> {
    /// The last day to reply.
    pub due: Date,
    /// Which letter.
    pub kind: LetterKind,
    /// Its title.
    pub title: &'a str,
}

/// A tenant's first name, to greet them.
pub fn first_name(full: &str) -> String {
    full.split_whitespace().next().unwrap_or(full).to_string()
}

/// The tenant's deadlines in plain sentences: replies we wait for, and the last days to
/// claim while the case is open. Each date says which claim it belongs to.
pub fn deadline_sentences(
    stage: Stage,
    facts: &CaseFacts,
    replies: &[AwaitedReply<'_>],
    today: Date,
) -> Vec<String> {
    let mut out = Vec::new();
    for r in replies.iter().filter(|r| r.due >= today) {
        let who = if r.kind == LetterKind::L5 {
            "Your landlord or agent has until"
        } else {
            "Your landlord has until"
        };
        out.push(format!(
            "{who} {} to reply to our letter \"{}\".",
            long_date(r.due),
            r.title
        ));
    }
    if stage.is_open() {
        let a = rules::assess(facts, today);
        let limits = [
            (
                a.claim_by,
                "The last day to claim the penalty (the extra money the landlord can be ordered to pay) is",
            ),
            (
                a.deposit_claim_by,
                "The last day to claim your deposit back is",
            ),
        ];
        for (date, words) in limits {
            if let Some(d) = date.filter(|d| *d >= today) {
                out.push(format!(
                    "{words} {}. We will make sure you know what to do before then.",
                    long_date(d)
                ));
            }
        }
    }
    out
}

/// One line of the tenant's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryLine {
    /// When, in words.
    pub on: String,
    /// What happened.
    pub text: String,
}

/// The tenant's short history, newest first, from the timeline (oldest first): what they
/// would want to know, in their words. Notes, reasons, assignments, edits and drafts are
/// left out, and so is a change of stage that the tenant would not see as a change.
pub fn history_lines<'a>(
    entries: impl IntoIterator<Item = (Date, &'a TimelineEvent)>,
) -> Vec<HistoryLine> {
    let mut lines: Vec<HistoryLine> = Vec::new();
    let mut last_status = "";
    for (on, event) in entries {
        let text = match event {
            TimelineEvent::Created { .. } => {
                last_status = Stage::Intake.tenant_label();
                Some("We received your request for help.".to_string())
            }
            TimelineEvent::Transitioned { to, .. } if to.tenant_label() != last_status => {
                last_status = to.tenant_label();
                Some(format!(
                    "Your case status changed to: {}.",
                    to.tenant_label()
                ))
            }
            TimelineEvent::LetterSent { title, .. } => {
                Some(format!("We sent a letter: \"{title}\"."))
            }
            TimelineEvent::TenantMessage { .. } => Some("You sent us a message.".into()),
            TimelineEvent::MessageToTenant { .. } => Some("We sent you a message.".into()),
            TimelineEvent::DocumentAdded {
                from_tenant: true,
                file_name,
                ..
            } => Some(format!("You sent us a document: {file_name}.")),
            TimelineEvent::DocumentShared {
                visible: true,
                file_name,
                ..
            } => Some(format!("We shared a document with you: {file_name}.")),
            _ => None,
        };
        if let Some(text) = text {
            lines.push(HistoryLine {
                on: long_date(on),
                text,
            });
        }
    }
    lines.reverse();
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::CaseInput;
    use crate::domain::timeline::Change;
    use crate::domain::workflow::Stage;
    use serde_json::json;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    /// E1 of DOMAIN.md: protected and informed late in England; the tenancy ended.
    fn e1() -> CaseFacts {
        let v = json!({"tenant": {"name": "Łukasz Nowak", "consent_date": "2026-11-01"},
            "tenancy": {"jurisdiction": "england", "start_date": "2024-01-10", "end_date": "2025-01-09"},
            "deposit": {"amount_pence": 110000, "received_date": "2024-01-10", "scheme": "dps",
                        "protected_date": "2024-03-01", "information_date": "2024-03-01"}});
        serde_json::from_value::<CaseInput>(v)
            .ok()
            .and_then(|i| i.validate(TODAY).ok())
            .unwrap_or_else(|| panic!("fixture must be valid"))
    }

    #[test]
    fn tenants_are_greeted_by_their_first_name() {
        assert_eq!(first_name("Łukasz Nowak"), "Łukasz");
        assert_eq!(first_name("  Zoë   Price "), "Zoë");
        assert_eq!(first_name(""), "");
    }

    #[test]
    fn deadlines_are_told_in_sentences_that_name_their_claim() {
        let replies = [
            AwaitedReply {
                due: date!(2026 - 12 - 10),
                kind: LetterKind::L1,
                title: "Request to return the deposit",
            },
            AwaitedReply {
                due: date!(2026 - 12 - 24),
                kind: LetterKind::L5,
                title: "Request for information",
            },
            AwaitedReply {
                due: date!(2026 - 11 - 25),
                kind: LetterKind::L1,
                title: "An older request",
            },
        ];
        let lines = deadline_sentences(Stage::LandlordRequested, &e1(), &replies, TODAY);
        assert_eq!(
            lines,
            [
                "Your landlord has until 10 December 2026 to reply to our letter \"Request to return the deposit\".",
                "Your landlord or agent has until 24 December 2026 to reply to our letter \"Request for information\".",
                "The last day to claim the penalty (the extra money the landlord can be ordered to pay) is 8 February 2030. We will make sure you know what to do before then.",
                "The last day to claim your deposit back is 9 January 2031. We will make sure you know what to do before then.",
            ]
        );
        let closed = deadline_sentences(Stage::Closed, &e1(), &replies[..1], TODAY);
        assert_eq!(closed.len(), 1, "a closed case names no claim limits");
    }

    #[test]
    fn history_tells_what_the_tenant_would_want_to_know_newest_first() {
        let events = [
            (
                date!(2026 - 11 - 01),
                TimelineEvent::Created {
                    reference: "TC-2026-00001".into(),
                },
            ),
            (
                date!(2026 - 11 - 02),
                TimelineEvent::Note {
                    text: "internal".into(),
                },
            ),
            (
                date!(2026 - 11 - 03),
                TimelineEvent::Edited {
                    changes: vec![Change {
                        field: "tenant.phone".into(),
                        from: None,
                        to: Some("1".into()),
                    }],
                },
            ),
            (
                date!(2026 - 11 - 04),
                TimelineEvent::Transitioned {
                    from: Stage::Intake,
                    to: Stage::Triage,
                    reason: Some("a reason the tenant never sees".into()),
                    outcome_code: None,
                    overridden: false,
                    outcome: None,
                },
            ),
            (
                date!(2026 - 11 - 05),
                TimelineEvent::DocumentAdded {
                    document: uuid::Uuid::nil(),
                    file_name: "kitchen.png".into(),
                    from_tenant: true,
                },
            ),
            (
                date!(2026 - 11 - 06),
                TimelineEvent::DocumentAdded {
                    document: uuid::Uuid::nil(),
                    file_name: "internal.pdf".into(),
                    from_tenant: false,
                },
            ),
        ];
        let mut events = events.to_vec();
        // Triage → gathering facts reads the same to the tenant: no line.
        events.push((
            date!(2026 - 11 - 07),
            TimelineEvent::Transitioned {
                from: Stage::Triage,
                to: Stage::FactsGathering,
                reason: None,
                outcome_code: None,
                overridden: false,
                outcome: None,
            },
        ));
        let lines = history_lines(events.iter().map(|(d, e)| (*d, e)));
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "You sent us a document: kitchen.png.",
                "Your case status changed to: We're reviewing your case.",
                "We received your request for help.",
            ]
        );
        assert_eq!(lines[0].on, "5 November 2026");
        assert!(
            !texts
                .iter()
                .any(|t| t.contains("internal") || t.contains("reason"))
        );
    }

    #[test]
    fn codes_are_grouped_readable_and_carry_80_bits() {
        assert_eq!(ALPHABET.len(), 32);
        const { assert!(LENGTH * 5 >= 80) };
        let code = access_code_from(&[0, 31, 32, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(
            code, "2Z2Z-3456-789A-BCDE",
            "32 and 255 wrap round the alphabet"
        );
        let every: Vec<u8> = (0..=255).collect();
        for chunk in every.chunks(LENGTH) {
            let bytes: [u8; LENGTH] = chunk.try_into().unwrap_or_default();
            let code = access_code_from(&bytes);
            assert_eq!(code.split('-').count(), 4);
            assert!(!code.contains(['0', 'O', '1', 'I', 'l']), "{code}");
        }
    }

    #[test]
    fn a_code_matches_however_it_is_typed_and_only_under_its_key() {
        let key = [7u8; 32];
        let code = access_code_from(&[9; LENGTH]);
        let stored = code_hash(&key, &normalise_code(&code).unwrap_or_default());
        assert!(code_matches(&key, &code, &stored));
        let typed = code.to_lowercase().replace('-', " ");
        assert!(code_matches(&key, &typed, &stored), "{typed}");
        assert!(!code_matches(&[8u8; 32], &code, &stored), "another key");
        assert!(!code_matches(&key, "7KQ2-MX9D-R4TW-H8PC", &stored));
        assert!(!code_matches(&key, "", &stored));
        assert!(!code_matches(&key, &code, "not hex"));
        assert_eq!(normalise_code("7KQ2-MX9D-R4TW-H8P0"), None, "0 is not used");
    }

    #[test]
    fn documents_are_known_by_their_content() {
        let kind = |b: &[u8]| sniff_document(b).map(|(t, _)| t);
        assert_eq!(kind(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(kind(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(kind(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(kind(b"\0\0\0\x18ftypheic\0\0"), Some("image/heic"));
        assert_eq!(kind(b"\0\0\0\x18ftypisom\0\0"), None, "an MP4 video");
        assert_eq!(kind(b"<html><script>"), None);
        assert_eq!(kind(b""), None);
    }

    #[test]
    fn every_stage_tells_the_tenant_what_next_and_what_to_do() {
        for stage in Stage::ALL {
            let (next, now) = next_steps(*stage);
            assert!(next.ends_with('.') && now.ends_with('.'), "{stage:?}");
        }
    }

    #[test]
    fn file_names_are_cleaned_and_named_by_their_content() {
        assert_eq!(
            clean_file_name("C:\\Users\\me\\tenancy.pdf", "pdf"),
            "tenancy.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd", "pdf"), "passwd.pdf");
        assert_eq!(clean_file_name("photo.jpg.exe", "pdf"), "photo.jpg.pdf");
        assert_eq!(clean_file_name("IMG_0001.JPEG", "jpg"), "IMG_0001.jpg");
        assert_eq!(
            clean_file_name("bank statement", "pdf"),
            "bank statement.pdf"
        );
        assert_eq!(
            clean_file_name("invoice\u{202E}gpj.exe", "png"),
            "invoicegpj.png",
            "no right-to-left override"
        );
        assert_eq!(clean_file_name("\u{2066}\u{2069}", "png"), "document.png");
        assert_eq!(clean_file_name("...", "pdf"), "document.pdf");
        assert_eq!(clean_file_name("\"<x>\".pdf", "pdf"), "x.pdf");
        assert_eq!(clean_file_name(&"a".repeat(300), "pdf").chars().count(), 99);
    }
}
