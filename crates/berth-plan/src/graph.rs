//! The services' dependency graph (`depends_on`, which the loader has already completed
//! with the implicit links, volumes_from and `service:` references).

use indexmap::{IndexMap, IndexSet};

/// Services and what each depends on, restricted to the services in the graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    dependencies: IndexMap<String, Vec<String>>,
}

impl Graph {
    /// Builds the graph from `(service, dependencies)` pairs; dependencies outside the set
    /// (disabled services) are dropped.
    pub fn new<I, D>(services: I) -> Graph
    where
        I: IntoIterator<Item = (String, D)>,
        D: IntoIterator<Item = String>,
    {
        let pairs: Vec<(String, Vec<String>)> = services
            .into_iter()
            .map(|(s, d)| (s, d.into_iter().collect()))
            .collect();
        let names: IndexSet<&String> = pairs.iter().map(|(s, _)| s).collect();
        let dependencies = pairs
            .iter()
            .map(|(s, deps)| {
                let deps = deps.iter().filter(|d| names.contains(d)).cloned().collect();
                (s.clone(), deps)
            })
            .collect();
        Graph { dependencies }
    }

    pub fn services(&self) -> impl Iterator<Item = &str> {
        self.dependencies.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.dependencies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dependencies.is_empty()
    }

    /// What `service` waits for.
    pub fn dependencies(&self, service: &str) -> &[String] {
        self.dependencies
            .get(service)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The services that depend on `service` directly.
    pub fn dependents(&self, service: &str) -> Vec<&str> {
        self.dependencies
            .iter()
            .filter(|(_, deps)| deps.iter().any(|d| d == service))
            .map(|(s, _)| s.as_str())
            .collect()
    }

    /// The edges of the walk: forward (dependencies first) or reverse (dependents first,
    /// for stop and down).
    pub fn prerequisites(&self, service: &str, reverse: bool) -> Vec<&str> {
        if reverse {
            self.dependents(service)
        } else {
            self.dependencies(service)
                .iter()
                .map(String::as_str)
                .collect()
        }
    }

    /// A sequential order that respects the edges (model order among independent services).
    pub fn order(&self, reverse: bool) -> Vec<&str> {
        let mut done: IndexSet<&str> = IndexSet::new();
        while done.len() < self.len() {
            let before = done.len();
            for s in self.services() {
                if !done.contains(s)
                    && self
                        .prerequisites(s, reverse)
                        .iter()
                        .all(|p| done.contains(p))
                {
                    done.insert(s);
                }
            }
            if done.len() == before {
                // A cycle (the loader rejects them): keep the remaining ones in model order.
                for s in self.services() {
                    done.insert(s);
                }
            }
        }
        done.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> Graph {
        Graph::new([
            (
                "web".to_string(),
                vec!["api".to_string(), "log".to_string()],
            ),
            (
                "api".to_string(),
                vec!["db".to_string(), "gone".to_string()],
            ),
            ("db".to_string(), vec![]),
            ("log".to_string(), vec![]),
        ])
    }

    #[test]
    fn unknown_dependencies_are_dropped() {
        assert_eq!(graph().dependencies("api"), ["db".to_string()]);
    }

    #[test]
    fn order_puts_dependencies_first_and_reverse_puts_dependents_first() {
        let g = graph();
        assert_eq!(g.order(false), ["db", "log", "api", "web"]);
        assert_eq!(g.order(true), ["web", "api", "db", "log"]);
    }
}
