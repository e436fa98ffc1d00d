//! YAML timestamps as go-yaml v3 decodes them into `time.Time`, and Go's ways of printing one.
//!
//! The parse phase turns plain scalars that match go-yaml's timestamp layouts into
//! [`Timestamp`]; the writers print them as Go's `time.Time` marshals (RFC 3339 with
//! nanoseconds), and error messages as `%#v` does. This follows Go's `time.Parse` for exactly
//! those four layouts, including its leniencies (one- or two-digit fields, a comma as decimal
//! separator, any number of fraction digits, runs of spaces matching one).

use std::fmt;

/// go-yaml's `allowedTimestampFormats`, tried in order; the first that parses wins.
const LAYOUTS: [Layout; 4] = [
    Layout::DateTime(Sep::Upper),
    Layout::DateTime(Sep::Lower),
    Layout::DateTime(Sep::Space),
    Layout::Date,
];

#[derive(Clone, Copy)]
enum Layout {
    /// `2006-1-2<sep>15:4:5.999999999`, with a `Z07:00` zone unless the separator is a space.
    DateTime(Sep),
    /// `2006-1-2`.
    Date,
}

#[derive(Clone, Copy, PartialEq)]
enum Sep {
    Upper,
    Lower,
    Space,
}

/// Where a timestamp's wall clock is, as Go's `time.Parse` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// `Z`, or no zone at all: `time.UTC`.
    Utc,
    /// A numeric offset in seconds east of UTC (`+01:30` is 5400). Go keeps it in a fixed
    /// zone, or in `time.Local` when the local zone has that offset; berth assumes the local
    /// zone is UTC (as in containers), so only a zero offset lands in `time.Local`.
    Offset(i32),
}

/// A decoded YAML timestamp: the wall clock as written and its zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub nanosecond: u32,
    pub zone: Zone,
}

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

impl Timestamp {
    /// Parses `s` as go-yaml's `parseTimestamp` does: four leading digits and a dash, then the
    /// first of its layouts that Go's `time.Parse` accepts.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
            return None;
        }
        LAYOUTS.iter().find_map(|layout| parse_layout(s, *layout))
    }

    /// The seconds east of UTC.
    pub fn offset(&self) -> i32 {
        match self.zone {
            Zone::Utc => 0,
            Zone::Offset(o) => o,
        }
    }

    /// Go's `Time.IsZero`: the instant is January 1, year 1, 00:00:00 UTC (what go-yaml's
    /// omitempty tests).
    pub fn is_go_zero(&self) -> bool {
        self.seconds_since(days_from_civil(1, 1, 1)) == 0 && self.nanosecond == 0
    }

    /// Seconds since the Unix epoch (the nanoseconds are in `nanosecond`).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds_since(days_from_civil(1970, 1, 1))
    }

    /// Seconds since the start of `epoch_day` (a `days_from_civil` value).
    fn seconds_since(&self, epoch_day: i64) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        ) - epoch_day;
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset())
    }

    /// Go's `t.Format(time.RFC3339Nano)`: what `MarshalJSON` and go-yaml's encoder print.
    pub fn rfc3339_nano(&self) -> String {
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        push_fraction(&mut s, self.nanosecond);
        match self.offset() {
            0 => s.push('Z'),
            o => push_offset(&mut s, o, true),
        }
        s
    }

    /// What `Time.MarshalJSON` writes (without the quotes): RFC 3339 with nanoseconds, refused
    /// when the zone's hours do not fit two digits below 24.
    pub fn strict_rfc3339_nano(&self) -> Result<String, &'static str> {
        if self.offset().unsigned_abs() / 3600 >= 24 {
            return Err("Time.MarshalJSON: timezone hour outside of range [0,23]");
        }
        Ok(self.rfc3339_nano())
    }

    /// Go's `%#v` (`Time.GoString`), as compose's "non-string key" error prints it.
    pub fn go_string(&self) -> String {
        let loc = match self.zone {
            Zone::Utc => "time.UTC",
            Zone::Offset(0) => "time.Local",
            Zone::Offset(_) => "time.Location(\"\")",
        };
        format!(
            "time.Date({}, time.{}, {}, {}, {}, {}, {}, {loc})",
            self.year,
            MONTHS[usize::from(self.month.clamp(1, 12)) - 1],
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.nanosecond
        )
    }
}

/// Go's `Time.String()` (what `fmt.Sprint` prints): `2006-01-02 15:04:05.999999999 -0700 MST`,
/// where a fixed zone without a name repeats the numeric offset.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        push_fraction(&mut s, self.nanosecond);
        s.push(' ');
        push_offset(&mut s, self.offset(), false);
        s.push(' ');
        match self.zone {
            Zone::Utc | Zone::Offset(0) => s.push_str("UTC"),
            Zone::Offset(o) => push_offset(&mut s, o, false),
        }
        f.write_str(&s)
    }
}

/// `.999999999`: the fraction without trailing zeros, nothing when it is zero.
fn push_fraction(s: &mut String, nanos: u32) {
    if nanos != 0 {
        let digits = format!("{nanos:09}");
        s.push('.');
        s.push_str(digits.trim_end_matches('0'));
    }
}

/// `-07:00` (with `colon`) or `-0700`, in whole minutes as Go prints them.
fn push_offset(s: &mut String, offset: i32, colon: bool) {
    let minutes = offset / 60;
    s.push(if minutes < 0 { '-' } else { '+' });
    let m = minutes.unsigned_abs();
    s.push_str(&format!("{:02}", m / 60));
    if colon {
        s.push(':');
    }
    s.push_str(&format!("{:02}", m % 60));
}

/// Go's `getnum`: one or two digits (`fixed`: exactly two).
fn getnum(s: &[u8], fixed: bool) -> Option<(u32, &[u8])> {
    let d0 = *s.first().filter(|c| c.is_ascii_digit())?;
    match s.get(1).filter(|c| c.is_ascii_digit()) {
        Some(d1) => Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), &s[2..])),
        None if fixed => None,
        None => Some((u32::from(d0 - b'0'), &s[1..])),
    }
}

/// Go's `skip` for one literal byte of the layout; a space matches a run of spaces.
fn literal(s: &[u8], c: u8) -> Option<&[u8]> {
    if c == b' ' {
        if s.first().is_some_and(|&x| x != b' ') {
            return None;
        }
        let n = s.iter().take_while(|&&x| x == b' ').count();
        return Some(&s[n..]);
    }
    (s.first() == Some(&c)).then(|| &s[1..])
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A UTC calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
}

impl UtcTime {
    /// The UTC date and time `secs` seconds after the Unix epoch (civil-from-days, the
    /// inverse of `days_from_civil`).
    pub fn from_unix(secs: i64) -> UtcTime {
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        UtcTime {
            year: yoe + era * 400 + i64::from(month <= 2),
            month,
            day,
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
        }
    }

    /// The current time.
    pub fn now() -> (UtcTime, u32) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        (UtcTime::from_unix(now.as_secs() as i64), now.subsec_nanos())
    }

    /// `2006-01-02`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `15:04:05`.
    pub fn clock(&self) -> String {
        format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn parse_layout(s: &str, layout: Layout) -> Option<Timestamp> {
    let b = s.as_bytes();
    let year: u32 = s.get(..4)?.parse().ok()?;
    let rest = literal(&b[4..], b'-')?;
    let (month, rest) = getnum(rest, false)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let rest = literal(rest, b'-')?;
    let (day, mut rest) = getnum(rest, false)?;
    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0);
    let mut zone = Zone::Utc;
    if let Layout::DateTime(sep) = layout {
        let sep_byte = match sep {
            Sep::Upper => b'T',
            Sep::Lower => b't',
            Sep::Space => b' ',
        };
        rest = literal(rest, sep_byte)?;
        (hour, rest) = getnum(rest, false)?;
        if hour >= 24 {
            return None;
        }
        rest = literal(rest, b':')?;
        (minute, rest) = getnum(rest, false)?;
        if minute >= 60 {
            return None;
        }
        rest = literal(rest, b':')?;
        (second, rest) = getnum(rest, false)?;
        if second >= 60 {
            return None;
        }
        // `.999999999`: optional; any number of digits, the first nine count.
        if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && rest[1].is_ascii_digit() {
            let n = 1 + rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            let digits = &rest[1..n.min(10)];
            let mut v: u32 = 0;
            for d in digits {
                v = v * 10 + u32::from(d - b'0');
            }
            nanos = v * 10u32.pow(9 - digits.len() as u32);
            rest = &rest[n..];
        }
        if sep != Sep::Space {
            // `Z07:00`: `Z`, or a sign and two-digit hours and minutes.
            if rest.first() == Some(&b'Z') {
                rest = &rest[1..];
            } else {
                if rest.len() < 6 || rest[3] != b':' {
                    return None;
                }
                let (hh, _) = getnum(&rest[1..3], true)?;
                let (mm, _) = getnum(&rest[4..6], true)?;
                if hh > 24 || mm > 60 {
                    return None;
                }
                let offset = ((hh * 60 + mm) * 60) as i32;
                zone = match rest[0] {
                    b'+' => Zone::Offset(offset),
                    b'-' => Zone::Offset(-offset),
                    _ => return None,
                };
                rest = &rest[6..];
            }
        }
    }
    if !rest.is_empty() || day < 1 || day > days_in(month, year) {
        return None;
    }
    Some(Timestamp {
        year: year as u16,
        month: month as u8,
        day: day as u8,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        nanosecond: nanos,
        zone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(s: &str) -> Option<String> {
        Timestamp::parse(s).map(|t| t.rfc3339_nano())
    }

    // Expected values printed by docker compose v2.40.3 (`x-k: <input>`).
    #[test]
    fn parses_and_prints_like_go() {
        assert_eq!(rfc("2001-12-14").as_deref(), Some("2001-12-14T00:00:00Z"));
        assert_eq!(rfc("2001-1-2").as_deref(), Some("2001-01-02T00:00:00Z"));
        assert_eq!(
            rfc("2001-12-14T21:59:43.10-05:00").as_deref(),
            Some("2001-12-14T21:59:43.1-05:00")
        );
        assert_eq!(
            rfc("2001-12-14t21:59:43.10Z").as_deref(),
            Some("2001-12-14T21:59:43.1Z")
        );
        assert_eq!(
            rfc("2001-12-14 21:59:43.10").as_deref(),
            Some("2001-12-14T21:59:43.1Z")
        );
        assert_eq!(
            rfc("2001-12-14   1:2:3").as_deref(),
            Some("2001-12-14T01:02:03Z")
        );
        assert_eq!(
            rfc("2001-12-14T1:2:3,5Z").as_deref(),
            Some("2001-12-14T01:02:03.5Z")
        );
        assert_eq!(
            rfc("2001-12-14T1:2:3.1234567891234Z").as_deref(),
            Some("2001-12-14T01:02:03.123456789Z")
        );
        assert_eq!(
            rfc("2001-12-14T21:59:43.000Z").as_deref(),
            Some("2001-12-14T21:59:43Z")
        );
        assert_eq!(
            rfc("2001-12-14T21:59:43-00:00").as_deref(),
            Some("2001-12-14T21:59:43Z")
        );
        assert_eq!(
            rfc("2001-12-14T1:2:3+24:00").as_deref(),
            Some("2001-12-14T01:02:03+24:00")
        );
        assert_eq!(
            rfc("2001-12-14T1:2:3+01:60").as_deref(),
            Some("2001-12-14T01:02:03+02:00")
        );
        assert_eq!(rfc("2000-02-29").as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(rfc("0000-01-01").as_deref(), Some("0000-01-01T00:00:00Z"));
    }

    #[test]
    fn rejects_what_go_rejects() {
        for s in [
            "2001-13-14",
            "2001-02-29",
            "20011-12-14",
            "2001-12-14 21:59:43Z",
            "2001-12-14T1:2:3.Z",
            "2001-12-14T1:2:3z",
            "2001-12-14T24:00:00Z",
            "2001-12-14T1:2:3",
            "2001-012-14",
            "2001-12-14T",
            "201-12-14",
        ] {
            assert_eq!(Timestamp::parse(s), None, "{s}");
        }
    }

    #[test]
    fn json_refuses_offsets_of_24_hours() {
        let t = |s| Timestamp::parse(s).unwrap().strict_rfc3339_nano();
        assert_eq!(
            t("2001-12-14T1:2:3+24:00"),
            Err("Time.MarshalJSON: timezone hour outside of range [0,23]")
        );
        assert_eq!(
            t("2001-12-14T1:2:3-23:59").as_deref(),
            Ok("2001-12-14T01:02:03-23:59")
        );
    }

    #[test]
    fn zero_instant() {
        let t = |s| Timestamp::parse(s).unwrap();
        assert!(t("0001-01-01").is_go_zero());
        assert!(t("0001-01-01T01:00:00+01:00").is_go_zero());
        assert!(t("0000-12-31T23:00:00-01:00").is_go_zero());
        assert!(!t("0001-01-01T00:00:00.5Z").is_go_zero());
        assert!(!t("1970-01-01").is_go_zero());
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let t = UtcTime::from_unix(1_795_000_000);
        assert_eq!(
            (t.date(), t.clock()),
            ("2026-11-18".to_string(), "11:06:40".to_string())
        );
        assert_eq!(
            days_from_civil(t.year, t.month, t.day),
            1_795_000_000 / 86_400
        );
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn go_string_and_display() {
        let t = |s| Timestamp::parse(s).unwrap();
        assert_eq!(
            t("2001-12-14").go_string(),
            "time.Date(2001, time.December, 14, 0, 0, 0, 0, time.UTC)"
        );
        assert_eq!(
            t("2001-12-14T21:59:43.10-05:00").go_string(),
            "time.Date(2001, time.December, 14, 21, 59, 43, 100000000, time.Location(\"\"))"
        );
        assert_eq!(
            t("2001-12-14T21:59:43+00:00").go_string(),
            "time.Date(2001, time.December, 14, 21, 59, 43, 0, time.Local)"
        );
        assert_eq!(t("2001-12-14").to_string(), "2001-12-14 00:00:00 +0000 UTC");
        assert_eq!(
            t("2001-12-14T21:59:43.10-05:00").to_string(),
            "2001-12-14 21:59:43.1 -0500 -0500"
        );
    }
}
