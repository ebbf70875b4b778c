//! Places a [`Letter`] on A4 pages: wraps text to the margins (ragged right), breaks pages,
//! and numbers them "Page n of N". Pure: it measures text through [`Measure`].

use super::Letter;

/// A4 width in millimetres.
pub const PAGE_WIDTH: f32 = 210.0;
/// A4 height in millimetres.
pub const PAGE_HEIGHT: f32 = 297.0;
/// Left and right margin.
pub const MARGIN_X: f32 = 25.0;
/// Top margin.
pub const MARGIN_TOP: f32 = 20.0;
/// Bottom margin; the page number sits inside it.
pub const MARGIN_BOTTOM: f32 = 25.0;
/// Body text size in points.
pub const BODY_PT: f32 = 11.0;
/// Millimetres per point.
const MM_PER_PT: f32 = 25.4 / 72.0;

/// Measures text as it will be drawn.
pub trait Measure {
    /// The width of `text` in millimetres at `size_pt`, bold or regular.
    fn width_mm(&self, text: &str, size_pt: f32, bold: bool) -> f32;
}

/// One line of text placed on a page. `y` is the baseline, from the bottom edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Left edge, millimetres from the left of the page.
    pub x: f32,
    /// Baseline, millimetres from the bottom of the page.
    pub y: f32,
    /// Size in points.
    pub size: f32,
    /// Bold face.
    pub bold: bool,
    /// The text.
    pub text: String,
}

/// One page's lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Lines in reading order; the page number is last.
    pub lines: Vec<Line>,
}

fn line_height(size: f32) -> f32 {
    size * 1.35 * MM_PER_PT
}

/// Breaks `text` into lines no wider than `width` mm. Words longer than a line are split.
pub fn wrap(text: &str, width: f32, size: f32, bold: bool, m: &impl Measure) -> Vec<String> {
    let space = m.width_mm(" ", size, bold);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut current_width = 0.0;
    for word in text.split_whitespace() {
        let word_width = m.width_mm(word, size, bold);
        let added = if current.is_empty() {
            word_width
        } else {
            current_width + space + word_width
        };
        if added <= width {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
            current_width = added;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if word_width <= width {
            current.push_str(word);
            current_width = word_width;
            continue;
        }
        // A word wider than the line is cut where it must be.
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if m.width_mm(&piece, size, bold) > width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        current_width = m.width_mm(&piece, size, bold);
        current = piece;
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

struct Cursor<'a, M: Measure> {
    pages: Vec<Page>,
    y: f32,
    m: &'a M,
}

impl<M: Measure> Cursor<'_, M> {
    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = PAGE_HEIGHT - MARGIN_TOP;
    }

    /// Adds a block of lines kept together where they fit on one page.
    fn block(&mut self, texts: &[String], size: f32, bold: bool, right: bool) {
        let lh = line_height(size);
        let needed = lh * texts.len() as f32;
        if self.y - needed < MARGIN_BOTTOM && needed <= PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM {
            self.new_page();
        }
        for text in texts {
            if self.y - lh < MARGIN_BOTTOM {
                self.new_page();
            }
            self.y -= lh;
            let x = if right {
                PAGE_WIDTH - MARGIN_X - self.m.width_mm(text, size, bold)
            } else {
                MARGIN_X
            };
            if let Some(page) = self.pages.last_mut() {
                page.lines.push(Line {
                    x,
                    y: self.y,
                    size,
                    bold,
                    text: text.clone(),
                });
            }
        }
    }

    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }

    fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        let width = PAGE_WIDTH - 2.0 * MARGIN_X;
        let lines = wrap(text, width, size, bold, self.m);
        // Keep a two-line paragraph together; longer ones may break anywhere.
        if lines.len() <= 2 {
            self.block(&lines, size, bold, false);
        } else {
            for line in lines {
                self.block(&[line], size, bold, false);
            }
        }
    }
}

/// Lays a letter out on as many pages as it needs.
pub fn layout(letter: &Letter, m: &impl Measure) -> Vec<Page> {
    let mut c = Cursor {
        pages: Vec::new(),
        y: 0.0,
        m,
    };
    c.new_page();
    let width = PAGE_WIDTH - 2.0 * MARGIN_X;
    let head: Vec<String> = wrap(&letter.sender, width / 2.0, 14.0, true, m);
    c.block(&head, 14.0, true, true);
    let address: Vec<String> = letter
        .sender_address
        .iter()
        .flat_map(|l| wrap(l, width / 2.0, 9.0, false, m))
        .collect();
    c.block(&address, 9.0, false, true);
    c.gap(10.0);
    let recipient: Vec<String> = letter
        .recipient
        .iter()
        .flat_map(|l| wrap(l, width, BODY_PT, false, m))
        .collect();
    c.block(&recipient, BODY_PT, false, false);
    c.gap(8.0);
    c.block(std::slice::from_ref(&letter.date), BODY_PT, false, false);
    c.block(
        std::slice::from_ref(&letter.reference),
        BODY_PT,
        false,
        false,
    );
    c.gap(6.0);
    if !letter.salutation.is_empty() {
        c.paragraph(&letter.salutation, BODY_PT, false);
        c.gap(line_height(BODY_PT) * 0.6);
    }
    c.paragraph(&letter.subject, BODY_PT + 1.0, true);
    for para in &letter.body {
        c.gap(line_height(BODY_PT) * 0.6);
        c.paragraph(para, BODY_PT, false);
    }
    c.gap(line_height(BODY_PT));
    let closing: Vec<String> = letter
        .closing
        .iter()
        .flat_map(|l| wrap(l, width, BODY_PT, false, m))
        .collect();
    c.block(&closing, BODY_PT, false, false);

    let total = c.pages.len();
    for (i, page) in c.pages.iter_mut().enumerate() {
        let text = format!("Page {} of {}", i + 1, total);
        let x = PAGE_WIDTH - MARGIN_X - m.width_mm(&text, 9.0, false);
        page.lines.push(Line {
            x,
            y: MARGIN_BOTTOM / 2.0,
            size: 9.0,
            bold: false,
            text,
        });
    }
    c.pages
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is half the font size wide: predictable for tests.
    struct Fixed;
    impl Measure for Fixed {
        fn width_mm(&self, text: &str, size: f32, _: bool) -> f32 {
            text.chars().count() as f32 * size * 0.5 * MM_PER_PT
        }
    }

    fn letter(paragraphs: usize) -> Letter {
        Letter {
            title: "Test".into(),
            sender: "Leeds Tenants".into(),
            sender_address: vec!["1 Street".into(), "Leeds LS6 1AB".into()],
            recipient: vec!["Mr R Patel".into(), "2 Road".into()],
            date: "8 February 2024".into(),
            reference: "Our reference: TC-2024-00001".into(),
            salutation: "Dear Mr Patel".into(),
            subject: "Your deposit".into(),
            body: (0..paragraphs)
                .map(|i| format!("Paragraph {i}. {}", "word ".repeat(60)))
                .collect(),
            closing: vec!["Yours faithfully".into(), "Ana".into()],
        }
    }

    #[test]
    fn lines_stay_inside_the_margins() {
        for page in layout(&letter(3), &Fixed) {
            for l in &page.lines {
                assert!(l.x >= MARGIN_X - 0.01, "{l:?}");
                assert!(
                    l.x + Fixed.width_mm(&l.text, l.size, l.bold) <= PAGE_WIDTH - MARGIN_X + 0.01,
                    "{l:?}"
                );
                assert!(
                    l.y >= MARGIN_BOTTOM / 2.0 - 0.01 && l.y <= PAGE_HEIGHT - MARGIN_TOP,
                    "{l:?}"
                );
            }
        }
    }

    #[test]
    fn a_long_letter_flows_over_numbered_pages() {
        let pages = layout(&letter(30), &Fixed);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (i, p) in pages.iter().enumerate() {
            let last = p.lines.last().map(|l| l.text.clone()).unwrap_or_default();
            assert_eq!(last, format!("Page {} of {}", i + 1, pages.len()));
            assert!(
                p.lines
                    .iter()
                    .filter(|l| l.text != last)
                    .all(|l| l.y >= MARGIN_BOTTOM)
            );
        }
        let text: Vec<&str> = pages
            .iter()
            .flat_map(|p| p.lines.iter().map(|l| l.text.as_str()))
            .collect();
        assert!(text.iter().any(|t| t.starts_with("Paragraph 29.")));
        assert_eq!(text.iter().filter(|t| **t == "Yours faithfully").count(), 1);
    }

    #[test]
    fn wrapping_keeps_every_word_in_order() {
        let text = "a ".repeat(200) + &"x".repeat(400);
        let lines = wrap(&text, 60.0, 11.0, false, &Fixed);
        assert!(
            lines
                .iter()
                .all(|l| Fixed.width_mm(l, 11.0, false) <= 60.0 + 0.01)
        );
        assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
    }
}
