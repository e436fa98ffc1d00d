//! Go's number and duration formatting (strconv, encoding/json, time.Duration), reproduced for
//! byte-identical `config` output and config hashes.

/// Shortest decimal digits and decimal-point position of `f` (f > 0, finite), as Go's
/// `strconv` computes them for the given precision (32 or 64 bits).
fn shortest_digits(f: f64, bits: u32) -> (String, i32) {
    // Rust's `{:e}` prints the shortest representation that round-trips, like Go's
    // shortest mode; for float32 fields it must be computed on the f32 value.
    let s = if bits == 32 {
        format!("{:e}", f as f32)
    } else {
        format!("{:e}", f)
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    (digits.to_string(), exp + 1)
}

fn fmt_e(digits: &str, dp: i32, neg: bool) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    let exp = dp - 1;
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
    out
}

fn fmt_f(digits: &str, dp: i32, neg: bool) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let dp = dp as usize;
        if digits.len() <= dp {
            out.push_str(digits);
            for _ in digits.len()..dp {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..dp]);
            out.push('.');
            out.push_str(&digits[dp..]);
        }
    }
    out
}

fn special(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("NaN".into())
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf" } else { "-Inf" }.into())
    } else {
        None
    }
}

/// Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, bits)` does.
pub fn format_float(f: f64, bits: u32) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    let neg = f.is_sign_negative();
    if f == 0.0 {
        return if neg { "-0".into() } else { "0".into() };
    }
    let (digits, dp) = shortest_digits(f.abs(), bits);
    let exp = dp - 1;
    // In shortest mode Go switches to %e when the exponent is < -4 or >= 6.
    let eprec = 6;
    if exp < -4 || exp >= eprec {
        fmt_e(&digits, dp, neg)
    } else {
        fmt_f(&digits, dp, neg)
    }
}

/// Formats a float as Go's `encoding/json` does (NaN and infinities, which Go refuses to
/// encode, are printed as `null`).
pub fn format_json_float(f: f64, bits: u32) -> String {
    if f.is_nan() || f.is_infinite() {
        return "null".into();
    }
    let neg = f.is_sign_negative();
    if f == 0.0 {
        return if neg { "-0".into() } else { "0".into() };
    }
    let abs = f.abs();
    let use_e = if bits == 32 {
        let a = abs as f32;
        !(1e-6..1e21).contains(&a)
    } else {
        !(1e-6..1e21).contains(&abs)
    };
    let (digits, dp) = shortest_digits(abs, bits);
    if use_e {
        // encoding/json turns e-09 into e-9 (only for negative exponents).
        let s = fmt_e(&digits, dp, neg);
        if let Some(i) = s.find("e-0") {
            let mut t = s[..i + 2].to_string();
            t.push_str(&s[i + 3..]);
            return t;
        }
        s
    } else {
        fmt_f(&digits, dp, neg)
    }
}

/// Formats nanoseconds as Go's `time.Duration.String()` does ("1m30s", "1.5s", "100ms").
pub fn format_duration(d: i64) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        // Sub-second: one unit with a fraction.
        let (unit, prec) = if u < 1_000 {
            ("ns", 0)
        } else if u < 1_000_000 {
            ("\u{b5}s", 3)
        } else {
            ("ms", 6)
        };
        out.push_str(&frac_string(u, prec));
        out.push_str(unit);
    } else {
        let secs_frac = frac_string(u % 60_000_000_000, 9);
        u /= 1_000_000_000;
        u /= 60;
        let mut head = String::new();
        if u > 0 {
            let mins = u % 60;
            let hours = u / 60;
            if hours > 0 {
                head.push_str(&hours.to_string());
                head.push('h');
            }
            head.push_str(&mins.to_string());
            head.push('m');
        }
        out.push_str(&head);
        out.push_str(&secs_frac);
        out.push('s');
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// `v / 10^prec` printed with the fraction's trailing zeros dropped (Go's fmtFrac + fmtInt).
fn frac_string(v: u64, prec: u32) -> String {
    let p = 10u64.pow(prec);
    let int = v / p;
    let frac = v % p;
    let mut s = int.to_string();
    if frac != 0 {
        let f = format!("{:0width$}", frac, width = prec as usize);
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

/// Parses a duration as compose does (github.com/xhit/go-str2duration: Go's syntax plus `d`
/// and `w` units). The error text is the library's.
pub fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: i64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // leading int
        let mut i = 0;
        let mut v: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            v = v
                .checked_mul(10)
                .and_then(|x| x.checked_add((b[i] - b'0') as i64))
                .ok_or_else(invalid)?;
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        let mut f: i64 = 0;
        let mut scale: f64 = 1.0;
        let mut post = false;
        if s.starts_with('.') {
            s = &s[1..];
            let b = s.as_bytes();
            let mut j = 0;
            let mut overflow = false;
            while j < b.len() && b[j].is_ascii_digit() {
                if !overflow {
                    if f > (i64::MAX - 9) / 10 {
                        overflow = true;
                    } else {
                        f = f * 10 + (b[j] - b'0') as i64;
                        scale *= 10.0;
                    }
                }
                j += 1;
            }
            post = j > 0;
            s = &s[j..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let b = s.as_bytes();
        let mut j = 0;
        while j < b.len() && !(b[j] == b'.' || b[j].is_ascii_digit()) {
            j += 1;
        }
        if j == 0 {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let u = &s[..j];
        s = &s[j..];
        let unit: i64 = match u {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "d" => 86_400_000_000_000,
            "w" => 604_800_000_000_000,
            _ => return Err(format!("time: unknown unit \"{u}\" in duration \"{orig}\"")),
        };
        if v > i64::MAX / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as i64;
            if v < 0 {
                return Err(invalid());
            }
        }
        d = d.checked_add(v).ok_or_else(invalid)?;
    }
    Ok(if neg { -d } else { d })
}

/// Parses a size as docker/go-units `RAMInBytes` does ("50M" → 52428800; binary units,
/// case-insensitive, optional "b"/"ib"). The error text is the library's.
pub fn ram_in_bytes(size: &str) -> Result<i64, String> {
    let sep = size.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    let Some(sep) = sep else {
        return Err(format!("invalid size: '{size}'"));
    };
    let (num, sfx) = if size.as_bytes()[sep] != b' ' {
        (&size[..sep + 1], &size[sep + 1..])
    } else {
        (&size[..sep], &size[sep + 1..])
    };
    let value = parse_go_float(num)
        .ok_or_else(|| format!("strconv.ParseFloat: parsing \"{num}\": invalid syntax"))?;
    if value < 0.0 {
        return Err(format!("invalid size: '{size}'"));
    }
    if sfx.is_empty() {
        return Ok(value as i64);
    }
    let bad = |s: &str| Err(format!("invalid suffix: '{s}'"));
    if sfx.len() > 3 {
        return bad(sfx);
    }
    let sfx = sfx.to_lowercase();
    let b = sfx.as_bytes();
    if b[0] == b'b' {
        if b.len() > 1 {
            return bad(&sfx);
        }
        return Ok(value as i64);
    }
    let mul: f64 = match b[0] {
        b'k' => 1024f64,
        b'm' => 1024f64.powi(2),
        b'g' => 1024f64.powi(3),
        b't' => 1024f64.powi(4),
        b'p' => 1024f64.powi(5),
        _ => return bad(&sfx),
    };
    if (b.len() == 2 && b[1] != b'b') || (b.len() == 3 && &sfx[1..] != "ib") {
        return bad(&sfx);
    }
    Ok((value * mul) as i64)
}

/// Parses a float the way Go's strconv.ParseFloat accepts decimal input (no hex floats).
pub fn parse_go_float(s: &str) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = t.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return s.parse::<f64>().ok();
    }
    if !t.bytes().all(|c| {
        c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'E' || c == b'+' || c == b'-'
    }) {
        return None;
    }
    s.parse::<f64>().ok()
}

/// Splits a command line as github.com/mattn/go-shellwords v1.0.12 `Parse` does (no env or
/// backtick expansion; parsing stops at an unquoted `;`, `&`, `|`, `<` or `>`).
pub fn shell_split(line: &str) -> Result<Vec<String>, String> {
    const ERR: &str = "invalid command line string";
    #[derive(PartialEq)]
    enum Got {
        No,
        Single,
        Quoted,
    }
    let mut args = Vec::new();
    let mut buf = String::new();
    let (mut escaped, mut dq, mut sq, mut bq, mut dollar) = (false, false, false, false, false);
    let mut got = Got::No;
    for r in line.chars() {
        if escaped {
            buf.push(r);
            escaped = false;
            got = Got::Single;
            continue;
        }
        if r == '\\' {
            if sq {
                buf.push(r);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(r, ' ' | '\t' | '\r' | '\n') {
            if sq || dq || bq || dollar {
                buf.push(r);
            } else if got != Got::No {
                args.push(std::mem::take(&mut buf));
                got = Got::No;
            }
            continue;
        }
        match r {
            '`' if !sq && !dq && !dollar => {
                bq = !bq;
            }
            ')' if !sq && !dq && !bq => {
                dollar = !dollar;
            }
            '(' if !sq && !dq && !bq => {
                if !dollar && buf.ends_with('$') {
                    dollar = true;
                    buf.push('(');
                    continue;
                } else {
                    return Err(ERR.into());
                }
            }
            '"' if !sq && !dollar => {
                if dq {
                    got = Got::Quoted;
                }
                dq = !dq;
                continue;
            }
            '\'' if !dq && !dollar => {
                if sq {
                    got = Got::Quoted;
                }
                sq = !sq;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !(sq || dq || bq || dollar) => {
                if r == '>' && buf.as_bytes().first().is_some_and(|c| c.is_ascii_digit()) {
                    got = Got::No;
                }
                break;
            }
            _ => {}
        }
        got = Got::Single;
        buf.push(r);
    }
    if got != Got::No {
        args.push(buf);
    }
    if escaped || sq || dq || bq || dollar {
        return Err(ERR.into());
    }
    Ok(args)
}

/// go-units' `HumanSizeWithPrecision(size, precision)`: decimal units (`kB`, `MB`, …) and
/// Go's `%.<precision>g`.
pub fn human_size(size: f64, precision: usize) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = size;
    let mut i = 0;
    while size >= 1000.0 && i < UNITS.len() - 1 {
        size /= 1000.0;
        i += 1;
    }
    format!("{}{}", format_g(size, precision), UNITS[i])
}

/// go-units' `BytesSize(size)`: binary units (`KiB`, `MiB`, …) and Go's `%.4g`.
pub fn bytes_size(size: f64) -> String {
    const UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    let mut size = size;
    let mut i = 0;
    while size >= 1024.0 && i < UNITS.len() - 1 {
        size /= 1024.0;
        i += 1;
    }
    format!("{}{}", format_g(size, 4), UNITS[i])
}

/// Go's `%.<precision>g` for a finite value.
fn format_g(v: f64, precision: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let precision = precision.max(1);
    // The exponent after rounding to `precision` significant digits, as %e would show it.
    let e_form = format!("{v:.*e}", precision - 1);
    let (mantissa, exp) = e_form.split_once('e').unwrap_or((&e_form, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= precision as i32 {
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let decimals = (precision as i32 - 1 - exp).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes_as_go_units_prints_them() {
        assert_eq!(human_size(69213.0, 4), "69.21kB");
        assert_eq!(human_size(4211335.0, 4), "4.211MB");
        assert_eq!(human_size(65536.0, 4), "65.54kB");
        assert_eq!(human_size(0.0, 3), "0B");
        assert_eq!(human_size(21_500_000.0, 3), "21.5MB");
        assert_eq!(human_size(999.96, 3), "1e+03B");
        assert_eq!(human_size(512.0, 4), "512B");
    }

    #[test]
    fn g_format_matches_go() {
        assert_eq!(format_float(0.5, 32), "0.5");
        assert_eq!(format_float(1.1f32 as f64, 32), "1.1");
        assert_eq!(format_float(1.1f32 as f64, 64), "1.100000023841858");
        assert_eq!(format_float(1e6, 64), "1e+06");
        assert_eq!(format_float(123456.0, 64), "123456");
        assert_eq!(format_float(1234567.0, 64), "1.234567e+06");
        assert_eq!(format_float(0.0001, 64), "0.0001");
        assert_eq!(format_float(0.00001, 64), "1e-05");
        assert_eq!(format_float(2.0, 64), "2");
        assert_eq!(format_float(-1.5, 64), "-1.5");
        assert_eq!(format_float(f64::INFINITY, 64), "+Inf");
        assert_eq!(format_float(1e21, 64), "1e+21");
        assert_eq!(format_float(100.0, 64), "100");
    }

    #[test]
    fn json_format_matches_go() {
        assert_eq!(format_json_float(1e6, 64), "1000000");
        assert_eq!(format_json_float(1e21, 64), "1e+21");
        assert_eq!(format_json_float(1e-7, 64), "1e-7");
        assert_eq!(format_json_float(0.5, 32), "0.5");
        assert_eq!(format_json_float(1.1f32 as f64, 32), "1.1");
        assert_eq!(format_json_float(123456789.0, 64), "123456789");
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(90_000_000_000), "1m30s");
        assert_eq!(format_duration(60_000_000_000), "1m0s");
        assert_eq!(format_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(format_duration(1_500_000_000), "1.5s");
        assert_eq!(format_duration(100_000_000), "100ms");
        assert_eq!(format_duration(1_500), "1.5\u{b5}s");
        assert_eq!(format_duration(10), "10ns");
        assert_eq!(format_duration(0), "0s");
        assert_eq!(parse_duration("90s"), Ok(90_000_000_000));
        assert_eq!(parse_duration("1d"), Ok(86_400_000_000_000));
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(
            parse_duration("10x"),
            Err("time: unknown unit \"x\" in duration \"10x\"".into())
        );
        assert_eq!(
            parse_duration("10"),
            Err("time: missing unit in duration \"10\"".into())
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(ram_in_bytes("50M"), Ok(52428800));
        assert_eq!(ram_in_bytes("1gb"), Ok(1073741824));
        assert_eq!(ram_in_bytes("1KiB"), Ok(1024));
        assert_eq!(ram_in_bytes("512"), Ok(512));
        assert_eq!(ram_in_bytes("1.5k"), Ok(1536));
        assert_eq!(ram_in_bytes("10Q"), Err("invalid suffix: 'q'".into()));
        assert_eq!(ram_in_bytes("abc"), Err("invalid size: 'abc'".into()));
    }

    #[test]
    fn shellwords() {
        assert_eq!(
            shell_split("sh -c 'sleep 3600'").unwrap(),
            vec!["sh", "-c", "sleep 3600"]
        );
        assert_eq!(
            shell_split(r#"echo "a\"b" ''"#).unwrap(),
            vec!["echo", "a\"b", ""]
        );
        assert_eq!(shell_split("echo a; echo b").unwrap(), vec!["echo", "a"]);
        assert!(shell_split("echo \"abc").is_err());
        assert_eq!(
            shell_split("echo $(date)").unwrap(),
            vec!["echo", "$(date)"]
        );
    }
}
