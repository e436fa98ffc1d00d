//! An encoding/json writer for the output tree: `MarshalIndent(v, "", "  ")` (no trailing
//! newline) and compact `Marshal` (for hashes), both with Go's HTML-safe string escaping.

use super::Out;
use crate::gofmt::format_json_float;

/// Prints like Go's `json.MarshalIndent(v, "", "  ")`.
pub fn write_json_indent(v: &Out) -> String {
    let mut w = String::with_capacity(4096);
    write(&mut w, v, Some(0));
    w
}

/// Prints like Go's `json.Marshal(v)`.
pub fn write_json_compact(v: &Out) -> String {
    let mut w = String::with_capacity(1024);
    write(&mut w, v, None);
    w
}

fn newline(w: &mut String, indent: Option<usize>) {
    if let Some(n) = indent {
        w.push('\n');
        for _ in 0..n {
            w.push_str("  ");
        }
    }
}

fn write(w: &mut String, v: &Out, indent: Option<usize>) {
    let inner = indent.map(|n| n + 1);
    match v {
        Out::Null => w.push_str("null"),
        Out::Bool(b) => w.push_str(if *b { "true" } else { "false" }),
        Out::Int(i) => w.push_str(&i.to_string()),
        Out::Float(f, bits) => w.push_str(&format_json_float(*f, *bits)),
        Out::Str(s) => write_str(w, s),
        Out::Seq(items) => {
            if items.is_empty() {
                w.push_str("[]");
                return;
            }
            w.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    w.push(',');
                }
                newline(w, inner);
                write(w, item, inner);
            }
            newline(w, indent);
            w.push(']');
        }
        Out::Map(entries) => {
            if entries.is_empty() {
                w.push_str("{}");
                return;
            }
            w.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    w.push(',');
                }
                newline(w, inner);
                write_str(w, k);
                w.push(':');
                if indent.is_some() {
                    w.push(' ');
                }
                write(w, item, inner);
            }
            newline(w, indent);
            w.push('}');
        }
    }
}

/// encoding/json string escaping with HTML escaping on (`<`, `>`, `&` as \u003c…).
pub fn write_str(w: &mut String, s: &str) {
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
