//! What tenants get: their access code, and their case told in plain words.

use hmac::{KeyInit, Mac};

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

#[cfg(test)]
mod tests {
    use super::*;

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
