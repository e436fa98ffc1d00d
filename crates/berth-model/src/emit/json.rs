//! An encoding/json writer for the output tree: `MarshalIndent(v, "", "  ")` (no trailing
//! newline) and compact `Marshal` (for hashes), both with Go's HTML-safe string escaping.

use super::Out;
use crate::gofmt::format_json_float;

/// encoding/json refuses non-finite floats (`+Inf`, `-Inf`, `NaN`) and fails the whole
/// marshalling; compose then prints this and exits 1 (e.g. `x-top: .inf` with `--format json`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsupportedValue {
    /// A non-finite float.
    #[error("json: unsupported value: {0}")]
    Value(String),
    /// A `MarshalJSON` method refused the value: `time.Time` does for a zone offset of 24
    /// hours or more, which RFC 3339 cannot spell (go-yaml accepts `+24:00`).
    #[error("json: error calling MarshalJSON for type {go_type}: {message}")]
    Marshaler {
        go_type: &'static str,
        message: &'static str,
    },
}

/// How a JSON encoder is set up: indentation unit (None = compact) and HTML escaping.
#[derive(Debug, Clone, Copy)]
pub struct JsonStyle {
    pub indent: Option<&'static str>,
    pub escape_html: bool,
}

/// Prints like Go's `json.MarshalIndent(v, "", "  ")`.
pub fn write_json_indent(v: &Out) -> Result<String, UnsupportedValue> {
    write_json(
        v,
        JsonStyle {
            indent: Some("  "),
            escape_html: true,
        },
    )
}

/// Prints like Go's `json.Marshal(v)`.
pub fn write_json_compact(v: &Out) -> Result<String, UnsupportedValue> {
    write_json(
        v,
        JsonStyle {
            indent: None,
            escape_html: true,
        },
    )
}

/// Prints like a Go `json.Encoder` set up as `style` says (without Encode's newline).
pub fn write_json(v: &Out, style: JsonStyle) -> Result<String, UnsupportedValue> {
    let mut w = String::with_capacity(1024);
    write(&mut w, v, style.indent.map(|_| 0), style)?;
    Ok(w)
}

fn newline(w: &mut String, indent: Option<usize>, style: JsonStyle) {
    if let (Some(n), Some(unit)) = (indent, style.indent) {
        w.push('\n');
        for _ in 0..n {
            w.push_str(unit);
        }
    }
}

fn write(
    w: &mut String,
    v: &Out,
    indent: Option<usize>,
    style: JsonStyle,
) -> Result<(), UnsupportedValue> {
    let inner = indent.map(|n| n + 1);
    match v {
        Out::Null => w.push_str("null"),
        Out::Bool(b) => w.push_str(if *b { "true" } else { "false" }),
        Out::Int(i) => w.push_str(&i.to_string()),
        Out::Uint(u) => w.push_str(&u.to_string()),
        Out::Float(f, _) if f.is_nan() => return Err(UnsupportedValue::Value("NaN".into())),
        Out::Float(f, _) if f.is_infinite() => {
            let sign = if *f > 0.0 { "+" } else { "-" };
            return Err(UnsupportedValue::Value(format!("{sign}Inf")));
        }
        Out::Float(f, bits) => w.push_str(&format_json_float(*f, *bits)),
        Out::Str(s) => write_escaped(w, s, style.escape_html),
        Out::Time(t) => {
            let text = t
                .strict_rfc3339_nano()
                .map_err(|message| UnsupportedValue::Marshaler {
                    go_type: "time.Time",
                    message,
                })?;
            write_escaped(w, &text, style.escape_html);
        }
        Out::Seq(items) => {
            if items.is_empty() {
                w.push_str("[]");
                return Ok(());
            }
            w.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    w.push(',');
                }
                newline(w, inner, style);
                write(w, item, inner, style)?;
            }
            newline(w, indent, style);
            w.push(']');
        }
        Out::Map(entries) => {
            if entries.is_empty() {
                w.push_str("{}");
                return Ok(());
            }
            w.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    w.push(',');
                }
                newline(w, inner, style);
                write_escaped(w, k, style.escape_html);
                w.push(':');
                if indent.is_some() {
                    w.push(' ');
                }
                write(w, item, inner, style)?;
            }
            newline(w, indent, style);
            w.push('}');
        }
    }
    Ok(())
}

/// encoding/json string escaping; `<`, `>` and `&` escaped only when `html`.
fn write_escaped(w: &mut String, s: &str, html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    w.push('"');
    for c in s.chars() {
        match c {
            '"' => w.push_str("\\\""),
            '\\' => w.push_str("\\\\"),
            '\n' => w.push_str("\\n"),
            '\r' => w.push_str("\\r"),
            '\t' => w.push_str("\\t"),
            '\u{8}' => w.push_str("\\b"),
            '\u{c}' => w.push_str("\\f"),
            '<' | '>' | '&' if !html => w.push(c),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let v = c as u32;
                w.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    w.push(HEX[((v >> shift) & 0xF) as usize] as char);
                }
            }
            c if (c as u32) < 0x20 => {
                let v = c as u32;
                w.push_str("\\u00");
                w.push(HEX[(v >> 4) as usize] as char);
                w.push(HEX[(v & 0xF) as usize] as char);
            }
            c => w.push(c),
        }
    }
    w.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_floats_fail_like_encoding_json() {
        // The reference prints these for `x-top: .inf` / `-.inf` / `.nan` with `--format json`.
        let doc = |f| Out::Map(vec![("x".into(), Out::Seq(vec![Out::Float(f, 64)]))]);
        let msg = |f| write_json_indent(&doc(f)).unwrap_err().to_string();
        assert_eq!(msg(f64::INFINITY), "json: unsupported value: +Inf");
        assert_eq!(msg(f64::NEG_INFINITY), "json: unsupported value: -Inf");
        assert_eq!(msg(f64::NAN), "json: unsupported value: NaN");
        assert_eq!(
            write_json_compact(&doc(0.5)).unwrap(),
            "{\"x\":[0.5]}".to_string()
        );
    }
}
