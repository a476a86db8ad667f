//! ISO-8601 date-times for the virtual clock, Wait states and `Timestamp*` comparisons (no date crate needed).

/// Milliseconds since the Unix epoch for a civil date-time (proleptic Gregorian, UTC).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An instant with nanosecond precision (for exact comparisons of timestamps with fractions).
pub type Nanos = i128;

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = b.get(at..at + n)?;
    if !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
}

/// Parses an RFC 3339 / ISO-8601 extended date-time with a zone: `2016-03-14T01:59:00Z`,
/// `2016-03-14T01:59:00.123+01:00`. Returns nanoseconds since the epoch; `None` when invalid (no `T`, no zone, a
/// field out of range).
pub fn parse(s: &str) -> Option<Nanos> {
    let b = s.as_bytes();
    let year = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let (h, mi, sec) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut i = 19;
    let mut frac: i128 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale: i128 = 100_000_000;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            frac += i128::from(d - b'0') * scale;
            scale /= 10;
            i += 1;
        }
        if i == start || i - start > 9 {
            return None;
        }
    }
    let offset_min: i64 = match b.get(i) {
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, i + 1, 2)?;
            if b.get(i + 3) != Some(&b':') || i + 6 != b.len() {
                return None;
            }
            let om = digits(b, i + 4, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let total = oh * 60 + om;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    Some(i128::from(secs) * 1_000_000_000 + frac)
}

/// Milliseconds since the epoch, for a parsed date-time.
pub fn parse_millis(s: &str) -> Option<i64> {
    parse(s).and_then(|n| i64::try_from(n.div_euclid(1_000_000)).ok())
}

/// `2025-01-01T00:00:00.000Z` for milliseconds since the epoch.
pub fn format_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_zones() {
        let t = parse_millis("2025-01-01T00:00:00.000Z");
        assert_eq!(t, Some(1_735_689_600_000));
        assert_eq!(format_millis(1_735_689_600_000), "2025-01-01T00:00:00.000Z");
        assert_eq!(
            parse("2016-03-14T02:59:00+01:00"),
            parse("2016-03-14T01:59:00Z")
        );
        assert!(parse("2016-03-14T01:59:00.5Z") > parse("2016-03-14T01:59:00Z"));
        for bad in [
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "2016-13-05T21:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-02-30T00:00:00Z",
            "",
            "2016-12-05T25:29:29Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(format_millis(951_782_400_123), "2000-02-29T00:00:00.123Z");
    }
}
