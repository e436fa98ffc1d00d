//! Schema validation: after each file is interpolated and merged into the model (and before the
//! canonical short-to-long transform), check the dict against the Compose Specification schema.
//!
//! compose-go (loader.go `loadYamlFile`) calls `schema.Validate(dict)`, which runs
//! santhosh-tekuri/jsonschema v6 over the embedded `compose-spec.json` and reports ONE error: the
//! "most specific" leaf of the error tree (schema.go `getMostSpecificError`): the one with the
//! longest instance path, where an `additionalProperties` error counts one level deeper, and the
//! first one found among equals. berth walks its own copy of the rules (`schema.rs`) in the
//! order jsonschema v6 evaluates keywords, keeps the best error seen so far, and prints it with
//! compose's wording (schema.go `validationError.Error`). The one difference: jsonschema walks
//! Go maps in random order, so when two errors tie compose picks either; berth picks the first
//! in document order, which is always one of the reference's possible answers.

pub mod schema;

use std::fmt;

use berth_model::{golang, Map, Value};

use schema::{Node, Ty, ROOT};

/// A schema violation, with the instance path compose prints (`services.s.ports`).
///
/// Its Display is compose's message without the `validating <file>: ` prefix (the loader adds
/// that). Like compose, an error on the top-level mapping has an empty path, so its message
/// starts with a space (` additional properties 'foo' not allowed`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path} {kind}")]
pub struct SchemaError {
    /// The dotted instance path; list indexes are numbers (`services.s.ports.0`).
    pub path: String,
    /// What is wrong there.
    pub kind: SchemaErrorKind,
}

/// What a schema violation is about; its Display is compose's wording for it.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaErrorKind {
    /// The value has none of the allowed types.
    Type { want: &'static [Ty] },
    /// The string is not one of the allowed values.
    Enum { want: &'static [&'static str] },
    /// The string does not match the pattern.
    Pattern {
        value: String,
        pattern: &'static str,
    },
    /// Required keys are missing (in the schema's order).
    Required { missing: Vec<&'static str> },
    /// Keys not allowed here (in document order).
    AdditionalProperties { names: Vec<String> },
    /// Two list items are equal where items must be unique.
    UniqueItems { first: usize, second: usize },
    /// The number is below the minimum.
    Minimum { want: i64 },
    /// The number is above the maximum.
    Maximum { want: i64 },
    /// More than one `oneOf` alternative matched (cannot happen with compose's schema, whose
    /// alternatives have disjoint types, but the rule is part of the keyword).
    OneOfMultiple { first: usize, second: usize },
    /// A typed schema met a Go value that is not JSON at all (a YAML timestamp decodes to
    /// `time.Time`); jsonschema reports the Go type.
    InvalidJsonType { go_type: &'static str },
}

impl fmt::Display for SchemaErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaErrorKind::Type { want } => write!(f, "must be a {}", human_types(want)),
            SchemaErrorKind::Enum { want } => match want {
                [only] => write!(f, "value must be {}", quote(only)),
                _ => write!(
                    f,
                    "value must be one of {}",
                    join_quoted(want.iter().copied())
                ),
            },
            SchemaErrorKind::Pattern { value, pattern } => {
                write!(
                    f,
                    "{} does not match pattern {}",
                    quote(value),
                    quote(pattern)
                )
            }
            SchemaErrorKind::Required { missing } => match missing.as_slice() {
                [one] => write!(f, "missing property {}", quote(one)),
                _ => write!(
                    f,
                    "missing properties {}",
                    join_quoted(missing.iter().copied())
                ),
            },
            SchemaErrorKind::AdditionalProperties { names } => write!(
                f,
                "additional properties {} not allowed",
                join_quoted(names.iter().map(String::as_str))
            ),
            SchemaErrorKind::UniqueItems { first, second } => {
                write!(f, "items at {first} and {second} are equal")
            }
            SchemaErrorKind::Minimum { want } => {
                write!(f, "must be greater than or equal to {want}")
            }
            SchemaErrorKind::Maximum { want } => write!(f, "must be less than or equal to {want}"),
            SchemaErrorKind::OneOfMultiple { first, second } => {
                write!(f, "oneOf failed, subschemas {first}, {second} matched")
            }
            SchemaErrorKind::InvalidJsonType { go_type } => write!(f, "invalid jsonType {go_type}"),
        }
    }
}

/// Validates the merged top-level mapping against the Compose Specification schema.
///
/// Returns compose's single most specific error when the dict is invalid.
pub fn validate_schema(dict: &Value) -> Result<(), SchemaError> {
    walk(dict).0
}

/// [`validate_schema`], and how many times it checked a value against a schema node: the
/// measure of its work that the tests hold to one pass over a valid file.
fn walk(dict: &Value) -> (Result<(), SchemaError>, usize) {
    // Fast path: most files are valid, and probing builds no error values at all.
    let mut checker = Checker {
        path: Vec::new(),
        collect: false,
        best: None,
        checks: 0,
    };
    if checker.check(&ROOT, dict) {
        return (Ok(()), checker.checks);
    }
    checker.collect = true;
    checker.path.clear();
    checker.check(&ROOT, dict);
    let result = match checker.best {
        Some((_, error)) => Err(error),
        // Unreachable in practice (a failed probe always fails when collecting), but never
        // panic on input: report the root as the culprit.
        None => Err(SchemaError {
            path: String::new(),
            kind: SchemaErrorKind::Type { want: ROOT.types },
        }),
    };
    (result, checker.checks)
}

/// One step of an instance path.
#[derive(Debug, Clone, Copy)]
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

/// Walks a value against a schema node, in jsonschema v6's keyword order.
struct Checker<'v> {
    path: Vec<Seg<'v>>,
    /// false: probe, stop at the first failure and build nothing. true: build errors and keep
    /// the most specific one in `best`.
    collect: bool,
    /// The most specific error so far, with its specificity.
    best: Option<(usize, SchemaError)>,
    /// Calls of `check` so far (see [`walk`]).
    checks: usize,
}

impl<'v> Checker<'v> {
    /// Records an error at the current path; always returns false (the value is invalid).
    fn fail(&mut self, kind: SchemaErrorKind) -> bool {
        if self.collect {
            let extra = usize::from(matches!(kind, SchemaErrorKind::AdditionalProperties { .. }));
            let specificity = self.path.len() + extra;
            // Strictly greater: among equally specific errors the first one found wins.
            if self
                .best
                .as_ref()
                .is_none_or(|(best, _)| specificity > *best)
            {
                self.best = Some((
                    specificity,
                    SchemaError {
                        path: self.render_path(),
                        kind,
                    },
                ));
            }
        }
        false
    }

    fn render_path(&self) -> String {
        let mut out = String::new();
        for (i, seg) in self.path.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            match seg {
                Seg::Key(k) => out.push_str(k),
                Seg::Index(n) => out.push_str(&n.to_string()),
            }
        }
        out
    }

    fn child(&mut self, seg: Seg<'v>, node: &'static Node, value: &'v Value) -> bool {
        self.path.push(seg);
        let ok = self.check(node, value);
        self.path.pop();
        ok
    }

    /// Whether `value` satisfies `node`; when collecting, every error below is considered.
    fn check(&mut self, node: &'static Node, value: &'v Value) -> bool {
        self.checks += 1;
        // `type` and `enum` failures end the check of this node (nothing below is looked at).
        // A value with no JSON type fails any `type` keyword; untyped schemas (`x-` extensions)
        // take it as it is.
        if let Value::Timestamp(_) = value {
            if !node.types.is_empty() {
                return self.fail(SchemaErrorKind::InvalidJsonType {
                    go_type: golang::type_name(value),
                });
            }
        }
        if !node.types.is_empty() && !node.types.iter().any(|t| has_type(*t, value)) {
            return self.fail(SchemaErrorKind::Type { want: node.types });
        }
        if !node.enumeration.is_empty() {
            let listed =
                matches!(value, Value::String(s) if node.enumeration.contains(&s.as_str()));
            if !listed {
                return self.fail(SchemaErrorKind::Enum {
                    want: node.enumeration,
                });
            }
        }
        let mut valid = match value {
            Value::Map(map) => self.check_map(node, map),
            Value::Seq(items) => self.check_seq(node, items),
            Value::String(s) => match node.pattern {
                Some(pattern) if !pattern.is_match(s) => self.fail(SchemaErrorKind::Pattern {
                    value: s.clone(),
                    pattern: pattern.source(),
                }),
                _ => true,
            },
            Value::Int(_) | Value::Uint(_) | Value::Float(_) => self.check_number(node, value),
            Value::Null | Value::Bool(_) | Value::Timestamp(_) => true,
        };
        if !valid && !self.collect {
            return false;
        }
        if !node.one_of.is_empty() {
            valid &= self.check_one_of(node, value);
        }
        valid
    }

    fn check_map(&mut self, node: &'static Node, map: &'v Map) -> bool {
        let mut valid = true;
        if node.required.iter().any(|key| !map.contains_key(*key)) {
            let missing = node
                .required
                .iter()
                .copied()
                .filter(|key| !map.contains_key(*key))
                .collect();
            valid = self.fail(SchemaErrorKind::Required { missing });
            if !self.collect {
                return false;
            }
        }
        let mut additional = Vec::new();
        for (key, child) in map {
            let mut evaluated = false;
            if let Some(schema) = node.property(key) {
                evaluated = true;
                if !self.child(Seg::Key(key), schema, child) {
                    valid = false;
                    if !self.collect {
                        return false;
                    }
                }
            }
            for (pattern, schema) in node.pattern_properties {
                if pattern.is_match(key) {
                    evaluated = true;
                    if !self.child(Seg::Key(key), schema, child) {
                        valid = false;
                        if !self.collect {
                            return false;
                        }
                    }
                }
            }
            if !evaluated && node.closed {
                valid = false;
                if !self.collect {
                    return false;
                }
                additional.push(key.clone());
            }
        }
        // jsonschema adds the additionalProperties error after the properties' own errors.
        if !additional.is_empty() {
            self.fail(SchemaErrorKind::AdditionalProperties { names: additional });
        }
        valid
    }

    fn check_seq(&mut self, node: &'static Node, items: &'v [Value]) -> bool {
        let mut valid = true;
        if node.unique_items {
            if let Some((first, second)) = first_duplicate(items) {
                valid = self.fail(SchemaErrorKind::UniqueItems { first, second });
                if !self.collect {
                    return false;
                }
            }
        }
        if let Some(schema) = node.items {
            for (i, item) in items.iter().enumerate() {
                if !self.child(Seg::Index(i), schema, item) {
                    valid = false;
                    if !self.collect {
                        return false;
                    }
                }
            }
        }
        valid
    }

    fn check_number(&mut self, node: &'static Node, value: &Value) -> bool {
        let n = match value {
            Value::Int(i) => *i as f64,
            Value::Uint(u) => *u as f64,
            Value::Float(f) => *f,
            _ => return true,
        };
        let mut valid = true;
        if let Some(min) = node.minimum {
            if below(value, n, min) {
                valid = self.fail(SchemaErrorKind::Minimum { want: min });
                if !self.collect {
                    return false;
                }
            }
        }
        if let Some(max) = node.maximum {
            if above(value, n, max) {
                valid = self.fail(SchemaErrorKind::Maximum { want: max });
            }
        }
        valid
    }

    /// `oneOf`: exactly one alternative must match. When none does, every alternative's errors
    /// are candidates (in alternative order), as jsonschema lists them as causes.
    fn check_one_of(&mut self, node: &'static Node, value: &'v Value) -> bool {
        let collect = self.collect;
        self.collect = false;
        let mut matched: Option<usize> = None;
        let mut twice = None;
        for (i, alternative) in node.one_of.iter().enumerate() {
            if self.check(alternative, value) {
                match matched {
                    None => matched = Some(i),
                    Some(first) => {
                        twice = Some((first, i));
                        break;
                    }
                }
            }
        }
        self.collect = collect;
        if let Some((first, second)) = twice {
            return self.fail(SchemaErrorKind::OneOfMultiple { first, second });
        }
        if matched.is_some() {
            return true;
        }
        if self.collect {
            for alternative in node.one_of {
                self.check(alternative, value);
            }
        }
        false
    }
}

/// Whether `value` is of JSON type `ty` (an integral float counts as an integer, as in
/// jsonschema).
fn has_type(ty: Ty, value: &Value) -> bool {
    match (ty, value) {
        (Ty::Null, Value::Null)
        | (Ty::Boolean, Value::Bool(_))
        | (Ty::Integer, Value::Int(_) | Value::Uint(_))
        | (Ty::Number, Value::Int(_) | Value::Uint(_) | Value::Float(_))
        | (Ty::String, Value::String(_))
        | (Ty::Array, Value::Seq(_))
        | (Ty::Object, Value::Map(_)) => true,
        (Ty::Integer, Value::Float(f)) => f.is_finite() && f.fract() == 0.0,
        _ => false,
    }
}

fn below(value: &Value, n: f64, min: i64) -> bool {
    match value {
        Value::Int(i) => *i < min,
        // Above i64::MAX, so above any minimum.
        Value::Uint(_) => false,
        _ => n < min as f64,
    }
}

fn above(value: &Value, n: f64, max: i64) -> bool {
    match value {
        Value::Int(i) => *i > max,
        Value::Uint(_) => true,
        _ => n > max as f64,
    }
}

/// The first pair of equal items, as jsonschema finds it: the smallest second index, then the
/// smallest first index.
fn first_duplicate(items: &[Value]) -> Option<(usize, usize)> {
    if items.len() <= 20 {
        for i in 1..items.len() {
            for j in 0..i {
                if json_equal(&items[i], &items[j]) {
                    return Some((j, i));
                }
            }
        }
        return None;
    }
    // Long lists (a service with hundreds of ports): bucket by a hash that agrees with
    // `json_equal`, so the scan stays linear.
    let mut seen: std::collections::HashMap<u64, Vec<usize>> = std::collections::HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let bucket = seen.entry(json_hash(item)).or_default();
        if let Some(&j) = bucket.iter().find(|&&j| json_equal(item, &items[j])) {
            return Some((j, i));
        }
        bucket.push(i);
    }
    None
}

/// JSON equality: numbers by value (1 equals 1.0), maps regardless of key order.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Uint(u), Value::Float(f)) | (Value::Float(f), Value::Uint(u)) => *u as f64 == *f,
        (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => *i as f64 == *f,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Timestamp(x), Value::Timestamp(y)) => x == y,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => false,
    }
}

/// A hash consistent with `json_equal` (equal values hash equally).
fn json_hash(value: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match value {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::String(s) => (2u8, s).hash(&mut h),
        Value::Timestamp(t) => (6u8, t.rfc3339_nano()).hash(&mut h),
        Value::Int(_) | Value::Uint(_) | Value::Float(_) => {
            let n = match value {
                Value::Int(i) => *i as f64,
                Value::Uint(u) => *u as f64,
                Value::Float(f) => *f,
                _ => 0.0,
            };
            // 0.0 and -0.0 are equal.
            (3u8, if n == 0.0 { 0 } else { n.to_bits() }).hash(&mut h);
        }
        Value::Seq(items) => {
            4u8.hash(&mut h);
            for item in items {
                json_hash(item).hash(&mut h);
            }
        }
        Value::Map(map) => {
            // Order-independent: combine the entries' hashes commutatively.
            let mut sum = 0u64;
            for (k, v) in map {
                let mut e = std::collections::hash_map::DefaultHasher::new();
                (k, json_hash(v)).hash(&mut e);
                sum = sum.wrapping_add(e.finish());
            }
            (5u8, sum).hash(&mut h);
        }
    }
    h.finish()
}

/// compose's "must be a …" type list: `object` reads `mapping`, several types are sorted and
/// joined as `a, b or c` (schema.go `humanReadableType`).
fn human_types(want: &[Ty]) -> String {
    let mut names: Vec<&str> = want
        .iter()
        .map(|t| match t {
            Ty::Object => "mapping",
            other => other.name(),
        })
        .collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].to_string(),
        n => {
            names.sort_unstable();
            format!("{} or {}", names[..n - 1].join(", "), names[n - 1])
        }
    }
}

fn join_quoted<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(quote).collect::<Vec<_>>().join(", ")
}

/// jsonschema's `quote`: Go's `%q`, then `\"` → `"` and `'` → `\'`, then the outer quotes are
/// cut. The replacement runs over the whole quoted text, so a trailing backslash eats the
/// closing quote's escape (`a\` prints as `'a\'`), exactly as the reference does.
fn quote(s: &str) -> String {
    let quoted = berth_model::golang::quote(s)
        .replace("\\\"", "\"")
        .replace('\'', "\\'");
    let inner = &quoted[1..quoted.len() - 1];
    format!("'{inner}'")
}

#[cfg(test)]
mod tests;
