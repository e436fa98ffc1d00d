//! Merge phase, support: the dotted YAML path the merge and unicity rules are keyed by, and the
//! bits of Go's `fmt` that compose-go uses to build keys and messages from untyped values.

use std::fmt;

use berth_model::value::Value;

/// A position in the compose tree, one segment per mapping key (or `[i]` for sequence items).
///
/// compose-go keeps paths as dotted strings and escapes dots inside keys, except in the first
/// segment (`tree.Path.Next` does not escape when the path is empty), so a top-level key such as
/// `a.b` counts as two segments. [`YamlPath::push`] reproduces that so patterns match the same
/// paths as the reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YamlPath(Vec<String>);

impl YamlPath {
    /// The empty path (the document root).
    pub fn root() -> Self {
        Self::default()
    }

    /// A path made of already-split segments (e.g. `["services", "x"]`).
    pub fn from_segments(segments: &[&str]) -> Self {
        Self(segments.iter().map(|s| (*s).to_string()).collect())
    }

    /// The path one key deeper.
    pub fn child(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.push(key);
        next
    }

    /// Descends into `key`, splitting it on dots when it is the first segment (see above).
    pub fn push(&mut self, key: &str) {
        if self.0.is_empty() {
            self.0.extend(key.split('.').map(str::to_string));
        } else {
            self.0.push(key.to_string());
        }
    }

    /// Whether this path matches a pattern such as `services.*.ports` (`*` matches any segment).
    pub fn matches(&self, pattern: &str) -> bool {
        let mut parts = pattern.split('.');
        for segment in &self.0 {
            match parts.next() {
                Some("*") => {}
                Some(part) if part == segment => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }

    /// The segments, for rule lookups.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// Go's `%T` for a value decoded from YAML into `any`.
pub fn go_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Seq(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

/// Go's `fmt.Sprintf("%v", value)`.
pub fn go_v(value: &Value) -> String {
    go_verb(value, 'v')
}

/// Go's `fmt.Sprintf("%s", value)`: strings as they are, other kinds as `%!s(int=1)`.
pub fn go_s(value: &Value) -> String {
    go_verb(value, 's')
}

/// Go's `fmt.Sprintf("%d", value)`: integers as they are, other kinds as `%!d(string=80)`.
pub fn go_d(value: &Value) -> String {
    go_verb(value, 'd')
}

fn go_verb(value: &Value, verb: char) -> String {
    match value {
        // Containers are printed element by element with the same verb, as fmt does.
        Value::Seq(items) => {
            let inner: Vec<String> = items.iter().map(|v| go_verb(v, verb)).collect();
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
                        go_verb(&Value::String((*k).clone()), verb),
                        go_verb(v, verb)
                    )
                })
                .collect();
            format!("map[{}]", inner.join(" "))
        }
        Value::Null if verb == 'v' => "<nil>".to_string(),
        Value::Null => format!("%!{verb}(<nil>)"),
        Value::String(s) if verb == 'v' || verb == 's' => s.clone(),
        Value::Int(i) if verb == 'v' || verb == 'd' => i.to_string(),
        Value::Bool(_) | Value::Float(_) if verb == 'v' => plain(value),
        _ => format!("%!{verb}({}={})", go_type_name(value), plain(value)),
    }
}

/// The `%v` form of a scalar.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        other => other.scalar_to_string().unwrap_or_default(),
    }
}

/// Whether some path could match both patterns (used by the rule-table tests).
#[cfg(test)]
pub fn patterns_overlap(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || *x == "*" || *y == "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_wildcards_and_exact_length() {
        let p = YamlPath::from_segments(&["services", "web", "ports"]);
        assert!(p.matches("services.*.ports"));
        assert!(!p.matches("services.*"));
        assert!(!p.matches("services.*.ports.*"));
        assert!(!p.matches("services.*.volumes"));
    }

    #[test]
    fn dotted_keys_stay_one_segment_below_the_root() {
        let mut p = YamlPath::root();
        p.push("services");
        p.push("a.b");
        p.push("ports");
        assert!(p.matches("services.*.ports"));
        assert_eq!(p.to_string(), "services.a.b.ports");
        // At the root compose-go does not escape, so the key splits.
        let q = YamlPath::root().child("services.x");
        assert!(q.matches("services.*"));
    }

    #[test]
    fn overlap_check() {
        assert!(patterns_overlap("services.*.ports", "services.web.*"));
        assert!(!patterns_overlap("services.*.ports", "services.*.ports.*"));
        assert!(!patterns_overlap("services.*.ports", "services.*.volumes"));
    }

    #[test]
    fn go_formatting_of_untyped_values() {
        assert_eq!(go_s(&Value::Int(8080)), "%!s(int=8080)");
        assert_eq!(go_s(&Value::Null), "%!s(<nil>)");
        assert_eq!(go_d(&Value::from("80")), "%!d(string=80)");
        assert_eq!(go_d(&Value::Int(80)), "80");
        assert_eq!(go_v(&Value::Bool(true)), "true");
        assert_eq!(go_v(&Value::Null), "<nil>");
        assert_eq!(
            go_v(&Value::Seq(vec![Value::Int(1), Value::from("a")])),
            "[1 a]"
        );
        assert_eq!(
            go_type_name(&Value::Map(Default::default())),
            "map[string]interface {}"
        );
    }
}
