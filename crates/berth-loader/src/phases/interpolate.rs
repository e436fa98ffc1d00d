//! Interpolation phase: the first phase after parsing a file (compose-go `interpolation` +
//! `loader/interpolate.go`). Substitutes `${VAR}` in every string value of the file's
//! top-level mapping (never in keys), then casts strings at the paths where compose expects a
//! boolean or a number, so that `tty: "${TTY}"` can become `tty: true`.

use std::fmt;
use std::num::IntErrorKind;

use crate::phases::template::{self, TemplateError};
use crate::{Diagnostics, Lookup};
use berth_model::golang;
use berth_model::value::Value;

/// Why a file could not be interpolated. Display is compose's wording.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InterpolateError {
    /// A `$` that starts no valid form; `template` is the text compose reports (see `template`).
    #[error(
        "invalid interpolation format for {path}.\nYou may need to escape any $ with another $.\n{template}"
    )]
    InvalidFormat { path: String, template: String },
    /// `${X:?msg}` with X missing.
    #[error("error while interpolating {path}: {source}")]
    Template {
        path: String,
        #[source]
        source: TemplateError,
    },
    /// The interpolated string is not a valid boolean or number where compose needs one.
    #[error("error while interpolating {path}: failed to cast to expected type: {source}")]
    Cast {
        path: String,
        #[source]
        source: CastError,
    },
}

/// A failed type cast, worded as Go's `strconv` errors (or compose's, for booleans).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CastError {
    #[error("invalid boolean: {0}")]
    Boolean(String),
    /// `strconv.<func>: parsing "<input>": <reason>`.
    #[error("strconv.{func}: parsing {}: {reason}", golang::quote(.input))]
    Number {
        func: &'static str,
        input: String,
        reason: NumReason,
    },
}

/// Go's `strconv.ErrSyntax` / `strconv.ErrRange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumReason {
    Syntax,
    Range,
}

impl fmt::Display for NumReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumReason::Syntax => "invalid syntax",
            NumReason::Range => "value out of range",
        })
    }
}

/// The type a string is cast to after interpolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cast {
    /// `true/false`, plus YAML 1.1's `y/yes/on/n/no/off` with a warning (case-insensitive).
    Bool,
    /// Go `strconv.Atoi`.
    Int,
    /// Go `strconv.ParseInt(s, 10, 64)`.
    Int64,
    /// Go `strconv.ParseFloat(s, 64)`.
    Float,
    /// Go `strconv.ParseFloat(s, 32)` (range-checked as a float32, kept as the f64 parse).
    Float32,
}

/// Path patterns whose string values are cast, in compose-go's order. `*` matches any map key
/// or list item, `[]` matches a list item.
pub const CAST_TABLE: &[(&[&str], Cast)] = &[
    (&["services", "*", "cpu_count"], Cast::Int64),
    (&["services", "*", "cpu_percent"], Cast::Float),
    (&["services", "*", "cpu_period"], Cast::Int64),
    (&["services", "*", "cpu_quota"], Cast::Int64),
    (&["services", "*", "cpu_rt_period"], Cast::Int64),
    (&["services", "*", "cpu_rt_runtime"], Cast::Int64),
    (&["services", "*", "cpus"], Cast::Float32),
    (&["services", "*", "cpu_shares"], Cast::Int64),
    (&["services", "*", "init"], Cast::Bool),
    (&["services", "*", "deploy", "replicas"], Cast::Int),
    (
        &["services", "*", "deploy", "update_config", "parallelism"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "update_config",
            "max_failure_ratio",
        ],
        Cast::Float,
    ),
    (
        &["services", "*", "deploy", "rollback_config", "parallelism"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "rollback_config",
            "max_failure_ratio",
        ],
        Cast::Float,
    ),
    (
        &["services", "*", "deploy", "restart_policy", "max_attempts"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "placement",
            "max_replicas_per_node",
        ],
        Cast::Int,
    ),
    (&["services", "*", "healthcheck", "retries"], Cast::Int),
    (&["services", "*", "healthcheck", "disable"], Cast::Bool),
    (&["services", "*", "oom_kill_disable"], Cast::Bool),
    (&["services", "*", "oom_score_adj"], Cast::Int64),
    (&["services", "*", "pids_limit"], Cast::Int64),
    (&["services", "*", "ports", "[]", "target"], Cast::Int),
    (&["services", "*", "privileged"], Cast::Bool),
    (&["services", "*", "read_only"], Cast::Bool),
    (&["services", "*", "scale"], Cast::Int),
    (&["services", "*", "stdin_open"], Cast::Bool),
    (&["services", "*", "tty"], Cast::Bool),
    (&["services", "*", "ulimits", "*"], Cast::Int),
    (&["services", "*", "ulimits", "*", "hard"], Cast::Int),
    (&["services", "*", "ulimits", "*", "soft"], Cast::Int),
    (&["services", "*", "volumes", "[]", "read_only"], Cast::Bool),
    (
        &["services", "*", "volumes", "[]", "volume", "nocopy"],
        Cast::Bool,
    ),
    (&["networks", "*", "external"], Cast::Bool),
    (&["networks", "*", "internal"], Cast::Bool),
    (&["networks", "*", "attachable"], Cast::Bool),
    (&["networks", "*", "enable_ipv4"], Cast::Bool),
    (&["networks", "*", "enable_ipv6"], Cast::Bool),
    (&["volumes", "*", "external"], Cast::Bool),
    (&["secrets", "*", "external"], Cast::Bool),
    (&["configs", "*", "external"], Cast::Bool),
];

/// Interpolates a file's top-level mapping: string values only, then the casts of `CAST_TABLE`.
/// Stops at the first error (compose's order is Go map order, so which of several errors it
/// reports varies; berth reports the first in document order).
pub fn interpolate(
    mut dict: Value,
    lookup: Lookup,
    diags: &mut Diagnostics,
) -> Result<Value, InterpolateError> {
    if let Value::Map(map) = &mut dict {
        let mut walker = Walker { lookup, diags };
        for (key, value) in map.iter_mut() {
            let path = PathNode {
                part: key,
                parent: None,
                depth: 1,
            };
            walker.walk(value, &path)?;
        }
    }
    Ok(dict)
}

/// One step of the path from the top-level key to the value being interpolated; a linked list
/// on the stack, so that walking allocates nothing.
struct PathNode<'p> {
    part: &'p str,
    parent: Option<&'p PathNode<'p>>,
    depth: usize,
}

impl PathNode<'_> {
    /// compose-go `tree.Path.Matches`: same length, each part equal or `*`.
    fn matches(&self, pattern: &[&str]) -> bool {
        if pattern.len() != self.depth {
            return false;
        }
        let mut node = Some(self);
        for want in pattern.iter().rev() {
            let Some(n) = node else { return false };
            if *want != "*" && *want != n.part {
                return false;
            }
            node = n.parent;
        }
        true
    }

    /// The dotted path compose prints (list items are `[]`).
    fn render(&self) -> String {
        let mut parts = Vec::with_capacity(self.depth);
        let mut node = Some(self);
        while let Some(n) = node {
            parts.push(n.part);
            node = n.parent;
        }
        parts.reverse();
        parts.join(".")
    }
}

/// The cast for a path, if any.
fn cast_for(path: &PathNode) -> Option<Cast> {
    // Every pattern is 3 to 6 parts long; most values are not at such a path.
    if !(3..=6).contains(&path.depth) {
        return None;
    }
    CAST_TABLE
        .iter()
        .find(|(pattern, _)| path.matches(pattern))
        .map(|(_, cast)| *cast)
}

struct Walker<'a, 'd> {
    lookup: Lookup<'a>,
    diags: &'d mut Diagnostics,
}

impl Walker<'_, '_> {
    fn walk(&mut self, value: &mut Value, path: &PathNode) -> Result<(), InterpolateError> {
        match value {
            Value::String(s) => {
                if s.as_bytes().contains(&b'$') {
                    *s = template::substitute(s, self.lookup, self.diags).map_err(|e| match e {
                        TemplateError::InvalidTemplate { template } => {
                            InterpolateError::InvalidFormat {
                                path: path.render(),
                                template,
                            }
                        }
                        source => InterpolateError::Template {
                            path: path.render(),
                            source,
                        },
                    })?;
                }
                if let Some(cast) = cast_for(path) {
                    *value = apply_cast(cast, s, self.diags).map_err(|source| {
                        InterpolateError::Cast {
                            path: path.render(),
                            source,
                        }
                    })?;
                }
            }
            Value::Map(map) => {
                for (key, elem) in map.iter_mut() {
                    let child = PathNode {
                        part: key,
                        parent: Some(path),
                        depth: path.depth + 1,
                    };
                    self.walk(elem, &child)?;
                }
            }
            Value::Seq(items) => {
                let child = PathNode {
                    part: "[]",
                    parent: Some(path),
                    depth: path.depth + 1,
                };
                for elem in items.iter_mut() {
                    self.walk(elem, &child)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Casts an interpolated string as compose-go's `toBoolean`, `toInt`, `toInt64`, `toFloat`,
/// `toFloat32` do.
pub fn apply_cast(cast: Cast, s: &str, diags: &mut Diagnostics) -> Result<Value, CastError> {
    match cast {
        Cast::Bool => to_bool(s, diags).map(Value::Bool),
        Cast::Int => parse_go_int(s, "Atoi").map(Value::Int),
        Cast::Int64 => parse_go_int(s, "ParseInt").map(Value::Int),
        Cast::Float => parse_go_float(s, false).map(Value::Float),
        Cast::Float32 => parse_go_float(s, true).map(Value::Float),
    }
}

/// compose-go `toBoolean` ("should match http://yaml.org/type/bool.html").
fn to_bool(s: &str, diags: &mut Diagnostics) -> Result<bool, CastError> {
    let lower = s.to_ascii_lowercase();
    let (value, yaml11) = match lower.as_str() {
        "true" => (true, false),
        "false" => (false, false),
        "y" | "yes" | "on" => (true, true),
        "n" | "no" | "off" => (false, true),
        // Go's ToLower is Unicode-aware; only ASCII spellings are accepted, so a non-ASCII
        // input is invalid either way.
        _ => return Err(CastError::Boolean(s.to_string())),
    };
    if yaml11 {
        diags.warn(format!(
            "{} for boolean is not supported by YAML 1.2, please use `{value}`",
            golang::quote(s)
        ));
    }
    Ok(value)
}

/// Go `strconv.ParseInt(s, 10, 64)` (and `Atoi`, which differs only in its error's name):
/// an optional sign and decimal digits, nothing else.
fn parse_go_int(s: &str, func: &'static str) -> Result<i64, CastError> {
    s.parse::<i64>().map_err(|e| CastError::Number {
        func,
        input: s.to_string(),
        reason: match e.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => NumReason::Range,
            _ => NumReason::Syntax,
        },
    })
}

/// Go `strconv.ParseFloat(s, 64 or 32)`: decimal or hexadecimal (`0x1p-2`) literals, `_`
/// between digits, `inf`/`infinity` (signed) and `nan`, case-insensitive; overflow is a range
/// error.
fn parse_go_float(s: &str, bits32: bool) -> Result<f64, CastError> {
    let err = |reason| CastError::Number {
        func: "ParseFloat",
        input: s.to_string(),
        reason,
    };
    let (negative, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let signed = |f: f64| if negative { -f } else { f };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Ok(signed(f64::INFINITY));
    }
    if lower == "nan" && body.len() == s.len() {
        return Ok(f64::NAN);
    }
    if body.contains('_') && !underscores_ok(body) {
        return Err(err(NumReason::Syntax));
    }
    let cleaned: String = body.chars().filter(|&c| c != '_').collect();
    let magnitude = if cleaned.starts_with("0x") || cleaned.starts_with("0X") {
        parse_hex_float(&cleaned[2..]).ok_or(err(NumReason::Syntax))?
    } else {
        // Rust's grammar is Go's for decimals once signs, specials and `_` are handled, as
        // long as only digits, `.` and exponents remain.
        if !cleaned
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return Err(err(NumReason::Syntax));
        }
        if cleaned.starts_with(['+', '-']) {
            return Err(err(NumReason::Syntax));
        }
        cleaned.parse::<f64>().map_err(|_| err(NumReason::Syntax))?
    };
    // A float32 overflows when its f64 value rounds to infinity as an f32 (`as` rounds to
    // nearest, as Go's ParseFloat(s, 32) does).
    let overflow = if bits32 {
        (magnitude as f32).is_infinite()
    } else {
        magnitude.is_infinite()
    };
    if overflow {
        return Err(err(NumReason::Range));
    }
    Ok(signed(magnitude))
}

/// Go `underscoreOK`: `_` only between digits (or after a base prefix).
fn underscores_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut hex = false;
    // `saw` is the class of the previous character: '^' start, '0' digit, '_' underscore,
    // '!' anything else.
    let mut saw = b'^';
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        hex = b[1].eq_ignore_ascii_case(&b'x');
        i = 2;
        saw = b'0';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// The magnitude of a hexadecimal float after `0x`: hex digits with an optional `.`, then a
/// mandatory `p` exponent.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exp) = s.split_once(['p', 'P'])?;
    let exp: i32 = exp.parse().ok()?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let frac_digits = i32::try_from(frac_part.len()).ok()?;
    Some(value * 2f64.powi(exp - 4 * frac_digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("v".into()),
            "EMPTY" => Some(String::new()),
            "YES" => Some("yes".into()),
            "PORT" => Some("8080".into()),
            _ => None,
        }
    }

    /// `services: {s: {key: value}}`
    fn service(key: &str, value: Value) -> Value {
        Value::from_pairs([(
            "services",
            Value::from_pairs([("s", Value::from_pairs([(key, value)]))]),
        )])
    }

    fn run(v: Value) -> (Result<Value, InterpolateError>, Vec<String>) {
        let mut d = Diagnostics::default();
        let r = interpolate(v, &env, &mut d);
        (r, d.warnings)
    }

    fn get<'v>(v: &'v Value, path: &[&str]) -> &'v Value {
        path.iter()
            .fold(v, |v, k| v.get(k).unwrap_or_else(|| panic!("no {k}")))
    }

    #[test]
    fn no_path_matches_two_casts() {
        for (i, (a, _)) in CAST_TABLE.iter().enumerate() {
            for (b, _) in &CAST_TABLE[i + 1..] {
                let overlap = a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|(x, y)| x == y || *x == "*" || *y == "*");
                assert!(!overlap, "{a:?} and {b:?} can match the same path");
            }
        }
    }

    #[test]
    fn values_not_keys() {
        let input = service(
            "environment",
            Value::from_pairs([
                ("${SET}", Value::from("${SET}")),
                ("N", Value::Int(3)),
                ("L", Value::Seq(vec![Value::from("$SET"), Value::Null])),
            ]),
        );
        let (out, w) = run(input);
        let out = out.unwrap_or_else(|e| panic!("{e}"));
        let env = get(&out, &["services", "s", "environment"]);
        assert_eq!(env.get("${SET}"), Some(&Value::from("v")));
        assert_eq!(env.get("N"), Some(&Value::Int(3)));
        assert_eq!(
            env.get("L"),
            Some(&Value::Seq(vec![Value::from("v"), Value::Null]))
        );
        assert!(w.is_empty());
    }

    // Error texts below are the reference's (docker compose v2.40.3).
    #[test]
    fn template_errors_carry_the_path() {
        let (r, _) = run(service(
            "environment",
            Value::from_pairs([("REQ", Value::from("${REQ:?msg}"))]),
        ));
        assert_eq!(
            r.map_err(|e| e.to_string()),
            Err("error while interpolating services.s.environment.REQ: required variable REQ is missing a value: msg".to_string())
        );
        let (r, _) = run(service(
            "command",
            Value::Seq(vec![Value::from("a"), Value::from("${X")]),
        ));
        assert_eq!(
            r.map_err(|e| e.to_string()),
            Err("invalid interpolation format for services.s.command.[].\nYou may need to escape any $ with another $.\n${X".to_string())
        );
        let (r, _) = run(service(
            "labels",
            Value::from_pairs([("a.b", Value::from("${X"))]),
        ));
        assert_eq!(
            r.map_err(|e| e.to_string()),
            Err("invalid interpolation format for services.s.labels.a.b.\nYou may need to escape any $ with another $.\n${X".to_string())
        );
    }

    #[test]
    fn casts() {
        let cast = |key: &str, s: &str| {
            let (r, w) = run(service(key, Value::from(s)));
            (
                r.map(|v| get(&v, &["services", "s", key]).clone())
                    .map_err(|e| e.to_string()),
                w,
            )
        };
        assert_eq!(cast("tty", "tRuE").0, Ok(Value::Bool(true)));
        assert_eq!(
            cast("init", "yes"),
            (
                Ok(Value::Bool(true)),
                vec!["\"yes\" for boolean is not supported by YAML 1.2, please use `true`".into()]
            )
        );
        assert_eq!(
            cast("tty", "${YES}").1,
            vec!["\"yes\" for boolean is not supported by YAML 1.2, please use `true`"]
        );
        assert_eq!(
            cast("tty", "NO"),
            (
                Ok(Value::Bool(false)),
                vec!["\"NO\" for boolean is not supported by YAML 1.2, please use `false`".into()]
            )
        );
        assert_eq!(
            cast("tty", "maybe").0,
            Err("error while interpolating services.s.tty: failed to cast to expected type: invalid boolean: maybe".into())
        );
        assert_eq!(
            cast("tty", "").0,
            Err("error while interpolating services.s.tty: failed to cast to expected type: invalid boolean: ".into())
        );
        assert_eq!(cast("scale", "+5").0, Ok(Value::Int(5)));
        assert_eq!(cast("scale", "-0").0, Ok(Value::Int(0)));
        for bad in ["abc", "1e3", " 1", "0x10", "1_000"] {
            assert_eq!(
                cast("scale", bad).0,
                Err(format!("error while interpolating services.s.scale: failed to cast to expected type: strconv.Atoi: parsing \"{bad}\": invalid syntax"))
            );
        }
        assert_eq!(
            cast("scale", "99999999999999999999").0,
            Err("error while interpolating services.s.scale: failed to cast to expected type: strconv.Atoi: parsing \"99999999999999999999\": value out of range".into())
        );
        assert_eq!(
            cast("pids_limit", "x").0,
            Err("error while interpolating services.s.pids_limit: failed to cast to expected type: strconv.ParseInt: parsing \"x\": invalid syntax".into())
        );
        assert_eq!(cast("cpus", "0.5").0, Ok(Value::Float(0.5)));
        assert_eq!(cast("cpus", "1_0").0, Ok(Value::Float(10.0)));
        assert_eq!(cast("cpus", ".5").0, Ok(Value::Float(0.5)));
        assert_eq!(cast("cpus", "0x1p-2").0, Ok(Value::Float(0.25)));
        assert_eq!(
            cast("cpus", "1e39").0,
            Err("error while interpolating services.s.cpus: failed to cast to expected type: strconv.ParseFloat: parsing \"1e39\": value out of range".into())
        );
        assert_eq!(
            cast("cpu_percent", "1e400").0,
            Err("error while interpolating services.s.cpu_percent: failed to cast to expected type: strconv.ParseFloat: parsing \"1e400\": value out of range".into())
        );
        assert_eq!(cast("cpu_percent", "1e39").0, Ok(Value::Float(1e39)));
        // Non-strings are left alone.
        let (r, _) = run(service("scale", Value::Int(2)));
        assert_eq!(
            r.map(|v| get(&v, &["services", "s", "scale"]).clone()),
            Ok(Value::Int(2))
        );
    }

    #[test]
    fn cast_paths() {
        let ports = service(
            "ports",
            Value::Seq(vec![Value::from_pairs([
                ("target", Value::from("${PORT}")),
                ("published", Value::from("${PORT}")),
            ])]),
        );
        let (r, _) = run(ports);
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        let port = &get(&r, &["services", "s", "ports"]).as_seq().unwrap()[0];
        assert_eq!(port.get("target"), Some(&Value::Int(8080)));
        assert_eq!(port.get("published"), Some(&Value::from("8080")));

        let ulimits = service(
            "ulimits",
            Value::from_pairs([
                ("nproc", Value::from("65535")),
                (
                    "nofile",
                    Value::from_pairs([("soft", Value::from("1")), ("hard", Value::from("2"))]),
                ),
            ]),
        );
        let (r, _) = run(ulimits);
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        let u = get(&r, &["services", "s", "ulimits"]);
        assert_eq!(u.get("nproc"), Some(&Value::Int(65535)));
        assert_eq!(get(u, &["nofile", "hard"]), &Value::Int(2));

        let net = Value::from_pairs([(
            "networks",
            Value::from_pairs([("n", Value::from_pairs([("external", Value::from("on"))]))]),
        )]);
        let (r, w) = run(net);
        assert_eq!(
            r.map(|v| get(&v, &["networks", "n", "external"]).clone()),
            Ok(Value::Bool(true))
        );
        assert_eq!(w.len(), 1);
        // x-* extensions are interpolated but never cast.
        let ext = Value::from_pairs([("x-tty", Value::from_pairs([("tty", Value::from("yes"))]))]);
        assert_eq!(
            run(ext.clone())
                .0
                .map(|v| get(&v, &["x-tty", "tty"]).clone()),
            Ok(Value::from("yes"))
        );
    }
}
