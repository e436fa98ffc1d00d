//! Shared by the phases: dotted model paths and the patterns their rule tables are keyed by
//! (compose-go `tree.Path`), compiled into rule trees for fast walks.

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

/// An ordered rule table compiled into a tree of pattern parts.
///
/// Walks ask, at every node of the model, which rule applies there and whether any rule
/// applies further down; scanning every pattern of the table for each node was the main cost
/// of loading large files (compose-go pays the same, see shared/reference/performance.md).
/// Tables have no overlapping patterns (each module tests that), so at most one rule matches.
#[derive(Debug)]
pub struct RuleTree<T: 'static> {
    table: &'static [(&'static str, T)],
    nodes: Vec<TreeNode>,
}

#[derive(Debug, Default)]
struct TreeNode {
    literal: Vec<(&'static str, usize)>,
    wildcard: Option<usize>,
    /// Index in the table of the rule whose pattern ends here.
    rule: Option<usize>,
}

impl<T> RuleTree<T> {
    /// Compiles `table`, whose patterns are dotted parts with `*` for any one part.
    pub fn new(table: &'static [(&'static str, T)]) -> Self {
        let mut nodes = vec![TreeNode::default()];
        for (index, (pattern, _)) in table.iter().enumerate() {
            let mut at = 0;
            for part in pattern.split('.') {
                let existing = if part == "*" {
                    nodes[at].wildcard
                } else {
                    nodes[at]
                        .literal
                        .iter()
                        .find(|(p, _)| *p == part)
                        .map(|(_, n)| *n)
                };
                at = match existing {
                    Some(n) => n,
                    None => {
                        nodes.push(TreeNode::default());
                        let n = nodes.len() - 1;
                        if part == "*" {
                            nodes[at].wildcard = Some(n);
                        } else {
                            nodes[at].literal.push((part, n));
                        }
                        n
                    }
                };
            }
            nodes[at].rule.get_or_insert(index);
        }
        RuleTree { table, nodes }
    }

    /// Nodes reached by following `parts` (literal and wildcard branches both).
    fn reach<'p>(&self, parts: impl Iterator<Item = &'p str>) -> Vec<usize> {
        let mut at = vec![0];
        for part in parts {
            let mut next = Vec::with_capacity(at.len());
            for n in at {
                let node = &self.nodes[n];
                if let Some((_, child)) = node.literal.iter().find(|(p, _)| *p == part) {
                    next.push(*child);
                }
                if let Some(w) = node.wildcard {
                    next.push(w);
                }
            }
            if next.is_empty() {
                return next;
            }
            at = next;
        }
        at
    }

    /// The rule whose pattern matches the path made of `parts`.
    pub fn find<'p>(&self, parts: impl Iterator<Item = &'p str>) -> Option<&'static T> {
        let table = self.table;
        self.reach(parts)
            .into_iter()
            .filter_map(|n| self.nodes[n].rule)
            .min()
            .map(|i| &table[i].1)
    }

    /// Whether some pattern is longer than the path made of `parts` and matches it there.
    pub fn leads_below<'p>(&self, parts: impl Iterator<Item = &'p str>) -> bool {
        self.reach(parts).into_iter().any(|n| {
            let node = &self.nodes[n];
            !node.literal.is_empty() || node.wildcard.is_some()
        })
    }

    /// The rule for `path` (a [`Path`]).
    pub fn at(&self, path: &Path) -> Option<&'static T> {
        self.find(path.0.iter().map(String::as_str))
    }

    /// Whether a rule may apply below `path` (a [`Path`]).
    pub fn below(&self, path: &Path) -> bool {
        self.leads_below(path.0.iter().map(String::as_str))
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

    static TABLE: &[(&str, u8)] = &[
        ("services.*.ports", 1),
        ("services.*.volumes.*", 2),
        ("services.web.build", 3),
        ("networks.*", 4),
    ];

    #[test]
    fn rule_tree_finds_what_a_scan_finds() {
        let tree = RuleTree::new(TABLE);
        let paths: &[&[&str]] = &[
            &["services", "a", "ports"],
            &["services", "web", "build"],
            &["services", "web", "volumes", "[]"],
            &["services", "web"],
            &["networks", "n"],
            &["networks"],
            &["volumes", "v"],
        ];
        for parts in paths {
            let path = parts.iter().fold(Path::root(), |p, s| p.next(s));
            assert_eq!(tree.at(&path), find_rule(TABLE, &path), "{path}");
            assert_eq!(tree.below(&path), rules_below(TABLE, &path), "{path}");
        }
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
