//! Letters to landlords, agents and schemes: a letter model, its page layout (pure and
//! testable), and the PDF drawing in [`pdf`], the only user of printpdf.

pub mod layout;
pub mod pdf;
/// The limits a group's own wording runs under.
pub mod sandbox;
mod strip;
pub mod wording;

/// Everything printed on a letter, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Letter {
    /// The document title (PDF metadata), e.g. "Request for the return of a deposit".
    pub title: String,
    /// Who writes: the local group's name (letterhead and PDF author).
    pub sender: String,
    /// The sender's address lines, under its name in the letterhead.
    pub sender_address: Vec<String>,
    /// The recipient's name and address lines.
    pub recipient: Vec<String>,
    /// The date, written out: "8 February 2024".
    pub date: String,
    /// "Our reference: TC-2026-00042".
    pub reference: String,
    /// "Dear Mr Ahmed", or "Dear Sir or Madam".
    pub salutation: String,
    /// The subject line, printed in bold.
    pub subject: String,
    /// The body, a paragraph each.
    pub body: Vec<String>,
    /// Sign-off lines: "Yours faithfully", the signer, the group.
    pub closing: Vec<String>,
}
