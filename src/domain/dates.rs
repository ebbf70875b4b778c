//! Dates as the app writes them: `YYYY-MM-DD` in JSON ([`iso_date`]) and "8 February
//! 2024" for people ([`long_date`]); and the UK's local time ([`uk_time`]), in which
//! people read times and "today" is counted.

use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// What a date that is not a real one is told, in the API and on every form (pages
/// show it for their day, month and year boxes as [`BAD_DATE_ON_PAGES`]).
pub const BAD_DATE: &str = "Enter a real date as YYYY-MM-DD, like 2024-02-08";

/// [`BAD_DATE`] as a page says it, beside its day, month and year boxes.
pub const BAD_DATE_ON_PAGES: &str =
    "Enter a real date, with the day, month and year as numbers, like 8 2 2024";

// Serialises a date as `YYYY-MM-DD` (`with = "iso_date"`; `iso_date::option` for an
// optional one).
time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date the British way, for letters and pages: "8 February 2024".
pub fn long_date(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[usize::from(u8::from(d.month())) - 1],
        d.year()
    )
}

/// How long ago `then` was on `today`, in words: "today", "yesterday", "12 days ago",
/// "3 weeks ago", "4 months ago", "2 years ago".
pub fn ago(then: Date, today: Date) -> String {
    let days = (today - then).whole_days();
    let (n, unit) = match days {
        ..=0 => return "today".into(),
        1 => return "yesterday".into(),
        2..=20 => (days, "day"),
        21..=59 => (days / 7, "week"),
        60..=729 => (days / 30, "month"),
        _ => (days / 365, "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// The last Sunday before the first day of `next` (so the last Sunday of the month before
/// it) in `year`.
fn last_sunday_before(year: i32, next: Month) -> Option<Date> {
    let last = Date::from_calendar_date(year, next, 1)
        .ok()?
        .previous_day()?;
    Some(last - Duration::days(i64::from(last.weekday().number_days_from_sunday())))
}

/// `t` in the UK's local time: Greenwich Mean Time, or British Summer Time (an hour ahead)
/// from 01:00 GMT on the last Sunday of March to 01:00 GMT on the last Sunday of October.
/// Times are shown to people in it, and "today" is its date.
pub fn uk_time(t: OffsetDateTime) -> OffsetDateTime {
    let utc = t.to_offset(UtcOffset::UTC);
    let change = |next| {
        last_sunday_before(utc.year(), next)
            .map(|d| PrimitiveDateTime::new(d, Time::MIDNIGHT + Duration::HOUR).assume_utc())
    };
    let summer = match (change(Month::April), change(Month::November)) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    };
    let offset = if summer {
        UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC)
    } else {
        UtcOffset::UTC
    };
    utc.to_offset(offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn how_long_ago_in_words() {
        use time::macros::date;
        let today = date!(2026 - 11 - 26);
        assert_eq!(ago(today, today), "today");
        assert_eq!(ago(date!(2026 - 11 - 25), today), "yesterday");
        assert_eq!(ago(date!(2026 - 11 - 14), today), "12 days ago");
        assert_eq!(ago(date!(2026 - 11 - 05), today), "3 weeks ago");
        assert_eq!(ago(date!(2026 - 07 - 26), today), "4 months ago");
        assert_eq!(ago(date!(2024 - 02 - 08), today), "2 years ago");
    }

    #[test]
    fn uk_time_follows_british_summer_time() {
        let hour = |t: OffsetDateTime| (uk_time(t).date(), uk_time(t).hour());
        // 2026: summer time from 29 March 01:00 GMT to 25 October 01:00 GMT.
        assert_eq!(hour(datetime!(2026-03-29 00:59 UTC)).1, 0);
        assert_eq!(hour(datetime!(2026-03-29 01:00 UTC)).1, 2);
        assert_eq!(hour(datetime!(2026-10-25 00:59 UTC)).1, 1);
        assert_eq!(
            hour(datetime!(2026-10-25 01:00 UTC)).1,
            1,
            "01:00 GMT is 01:00 again"
        );
        assert_eq!(hour(datetime!(2026-11-26 10:00 UTC)).1, 10);
        // Late on a summer evening it is already tomorrow in the UK.
        assert_eq!(
            hour(datetime!(2026-07-31 23:30 UTC)),
            (time::macros::date!(2026 - 08 - 01), 0)
        );
        // A year whose last Sunday of March is the 31st.
        assert_eq!(hour(datetime!(2024-03-31 01:00 UTC)).1, 2);
        assert_eq!(hour(datetime!(2024-03-30 12:00 UTC)).1, 12);
        // Any offset in, the same instant out.
        let plus_two = datetime!(2026-07-01 14:00 +2);
        assert_eq!(uk_time(plus_two), plus_two);
        assert_eq!(uk_time(plus_two).hour(), 13);
    }
}
