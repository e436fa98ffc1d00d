//! What templates see: Go values as text/template prints and `json` encodes them.

use std::fmt::Write as _;
use std::rc::Rc;

/// A value a template can print, index, range over or encode.
#[derive(Clone)]
pub enum Value {
    /// A missing map key: prints `<no value>`.
    NoValue,
    /// Go's nil (a nil slice or pointer): prints `<nil>`, encodes as `null`.
    Nil,
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<Value>),
    /// A Go struct: fields in declaration order; prints as `{a b}`.
    Struct(Vec<(String, Value)>),
    /// A Go map with string keys (kept sorted): prints as `map[k:v]`.
    Map(Vec<(String, Value)>),
    /// A value with methods (compose's formatter contexts).
    Object(Rc<dyn Object>),
}

/// A formatter context: its zero-argument methods are fields, some take arguments.
pub trait Object {
    /// Go's type name in error messages (`*formatter.ContainerContext`).
    fn type_name(&self) -> &str;
    /// A method without arguments, or a field.
    fn field(&self, name: &str) -> Option<Value>;
    /// A method with arguments (`Label "key"`): `None` if there is no such method,
    /// `Some(Err(want))` when the number of arguments is wrong.
    fn method(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, usize>> {
        None
    }
    /// The arity of a method taking arguments, if `name` is one.
    fn method_arity(&self, _name: &str) -> Option<usize> {
        None
    }
    /// What `{{json .}}` prints (compose's MarshalJSON).
    fn to_json(&self) -> String;
    /// Whether missing fields are a map's missing keys (`<no value>`) rather than errors.
    fn is_map(&self) -> bool {
        false
    }
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// Go's `fmt.Sprint` of the value, as text/template prints it.
    pub fn print(&self) -> String {
        let mut out = String::new();
        self.print_to(&mut out, true);
        out
    }

    fn print_to(&self, out: &mut String, top: bool) {
        match self {
            Value::NoValue => out.push_str("<no value>"),
            Value::Nil => out.push_str(if top { "<nil>" } else { "[]" }),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Str(s) => out.push_str(s),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    item.print_to(out, false);
                }
                out.push(']');
            }
            Value::Struct(fields) => {
                out.push('{');
                for (i, (_, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    v.print_to(out, false);
                }
                out.push('}');
            }
            Value::Map(entries) => {
                out.push_str("map[");
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.print_to(out, false);
                }
                out.push(']');
            }
            Value::Object(o) => out.push_str(&o.to_json()),
        }
    }

    /// Go's `json.Encoder` with HTML escaping off (the templates' `json` function).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.json_to(&mut out);
        out
    }

    fn json_to(&self, out: &mut String) {
        match self {
            Value::NoValue | Value::Nil => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Str(s) => json_string(out, s, false),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.json_to(out);
                }
                out.push(']');
            }
            Value::Struct(fields) | Value::Map(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(out, k, false);
                    out.push(':');
                    v.json_to(out);
                }
                out.push('}');
            }
            Value::Object(o) => out.push_str(&o.to_json()),
        }
    }

    /// Go's `json.Marshal` (HTML characters escaped), for formatter contexts' MarshalJSON.
    pub fn to_json_html(&self) -> String {
        let mut out = String::new();
        self.json_html_to(&mut out);
        out
    }

    fn json_html_to(&self, out: &mut String) {
        match self {
            Value::Str(s) => json_string(out, s, true),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.json_html_to(out);
                }
                out.push(']');
            }
            Value::Struct(fields) | Value::Map(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(out, k, true);
                    out.push(':');
                    v.json_html_to(out);
                }
                out.push('}');
            }
            other => other.json_to(out),
        }
    }

    /// text/template's truth: false, 0, "", nil and empty collections are false.
    pub fn is_true(&self) -> bool {
        match self {
            Value::NoValue | Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Struct(_) | Value::Object(_) => true,
        }
    }

    /// Go's kind name for type errors.
    pub fn go_type(&self) -> String {
        match self {
            Value::NoValue | Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Str(_) => "string".into(),
            Value::List(_) => "[]string".into(),
            Value::Struct(_) => "struct".into(),
            Value::Map(_) => "map[string]string".into(),
            Value::Object(o) => o.type_name().to_string(),
        }
    }
}

/// Writes `s` as a JSON string the way Go's encoder does (`\u00XX` for control characters,
/// `\u2028`/`\u2029` always, `<`, `>`, `&` when `html`).
pub fn json_string(out: &mut String, s: &str, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if html => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_go_fmt() {
        let v = Value::List(vec![
            Value::Struct(vec![
                ("URL".into(), Value::str("0.0.0.0")),
                ("TargetPort".into(), Value::Int(80)),
            ]),
            Value::Struct(vec![
                ("URL".into(), Value::str("::")),
                ("TargetPort".into(), Value::Int(81)),
            ]),
        ]);
        assert_eq!(v.print(), "[{0.0.0.0 80} {:: 81}]");
        assert_eq!(
            v.to_json(),
            r#"[{"URL":"0.0.0.0","TargetPort":80},{"URL":"::","TargetPort":81}]"#
        );
        assert_eq!(Value::NoValue.print(), "<no value>");
        assert_eq!(
            Value::Map(vec![("a".into(), Value::str("b"))]).print(),
            "map[a:b]"
        );
    }

    #[test]
    fn json_escapes_as_go() {
        let v = Value::str("a->b & <c>\u{1}");
        assert_eq!(v.to_json(), "\"a->b & <c>\\u0001\"");
        assert_eq!(
            v.to_json_html(),
            "\"a-\\u003eb \\u0026 \\u003cc\\u003e\\u0001\""
        );
    }
}
