//! The docker client's `--since`/`--until` values (moby api/types/time `GetTimestamp`): a Go
//! duration before now, an RFC 3339 time or date (local times are UTC here, as the engine's
//! are), or unix seconds with an optional fraction. Written by hand: it is the docker
//! client's own grammar, which no crate has.

use crate::gofmt::parse_duration;

/// What the docker client sends the engine for `value`, given `now` in unix seconds:
/// `seconds` or `seconds.nanoseconds`. The error is worded as the docker client words it.
pub fn get_timestamp(value: &str, now: i64) -> Result<String, String> {
    if value != "0" {
        if let Ok(nanos) = parse_duration(value) {
            // Go's `reference.Add(-d).Unix()`: whole seconds, rounded down.
            return Ok((now - nanos.div_euclid(1_000_000_000)).to_string());
        }
    }
    match parse_time(value) {
        Some((secs, nanos)) => Ok(format!("{secs}.{nanos:09}")),
        None if value.contains('-') => Err(format!(
            "parsing time {value:?}: cannot parse {value:?} as a time"
        )),
        None if unix_timestamp(value).is_some() => Ok(value.to_string()),
        None => Err(format!(
            "failed to parse value as time or duration: {value:?}"
        )),
    }
}

/// `seconds[.fraction]`, as the engine reads it.
fn unix_timestamp(value: &str) -> Option<(i64, u32)> {
    let (secs, frac) = match value.split_once('.') {
        Some((s, f)) => (s, Some(f)),
        None => (value, None),
    };
    let secs: i64 = secs.parse().ok()?;
    let nanos = match frac {
        None => 0,
        Some(f) => {
            let n: u64 = f.parse().ok()?;
            let digits = f.len() as i32;
            (n as f64 * 10f64.powi(9 - digits)) as u32
        }
    };
    Some((secs, nanos))
}

/// `2006-01-02`, `2006-01-02T15`, `…T15:04`, `…T15:04:05`, with an optional fraction and
/// `Z` or `±07:00` zone; unix seconds and nanoseconds.
fn parse_time(value: &str) -> Option<(i64, u32)> {
    let (date, rest) = value.split_at(value.len().min(10));
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (year, month, day): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&month) || day == 0 || day > 31 {
        return None;
    }
    // The zone: a trailing `Z`/`z` or `±hh:mm`.
    let (clock, offset) = split_zone(rest)?;
    let (mut hour, mut minute, mut second, mut nanos) = (0i64, 0i64, 0i64, 0u32);
    if let Some(clock) = clock.strip_prefix('T') {
        let (hms, frac) = match clock.split_once('.') {
            Some((h, f)) => (h, Some(f)),
            None => (clock, None),
        };
        let fields: Vec<&str> = hms.split(':').collect();
        if fields.is_empty() || fields.len() > 3 || fields.iter().any(|f| f.len() != 2) {
            return None;
        }
        let number = |i: usize| fields.get(i).map_or(Some(0), |f| f.parse::<i64>().ok());
        (hour, minute, second) = (number(0)?, number(1)?, number(2)?);
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        if let Some(frac) = frac {
            if frac.is_empty() || frac.len() > 9 || fields.len() != 3 {
                return None;
            }
            let n: u32 = frac.parse().ok()?;
            nanos = n * 10u32.pow(9 - frac.len() as u32);
        }
    } else if !clock.is_empty() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some((secs, nanos))
}

/// The part before the zone, and the zone's offset east of UTC in seconds.
fn split_zone(rest: &str) -> Option<(&str, i64)> {
    if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if rest.len() >= 6 {
        let (clock, zone) = rest.split_at(rest.len() - 6);
        let sign = match zone.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return Some((rest, 0)),
        };
        let (h, m) = zone[1..].split_once(':')?;
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        return Some((clock, sign * (h * 3600 + m * 60)));
    }
    Some((rest, 0))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_count_back_from_now() {
        assert_eq!(get_timestamp("10m", 1000).unwrap(), "400");
        assert_eq!(get_timestamp("1h30m", 10_000).unwrap(), "4600");
    }

    #[test]
    fn rfc3339_times_and_dates() {
        assert_eq!(
            get_timestamp("2013-01-02T13:23:37Z", 0).unwrap(),
            "1357133017.000000000"
        );
        assert_eq!(
            get_timestamp("2013-01-02T13:23:37.5+01:00", 0).unwrap(),
            "1357129417.500000000"
        );
        assert_eq!(
            get_timestamp("2013-01-02", 0).unwrap(),
            "1357084800.000000000"
        );
        assert_eq!(
            get_timestamp("2013-01-02T13", 0).unwrap(),
            "1357131600.000000000"
        );
    }

    #[test]
    fn unix_seconds_pass_through() {
        assert_eq!(get_timestamp("1700000000", 0).unwrap(), "1700000000");
        assert_eq!(get_timestamp("1700000000.25", 0).unwrap(), "1700000000.25");
        assert_eq!(get_timestamp("0", 5).unwrap(), "0");
    }

    #[test]
    fn junk_is_worded_as_docker_words_it() {
        assert_eq!(
            get_timestamp("xx", 0).unwrap_err(),
            "failed to parse value as time or duration: \"xx\""
        );
    }
}
