//! Date and time functions over RFC 3339 timestamps: `formatdate`, `timeadd`, `timecmp`.
//! `timestamp()` and `plantimestamp()` read the clock and are unknown by nature.

use super::{fail, Args, Fail, Out};
use crate::frontend::terraform::eval::Val;

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "formatdate" => a
            .arity(2, 2)
            .and_then(|_| formatdate(&a.str(0)?, &parse(&a.str(1)?)?).map(Val::Str)),
        "timeadd" => a.arity(2, 2).and_then(|_| {
            let t = parse(&a.str(0)?)?;
            let d = duration(&a.str(1)?)?;
            let secs = t.unix.checked_add(d.div_euclid(1_000_000_000));
            let nanos = i64::from(t.nanos) + d.rem_euclid(1_000_000_000);
            let Some(secs) = secs.and_then(|s| s.checked_add(nanos / 1_000_000_000)) else {
                return fail("the time is out of range");
            };
            let out = Time {
                unix: secs,
                nanos: (nanos % 1_000_000_000) as u32,
                offset: t.offset,
            };
            if !(0..=9999).contains(&out.civil().0) {
                return fail("the time is out of range");
            }
            Ok(Val::Str(rfc3339(&out)))
        }),
        "timecmp" => a.arity(2, 2).and_then(|_| {
            let (x, y) = (parse(&a.str(0)?)?, parse(&a.str(1)?)?);
            Ok(Val::Num(match (x.unix, x.nanos).cmp(&(y.unix, y.nanos)) {
                std::cmp::Ordering::Less => -1.0,
                std::cmp::Ordering::Equal => 0.0,
                std::cmp::Ordering::Greater => 1.0,
            }))
        }),
        "timestamp" | "plantimestamp" => fail("the time is known only when Terraform runs"),
        _ => return None,
    })
}

/// An instant (seconds and nanoseconds since the Unix epoch) with the offset it was written in.
struct Time {
    unix: i64,
    nanos: u32,
    /// Seconds east of UTC; `None` for `Z`.
    offset: Option<i32>,
}

impl Time {
    fn local(&self) -> i64 {
        self.unix + i64::from(self.offset.unwrap_or(0))
    }

    /// Year, month, day, hour, minute, second, weekday (0 = Sunday) in the written offset.
    fn civil(&self) -> (i64, u32, u32, u32, u32, u32, u32) {
        let l = self.local();
        let days = l.div_euclid(86_400);
        let secs = l.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        let weekday = (days + 4).rem_euclid(7) as u32;
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60, weekday)
    }
}

/// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Strict RFC 3339 as Go's `time.RFC3339` layout reads it: `YYYY-MM-DDTHH:MM:SS[.f]` then `Z`
/// or `±HH:MM`.
fn parse(s: &str) -> Result<Time, Fail> {
    let bad = || Fail::Msg(format!("`{s}` is not a valid RFC3339 timestamp"));
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32, Fail> {
        let t = s.get(r).ok_or_else(bad)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        t.parse().map_err(|_| bad())
    };
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(i64::from(y), mo)
        || h > 23
        || mi > 59
        || sec > 59
    {
        return Err(bad());
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
        let frac = &s[start..i.min(start + 9)];
        nanos = format!("{frac:0<9}").parse().map_err(|_| bad())?;
    }
    let offset = match &s[i..] {
        "Z" => None,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) && &z[3..4] == ":" => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            if oh >= 24 || om >= 60 {
                return Err(bad());
            }
            let secs = (oh * 3600 + om * 60) as i32;
            Some(if z.starts_with('-') { -secs } else { secs })
        }
        _ => return Err(bad()),
    };
    let local = days_from_civil(i64::from(y), mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + sec);
    Ok(Time {
        unix: local - i64::from(offset.unwrap_or(0)),
        nanos,
        offset,
    })
}

/// Go's `Format(time.RFC3339)`: no fraction; `Z` for UTC, else the offset as written.
fn rfc3339(t: &Time) -> String {
    let (y, mo, d, h, mi, s, _) = t.civil();
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}",
        zone(t, true)
    )
}

fn zone(t: &Time, colon: bool) -> String {
    match t.offset {
        None | Some(0) if colon => "Z".into(),
        o => {
            let o = o.unwrap_or(0);
            let sign = if o < 0 { '-' } else { '+' };
            let (h, m) = (o.abs() / 3600, o.abs() / 60 % 60);
            if colon {
                format!("{sign}{h:02}:{m:02}")
            } else {
                format!("{sign}{h:02}{m:02}")
            }
        }
    }
}

/// Go's `time.ParseDuration`: a signed sequence of decimal numbers with units
/// (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), in nanoseconds.
fn duration(s: &str) -> Result<i64, Fail> {
    let bad = || Fail::Msg(format!("invalid duration `{s}`"));
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let (n, r) = rest.split_at(n_end);
        if n.is_empty() || n == "." {
            return Err(bad());
        }
        let n: f64 = n.parse().map_err(|_| bad())?;
        let u_end = r
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(r.len());
        let (unit, r) = r.split_at(u_end);
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        total += n * scale;
        rest = r;
    }
    if total > 9.2e18 {
        return Err(bad());
    }
    // Whole nanoseconds: a fraction below one is what Go truncates too.
    let t = total as i64;
    Ok(if neg { -t } else { t })
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
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// go-cty's `formatdate` verbs; letters in single quotes are literal, `''` is a quote.
fn formatdate(spec: &str, t: &Time) -> Result<String, Fail> {
    let (y, mo, d, h, mi, s, wd) = t.civil();
    let mut out = String::new();
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut j = i + 1;
            loop {
                match chars.get(j) {
                    None => return fail("unterminated literal '"),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(&x) => {
                        out.push(x);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&c) {
            n += 1;
        }
        i += n;
        let bad = |what: &str| {
            fail(format!(
                "invalid date format verb `{}`: {what}",
                c.to_string().repeat(n)
            ))
        };
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        match (c, n) {
            ('Y', 2) => out.push_str(&format!("{:02}", y % 100)),
            ('Y', 4) => out.push_str(&format!("{y:04}")),
            ('Y', _) => return bad("year must either be \"YY\" or \"YYYY\""),
            ('M', 1) => out.push_str(&mo.to_string()),
            ('M', 2) => out.push_str(&format!("{mo:02}")),
            ('M', 3) => out.push_str(&MONTHS[mo as usize - 1][..3]),
            ('M', 4) => out.push_str(MONTHS[mo as usize - 1]),
            ('M', _) => return bad("month must be \"M\", \"MM\", \"MMM\", or \"MMMM\""),
            ('D', 1) => out.push_str(&d.to_string()),
            ('D', 2) => out.push_str(&format!("{d:02}")),
            ('D', _) => return bad("day of month must either be \"D\" or \"DD\""),
            ('E', 3) => out.push_str(&DAYS[wd as usize][..3]),
            ('E', 4) => out.push_str(DAYS[wd as usize]),
            ('E', _) => return bad("day of week must either be \"EEE\" or \"EEEE\""),
            ('h', 1) => out.push_str(&h.to_string()),
            ('h', 2) => out.push_str(&format!("{h:02}")),
            ('h', _) => return bad("24-hour must either be \"h\" or \"hh\""),
            ('H', 1) => out.push_str(&h12.to_string()),
            ('H', 2) => out.push_str(&format!("{h12:02}")),
            ('H', _) => return bad("12-hour must either be \"H\" or \"HH\""),
            ('A' | 'a', 2) => {
                let pm = if h >= 12 { "PM" } else { "AM" };
                out.push_str(&if c == 'A' {
                    pm.to_string()
                } else {
                    pm.to_lowercase()
                });
            }
            ('A' | 'a', _) => return bad("must be doubled"),
            ('m', 1) => out.push_str(&mi.to_string()),
            ('m', 2) => out.push_str(&format!("{mi:02}")),
            ('m', _) => return bad("minute must either be \"m\" or \"mm\""),
            ('s', 1) => out.push_str(&s.to_string()),
            ('s', 2) => out.push_str(&format!("{s:02}")),
            ('s', _) => return bad("second must either be \"s\" or \"ss\""),
            ('Z', 1) => out.push_str(&zone(t, true)),
            ('Z', 3) => {
                let z = zone(t, false);
                out.push_str(if z == "+0000" { "UTC" } else { &z });
            }
            ('Z', 4) => out.push_str(&zone(t, false)),
            ('Z', 5) => {
                let z = zone(t, true);
                out.push_str(if z == "Z" { "+00:00" } else { &z });
            }
            ('Z', _) => return bad("timezone must be Z, ZZZZ, or ZZZZZ"),
            _ => return bad("unknown verb"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn formatdate() {
        check(
            r#"formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")"#,
            r#""02 Jan 2018 23:12 UTC""#,
        );
        check(
            r#"formatdate("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z")"#,
            r#""Tuesday, 02-Jan-18 23:12:01 UTC""#,
        );
        check(
            r#"formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00")"#,
            r#""Tue, 02 Jan 2018 23:12:01 -0800""#,
        );
        check(
            r#"formatdate("MMM DD, YYYY", "2018-01-02T23:12:01Z")"#,
            r#""Jan 02, 2018""#,
        );
        check(
            r#"formatdate("HH:mmaa", "2018-01-02T23:12:01Z")"#,
            r#""11:12pm""#,
        );
        check(
            r#"formatdate("h'h'mm 'o''clock' ''", "2018-01-02T09:05:01Z")"#,
            r#""9h05 o'clock '""#,
        );
        check(
            r#"formatdate("Z ZZZZ ZZZZZ", "2018-01-02T09:05:01+05:30")"#,
            r#""+05:30 +0530 +05:30""#,
        );
        check(
            r#"formatdate("YYY", "2018-01-02T09:05:01Z")"#,
            "unknown(*invalid date format verb `YYY`*)",
        );
        check(
            r#"formatdate("'x", "2018-01-02T09:05:01Z")"#,
            "unknown(*unterminated literal*)",
        );
        check(
            r#"formatdate("YYYY", "2018-02-30T09:05:01Z")"#,
            "unknown(*not a valid RFC3339 timestamp)",
        );
        check(
            r#"formatdate("YYYY", "2018-01-02 09:05:01Z")"#,
            "unknown(*not a valid RFC3339 timestamp)",
        );
        check(r#"formatdate("YYYY", var.unset)"#, "unknown(*unset*)");
    }

    #[test]
    fn timeadd_and_timecmp() {
        check(
            r#"timeadd("2017-11-22T00:00:00Z", "10m")"#,
            r#""2017-11-22T00:10:00Z""#,
        );
        check(
            r#"timeadd("2017-11-22T00:00:00Z", "-1h30m")"#,
            r#""2017-11-21T22:30:00Z""#,
        );
        check(
            r#"timeadd("2024-02-28T23:00:00+02:00", "1.5h")"#,
            r#""2024-02-29T00:30:00+02:00""#,
        );
        check(
            r#"timeadd("2017-11-22T00:00:00.5Z", "0.5s")"#,
            r#""2017-11-22T00:00:01Z""#,
        );
        check(
            r#"timeadd("2017-11-22T00:00:00Z", "1d")"#,
            "unknown(*invalid duration `1d`)",
        );
        check(r#"timeadd("nope", "1h")"#, "unknown(*not a valid RFC3339*)");
        check(r#"timeadd(var.unset, "1h")"#, "unknown(*unset*)");
        check(
            r#"timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")"#,
            "0",
        );
        check(
            r#"timecmp("2017-11-22T01:00:00+01:00", "2017-11-22T00:00:00Z")"#,
            "0",
        );
        check(
            r#"timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:01Z")"#,
            "-1",
        );
        check(
            r#"timecmp("2017-11-22T00:00:02Z", "2017-11-22T00:00:01.5Z")"#,
            "1",
        );
        check(
            r#"timecmp("x", "2017-11-22T00:00:01Z")"#,
            "unknown(*not a valid RFC3339*)",
        );
        check(
            r#"timecmp(var.unset, "2017-11-22T00:00:01Z")"#,
            "unknown(*unset*)",
        );
        check(
            r#"timestamp()"#,
            "unknown(`timestamp()`: the time is known only when Terraform runs)",
        );
        check(
            r#"plantimestamp()"#,
            "unknown(*known only when Terraform runs)",
        );
    }
}
