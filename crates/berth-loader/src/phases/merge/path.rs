//! Merge phase, support: the dotted YAML path the merge and unicity rules are keyed by.

use std::fmt;

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

// The Go `fmt` helpers the unicity keys are built with live in `berth_model::golang`.
pub use berth_model::golang::{sprintf_d as go_d, sprintf_s as go_s, type_name as go_type_name};

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
}
