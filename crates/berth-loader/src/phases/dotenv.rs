//! The `.env` dialect (compose-go `dotenv`), read before loading to build the interpolation
//! environment (`.env`, `--env-file`) and after it for services' `env_file` and `label_file`;
//! plus the `format: raw` env files, parsed as `docker run --env-file` does (docker/cli kvfile).
//!
//! The dotenv grammar, statement by statement:
//! - blank space and `#` comment lines are skipped;
//! - `export ` before a key is dropped; a key ends at `=`, `:` (YAML style) or a newline (a
//!   bare key, resolved from the environment and dropped when unset); it may hold letters,
//!   digits, `_ . - [ ]`, and blanks around it are trimmed (inner ones are an error);
//! - an unquoted value runs to the end of the line, loses a ` #` comment and trailing blanks,
//!   and is substituted (`${X}`, `${X:-d}` …);
//! - a single-quoted value is raw except for `\'`; a double-quoted value may span lines, has
//!   escapes (`\n \t \" \\ \$ \0ooo` …) and is substituted;
//! - lookups for substitution and bare keys see the caller's environment first, then the keys
//!   already parsed (compose's `GetEnvFromFile`).

use indexmap::IndexMap;

use crate::phases::template::{self, TemplateError};
use crate::{Diagnostics, Lookup};
use berth_model::golang;

/// Why a `.env` file could not be parsed. Display is compose's wording, without the
/// `failed to read <file>: ` prefix compose adds (the caller knows the file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DotenvError {
    #[error("line {line}: unexpected character {} in variable name {}", golang::quote(&.character.to_string()), golang::quote(.text))]
    UnexpectedCharacter {
        line: usize,
        character: char,
        /// The statement's line, from the key on.
        text: String,
    },
    #[error("line {line}: key cannot contain a space")]
    KeyWithSpace { line: usize },
    /// `line` is where compose's counter stands after scanning to the end of the file.
    #[error("line {line}: unterminated quoted value {text}")]
    UnterminatedQuote { line: usize, text: String },
    /// `export ` with nothing after it at the end of the file.
    #[error("zero length string")]
    ZeroLength,
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// Why a `format: raw` env file could not be parsed (docker/cli kvfile wording, without the
/// `failed to parse env_file <file>: ` prefix compose adds).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RawEnvError {
    #[error("no variable name on line '{0}'")]
    NoVariableName(String),
    #[error("variable '{0}' contains whitespaces")]
    KeyWithWhitespace(String),
}

/// Parses a `.env` file. Substitution and bare keys look in `lookup`, then in the keys parsed
/// so far. Warnings for unset variables go to `diags`.
pub fn parse_dotenv(
    content: &str,
    lookup: Lookup,
    diags: &mut Diagnostics,
) -> Result<IndexMap<String, String>, DotenvError> {
    let mut out = IndexMap::new();
    parse_dotenv_into(content, &mut out, lookup, diags)?;
    Ok(out)
}

/// Parses a `.env` file into `out`, which may already hold variables: compose parses several
/// `--env-file`s into one map, and a service's `env_file`s into its `environment`, and both
/// fall back to that map after `lookup`.
pub fn parse_dotenv_into(
    content: &str,
    out: &mut IndexMap<String, String>,
    lookup: Lookup,
    diags: &mut Diagnostics,
) -> Result<(), DotenvError> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut parser = Parser { line: 1 };
    let mut cutset = content;
    loop {
        cutset = parser.statement_start(cutset);
        if cutset.is_empty() {
            return Ok(());
        }
        let (key, left, inherited) = parser.locate_key_name(cutset)?;
        if key.contains(' ') {
            return Err(DotenvError::KeyWithSpace { line: parser.line });
        }
        if inherited {
            if let Some(value) = lookup(key).or_else(|| out.get(key).cloned()) {
                out.insert(key.to_string(), value);
            }
            cutset = left;
            continue;
        }
        let (value, left) = parser.extract_var_value(left, out, lookup, diags)?;
        out.insert(key.to_string(), value);
        cutset = left;
    }
}

/// Parses a `format: raw` env file (`docker run --env-file` rules): no quotes, comments only
/// at the start of a line, no substitution; a bare `KEY` takes `lookup(KEY)` or is skipped.
pub fn parse_raw_env_file(
    content: &str,
    lookup: Lookup,
) -> Result<IndexMap<String, String>, RawEnvError> {
    let mut out = IndexMap::new();
    parse_raw_env_file_into(content, &mut out, lookup)?;
    Ok(out)
}

/// Like `parse_raw_env_file`, into a map that may already hold variables (a skipped bare key
/// leaves an earlier value in place).
pub fn parse_raw_env_file_into(
    content: &str,
    out: &mut IndexMap<String, String>,
    lookup: Lookup,
) -> Result<(), RawEnvError> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let content = content.strip_suffix('\n').unwrap_or(content);
    if content.is_empty() {
        return Ok(());
    }
    for raw_line in content.split('\n') {
        // bufio.ScanLines drops one `\r` before each newline.
        let raw_line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let line = raw_line.trim_start_matches(char::is_whitespace);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (line, None),
        };
        if key.is_empty() {
            return Err(RawEnvError::NoVariableName(line.to_string()));
        }
        if key.contains([' ', '\t']) {
            return Err(RawEnvError::KeyWithWhitespace(key.to_string()));
        }
        match value {
            Some(v) => {
                out.insert(key.to_string(), v.to_string());
            }
            None => {
                if let Some(v) = lookup(key) {
                    out.insert(key.to_string(), v);
                }
            }
        }
    }
    Ok(())
}

/// compose-go's `isSpace`: Unicode blank space, but not a line break.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// Go's `unicode.IsLetter || unicode.IsNumber` (Rust's alphabetic also admits a few
/// combining marks Go does not; close enough for key names).
fn is_letter_or_number(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric()
}

struct Parser {
    /// compose's line counter, used in error messages.
    line: usize,
}

impl Parser {
    /// Skips blank space and comment lines, counting newlines; "" at the end of the input.
    fn statement_start<'s>(&mut self, mut src: &'s str) -> &'s str {
        loop {
            let Some(pos) = src.find(|c: char| !c.is_whitespace()) else {
                self.line += src.bytes().filter(|&b| b == b'\n').count();
                return "";
            };
            self.line += src[..pos].bytes().filter(|&b| b == b'\n').count();
            src = &src[pos..];
            if !src.starts_with('#') {
                return src;
            }
            match src.find('\n') {
                Some(nl) => src = &src[nl..],
                None => return "",
            }
        }
    }

    /// Reads the key of a statement; returns it, the rest (value first), and whether it is a
    /// bare key (ended by a newline).
    fn locate_key_name<'s>(
        &mut self,
        src: &'s str,
    ) -> Result<(&'s str, &'s str, bool), DotenvError> {
        let mut src = src;
        // `^export\s+` (Go's `\s` is ASCII blank space, newline included).
        if let Some(after) = src.strip_prefix("export") {
            if after.starts_with(['\t', '\n', '\u{c}', '\r', ' ']) {
                src = after.trim_start_matches(is_space);
            }
        }
        let mut key = "";
        let mut offset = 0;
        let mut inherited = false;
        for (i, c) in src.char_indices() {
            if is_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    key = &src[..i];
                    offset = i + 1;
                    inherited = c == '\n';
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if is_letter_or_number(c) => {}
                c => {
                    return Err(DotenvError::UnexpectedCharacter {
                        line: self.line,
                        character: c,
                        text: src.split('\n').next().unwrap_or("").to_string(),
                    })
                }
            }
        }
        if src.is_empty() {
            return Err(DotenvError::ZeroLength);
        }
        if inherited && !key.contains(' ') {
            self.line += 1;
        }
        // With no `=`, `:` or newline before the end of the input, compose reads the whole
        // statement as the value of the key "".
        let key = key.trim_end_matches(char::is_whitespace);
        let rest = src[offset..].trim_start_matches(is_space);
        Ok((key, rest, inherited))
    }

    /// Reads a value; returns it and the rest of the input.
    fn extract_var_value<'s>(
        &mut self,
        src: &'s str,
        known: &IndexMap<String, String>,
        lookup: Lookup,
        diags: &mut Diagnostics,
    ) -> Result<(String, &'s str), DotenvError> {
        let quote = match src.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                let (line, rest) = src.split_once('\n').unwrap_or((src, ""));
                self.line += 1;
                // An inline comment needs a space before its `#`.
                let value = line.split(" #").next().unwrap_or("");
                let value = value.trim_end_matches(char::is_whitespace);
                return Ok((expand(value, known, lookup, diags)?, rest));
            }
        };
        let bytes = src.as_bytes();
        let mut chars: Vec<u8> = Vec::new();
        let mut escaped = false;
        for (i, &c) in bytes.iter().enumerate().skip(1) {
            if c == b'\n' {
                self.line += 1;
            }
            if c != quote {
                if !escaped && c == b'\\' {
                    escaped = true;
                    continue;
                }
                if escaped {
                    escaped = false;
                    chars.push(b'\\');
                }
                chars.push(c);
                continue;
            }
            if escaped {
                // `\"` or `\'`: the quote itself, without its backslash.
                escaped = false;
                chars.push(c);
                continue;
            }
            // Only ASCII backslashes were dropped, so the bytes are still UTF-8.
            let value = String::from_utf8(chars)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            let value = if quote == b'"' {
                expand(&expand_escapes(&value), known, lookup, diags)?
            } else {
                value
            };
            return Ok((value, &src[i + 1..]));
        }
        let text = src.split('\n').next().unwrap_or("");
        Err(DotenvError::UnterminatedQuote {
            line: self.line,
            text: text.to_string(),
        })
    }
}

/// Substitutes a value with the caller's lookup, then the keys parsed so far.
fn expand(
    value: &str,
    known: &IndexMap<String, String>,
    lookup: Lookup,
    diags: &mut Diagnostics,
) -> Result<String, TemplateError> {
    if !value.contains('$') {
        return Ok(value.to_string());
    }
    let mapping = |k: &str| lookup(k).or_else(|| known.get(k).cloned());
    template::substitute(value, &mapping, diags)
}

/// The escapes of double-quoted values: compose matches `\\(?:[abcfnrtv$"\\]|0\d{0,3})` and
/// unquotes each match as a Go rune literal, keeping matches Go rejects as they are. `\$`
/// becomes `$$`, which substitution then turns into a literal `$`.
fn expand_escapes(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&(_, next)) = chars.peek() else {
            out.push('\\');
            continue;
        };
        let simple = match next {
            'a' => Some("\u{7}"),
            'b' => Some("\u{8}"),
            'f' => Some("\u{c}"),
            'n' => Some("\n"),
            'r' => Some("\r"),
            't' => Some("\t"),
            'v' => Some("\u{b}"),
            '"' => Some("\""),
            '\\' => Some("\\"),
            '$' => Some("$$"),
            // Matched by the pattern but not a Go escape: kept.
            'c' => Some("\\c"),
            _ => None,
        };
        if let Some(rep) = simple {
            out.push_str(rep);
            chars.next();
            continue;
        }
        if next != '0' {
            // No match here: the backslash is literal.
            out.push('\\');
            continue;
        }
        // `\0` and up to three digits: `\0ooo` is the octal `\ooo`; anything else Go cannot
        // unquote, and the match is kept with its `0` dropped.
        chars.next();
        let digits_start = i + 2;
        let mut digits_end = digits_start;
        while digits_end - digits_start < 3
            && s.as_bytes().get(digits_end).is_some_and(u8::is_ascii_digit)
        {
            digits_end += 1;
            chars.next();
        }
        let digits = &s[digits_start..digits_end];
        let octal = (digits.len() == 3)
            .then(|| u32::from_str_radix(digits, 8).ok())
            .flatten()
            .filter(|&v| v <= 255)
            .and_then(char::from_u32);
        match octal {
            Some(ch) => out.push(ch),
            None => {
                out.push('\\');
                out.push_str(digits);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("v".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn parse(content: &str) -> Result<Vec<(String, String)>, String> {
        let mut d = Diagnostics::default();
        parse_dotenv(content, &env, &mut d)
            .map(|m| m.into_iter().collect())
            .map_err(|e| e.to_string())
    }

    fn pairs(p: &[(&str, &str)]) -> Result<Vec<(String, String)>, String> {
        Ok(p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect())
    }

    // Every expectation below was checked with `docker compose config --environment`
    // (v2.40.3) with SET=v and EMPTY="" in the OS environment.
    #[test]
    fn keys_and_unquoted_values() {
        assert_eq!(
            parse("A=1\nexport B=2\nC: 3\nD:4\n  E = padded  \nF=val#x\nG=val #x\nH=val\t#x\nI=#x\nJ= #x\nN=\n"),
            pairs(&[
                ("A", "1"),
                ("B", "2"),
                ("C", "3"),
                ("D", "4"),
                ("E", "padded"),
                ("F", "val#x"),
                ("G", "val"),
                ("H", "val\t#x"),
                ("I", "#x"),
                ("J", "#x"),
                ("N", ""),
            ])
        );
        assert_eq!(
            parse("# comment\n\n  # indented\nB-C=2\na.b[1]=3\n1A=4\n\u{e1}rv\u{ed}z=5\n"),
            pairs(&[
                ("B-C", "2"),
                ("a.b[1]", "3"),
                ("1A", "4"),
                ("\u{e1}rv\u{ed}z", "5")
            ])
        );
        assert_eq!(
            parse("A=1\r\nB=2 \r\nC=\"x\"\r\n"),
            pairs(&[("A", "1"), ("B", "2"), ("C", "x")])
        );
        assert_eq!(parse("\u{feff}BOM=1\n"), pairs(&[("BOM", "1")]));
        assert_eq!(
            parse("export\tF1=1\nK2 : v : w\nK3=a  #c\nK4=\"a\"b\nK5='a' # c\nexport=7\nK6=\"x\"   \n"),
            pairs(&[
                ("F1", "1"),
                ("K2", "v : w"),
                ("K3", "a"),
                // `b` after the closing quote is read as a bare key, unset here.
                ("K4", "a"),
                ("K5", "a"),
                ("export", "7"),
                ("K6", "x"),
            ])
        );
    }

    #[test]
    fn bare_keys() {
        // Found in the environment, or in the keys already read; else skipped.
        assert_eq!(
            parse("SET\nNOPE\nA=1\nA\n"),
            pairs(&[("SET", "v"), ("A", "1")])
        );
        // A last line with no `=` and no newline is the value of the key "".
        assert_eq!(parse("A=1\nBARE"), pairs(&[("A", "1"), ("", "BARE")]));
    }

    #[test]
    fn quoted_values() {
        assert_eq!(
            parse(r#"K="dq \n \" \$SET $SET ${A:-no} \\ \t|\a|\c|\0|\012|\0123|\08""#),
            pairs(&[("K", "dq \n \" $SET v no \\ \t|\u{7}|\\c|\\|\\12|S|\\8")])
        );
        assert_eq!(
            parse(r"L='sq $SET \n \' \\'"),
            pairs(&[("L", r"sq $SET \n ' \\")])
        );
        assert_eq!(
            parse("M=\"line1\nline2\"\nN='a\nb' # c\nO=1\n"),
            pairs(&[("M", "line1\nline2"), ("N", "a\nb"), ("O", "1")])
        );
    }

    #[test]
    fn substitution() {
        assert_eq!(
            parse("A=1\nB=2\nM=$SET ${UNSET:-def} ${B}\nQ=\"${A}-$$\"\n"),
            pairs(&[("A", "1"), ("B", "2"), ("M", "v def 2"), ("Q", "1-$")])
        );
        assert_eq!(
            parse("K=${SET}}\nK2=${UNSET:-a}}\nK3=\"$$SET\"\nK4=$$SET\nK5='$SET'\n"),
            pairs(&[
                ("K", "v}"),
                ("K2", "a}"),
                ("K3", "$SET"),
                ("K4", "$SET"),
                ("K5", "$SET")
            ])
        );
        // The OS environment wins over earlier keys.
        assert_eq!(parse("SET=x\nY=$SET\n"), pairs(&[("SET", "x"), ("Y", "v")]));
        let mut d = Diagnostics::default();
        let r = parse_dotenv("A=$UNSET\nB=\"${UNSET2}\"\n", &env, &mut d);
        assert_eq!(r.map(|m| m.len()), Ok(2));
        assert_eq!(
            d.warnings,
            vec![
                "The \"UNSET\" variable is not set. Defaulting to a blank string.",
                "The \"UNSET2\" variable is not set. Defaulting to a blank string.",
            ]
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse("A=1\nB-C=2\nA B=3\n"),
            Err("line 3: key cannot contain a space".into())
        );
        assert_eq!(
            parse("A=1\n\nB%C=2\n"),
            Err("line 3: unexpected character \"%\" in variable name \"B%C=2\"".into())
        );
        assert_eq!(
            parse("%!(EXTRA string)=foo"),
            Err(
                "line 1: unexpected character \"%\" in variable name \"%!(EXTRA string)=foo\""
                    .into()
            )
        );
        assert_eq!(
            parse("A=1\nB=\"abc\nde\nfg\n\nX=1\n"),
            Err("line 7: unterminated quoted value \"abc".into())
        );
        assert_eq!(
            parse("A=1\nB='abc\n"),
            Err("line 3: unterminated quoted value 'abc".into())
        );
        assert_eq!(parse("A=1\nexport "), Err("zero length string".into()));
        assert_eq!(parse("A=1\nB=${\n"), Err("Invalid template: \"${\"".into()));
        assert_eq!(
            parse("A=1\nB=\"${\"\n"),
            Err("Invalid template: \"${\"".into())
        );
        assert_eq!(
            parse("B=${X:?oops}\n"),
            Err("required variable X is missing a value: oops".into())
        );
    }

    #[test]
    fn into_a_seeded_map() {
        let mut out = IndexMap::new();
        out.insert("PREV".to_string(), "p".to_string());
        let mut d = Diagnostics::default();
        let r = parse_dotenv_into("A=${PREV}-x\nPREV\n", &mut out, &env, &mut d);
        assert_eq!(r, Ok(()));
        assert_eq!(out.get("A").map(String::as_str), Some("p-x"));
        assert_eq!(out.get("PREV").map(String::as_str), Some("p"));
    }

    fn raw(content: &str) -> Result<Vec<(String, String)>, String> {
        parse_raw_env_file(content, &env)
            .map(|m| m.into_iter().collect())
            .map_err(|e| e.to_string())
    }

    // Checked with `env_file: [{path: raw.env, format: raw}]` in `docker compose config`.
    #[test]
    fn raw_env_files() {
        assert_eq!(
            raw("\u{feff}  # c\nQ=\"quoted\"\nS='single'\nT=trail  \n  LEAD=x\nSET\nNOPE\nE=\nW=a=b\n\"K\"=1\nX=\"\nR=has $dollar\r\n"),
            pairs(&[
                ("Q", "\"quoted\""),
                ("S", "'single'"),
                ("T", "trail  "),
                ("LEAD", "x"),
                ("SET", "v"),
                ("E", ""),
                ("W", "a=b"),
                ("\"K\"", "1"),
                ("X", "\""),
                ("R", "has $dollar"),
            ])
        );
        assert_eq!(
            raw("A B=1\n"),
            Err("variable 'A B' contains whitespaces".into())
        );
        assert_eq!(raw("=1\n"), Err("no variable name on line '=1'".into()));
        assert_eq!(
            raw("A\tB\n"),
            Err("variable 'A\tB' contains whitespaces".into())
        );
        assert_eq!(raw(" \t\n"), pairs(&[]));
        let mut out = IndexMap::new();
        out.insert("A".to_string(), "1".to_string());
        assert_eq!(parse_raw_env_file_into("A\n", &mut out, &env), Ok(()));
        assert_eq!(out.get("A").map(String::as_str), Some("1"));
    }
    proptest::proptest! {
        /// Any mix of the grammar's characters parses or fails, never panics.
        #[test]
        fn never_panics(t in "[A=:#'\"\\$ {}\t\n\r0-9a-]{0,32}|export[ =A\n]{0,4}") {
            let _ = parse(&t);
            let _ = raw(&t);
        }
    }
}
