//! A go-yaml v3 encoder (`SetIndent(2)`, unlimited line width) for the output tree: block
//! style, sequences indented under their key, and go-yaml's exact scalar style choice.

use super::Out;
use crate::gofmt::format_float;
use crate::golang;
use std::cmp::Ordering;

/// Prints a document as go-yaml v3's `Encoder.Encode` does (ends with a newline).
pub fn write_yaml(doc: &Out) -> String {
    let mut w = String::with_capacity(4096);
    match doc {
        Out::Map(entries) if !entries.is_empty() => write_entries(&mut w, entries, 0, false),
        Out::Seq(items) if !items.is_empty() => write_items(&mut w, items, 0, false),
        other => {
            write_inline(&mut w, other, 0);
            end_line(&mut w);
        }
    }
    w
}

fn pad(w: &mut String, n: usize) {
    for _ in 0..n {
        w.push(' ');
    }
}

fn end_line(w: &mut String) {
    if !w.ends_with('\n') {
        w.push('\n');
    }
}

/// Mapping entries, keys at column `indent`; the first key may continue the current line
/// (after a sequence's "- ").
fn write_entries(
    w: &mut String,
    entries: &[(std::borrow::Cow<str>, Out)],
    indent: usize,
    inline_first: bool,
) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if !(i == 0 && inline_first) {
            pad(w, indent);
        }
        if is_simple_key(k) {
            write_key(w, k);
            w.push(':');
            write_after_indicator(w, v, indent);
            continue;
        }
        // libyaml's explicit key form: `? key`, then `: value` with a collection value
        // starting on the `:` line.
        w.push_str("? ");
        write_string(w, k, indent + 2, false);
        end_line(w);
        pad(w, indent);
        w.push(':');
        write_compact(w, v, indent);
    }
}

/// libyaml's `yaml_emitter_check_simple_key` for a string key: at most 128 bytes, one line.
fn is_simple_key(k: &str) -> bool {
    k.len() <= 128 && !k.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
}

/// Sequence items, dashes at column `indent`.
fn write_items(w: &mut String, items: &[Out], indent: usize, inline_first: bool) {
    for (i, item) in items.iter().enumerate() {
        if !(i == 0 && inline_first) {
            pad(w, indent);
        }
        w.push('-');
        write_compact(w, item, indent);
    }
}

/// What follows a `-` or an explicit key's `:` at column `indent`: a collection starts on
/// the same line (libyaml's compact form), a scalar follows after a space.
fn write_compact(w: &mut String, v: &Out, indent: usize) {
    match v {
        Out::Map(entries) if !entries.is_empty() => {
            w.push(' ');
            write_entries(w, entries, indent + 2, true);
        }
        Out::Seq(items) if !items.is_empty() => {
            w.push(' ');
            write_items(w, items, indent + 2, true);
        }
        other => write_after_indicator_scalar(w, other, indent),
    }
}

/// What follows "key:" for a key at column `indent`.
fn write_after_indicator(w: &mut String, v: &Out, indent: usize) {
    match v {
        Out::Map(entries) if !entries.is_empty() => {
            w.push('\n');
            write_entries(w, entries, indent + 2, false);
        }
        Out::Seq(items) if !items.is_empty() => {
            w.push('\n');
            write_items(w, items, indent + 2, false);
        }
        other => write_after_indicator_scalar(w, other, indent),
    }
}

fn write_after_indicator_scalar(w: &mut String, v: &Out, indent: usize) {
    w.push(' ');
    write_inline(w, v, indent + 2);
    end_line(w);
}

/// A scalar or empty collection; block scalars put their lines at `content_indent`.
fn write_inline(w: &mut String, v: &Out, content_indent: usize) {
    match v {
        Out::Null => w.push_str("null"),
        Out::Bool(b) => w.push_str(if *b { "true" } else { "false" }),
        Out::Int(i) => w.push_str(&i.to_string()),
        Out::Uint(u) => w.push_str(&u.to_string()),
        Out::Float(f, bits) => {
            let s = format_float(*f, *bits);
            w.push_str(match s.as_str() {
                "+Inf" => ".inf",
                "-Inf" => "-.inf",
                "NaN" => ".nan",
                other => other,
            });
        }
        Out::Str(s) => write_string(w, s, content_indent, false),
        // go-yaml's encoder prints a time.Time as a plain scalar, never quoted.
        Out::Time(t) => w.push_str(&t.rfc3339_nano()),
        Out::Seq(_) => w.push_str("[]"),
        Out::Map(_) => w.push_str("{}"),
    }
}

fn write_key(w: &mut String, k: &str) {
    write_string(w, k, 0, true);
}

#[derive(Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// The scalar analysis of libyaml's `yaml_emitter_analyze_scalar`.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_printable(c: char) -> bool {
    let c = c as u32;
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (0xA0..=0xD7FF).contains(&c)
        || ((0xE000..=0xFFFD).contains(&c) && c != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut line_breaks, mut special, mut tabs) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut preceded_by_ws = true;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = i + 1 >= n || matches!(chars[i + 1], ' ' | '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t' | '\0') || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tabs || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_allowed = false;
    }
    if line_breaks {
        a.block_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

fn choose_style(s: &str, simple_key: bool) -> Style {
    let a = analyze(s);
    // go-yaml's encoder: multi-line strings ask for literal style, strings that would
    // resolve to another type (or YAML 1.1 bools / base 60 floats) ask for double quotes.
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if resolves_to_str(s) && !is_base60_float(s) && !is_old_bool(s) {
        Style::Plain
    } else {
        Style::Double
    };
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::Double;
    }
    style
}

fn write_string(w: &mut String, s: &str, indent: usize, simple_key: bool) {
    match choose_style(s, simple_key) {
        Style::Plain => w.push_str(s),
        Style::Single => {
            w.push('\'');
            for c in s.chars() {
                if c == '\'' {
                    w.push('\'');
                }
                w.push(c);
            }
            w.push('\'');
        }
        Style::Double => write_double(w, s),
        Style::Literal => write_literal(w, s, indent),
    }
}

fn write_double(w: &mut String, s: &str) {
    w.push('"');
    for c in s.chars() {
        if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
            w.push('\\');
            match c {
                '\0' => w.push('0'),
                '\u{7}' => w.push('a'),
                '\u{8}' => w.push('b'),
                '\t' => w.push('t'),
                '\n' => w.push('n'),
                '\u{b}' => w.push('v'),
                '\u{c}' => w.push('f'),
                '\r' => w.push('r'),
                '\u{1b}' => w.push('e'),
                '"' => w.push('"'),
                '\\' => w.push('\\'),
                '\u{85}' => w.push('N'),
                '\u{a0}' => w.push('_'),
                '\u{2028}' => w.push('L'),
                '\u{2029}' => w.push('P'),
                _ => {
                    let v = c as u32;
                    if v <= 0xFF {
                        w.push_str(&format!("x{v:02X}"));
                    } else if v <= 0xFFFF {
                        w.push_str(&format!("u{v:04X}"));
                    } else {
                        w.push_str(&format!("U{v:08X}"));
                    }
                }
            }
        } else {
            w.push(c);
        }
    }
    w.push('"');
}

fn write_literal(w: &mut String, s: &str, indent: usize) {
    w.push('|');
    let first = s.chars().next();
    if first.is_some_and(|c| c == ' ' || is_break(c)) {
        w.push('2');
    }
    // Chomping: "-" without a final break, "+" with more than one (or only a break).
    let bytes = s.as_bytes();
    if !s.ends_with('\n') {
        w.push('-');
    } else if bytes.len() == 1 || bytes[bytes.len() - 2] == b'\n' {
        w.push('+');
    }
    // go.yaml.in/yaml/v3 always breaks the line after the header (go-yaml issue 755).
    w.push('\n');
    let mut breaks = true;
    for c in s.chars() {
        if c == '\n' {
            w.push('\n');
            breaks = true;
        } else {
            if breaks {
                pad(w, indent);
            }
            w.push(c);
            breaks = false;
        }
    }
}

fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'+' || b[0] == b'-' || b[0].is_ascii_digit()) || !s.contains(':')
    {
        return false;
    }
    let mut i = 0;
    if b[0] == b'+' || b[0] == b'-' {
        i = 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]: one or two digits, two only when the first is 0-5.
        if i < b.len() && b[i].is_ascii_digit() {
            if b[i] <= b'5' && i + 1 < b.len() && b[i + 1].is_ascii_digit() {
                i += 2;
            } else {
                i += 1;
            }
        } else {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Whether go-yaml's `resolve("", s)` gives `!!str` (a plain scalar would read back as a string).
fn resolves_to_str(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false; // "" is null
    };
    let hint = match first {
        b'+' | b'-' => 'S',
        b'0'..=b'9' => 'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => 'M',
        b'.' => '.',
        _ => return true,
    };
    if matches!(
        s,
        "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    ) {
        return false;
    }
    match hint {
        'M' => true,
        '.' => go_parse_float(s).is_none(),
        _ => {
            if crate::gotime::Timestamp::parse(s).is_some() {
                return false;
            }
            let plain = s.replace('_', "");
            if golang::parse_int(&plain).is_some()
                || golang::parse_uint(&plain).is_some()
                || golang::is_yaml_float(&plain)
            {
                return false;
            }
            if let Some(rest) = plain
                .strip_prefix("0b")
                .or_else(|| plain.strip_prefix("-0b"))
            {
                if !rest.is_empty() && rest.bytes().all(|c| c == b'0' || c == b'1') {
                    return false;
                }
            }
            if let Some(rest) = plain
                .strip_prefix("0o")
                .or_else(|| plain.strip_prefix("-0o"))
            {
                if !rest.is_empty() && rest.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
                    return false;
                }
            }
            true
        }
    }
}

/// Go's strconv.ParseFloat on the input (decimal and special forms; hex floats too).
fn go_parse_float(s: &str) -> Option<f64> {
    crate::gofmt::parse_go_float(s)
}

/// go-yaml v3's `keyList.Less` for string keys: letters before other characters after a
/// digit run, and digit runs compared numerically ("s9" < "s10").
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    if natural_less(a, b) {
        Ordering::Less
    } else if natural_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn natural_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            digits = is_digit(ar[i]);
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(ar[ai].to_digit(10).unwrap_or(0) as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(br[bi].to_digit(10).unwrap_or(0) as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Go's unicode.IsDigit (decimal digits; ASCII is what compose keys use).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(s: &str) -> String {
        let mut w = String::new();
        write_string(&mut w, s, 8, false);
        w
    }

    #[test]
    fn scalar_styles_match_go_yaml() {
        // Each pair copied from `docker compose config` output.
        let cases = [
            ("*star", "'*star'"),
            ("-dash", "-dash"),
            ("- dash", "'- dash'"),
            (":colon", ":colon"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("tab\there", "\"tab\\there\""),
            ("it's", "it's"),
            ("multi\nline", "|-\n        multi\n        line"),
            ("multi\nline\n", "|\n        multi\n        line\n"),
            ("multi\nline\n\n", "|+\n        multi\n        line\n\n"),
            ("  lead\nx", "|2-\n          lead\n        x"),
            ("trail \nx", "\"trail \\nx\""),
            ("émoji 😀", "\"émoji \\U0001F600\""),
            ("2001-12-14", "\"2001-12-14\""),
            ("0x1F", "\"0x1F\""),
            ("1_000", "\"1_000\""),
            ("10:30", "\"10:30\""),
            ("8080:80", "8080:80"),
            (".5", "\".5\""),
            ("1e3", "\"1e3\""),
            ("<<", "<<"),
            ("~", "\"~\""),
            ("a\"b\\c", "a\"b\\c"),
            ("'q'", "'''q'''"),
            ("\"dq\"", "'\"dq\"'"),
            ("null", "\"null\""),
            ("Yes", "\"Yes\""),
            (".inf", "\".inf\""),
            ("0o17", "\"0o17\""),
            ("+1", "\"+1\""),
            ("-", "'-'"),
            ("...", "'...'"),
            ("---x", "'---x'"),
            ("a:b", "a:b"),
            ("a#b", "a#b"),
            ("x\r\ny", "\"x\\r\\ny\""),
            ("ctl\u{1}", "\"ctl\\x01\""),
            ("\nstart", "|2-\n\n        start"),
            ("", "\"\""),
            ("3600", "\"3600\""),
            // strconv rejects these, so go-yaml keeps them plain; `+0x10` is an int.
            ("++5", "++5"),
            ("0x+5", "0x+5"),
            ("-0xFFFFFFFFFFFFFFFF", "-0xFFFFFFFFFFFFFFFF"),
            ("18446744073709551615", "\"18446744073709551615\""),
            ("+0x10", "\"+0x10\""),
        ];
        for (input, want) in cases {
            assert_eq!(style(input), want, "input {input:?}");
        }
    }

    #[test]
    fn keys_sort_naturally() {
        let mut keys = vec![
            "s10",
            "s9",
            "S1",
            "_u",
            "1a",
            "a10b",
            "a9b",
            "a09b",
            "a1",
            "with space",
            "yes",
        ];
        keys.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            keys,
            [
                "_u",
                "1a",
                "S1",
                "a1",
                "a9b",
                "a09b",
                "a10b",
                "s9",
                "s10",
                "with space",
                "yes"
            ]
        );
    }
}
