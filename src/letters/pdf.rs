//! Draws laid-out letters as PDF with printpdf. The font (Liberation Serif, SIL OFL 1.1,
//! licence beside it in `fonts/`) is parsed once; each letter embeds a subset holding
//! only the glyphs it uses, so names such as Łukasz, Zoë, Ștefan and Siân print and copy
//! correctly while a one-page letter stays small.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use printpdf::{
    Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};
use time::OffsetDateTime;

use super::Letter;
use super::layout::{self, Measure, PAGE_HEIGHT, PAGE_WIDTH};

const REGULAR_TTF: &[u8] = include_bytes!("fonts/LiberationSerif-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("fonts/LiberationSerif-Bold.ttf");

/// Why a letter could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The shipped font did not load.
    #[error("the letter font could not be loaded")]
    Font,
    /// Subsetting the font failed.
    #[error("the letter font could not be subset: {0}")]
    Subset(String),
    /// Writing the PDF failed.
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The two faces letters use, parsed once.
pub struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

static FONTS: LazyLock<Option<Fonts>> = LazyLock::new(|| {
    Some(Fonts {
        regular: ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new())?,
        bold: ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new())?,
    })
});

/// The shipped fonts.
pub fn fonts() -> Result<&'static Fonts, PdfError> {
    FONTS.as_ref().ok_or(PdfError::Font)
}

impl Fonts {
    fn face(&self, bold: bool) -> &ParsedFont {
        if bold { &self.bold } else { &self.regular }
    }
}

impl Measure for Fonts {
    fn width_mm(&self, text: &str, size_pt: f32, bold: bool) -> f32 {
        let face = self.face(bold);
        let upem = f32::from(face.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                let gid = face
                    .codepoint_to_glyph
                    .get(&u32::from(c))
                    .copied()
                    .unwrap_or(0);
                u32::from(
                    face.glyph_widths
                        .get(&gid)
                        .copied()
                        .unwrap_or(face.units_per_em / 2),
                )
            })
            .sum();
        units as f32 / upem * size_pt * 25.4 / 72.0
    }
}

/// The six-letter tag of a font subset (ISO 32000-1, 9.6.4): upper-case letters drawn
/// from a hash of the characters it holds, so the same subset always gets the same tag.
fn subset_tag(text: &BTreeSet<char>) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for c in text {
        hash.update(u32::from(*c).to_le_bytes());
    }
    hash.finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// A copy of `base` holding only the glyphs `text` needs (and .notdef), named
/// `TAG+name` as a subset must be on /BaseFont and /FontName.
fn subset(base: &ParsedFont, name: &str, text: &BTreeSet<char>) -> Result<ParsedFont, PdfError> {
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut codepoint_to_glyph = BTreeMap::new();
    let mut glyph_widths = BTreeMap::new();
    for c in text {
        let Some(&old) = base.codepoint_to_glyph.get(&u32::from(*c)) else {
            continue;
        };
        let new = remapper.remap(old);
        codepoint_to_glyph.insert(u32::from(*c), new);
        if let Some(w) = base.glyph_widths.get(&old) {
            glyph_widths.insert(new, *w);
        }
    }
    let bytes = subsetter::subset(&base.original_bytes, 0, &remapper)
        .map_err(|e| PdfError::Subset(format!("{e:?}")))?;
    Ok(ParsedFont {
        original_bytes: super::strip::strip_hinting(&bytes),
        font_index: 0,
        font_name: Some(format!("{}+{name}", subset_tag(text))),
        codepoint_to_glyph,
        glyph_widths,
        units_per_em: base.units_per_em,
        font_metrics: base.font_metrics.clone(),
        font_type: base.font_type,
        pdf_font_metrics: base.pdf_font_metrics.clone(),
    })
}

/// Draws `letter` as a PDF made at `created`: A4, ragged right, numbered pages, title
/// and author in the metadata.
pub fn render(letter: &Letter, created: OffsetDateTime) -> Result<Vec<u8>, PdfError> {
    render_counted(letter, created).map(|(bytes, _)| bytes)
}

/// As [`render`], also returning the number of pages.
pub fn render_counted(
    letter: &Letter,
    created: OffsetDateTime,
) -> Result<(Vec<u8>, usize), PdfError> {
    let pages = layout::layout(letter, fonts()?);
    let bytes = draw(&letter.title, &letter.sender, &pages, created)?;
    Ok((bytes, pages.len()))
}

/// Several letters in one PDF (a batch to print), each numbered on its own.
pub fn render_many(
    title: &str,
    author: &str,
    letters: &[&Letter],
    created: OffsetDateTime,
) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let pages: Vec<layout::Page> = letters
        .iter()
        .flat_map(|l| layout::layout(l, fonts))
        .collect();
    draw(title, author, &pages, created)
}

fn draw(
    title: &str,
    author: &str,
    pages: &[layout::Page],
    created: OffsetDateTime,
) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let (mut regular_chars, mut bold_chars) = (BTreeSet::new(), BTreeSet::new());
    for line in pages.iter().flat_map(|p| &p.lines) {
        let set = if line.bold {
            &mut bold_chars
        } else {
            &mut regular_chars
        };
        set.extend(line.text.chars());
    }
    let mut doc = PdfDocument::new(title);
    let regular = doc.add_font(&subset(&fonts.regular, "LiberationSerif", &regular_chars)?);
    let bold = doc.add_font(&subset(&fonts.bold, "LiberationSerif-Bold", &bold_chars)?);
    let stamp = printpdf::OffsetDateTime::from_unix_timestamp(created.unix_timestamp())
        .map_err(|e| PdfError::Write(e.to_string()))?;
    let info = &mut doc.metadata.info;
    info.document_title = title.to_string();
    info.author = author.to_string();
    info.creator = "tenantcase".into();
    info.producer = "tenantcase".into();
    info.creation_date = stamp;
    info.modification_date = stamp;
    info.metadata_date = stamp;

    let pdf_pages = pages
        .iter()
        .map(|page| page_of(page, &regular, &bold))
        .collect();
    doc.with_pages(pdf_pages);
    // Streams are compressed here at a fast level: printpdf's own pass is several times
    // slower for a few per cent of size.
    let opts = PdfSaveOptions {
        subset_fonts: false,
        optimize: false,
        ..Default::default()
    };
    let mut lo = doc.to_lopdf_document(&opts, &mut Vec::new());
    compress(&mut lo)?;
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(out)
}

/// One page's lines as PDF text operations.
fn page_of(page: &layout::Page, regular: &printpdf::FontId, bold: &printpdf::FontId) -> PdfPage {
    let mut ops = Vec::with_capacity(page.lines.len() * 5);
    for line in &page.lines {
        let font = if line.bold { bold } else { regular };
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(font.clone()),
            size: Pt(line.size),
        });
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Mm(line.x).into(),
                y: Mm(line.y).into(),
            },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(line.text.clone())],
        });
        ops.push(Op::EndTextSection);
    }
    PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops)
}

/// Compresses every stream not yet compressed, where that makes it smaller.
fn compress(lo: &mut lopdf::Document) -> Result<(), PdfError> {
    for object in lo.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object
            && stream.dict.get(b"Filter").is_err()
        {
            // Embedded font programs are most of a letter's bytes: pack them harder.
            let font = stream.dict.get(b"Length1").is_ok();
            let packed = deflate(&stream.content, font)?;
            if packed.len() < stream.content.len() {
                stream.set_content(packed);
                stream
                    .dict
                    .set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
            }
        }
    }
    Ok(())
}

thread_local! {
    /// One compressor per thread, reset between streams: allocating one costs more than
    /// compressing a letter.
    static DEFLATE: std::cell::RefCell<flate2::Compress> =
        std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::fast(), true));
    static DEFLATE_HARD: std::cell::RefCell<flate2::Compress> =
        std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(2), true));
}

/// zlib-compresses `data` (PDF `FlateDecode`).
fn deflate(data: &[u8], hard: bool) -> Result<Vec<u8>, PdfError> {
    let compressor = if hard { &DEFLATE_HARD } else { &DEFLATE };
    compressor.with(|cell| {
        let mut z = cell.borrow_mut();
        z.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let consumed = z.total_in() as usize;
            let status = z
                .compress_vec(
                    &data[consumed.min(data.len())..],
                    &mut out,
                    flate2::FlushCompress::Finish,
                )
                .map_err(|e| PdfError::Write(e.to_string()))?;
            match status {
                flate2::Status::StreamEnd => return Ok(out),
                _ => out.reserve(out.capacity().max(1024)),
            }
        }
    })
}

/// Reads a PDF back: its page count and the text of each page (for tests and checks).
pub fn read_back(bytes: &[u8]) -> Result<(usize, Vec<String>), PdfError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| PdfError::Write(e.to_string()))?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let texts = pages
        .iter()
        .map(|n| {
            doc.extract_text(&[*n])
                .map_err(|e| PdfError::Write(e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    Ok((pages.len(), texts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn letter(paragraphs: usize) -> Letter {
        Letter {
            title: "Request for the return of a deposit".into(),
            sender: "Leeds Tenants' Union".into(),
            sender_address: vec!["1 Woodhouse Lane".into(), "Leeds LS2 9JT".into()],
            recipient: vec!["Headingley Lettings Ltd".into(), "1 Otley Road".into(), "Leeds LS6 3AA".into()],
            date: "26 November 2026".into(),
            reference: "Our reference: TC-2026-00042".into(),
            salutation: "Dear Mr Patel".into(),
            subject: "Deposit of Łukasz Nowak, Zoë Price, Ștefan Popescu and Siân Evans".into(),
            body: (0..paragraphs)
                .map(|i| format!("Paragraph {i}: the deposit of £1,100.00 was received on 10 January 2024. {}", "More words follow here. ".repeat(8)))
                .collect(),
            closing: vec!["Yours faithfully".into(), "Ana Volunteer".into()],
        }
    }

    #[test]
    fn a_letter_reads_back_with_every_name_intact() {
        let bytes = render(&letter(3), datetime!(2026-11-26 10:00 UTC)).unwrap_or_default();
        assert!(bytes.starts_with(b"%PDF-"));
        let (pages, text) = read_back(&bytes).unwrap_or_default();
        assert_eq!(pages, 1);
        let all = text.concat();
        for name in [
            "Łukasz Nowak",
            "Zoë Price",
            "Ștefan Popescu",
            "Siân Evans",
            "£1,100.00",
            "Page 1 of 1",
            "Leeds Tenants' Union",
        ] {
            assert!(all.contains(name), "{name} in {all}");
        }
        assert!(bytes.len() < 30_000, "{} bytes", bytes.len());
    }

    #[test]
    fn a_long_letter_spans_pages_numbered_n_of_n() {
        let bytes = render(&letter(40), datetime!(2026-11-26 10:00 UTC)).unwrap_or_default();
        let (pages, text) = read_back(&bytes).unwrap_or_default();
        assert!(pages >= 3, "{pages} pages");
        for (i, t) in text.iter().enumerate() {
            assert!(
                t.contains(&format!("Page {} of {pages}", i + 1)),
                "page {i}: {t}"
            );
        }
        assert!(text.concat().contains("Paragraph 39:"));
    }

    /// A PDF text string: UTF-16BE after a byte-order mark, else bytes as they are.
    fn pdf_text(b: &[u8]) -> String {
        match b.strip_prefix(&[0xFE, 0xFF]) {
            Some(rest) => {
                let units: Vec<u16> = rest
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                String::from_utf16_lossy(&units)
            }
            None => String::from_utf8_lossy(b).into_owned(),
        }
    }

    #[test]
    fn embedded_fonts_are_named_as_tagged_subsets() {
        let pdf = render(&letter(1), time::macros::datetime!(2026-11-26 10:00 UTC));
        let pdf = pdf.unwrap_or_default();
        let names: Vec<String> = pdf
            .windows(10)
            .enumerate()
            .filter(|(_, w)| w == b"/BaseFont/" || w == b"/FontName/")
            .filter_map(|(i, _)| {
                let rest = &pdf[i + 10..];
                let end = rest
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'+' || *b == b'-'))?;
                Some(String::from_utf8_lossy(&rest[..end]).into_owned())
            })
            .collect();
        assert!(!names.is_empty(), "no font names found");
        for n in &names {
            let (tag, face) = n.split_once('+').unwrap_or(("", n));
            assert!(
                tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
                "{n}"
            );
            assert!(
                face == "LiberationSerif" || face == "LiberationSerif-Bold",
                "{n}"
            );
        }
    }

    #[test]
    fn metadata_carries_title_author_and_the_real_date() {
        let bytes = render(&letter(1), datetime!(2026-11-26 10:00 UTC)).unwrap_or_default();
        let doc = lopdf::Document::load_mem(&bytes);
        let info = doc.as_ref().ok().and_then(|d| {
            let id = d.trailer.get(b"Info").ok()?.as_reference().ok()?;
            d.get_dictionary(id).ok().cloned()
        });
        let get = |k: &[u8]| {
            info.as_ref()
                .and_then(|i| i.get(k).ok())
                .and_then(|v| v.as_str().ok())
                .map(pdf_text)
                .unwrap_or_default()
        };
        assert_eq!(get(b"Title"), "Request for the return of a deposit");
        assert!(get(b"Author").contains("Leeds Tenants"));
        assert!(
            get(b"CreationDate").starts_with("D:20261126"),
            "{}",
            get(b"CreationDate")
        );
    }
}
