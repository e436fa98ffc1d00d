//! The `${VAR}` substitution grammar (compose-go `template`), used by the interpolation phase
//! on every string value of a compose file and by the `.env` parser on its values.
//!
//! compose-go matches `\$(?i:(\$)|([_a-z][_a-z0-9]*)|{(?:([_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|()))`
//! and post-processes each match. This module reproduces that regex by hand (it runs on every
//! value of large files, so it scans bytes and allocates only when a `$` is present), including
//! its quirks:
//! - the braced form greedily extends to the LAST `}` on the line; the real closing brace is
//!   then found by counting braces (skipping the character after each `{`), and the text after
//!   it is substituted again;
//! - defaults, alternates and error messages are substituted before the variable is looked up,
//!   so `${SET:-${UNSET}}` warns about `UNSET` and `${SET:-${REQ:?x}}` fails;
//! - `(?i)` makes the name classes match `ſ` (U+017F) and `K` (U+212A, Kelvin) too;
//! - after an error the scan goes on (so later warnings are still raised) and the first error wins;
//! - an invalid-template error names the innermost template being scanned (a default, or the
//!   text after a closing brace), not the whole value.

use indexmap::IndexMap;

use crate::{Diagnostics, Lookup};
use berth_model::golang;
use berth_model::value::Value;

/// Why a template could not be substituted. Display is compose-go's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `$` that starts no valid form (`${`, `${1}`, an unclosed brace …). `template` is the
    /// text being scanned when it was found.
    #[error("Invalid template: {}", golang::quote(.template))]
    InvalidTemplate { template: String },
    /// `${X:?msg}` / `${X?msg}` with X missing (or empty, for `:?`).
    #[error("required variable {variable} is missing a value{}", reason_suffix(.reason))]
    MissingRequired { variable: String, reason: String },
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    }
}

/// A variable as `docker compose config --variables` lists it (compose-go `template.Variable`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// The text after `:-` or `-` (raw, not substituted).
    pub default_value: String,
    /// The text after `:+` or `+` (the "ALTERNATE VALUE" column).
    pub presence_value: String,
    /// Set by `:?` and `?`.
    pub required: bool,
}

/// Substitutes every `$` form in `template`, looking variables up with `lookup`.
///
/// Unset plain variables (`$X`, `${X}`) become "" with a warning per occurrence, as compose
/// logs one per occurrence.
pub fn substitute(
    template: &str,
    lookup: Lookup,
    diags: &mut Diagnostics,
) -> Result<String, TemplateError> {
    if !template.as_bytes().contains(&b'$') {
        return Ok(template.to_string());
    }
    let mut out = String::with_capacity(template.len());
    substitute_into(template, lookup, diags, &mut out)?;
    Ok(out)
}

/// Lists the variables a model uses, for `config --variables` (compose-go
/// `template.ExtractVariables`). Map keys are not scanned. When a name occurs several times
/// the last occurrence wins (its position stays that of the first).
pub fn extract_variables(model: &Value) -> IndexMap<String, Variable> {
    let mut out = IndexMap::new();
    extract_value(model, &mut out);
    out
}

/// Lists the variables of one string, in compose-go's order (see `extract_variables`).
pub fn extract_variables_from_str(s: &str) -> Vec<Variable> {
    let mut values = Vec::new();
    extract_str(s, &mut values);
    values
}

// ---------------------------------------------------------------------------------------------
// Matching: what the compose-go regex would match at a `$`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// `$$`
    Escaped,
    /// `$name`; the name is `[start+1, end)`.
    Named,
    /// `${name}` or `${name<op>...}` up to the last `}` of the line.
    Braced,
    /// `${` followed by nothing valid: the match is just `${`.
    Invalid,
}

/// Byte length of a name character at `i` (0 if none). `(?i)[_a-z0-9]` also matches `ſ`
/// (U+017F) and the Kelvin sign (U+212A), since they case-fold to `s` and `k`.
#[inline]
fn name_char_len(b: &[u8], i: usize, allow_digit: bool) -> usize {
    match b.get(i) {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => 1,
        Some(c) if allow_digit && c.is_ascii_digit() => 1,
        Some(0xC5) if b.get(i + 1) == Some(&0xBF) => 2,
        Some(0xE2) if b.get(i + 1) == Some(&0x84) && b.get(i + 2) == Some(&0xAA) => 3,
        _ => 0,
    }
}

/// End (exclusive) of the name starting at `i`, or `None` when no name starts there.
#[inline]
fn name_end(b: &[u8], i: usize) -> Option<usize> {
    let first = name_char_len(b, i, false);
    if first == 0 {
        return None;
    }
    let mut j = i + first;
    loop {
        let n = name_char_len(b, j, true);
        if n == 0 {
            return Some(j);
        }
        j += n;
    }
}

/// The match starting at the `$` at `p`, with its end, or `None` when this `$` is literal.
fn find_match(b: &[u8], p: usize) -> Option<(Match, usize)> {
    match b.get(p + 1)? {
        b'$' => Some((Match::Escaped, p + 2)),
        b'{' => {
            let invalid = Some((Match::Invalid, p + 2));
            let Some(n_end) = name_end(b, p + 2) else {
                return invalid;
            };
            let mut k = n_end;
            match b.get(k) {
                Some(b'}') => return Some((Match::Braced, k + 1)),
                Some(b':') => k += 1,
                _ => {}
            }
            if !matches!(b.get(k), Some(b'-' | b'+' | b'?')) {
                return invalid;
            }
            k += 1;
            // `(.*)}`: `.` stops at a newline, and `.*` is greedy, so the last `}` of the line.
            let line_end = b[k..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |o| k + o);
            match b[k..line_end].iter().rposition(|&c| c == b'}') {
                Some(o) => Some((Match::Braced, k + o + 1)),
                None => invalid,
            }
        }
        _ => name_end(b, p + 1).map(|e| (Match::Named, e)),
    }
}

/// compose-go `getFirstBraceClosingIndex`: the `}` that closes the first `{`, counting nested
/// braces but skipping the character right after each `{`.
fn first_brace_closing_index(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut open = 0i32;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'}' {
            open -= 1;
            if open == 0 {
                return Some(i);
            }
        }
        if b[i] == b'{' {
            open += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Substitution.

/// Scans `tmpl`, appending the result to `out`. Returns the first error, after scanning the
/// whole template as compose does.
fn substitute_into(
    tmpl: &str,
    lookup: Lookup,
    diags: &mut Diagnostics,
    out: &mut String,
) -> Result<(), TemplateError> {
    let b = tmpl.as_bytes();
    let mut first_err: Option<TemplateError> = None;
    let mut last = 0;
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'$') {
        let p = i + off;
        let Some((kind, end)) = find_match(b, p) else {
            i = p + 1;
            continue;
        };
        out.push_str(&tmpl[last..p]);
        let mark = out.len();
        let result = match kind {
            Match::Escaped => {
                out.push('$');
                Ok(())
            }
            Match::Named => {
                lookup_plain(&tmpl[p + 1..end], lookup, diags, out);
                Ok(())
            }
            Match::Braced => replace_braced(&tmpl[p..end], lookup, diags, out),
            Match::Invalid => Err(TemplateError::InvalidTemplate {
                template: String::new(),
            }),
        };
        if let Err(mut err) = result {
            out.truncate(mark);
            if let TemplateError::InvalidTemplate { template } = &mut err {
                if template.is_empty() {
                    *template = tmpl.to_string();
                }
            }
            first_err.get_or_insert(err);
        }
        i = end;
        last = end;
    }
    out.push_str(&tmpl[last..]);
    match first_err {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

fn lookup_plain(name: &str, lookup: Lookup, diags: &mut Diagnostics, out: &mut String) {
    match lookup(name) {
        Some(v) => out.push_str(&v),
        None => diags.warn(format!(
            "The \"{name}\" variable is not set. Defaulting to a blank string."
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    DefaultIfEmptyOrUnset, // :-
    DefaultIfUnset,        // -
    AltIfNotEmpty,         // :+
    AltIfSet,              // +
    RequiredNotEmpty,      // :?
    RequiredSet,           // ?
}

/// Reads the operator at `k` (right after the name); returns it and where its text starts.
fn read_op(b: &[u8], k: usize) -> Option<(Op, usize)> {
    let colon = b.get(k) == Some(&b':');
    let at = if colon { k + 1 } else { k };
    let op = match (colon, b.get(at)?) {
        (true, b'-') => Op::DefaultIfEmptyOrUnset,
        (false, b'-') => Op::DefaultIfUnset,
        (true, b'+') => Op::AltIfNotEmpty,
        (false, b'+') => Op::AltIfSet,
        (true, b'?') => Op::RequiredNotEmpty,
        (false, b'?') => Op::RequiredSet,
        _ => return None,
    };
    Some((op, at + 1))
}

/// Replaces one braced match `m` (`${...}` up to the last `}` of its line).
fn replace_braced(
    m: &str,
    lookup: Lookup,
    diags: &mut Diagnostics,
    out: &mut String,
) -> Result<(), TemplateError> {
    let b = m.as_bytes();
    // find_match guarantees a name at 2.
    let n_end = name_end(b, 2).unwrap_or(2);
    let name = &m[2..n_end];
    let Some((op, text_start)) = read_op(b, n_end) else {
        // `${name}`: a plain lookup.
        lookup_plain(name, lookup, diags, out);
        return Ok(());
    };
    // Cut at the brace that really closes `${`; what follows is substituted on its own.
    let (sub, rest) = match first_brace_closing_index(m) {
        Some(c) => (&m[..=c], &m[c + 1..]),
        None => (m, ""),
    };
    let text_end = sub.len() - 1; // the closing `}` of `sub`
    let text = m.get(text_start..text_end).unwrap_or("");
    let mut text_value = String::new();
    substitute_into(text, lookup, diags, &mut text_value)?;
    let value = lookup(name);
    let result = match op {
        Op::DefaultIfEmptyOrUnset => match value {
            Some(v) if !v.is_empty() => v,
            _ => text_value,
        },
        Op::DefaultIfUnset => value.unwrap_or(text_value),
        Op::AltIfNotEmpty => match value {
            Some(v) if !v.is_empty() => text_value,
            other => other.unwrap_or_default(),
        },
        Op::AltIfSet => match value {
            Some(_) => text_value,
            None => String::new(),
        },
        Op::RequiredNotEmpty | Op::RequiredSet => match value {
            Some(v) if op == Op::RequiredSet || !v.is_empty() => v,
            _ => {
                return Err(TemplateError::MissingRequired {
                    variable: name.to_string(),
                    reason: text_value,
                })
            }
        },
    };
    out.push_str(&result);
    if !rest.is_empty() {
        substitute_into(rest, lookup, diags, out)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Extraction (`config --variables`).

fn extract_value(v: &Value, out: &mut IndexMap<String, Variable>) {
    match v {
        Value::String(s) if s.as_bytes().contains(&b'$') => {
            for var in extract_variables_from_str(s) {
                out.insert(var.name.clone(), var);
            }
        }
        Value::Map(m) => m.values().for_each(|e| extract_value(e, out)),
        Value::Seq(items) => items.iter().for_each(|e| extract_value(e, out)),
        _ => {}
    }
}

/// compose-go `extractVariable`: like substitution's scan, but collects instead of replacing.
fn extract_str(s: &str, values: &mut Vec<Variable>) {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'$') {
        let p = i + off;
        let Some((kind, end)) = find_match(b, p) else {
            i = p + 1;
            continue;
        };
        i = end;
        let m = &s[p..end];
        let val: &str = match kind {
            Match::Escaped => continue,
            Match::Named => &m[1..],
            Match::Braced | Match::Invalid => {
                let mut val = if kind == Match::Braced {
                    braced_group(m)
                } else {
                    ""
                };
                if let Some(c) = first_brace_closing_index(m).filter(|&c| c > 0) {
                    val = &m[2..c];
                    extract_str(&m[c + 1..], values);
                }
                val
            }
        };
        // The name ends at the first character outside ASCII `[a-zA-Z0-9_]`; compose only
        // splits when that is not the first character.
        let split = val
            .bytes()
            .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'));
        let mut var = Variable {
            name: val.to_string(),
            ..Variable::default()
        };
        if let Some(k) = split.filter(|&k| k > 0) {
            var.name = val[..k].to_string();
            let rest = &val[k..];
            if rest.starts_with(":?") || rest.starts_with('?') {
                var.required = true;
            } else if let Some(d) = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-')) {
                var.default_value = d.to_string();
            } else if let Some(a) = rest.strip_prefix(":+").or_else(|| rest.strip_prefix('+')) {
                var.presence_value = a.to_string();
            }
        }
        let default_value = var.default_value.clone();
        let presence_value = var.presence_value.clone();
        values.push(var);
        if !default_value.is_empty() {
            extract_str(&default_value, values);
        }
        if !presence_value.is_empty() {
            extract_str(&presence_value, values);
        }
    }
}

/// The regex's `braced` group of a braced match: everything between `${` and the final `}`.
fn braced_group(m: &str) -> &str {
    m.get(2..m.len().saturating_sub(1)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("v".into()),
            "EMPTY" => Some(String::new()),
            "MSG" => Some("from-env".into()),
            "ſy" => Some("long-s".into()),
            _ => None,
        }
    }

    fn sub(t: &str) -> (Result<String, TemplateError>, Vec<String>) {
        let mut d = Diagnostics::default();
        let r = substitute(t, &env, &mut d);
        (r, d.warnings)
    }

    fn ok(t: &str) -> String {
        sub(t).0.unwrap_or_else(|e| panic!("{t}: {e}"))
    }

    fn err(t: &str) -> String {
        match sub(t).0 {
            Ok(v) => panic!("{t}: expected an error, got {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn warn(name: &str) -> String {
        format!("The \"{name}\" variable is not set. Defaulting to a blank string.")
    }

    // Every expected value below was checked with `docker compose config` v2.40.3 with
    // SET=v, EMPTY="" and everything else unset.
    #[test]
    fn plain_forms() {
        assert_eq!(ok("no dollar"), "no dollar");
        assert_eq!(ok("$SET/bare"), "v/bare");
        assert_eq!(ok("${SET}"), "v");
        assert_eq!(ok("$SET_more"), "");
        assert_eq!(ok("$$"), "$");
        assert_eq!(ok("$$SET"), "$SET");
        assert_eq!(ok("$$$SET"), "$v");
        assert_eq!(ok("$1 $- $ end$"), "$1 $- $ end$");
        assert_eq!(ok("${SET:-x}-${SET}"), "v-v");
        assert_eq!(ok("a${EMPTY}b"), "ab");
    }

    #[test]
    fn modifiers() {
        assert_eq!(ok("${UNSET:-d}"), "d");
        assert_eq!(ok("${EMPTY:-d}"), "d");
        assert_eq!(ok("${SET:-d}"), "v");
        assert_eq!(ok("${EMPTY-d}"), "");
        assert_eq!(ok("${UNSET-d}"), "d");
        assert_eq!(ok("${SET:+alt}"), "alt");
        assert_eq!(ok("${EMPTY:+alt}"), "");
        assert_eq!(ok("${UNSET:+alt}"), "");
        assert_eq!(ok("${EMPTY+alt}"), "alt");
        assert_eq!(ok("${UNSET+alt}"), "");
        assert_eq!(ok("${SET:?msg}"), "v");
        assert_eq!(ok("${EMPTY?msg}"), "");
        assert_eq!(ok("${SET:+}|${SET+}|${UNSET-}|$"), "|||$");
        assert_eq!(ok("${UNSET:-a:-b}"), "a:-b");
        assert_eq!(ok("${UNSET:-a b c}"), "a b c");
    }

    #[test]
    fn nesting_and_text_after_the_brace() {
        assert_eq!(ok("${UNSET:-${UNSET2:-deep}}"), "deep");
        assert_eq!(ok("${SET:+${SET}-alt}"), "v-alt");
        assert_eq!(ok("${SET:-a}}"), "v}");
        assert_eq!(ok("${UNSET:-x}-${SET}"), "x-v");
        assert_eq!(ok("${UNSET:-{}"), "{");
        assert_eq!(ok("${UNSET:-a{b}c}"), "a{b}c");
        assert_eq!(ok("${UNSET:-}}"), "}");
        assert_eq!(ok("pre ${UNSET:-${SET}} post"), "pre v post");
    }

    #[test]
    fn case_insensitive_names() {
        assert_eq!(ok("$ſy"), "long-s");
        let (r, w) = sub("x${\u{212A}x}");
        assert_eq!(r, Ok("x".to_string()));
        assert_eq!(w, vec![warn("\u{212A}x")]);
    }

    #[test]
    fn warnings_once_per_occurrence() {
        let (r, w) = sub("${UNSET} $UNSET ${UNSET}");
        assert_eq!(r, Ok("  ".to_string()));
        assert_eq!(w, vec![warn("UNSET"), warn("UNSET"), warn("UNSET")]);
        // Defaults are substituted even when unused.
        let (r, w) = sub("${SET:-${UNSET2}} ${SET?${UNSET3}} ${UNSET4:+x}");
        assert_eq!(r, Ok("v v ".to_string()));
        assert_eq!(w, vec![warn("UNSET2"), warn("UNSET3")]);
    }

    #[test]
    fn required_errors() {
        assert_eq!(
            err("${REQ:?msg}"),
            "required variable REQ is missing a value: msg"
        );
        assert_eq!(
            err("${EMPTY:?must be set}"),
            "required variable EMPTY is missing a value: must be set"
        );
        assert_eq!(err("${REQ?}"), "required variable REQ is missing a value");
        assert_eq!(err("${X:?}"), "required variable X is missing a value");
        assert_eq!(
            err("${REQ:?$MSG here}"),
            "required variable REQ is missing a value: from-env here"
        );
        // The message is substituted even when the variable is set.
        assert_eq!(
            err("${SET:-${REQ:?xx}}"),
            "required variable REQ is missing a value: xx"
        );
    }

    #[test]
    fn invalid_templates() {
        let inv = |t: &str| TemplateError::InvalidTemplate {
            template: t.to_string(),
        };
        assert_eq!(sub("${X").0, Err(inv("${X")));
        assert_eq!(sub("a ${} b").0, Err(inv("a ${} b")));
        assert_eq!(sub("${1}").0, Err(inv("${1}")));
        assert_eq!(sub("${X:y}").0, Err(inv("${X:y}")));
        assert_eq!(sub("${UNSET:-x\n}").0, Err(inv("${UNSET:-x\n}")));
        // Reported for the text after the closing brace, as compose does.
        assert_eq!(sub("${A:-x} ${ }").0, Err(inv(" ${ }")));
        assert_eq!(err("${X"), "Invalid template: \"${X\"");
    }

    #[test]
    fn scan_goes_on_after_an_error() {
        let (r, w) = sub("${REQ:?x} $UNSET");
        assert!(r.is_err());
        assert_eq!(w, vec![warn("UNSET")]);
    }

    #[test]
    fn extraction() {
        let v = |name: &str, d: &str, p: &str, r: bool| Variable {
            name: name.into(),
            default_value: d.into(),
            presence_value: p.into(),
            required: r,
        };
        assert_eq!(
            extract_variables_from_str("$A ${B:-d} ${C?err} ${D:+alt} $$E ${F-${G}}"),
            // Each braced match runs to the last `}` of the line, and the text after its
            // real closing brace is listed first.
            vec![
                v("A", "", "", false),
                v("F", "${G}", "", false),
                v("G", "", "", false),
                v("D", "", "alt", false),
                v("C", "", "", true),
                v("B", "d", "", false),
            ]
        );
        // Text after the closing brace is listed before the variable itself.
        assert_eq!(
            extract_variables_from_str("${A:-x}-${B}"),
            vec![v("B", "", "", false), v("A", "x", "", false)]
        );
        // compose splits the name on ASCII only, and lists `${` as a nameless variable.
        assert_eq!(
            extract_variables_from_str("${\u{17f}x:-y} ${"),
            vec![v("\u{17f}x:-y", "", "", false), v("", "", "", false)]
        );
        let mut svc = berth_model::value::Map::default();
        svc.insert("a".into(), Value::from("${X:-1}"));
        svc.insert("b".into(), Value::Seq(vec![Value::from("${X:-2} $Y")]));
        let vars = extract_variables(&Value::Map(svc));
        assert_eq!(vars.keys().collect::<Vec<_>>(), vec!["X", "Y"]);
        assert_eq!(vars["X"].default_value, "2");
    }

    proptest::proptest! {
        /// Any mix of the grammar's characters gives a result or an error, never a panic, and
        /// text without `$` is returned unchanged.
        #[test]
        fn never_panics(t in "[${}:?+\\-a_Zſ1 \n]{0,24}") {
            let (r, _) = sub(&t);
            if !t.contains('$') {
                proptest::prop_assert_eq!(r, Ok(t.clone()));
            }
            let _ = extract_variables_from_str(&t);
        }
    }
}
