//! Go standard-library (and go-yaml) behaviours that compose's messages and output depend on:
//! `strconv.Quote`, `%T` / `%v` / `%s` / `%d` of untyped values, `path.Clean` / `filepath.Join`,
//! `strconv.ParseInt` / `ParseUint` with base 0 and go-yaml's float pattern. One copy for every
//! crate, so the loader, the emitter and the CLI agree byte for byte with the reference.

use crate::value::Value;

// ---------------------------------------------------------------------------------------------
// strconv.Quote

/// Go's `strconv.Quote` (what `%q` prints for a string).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
/// Without Unicode tables this rejects the categories Go rejects by their known members:
/// controls, separators other than U+0020, format characters, private use and
/// non-characters. (Unassigned code points are the one gap: Go escapes them, this keeps them.)
pub fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format = matches!(
        u,
        0xAD | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    );
    let private_use = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let non_character = (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE;
    !(format || private_use || non_character)
}

// ---------------------------------------------------------------------------------------------
// fmt verbs on values decoded into `any`

/// Go's `%T` for a value decoded from YAML into `any`, as compose-go's messages print it.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Timestamp(_) => "time.Time",
        Value::Seq(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

/// Go's `fmt.Sprintf("%v", value)`.
pub fn sprintf_v(value: &Value) -> String {
    sprintf_verb(value, 'v')
}

/// Go's `fmt.Sprintf("%s", value)`: strings as they are, other kinds as `%!s(int=1)`.
pub fn sprintf_s(value: &Value) -> String {
    sprintf_verb(value, 's')
}

/// Go's `fmt.Sprintf("%d", value)`: integers as they are, other kinds as `%!d(string=80)`.
pub fn sprintf_d(value: &Value) -> String {
    sprintf_verb(value, 'd')
}

fn sprintf_verb(value: &Value, verb: char) -> String {
    match value {
        // Containers are printed element by element with the same verb, as fmt does.
        Value::Seq(items) => {
            let inner: Vec<String> = items.iter().map(|v| sprintf_verb(v, verb)).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Map(map) => {
            // fmt prints maps with their keys sorted.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}:{}",
                        sprintf_verb(&Value::String((*k).clone()), verb),
                        sprintf_verb(v, verb)
                    )
                })
                .collect();
            format!("map[{}]", inner.join(" "))
        }
        Value::Null if verb == 'v' => "<nil>".to_string(),
        Value::Null => format!("%!{verb}(<nil>)"),
        Value::String(s) if verb == 'v' || verb == 's' => s.clone(),
        Value::Int(i) if verb == 'v' || verb == 'd' => i.to_string(),
        Value::Uint(u) if verb == 'v' || verb == 'd' => u.to_string(),
        // time.Time is a Stringer: `%v` and `%s` print `t.String()`.
        Value::Timestamp(t) if verb == 'v' || verb == 's' => t.to_string(),
        Value::Bool(_) | Value::Float(_) if verb == 'v' => plain(value),
        _ => format!("%!{verb}({}={})", type_name(value), plain(value)),
    }
}

/// The `%v` form of a scalar.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        other => other.scalar_to_string().unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------------------------
// path.Clean / filepath.Join (unix)

/// Go's `path.Clean` (and `filepath.Clean` on unix): lexical clean-up of a slash-separated path.
pub fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|last| *last != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Join` of two elements on unix: join the non-empty ones with `/`, then clean.
pub fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(rel),
        (false, true) => clean(base),
        (false, false) => clean(&format!("{base}/{rel}")),
    }
}

// ---------------------------------------------------------------------------------------------
// strconv.ParseInt / ParseUint with base 0, go-yaml's float pattern

/// The radix and digits of an unsigned base-0 literal (`0x`, `0o`, `0b`, leading-`0` octal or
/// decimal), as `strconv.ParseUint(s, 0, 64)` reads it; `None` if it is not a valid literal.
/// Underscores are not accepted (go-yaml strips them before calling strconv).
fn parse_magnitude(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let (radix, digits) = match b {
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (16, &s[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (8, &s[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (2, &s[2..]),
        [b'0', ..] => (8, &s[1..]),
        [] => return None,
        _ => (10, s),
    };
    // `from_str_radix` would accept a sign in the digits; strconv does not.
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if digits.is_empty() {
        return Some(0); // "0"
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)` (without underscores).
pub fn parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_magnitude(body)?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` (without underscores): no sign allowed.
pub fn parse_uint(s: &str) -> Option<u64> {
    parse_magnitude(s)
}

/// Go's `base64.StdEncoding.DecodeString`, as go-yaml decodes `!!binary` scalars: line
/// breaks are skipped, padding is required, unused trailing bits are tolerated.
pub fn decode_base64_std(s: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let chars: Vec<u8> = s.bytes().filter(|b| *b != b'\r' && *b != b'\n').collect();
    if !chars.len().is_multiple_of(4) {
        return None;
    }
    let quanta = chars.len() / 4;
    let mut out = Vec::with_capacity(quanta * 3);
    for (qi, quad) in chars.chunks(4).enumerate() {
        let mut bits = 0u32;
        let mut used = 4;
        for (j, &c) in quad.iter().enumerate() {
            if c == b'=' {
                // Padding only ends the last quantum, after at least two data characters.
                if qi + 1 != quanta || j < 2 || quad[j..].iter().any(|&b| b != b'=') {
                    return None;
                }
                used = j;
                break;
            }
            bits |= sextet(c)? << (18 - 6 * j);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..used]);
    }
    Some(out)
}

/// go-yaml's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let sign = |i: &mut usize| {
        if *i < b.len() && (b[*i] == b'-' || b[*i] == b'+') {
            *i += 1;
        }
    };
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    sign(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        sign(&mut i);
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_like_go_std_encoding() {
        // Checked with `x-a: !!binary ...` through the reference.
        let text = |s| decode_base64_std(s).map(|b| String::from_utf8(b).unwrap());
        assert_eq!(text("aGVsbG8="), Some("hello".into()));
        assert_eq!(text("aGVsbG9="), Some("hello".into()));
        assert_eq!(text("aGVs\nbG8h"), Some("hello!".into()));
        assert_eq!(text("aGVsbA=="), Some("hell".into()));
        assert_eq!(text(""), Some(String::new()));
        assert_eq!(text("aGVsbG8"), None);
        assert_eq!(text("aGVsbA"), None);
        assert_eq!(text(" aGVs bG8= "), None);
        assert_eq!(text("aG=sbG8="), None);
        assert_eq!(decode_base64_std("/w=="), Some(vec![0xff]));
    }

    #[test]
    fn quote_like_strconv() {
        assert_eq!(quote("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\x01é\"");
        assert_eq!(quote("\u{7f}\t\u{7}"), "\"\\x7f\\t\\a\"");
        // Checked against the reference's dotenv error ("unexpected character %q").
        assert_eq!(quote("\u{200b}"), "\"\\u200b\"");
        assert_eq!(quote("\u{ad}"), "\"\\u00ad\"");
        assert_eq!(quote("\u{e000}"), "\"\\ue000\"");
        assert_eq!(quote("\u{2028}"), "\"\\u2028\"");
        assert_eq!(quote("\u{3000}"), "\"\\u3000\"");
        assert_eq!(quote("\u{600}"), "\"\\u0600\"");
        assert_eq!(quote("\u{e0001}"), "\"\\U000e0001\"");
        assert_eq!(quote("😀 x"), "\"😀 x\"");
    }

    #[test]
    fn type_names_and_verbs() {
        assert_eq!(
            type_name(&Value::Map(Default::default())),
            "map[string]interface {}"
        );
        assert_eq!(type_name(&Value::Null), "<nil>");
        assert_eq!(type_name(&Value::Float(1.5)), "float64");
        assert_eq!(sprintf_s(&Value::Int(8080)), "%!s(int=8080)");
        assert_eq!(sprintf_s(&Value::Null), "%!s(<nil>)");
        assert_eq!(sprintf_d(&Value::from("80")), "%!d(string=80)");
        assert_eq!(sprintf_d(&Value::Int(80)), "80");
        assert_eq!(sprintf_v(&Value::Bool(true)), "true");
        assert_eq!(sprintf_v(&Value::Null), "<nil>");
        // fmt's %v of a float64 is 'g' with the shortest digits (reference: a label `1000000.0`).
        assert_eq!(sprintf_v(&Value::Float(1e6)), "1e+06");
        assert_eq!(sprintf_v(&Value::Float(2e-5)), "2e-05");
        assert_eq!(
            sprintf_v(&Value::Seq(vec![Value::Int(1), Value::from("a")])),
            "[1 a]"
        );
    }

    #[test]
    fn clean_and_join_like_go() {
        assert_eq!(clean("/anon/../anon2/"), "/anon2");
        assert_eq!(clean("a/./b/../../.."), "..");
        assert_eq!(clean("/a/b/../c/./d/"), "/a/c/d");
        assert_eq!(clean("a/../../b"), "../b");
        assert_eq!(clean("/.."), "/");
        assert_eq!(clean(""), ".");
        assert_eq!(join("/w", "../x"), "/x");
        assert_eq!(join("/w", "./"), "/w");
        assert_eq!(join("", ""), "");
    }

    #[test]
    fn parse_int_like_strconv_base_0() {
        assert_eq!(parse_int("0755"), Some(493));
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("+0x10"), Some(16));
        assert_eq!(parse_int("-0b101"), Some(-5));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int("-9223372036854775809"), None);
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_int("08"), None);
        assert_eq!(parse_int("0x"), None);
        assert_eq!(parse_int("0x+5"), None);
        assert_eq!(parse_int("++5"), None);
        assert_eq!(parse_int("-0xFFFFFFFFFFFFFFFF"), None);
        assert_eq!(parse_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_uint("+5"), None);
    }

    #[test]
    fn yaml_float_pattern() {
        for yes in ["1.5", ".5", "1.", "-1e3", "+2E-7", "12"] {
            assert!(is_yaml_float(yes), "{yes}");
        }
        for no in [".", "e3", "1e", "1.5.5", "0x1p3", "", "+"] {
            assert!(!is_yaml_float(no), "{no}");
        }
    }
}
