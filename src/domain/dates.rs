//! Dates as the app writes them: `YYYY-MM-DD` in JSON ([`iso_date`]) and "8 February
//! 2024" for people ([`long_date`]).

use time::Date;

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
