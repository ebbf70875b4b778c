//! Writing one letter: whether the case may have it, its wording and addressing, the
//! frozen PDF, and the records of it.

use super::*;

/// Writes one letter inside `txn`: checks the case can have it, renders, freezes, and
/// records it on the timeline and in the audit log. Returns the row and what was drawn.
pub(super) async fn write(
    txn: &DatabaseTransaction,
    clock: &dyn Clock,
    actor: &Principal,
    case_id: Uuid,
    kind: LetterKind,
    clean: &BTreeMap<String, String>,
    dated: Date,
) -> Result<(LetterRow, Letter), AppError> {
    let case = VisibleCase::load(txn, actor, case_id).await?;
    let assessment = rules::assess(&case.facts, clock.today());
    may_write(&case, kind, &assessment, clean)?;
    let group = db::groups::by_id(txn, case.group_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (template_version, custom) = wording_in_use(txn, group.id, kind).await?;
    let now = clock.now();
    let clean = &with_earlier_request(txn, case_id, kind, clean).await?;
    let words = wording::render(
        kind,
        custom.as_deref(),
        &context(&case, &group, kind, clean, clock.today(), dated, false),
    )
    .map_err(|e| wording_error(kind, template_version, &e))?;
    let f = &case.facts;
    let letter = addressed(&case, &group, actor, kind, words, dated);
    let (bytes, pages) = pdf::render_counted(&letter, now).map_err(|e| anyhow::anyhow!(e))?;
    db::cases::lock(txn, case_id).await?;
    let version = db::letters::next_version(txn, case_id, kind.as_str()).await?;
    let printed_reply_due =
        reply_due(kind, f.tenancy.jurisdiction, dated, SendMethod::Post).map(|r| r.due);
    let row = LetterRow {
        id: Uuid::now_v7(),
        case_id,
        kind: kind.as_str().into(),
        version,
        title: kind.title().into(),
        fields: json!(clean),
        sha256: hex::encode(Sha256::digest(&bytes)),
        pdf: bytes,
        pages: i32::try_from(pages).unwrap_or(i32::MAX),
        created_at: now,
        created_by: Some(actor.user_id),
        sent_on: None,
        sent_method: None,
        tracking: None,
        reply_due: None,
        template_version,
        dated: Some(dated),
        printed_reply_due,
    };
    db::letters::insert(txn, row.clone()).await?;
    let event = TimelineEvent::LetterGenerated {
        letter: row.id,
        letter_type: row.kind.clone(),
        title: row.title.clone(),
        version,
    };
    db::cases::append_event(txn, case_id, now, Some(actor.user_id), &event).await?;
    db::audit::record(
        txn,
        now,
        Some(actor),
        AuditAction::LetterGenerated,
        Some(case_id),
        json!({"letter": row.id, "template_version": template_version}),
    )
    .await?;
    Ok((row, letter))
}

/// Whether a letter of `kind` may be written for the case now: it is open, and every fact
/// the letter must state is known. A letter is complete or it is not written.
fn may_write(
    case: &CaseRecord,
    kind: LetterKind,
    assessment: &rules::Assessment,
    clean: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    if !case.stage.is_open() {
        return Err(AppError::Conflict(
            "Letters cannot be written for a resolved or closed case.".into(),
        ));
    }
    let missing = crate::domain::letters::missing_facts(kind, &case.facts, assessment);
    if !missing.is_empty() {
        let mut errors = FieldErrors::default();
        for (field, what) in missing {
            errors.add(field, what);
        }
        return Err(AppError::Invalid(errors));
    }
    if kind == LetterKind::L4 && assessment.breaches.is_empty() {
        return Err(AppError::Invalid(FieldErrors::single(
            "type",
            "L4 needs a breach of the protection duties, and none is found from the facts recorded",
        )));
    }
    if kind == LetterKind::L6
        && assessment.prohibited_excess_pence == 0
        && !clean.contains_key("payment")
    {
        return Err(AppError::Invalid(FieldErrors::single(
            "fields.payment",
            "Describe the prohibited payment: the deposit is within the cap",
        )));
    }
    Ok(())
}

/// The volunteer's fields, with the date of the earlier request that L3 gives: the sent
/// L1's, unless the volunteer wrote one.
async fn with_earlier_request(
    txn: &DatabaseTransaction,
    case_id: Uuid,
    kind: LetterKind,
    clean: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, AppError> {
    let mut clean = clean.clone();
    if kind == LetterKind::L3 && !clean.contains_key("earlier_request") {
        let sent_l1 = db::letters::of_case(txn, case_id)
            .await?
            .into_iter()
            .filter(|l| l.kind == LetterKind::L1.as_str())
            .filter_map(|l| l.sent_on)
            .max();
        if let Some(day) = sent_l1 {
            clean.insert("earlier_request".into(), long_date(day));
        }
    }
    Ok(clean)
}

/// The letter as printed: the wording, from the group and the volunteer, to the agent if
/// there is one, else the landlord.
fn addressed(
    case: &CaseRecord,
    group: &db::groups::Group,
    actor: &Principal,
    kind: LetterKind,
    words: wording::Wording,
    dated: Date,
) -> Letter {
    let f = &case.facts;
    let to = f.agent.as_ref().or(f.landlord.as_ref());
    let mut recipient: Vec<String> = to.map(|p| p.name.clone()).into_iter().collect();
    recipient.extend(
        to.and_then(|p| p.address.clone())
            .iter()
            .flat_map(|a| a.lines().map(str::to_string)),
    );
    if recipient.is_empty() {
        recipient.push("The landlord".into());
    }
    // A named person is greeted by name and signed off "sincerely"; otherwise "Dear Sir
    // or Madam" and "faithfully".
    let contact = to
        .and_then(|p| p.contact_name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let (salutation, close) = match contact {
        Some(name) => (format!("Dear {name}"), "Yours sincerely"),
        None => ("Dear Sir or Madam".to_string(), "Yours faithfully"),
    };
    let (sender, sender_address) = group.letterhead();
    Letter {
        title: kind.title().into(),
        sender: sender.clone(),
        sender_address,
        recipient,
        date: long_date(dated),
        reference: format!("Our reference: {}", case.reference),
        salutation,
        subject: words.subject,
        body: words.paragraphs,
        closing: vec![
            close.into(),
            String::new(),
            actor.name.clone(),
            if group.organisation.is_some() {
                format!("for {sender} ({})", group.name)
            } else {
                format!("for {}", group.name)
            },
        ],
    }
}
