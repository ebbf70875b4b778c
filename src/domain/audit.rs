//! What the audit log records: each action a type, with its stored name and its words.

use std::fmt;

use super::case::labelled_enum;

/// Something done that the audit log records: who did it is beside it in the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// A user signed in.
    SignedIn,
    /// A user was created.
    UserCreated,
    /// A user's details, role or groups changed.
    UserUpdated,
    /// A user's password changed.
    PasswordChanged,
    /// A password reset link was made for a user.
    PasswordResetIssued,
    /// A user chose a new password through a reset link.
    PasswordReset,
    /// An API token was made.
    TokenCreated,
    /// An API token was revoked.
    TokenRevoked,
    /// A group was created.
    GroupCreated,
    /// A group's details changed.
    GroupUpdated,
    /// A group saved its own wording of a letter.
    WordingSaved,
    /// A case was taken in.
    CaseCreated,
    /// A case was opened.
    CaseViewed,
    /// A case list was read (the terms of a search are never kept).
    CasesListed,
    /// A case list was downloaded as a spreadsheet (the terms of a search are never kept).
    CasesExported,
    /// The letters sent were downloaded as a spreadsheet.
    LettersExported,
    /// The audit log was downloaded as a spreadsheet.
    AuditExported,
    /// A case's timeline was read.
    TimelineViewed,
    /// A case's assessment was read.
    CaseAssessed,
    /// A case's facts changed.
    CaseUpdated,
    /// A note was added.
    NoteAdded,
    /// A case moved to another stage.
    CaseTransitioned,
    /// Who works a case changed.
    CaseAssigned,
    /// Someone stopped working a case (they left its group).
    CaseUnassigned,
    /// A letter was written and frozen.
    LetterGenerated,
    /// A letter's PDF was downloaded.
    LetterDownloaded,
    /// A letter was marked sent.
    LetterSent,
    /// A tenant access code was issued.
    AccessCodeIssued,
    /// A tenant signed in with their code.
    TenantSignedIn,
    /// A message was sent, by the tenant or to them.
    MessageSent,
    /// A document was added to a case.
    DocumentAdded,
    /// A document was shown to the tenant, or hidden again.
    DocumentShared,
    /// A document was downloaded by a caseworker.
    DocumentDownloaded,
}

labelled_enum!(AuditAction {
    SignedIn => "auth.signed_in", "Signed in";
    UserCreated => "user.created", "User created";
    UserUpdated => "user.updated", "User changed";
    PasswordChanged => "user.password_changed", "Password changed";
    PasswordResetIssued => "user.reset_link_made", "Password reset link made";
    PasswordReset => "user.password_reset", "Password reset through a link";
    TokenCreated => "token.created", "API token made";
    TokenRevoked => "token.revoked", "API token revoked";
    GroupCreated => "group.created", "Group created";
    GroupUpdated => "group.updated", "Group changed";
    WordingSaved => "letter_template.saved", "Letter wording saved";
    CaseCreated => "case.created", "Case taken in";
    CaseViewed => "case.viewed", "Case opened";
    CasesListed => "cases.listed", "Case list read";
    CasesExported => "cases.exported", "Case list downloaded";
    LettersExported => "letters.exported", "Letters sent downloaded";
    AuditExported => "audit.exported", "Audit log downloaded";
    TimelineViewed => "case.timeline_viewed", "Timeline read";
    CaseAssessed => "case.assessed", "Assessment read";
    CaseUpdated => "case.updated", "Case changed";
    NoteAdded => "case.note_added", "Note added";
    CaseTransitioned => "case.transitioned", "Stage changed";
    CaseAssigned => "case.assigned", "Caseworkers changed";
    CaseUnassigned => "case.unassigned", "Caseworker left the group";
    LetterGenerated => "letter.generated", "Letter written";
    LetterDownloaded => "letter.downloaded", "Letter downloaded";
    LetterSent => "letter.sent", "Letter marked sent";
    AccessCodeIssued => "access_code.issued", "Tenant access code issued";
    TenantSignedIn => "tenant.signed_in", "Tenant signed in";
    MessageSent => "message.sent", "Message sent";
    DocumentAdded => "document.added", "Document added";
    DocumentShared => "document.shared", "Document shared or hidden";
    DocumentDownloaded => "document.downloaded", "Document downloaded";
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_stored_name_that_reads_back() {
        let mut names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a));
            assert!(!a.label().is_empty());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len(), "names are unique");
        assert_eq!(AuditAction::parse("case.deleted"), None);
    }
}
