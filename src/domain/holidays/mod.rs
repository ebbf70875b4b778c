//! Bank holidays of every part of the UK, for counting Scottish working days: a working day
//! is Monday to Friday and not a bank holiday in England and Wales, Scotland or Northern
//! Ireland (Tenancy Deposit Schemes (Scotland) Regulations 2011 reg 2).
//!
//! 2011 to 2030 are data ([`HOLIDAYS`]). Outside those years the holidays fixed by statute
//! are computed ([`statutory`]), and a date counted over them is flagged unconfirmed: a
//! proclamation can move or add a holiday in any year.

use std::ops::RangeInclusive;

use time::{Date, Duration, Month, Weekday};

/// England and Wales.
pub const EW: u8 = 1;
/// Scotland.
pub const S: u8 = 2;
/// Northern Ireland.
pub const NI: u8 = 4;

/// Where the data comes from.
pub const SOURCE: &str = "GOV.UK, \"UK bank holidays\" (www.gov.uk/bank-holidays), for England and Wales, Scotland and Northern Ireland, with the royal proclamations of 2011, 2012, 2020, 2022, 2023 and (Scotland) 2026";

/// The years [`HOLIDAYS`] covers.
pub const DATA_YEARS: RangeInclusive<i32> = 2011..=2030;

mod data;

pub use data::HOLIDAYS;

use Month::*;

/// Every part of the UK.
const UK: u8 = EW | S | NI;

/// A day of the year: (month, day).
type Day = (Month, u8);

/// (year, the statutory day moved, the day it moved to or the extra day, parts of the UK).
type Proclamation = (i32, Option<Day>, Day, u8);

/// Holidays moved or added by royal proclamation (Banking and Financial Dealings Act 1971
/// s.1(3)): (year, the statutory day moved, if one was, the day it moved to or the extra
/// day, the parts of the UK).
const PROCLAIMED: &[Proclamation] = &[
    // The wedding of Prince William and Catherine Middleton.
    (2011, None, (April, 29), UK),
    // The Diamond Jubilee: the spring holiday moved to 4 June, and 5 June added.
    (2012, Some((May, 28)), (June, 4), UK),
    (2012, None, (June, 5), UK),
    // VE Day 75: the early May holiday moved to Friday 8 May.
    (2020, Some((May, 4)), (May, 8), UK),
    // The Platinum Jubilee: the spring holiday moved to 2 June, and 3 June added.
    (2022, Some((May, 30)), (June, 2), UK),
    (2022, None, (June, 3), UK),
    // The state funeral of Queen Elizabeth II.
    (2022, None, (September, 19), UK),
    // The coronation of King Charles III.
    (2023, None, (May, 8), UK),
    // Scotland's first men's World Cup finals match since 1998 (proclaimed February 2026).
    (2026, None, (June, 15), S),
];

fn day(year: i32, month: Month, d: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, d).ok()
}

/// Easter Sunday (Gregorian calendar; anonymous algorithm).
pub fn easter(year: i32) -> Option<Date> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let dd = (h + l - 7 * m + 114) % 31 + 1;
    day(
        year,
        Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(dd).ok()?,
    )
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The first `weekday` of a month on or after day `from`.
fn weekday_on_or_after(year: i32, month: Month, from: u8, weekday: Weekday) -> Option<Date> {
    let mut d = day(year, month, from)?;
    while d.weekday() != weekday {
        d = d.next_day()?;
    }
    Some(d)
}

/// The last Monday of a month.
fn last_monday(year: i32, month: Month) -> Option<Date> {
    let mut d = day(year, month, month.length(year))?;
    while d.weekday() != Weekday::Monday {
        d = d.previous_day()?;
    }
    Some(d)
}

/// Adds fixed-date holidays in order, each moved to the next weekday not already taken
/// when it falls on a weekend (the substitute day).
fn with_substitutes(fixed: &[Date], out: &mut Vec<Date>) {
    for &d in fixed {
        let mut on = d;
        while is_weekend(on) || out.contains(&on) {
            match on.next_day() {
                Some(n) => on = n,
                None => return,
            }
        }
        out.push(on);
    }
}

/// The weekday bank holidays that statute fixes for `year` in the parts of the UK in
/// `nation` (one of [`EW`], [`S`], [`NI`]): Banking and Financial Dealings Act 1971 Sch 1
/// and the St Andrew's Day Bank Holiday (Scotland) Act 2007, before any proclamation.
pub fn statutory(year: i32, nation: u8) -> Vec<Date> {
    let mut out = Vec::new();
    let easter = easter(year);
    let mut add = |d: Option<Date>| out.extend(d);
    add(easter.map(|e| e - Duration::days(2)));
    if nation != S {
        add(easter.map(|e| e + Duration::days(1)));
    }
    add(weekday_on_or_after(year, May, 1, Weekday::Monday));
    add(last_monday(year, May));
    add(if nation == S {
        weekday_on_or_after(year, August, 1, Weekday::Monday)
    } else {
        last_monday(year, August)
    });
    // Fixed dates, in the order their substitutes are taken.
    let mut fixed: Vec<Date> = Vec::new();
    fixed.extend(day(year, January, 1));
    if nation == S {
        fixed.extend(day(year, January, 2));
    }
    let mut later: Vec<Date> = Vec::new();
    if nation == NI {
        later.extend(day(year, March, 17));
        later.extend(day(year, July, 12));
    }
    if nation == S {
        later.extend(day(year, November, 30));
    }
    let mut christmas: Vec<Date> = Vec::new();
    christmas.extend(day(year, December, 25));
    christmas.extend(day(year, December, 26));
    let mut substituted = Vec::new();
    with_substitutes(&fixed, &mut substituted);
    for d in later {
        with_substitutes(&[d], &mut substituted);
    }
    with_substitutes(&christmas, &mut substituted);
    out.extend(substituted);
    out.sort();
    out.dedup();
    out
}

/// [`statutory`] with the year's proclamations applied: what the data should hold.
pub fn proclaimed(year: i32, nation: u8) -> Vec<Date> {
    let mut days = statutory(year, nation);
    for &(y, moved, (m, d), nations) in PROCLAIMED {
        if y != year || nations & nation == 0 {
            continue;
        }
        if let Some((fm, fd)) = moved {
            days.retain(|x| Some(*x) != day(y, fm, fd));
        }
        days.extend(day(y, m, d));
    }
    days.sort();
    days.dedup();
    days
}

/// The weekday bank holidays of `year` in `nation`, from the data.
pub fn listed(year: i32, nation: u8) -> Vec<Date> {
    HOLIDAYS
        .iter()
        .filter(|(y, _, _, n)| *y == year && n & nation != 0)
        .filter_map(|&(y, m, d, _)| day(y, m, d))
        .collect()
}

/// Whether `d` is a bank holiday anywhere in the UK, and whether that answer is from the
/// data (`true`) or computed from statute (`false`).
pub fn is_uk_bank_holiday(d: Date) -> (bool, bool) {
    if DATA_YEARS.contains(&d.year()) {
        let listed = HOLIDAYS
            .iter()
            .any(|&(y, m, dd, _)| y == d.year() && m == d.month() && dd == d.day());
        (listed, true)
    } else {
        let any = [EW, S, NI]
            .iter()
            .any(|&n| statutory(d.year(), n).contains(&d));
        (any, false)
    }
}

/// Whether `d` is a business day in `nation` (one of [`EW`], [`S`], [`NI`]): Monday to
/// Friday and not a bank holiday there (CPR 6.2 by analogy).
pub fn is_business_day(d: Date, nation: u8) -> bool {
    if is_weekend(d) {
        return false;
    }
    let holiday = if DATA_YEARS.contains(&d.year()) {
        HOLIDAYS.iter().any(|&(y, m, dd, n)| {
            y == d.year() && m == d.month() && dd == d.day() && n & nation != 0
        })
    } else {
        statutory(d.year(), nation).contains(&d)
    };
    !holiday
}

/// Whether `d` is a working day for the Scottish regulations (reg 2): Monday to Friday,
/// and not a bank holiday in any part of the UK. The flag is false when the answer comes
/// from computed holidays rather than the data.
pub fn is_working_day(d: Date) -> (bool, bool) {
    if is_weekend(d) {
        return (false, true);
    }
    let (holiday, known) = is_uk_bank_holiday(d);
    (!holiday, known)
}

/// The `n`th working day after `start` (the day after is the first that can count), and
/// whether every day counted over is in the data.
pub fn nth_working_day_after(start: Date, n: u32) -> (Date, bool) {
    let mut d = start;
    let mut counted = 0;
    let mut certain = true;
    while counted < n {
        let Some(next) = d.next_day() else { break };
        d = next;
        let (working, known) = is_working_day(d);
        certain &= known;
        if working {
            counted += 1;
        }
    }
    (d, certain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: Month, d: u8) -> Date {
        day(y, m, d).unwrap_or(Date::MIN)
    }

    #[test]
    fn every_year_of_the_data_is_the_statutory_list_with_its_proclamations() {
        for year in DATA_YEARS {
            for (nation, name) in [
                (EW, "England and Wales"),
                (S, "Scotland"),
                (NI, "Northern Ireland"),
            ] {
                let weekdays: Vec<Date> = proclaimed(year, nation)
                    .into_iter()
                    .filter(|d| !is_weekend(*d))
                    .collect();
                assert_eq!(listed(year, nation), weekdays, "{name} {year}");
            }
        }
    }

    #[test]
    fn the_data_lists_only_weekdays_in_order() {
        let days: Vec<Date> = HOLIDAYS
            .iter()
            .filter_map(|&(y, m, d, _)| day(y, m, d))
            .collect();
        assert_eq!(days.len(), HOLIDAYS.len(), "every row is a real date");
        assert!(days.iter().all(|d| !is_weekend(*d)));
        assert!(days.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn scotland_matches_the_gov_uk_list_for_2020_to_2027() {
        let gov_uk_2025 = [
            date(2025, January, 1),
            date(2025, January, 2),
            date(2025, April, 18),
            date(2025, May, 5),
            date(2025, May, 26),
            date(2025, August, 4),
            date(2025, December, 1),
            date(2025, December, 25),
            date(2025, December, 26),
        ];
        assert_eq!(listed(2025, S), gov_uk_2025);
        assert_eq!(
            listed(2022, S),
            [
                date(2022, January, 3),
                date(2022, January, 4),
                date(2022, April, 15),
                date(2022, May, 2),
                date(2022, June, 2),
                date(2022, June, 3),
                date(2022, August, 1),
                date(2022, September, 19),
                date(2022, November, 30),
                date(2022, December, 26),
                date(2022, December, 27),
            ]
        );
    }

    #[test]
    fn easter_is_right() {
        assert_eq!(easter(2011), Some(date(2011, April, 24)));
        assert_eq!(easter(2019), Some(date(2019, April, 21)));
        assert_eq!(easter(2025), Some(date(2025, April, 20)));
        assert_eq!(easter(2038), Some(date(2038, April, 25)));
    }

    #[test]
    fn s1_counts_holidays_of_every_part_of_the_uk() {
        // 17 March 2025 is St Patrick's Day, a bank holiday in Northern Ireland.
        assert_eq!(
            nth_working_day_after(date(2025, February, 3), 30),
            (date(2025, March, 18), true)
        );
        assert_eq!(is_working_day(date(2025, March, 17)), (false, true));
        // 28 August 2023 is a holiday in England only: not a working day either.
        assert_eq!(is_working_day(date(2023, August, 28)), (false, true));
    }

    #[test]
    fn outside_the_data_holidays_are_computed_and_flagged() {
        assert_eq!(is_working_day(date(2031, December, 25)), (false, false));
        assert_eq!(is_working_day(date(2031, December, 24)), (true, false));
        let (_, certain) = nth_working_day_after(date(2030, December, 1), 30);
        assert!(!certain);
        let (_, certain) = nth_working_day_after(date(2030, October, 1), 30);
        assert!(certain);
    }
}
