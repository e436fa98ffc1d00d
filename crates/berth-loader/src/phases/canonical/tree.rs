//! Dotted model paths and the patterns the rule tables are keyed by (compose-go `tree.Path`).

/// A position in the model: one part per mapping key, `[]` for a sequence item.
///
/// Parts are kept separate rather than joined with dots, so a key that itself contains a dot
/// (compose-go swaps those for a placeholder) can never be mistaken for two levels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(Vec<String>);

/// The part standing for any item of a sequence.
pub const LIST_ITEM: &str = "[]";

impl Path {
    /// The root of the model.
    pub fn root() -> Self {
        Path(Vec::new())
    }

    /// This path extended by one key (or [`LIST_ITEM`]).
    pub fn next(&self, part: &str) -> Path {
        let mut parts = self.0.clone();
        parts.push(part.to_string());
        Path(parts)
    }

    /// Whether the path matches a dotted pattern where `*` stands for any one part
    /// (including a sequence item), with the same number of parts.
    pub fn matches(&self, pattern: &str) -> bool {
        let mut parts = self.0.iter();
        for pat in pattern.split('.') {
            match parts.next() {
                Some(part) if pat == "*" || pat == part => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }

    /// Whether `pattern` is longer than this path and matches it on this path's parts, so
    /// that a rule keyed by it may apply somewhere below this path.
    pub fn leads_to(&self, pattern: &str) -> bool {
        let mut pats = pattern.split('.');
        for part in &self.0 {
            match pats.next() {
                Some(pat) if pat == "*" || pat == part => {}
                _ => return false,
            }
        }
        pats.next().is_some()
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// The first rule of an ordered table whose pattern matches `path`.
pub fn find_rule<'t, T>(table: &'t [(&'static str, T)], path: &Path) -> Option<&'t T> {
    table
        .iter()
        .find(|(pattern, _)| path.matches(pattern))
        .map(|(_, rule)| rule)
}

/// Whether any rule of the table may apply below `path`: walks skip subtrees where none can.
pub fn rules_below<T>(table: &[(&'static str, T)], path: &Path) -> bool {
    table.iter().any(|(pattern, _)| path.leads_to(pattern))
}

/// Patterns of a table that could match the same path (same length, and every part equal or
/// a wildcard on either side); rule tables must have none, as compose-go's map order is random.
pub fn overlapping_patterns<T>(table: &[(&'static str, T)]) -> Vec<(&'static str, &'static str)> {
    let mut overlaps = Vec::new();
    for (i, (a, _)) in table.iter().enumerate() {
        for (b, _) in &table[i + 1..] {
            let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
            if pa.len() == pb.len()
                && pa
                    .iter()
                    .zip(&pb)
                    .all(|(x, y)| *x == "*" || *y == "*" || x == y)
            {
                overlaps.push((*a, *b));
            }
        }
    }
    overlaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matches_keys_and_items() {
        let p = Path::root()
            .next("services")
            .next("web")
            .next("volumes")
            .next(LIST_ITEM);
        assert!(p.matches("services.*.volumes.*"));
        assert!(!p.matches("services.*.volumes"));
        assert_eq!(p.to_string(), "services.web.volumes.[]");
    }

    #[test]
    fn leads_to_only_longer_matching_patterns() {
        let p = Path::root().next("services").next("web");
        assert!(p.leads_to("services.*.volumes"));
        assert!(!p.leads_to("services.*"));
        assert!(!p.leads_to("networks.*.ipam"));
    }

    #[test]
    fn dotted_keys_stay_one_part() {
        let p = Path::root().next("services").next("a.b");
        assert!(p.matches("services.*"));
    }
}
