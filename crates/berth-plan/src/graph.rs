//! The one dependency graph every verb orders services by: the services and their
//! `depends_on` (which the loader completed with the implicit links, volumes_from and
//! `service:` references), taken from the loaded project or rebuilt from the containers'
//! labels when only the project name is known (compose's `projectFromName` behind `-p NAME`).

use berth_model::compose::{DependencyCondition, Project};
use berth_model::labels;
use indexmap::{IndexMap, IndexSet};

use crate::observed::Container;

/// What a dependent waits for before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Healthy,
    /// Healthy if a healthcheck exists, else running (`up --wait`, and dependencies
    /// recorded in labels without a condition).
    RunningOrHealthy,
    CompletedSuccessfully,
}

impl Condition {
    /// The condition in words, for plans.
    pub fn describe(self) -> &'static str {
        match self {
            Condition::Healthy => "is healthy",
            Condition::RunningOrHealthy => "is running or healthy",
            Condition::CompletedSuccessfully => "completed successfully",
        }
    }
}

/// One `depends_on` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// What to wait for before the dependent starts; `None`: `service_started` (the order
    /// is enough).
    pub condition: Option<Condition>,
    /// `restart: true`: restarting the dependency restarts the dependent.
    pub restart: bool,
    /// `required: false` turns a failed wait into a warning.
    pub required: bool,
}

/// Services (in model order) with their dependencies and replica counts.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    services: IndexMap<String, IndexMap<String, Dependency>>,
    /// Replica counts: a dependency with none is not waited for.
    scales: IndexMap<String, i64>,
}

/// How [`Graph::select`] widens the named services (compose-go's `DependencyOption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widen {
    /// The named services and what they depend on (the default).
    Dependencies,
    /// The named services and what depends on them.
    Dependents,
    /// The named services only.
    Nothing,
}

impl Graph {
    /// The enabled services of a loaded project.
    pub fn of_project(project: &Project) -> Graph {
        let mut graph = Graph::default();
        for (name, service) in &project.services {
            let deps = service
                .depends_on
                .iter()
                .map(|(dep, config)| {
                    let condition = match config.condition {
                        Some(DependencyCondition::Healthy) => Some(Condition::Healthy),
                        Some(DependencyCondition::CompletedSuccessfully) => {
                            Some(Condition::CompletedSuccessfully)
                        }
                        _ => None,
                    };
                    let dependency = Dependency {
                        condition,
                        restart: config.restart,
                        required: config.required,
                    };
                    (dep.clone(), dependency)
                })
                .collect();
            graph.services.insert(name.clone(), deps);
            graph.scales.insert(name.clone(), service.scale());
        }
        graph
    }

    /// The services the (non one-off) containers belong to, with the dependencies their
    /// `com.docker.compose.depends_on` label records (`svc:condition:restart,…`). As in
    /// compose, a dependency without a condition waits for running-or-healthy and restarts,
    /// and none is required (`getProjectWithResources`).
    pub fn of_labels(containers: &[Container]) -> Graph {
        let mut graph = Graph::default();
        for c in containers.iter().filter(|c| !c.oneoff) {
            *graph.scales.entry(c.service.clone()).or_insert(0) += 1;
            if graph.services.contains_key(&c.service) {
                continue;
            }
            let deps = c
                .labels
                .get(labels::DEPENDS_ON)
                .map(|l| parse_depends_on_label(l))
                .unwrap_or_default();
            graph.services.insert(c.service.clone(), deps);
        }
        graph
    }

    /// A graph from `(service, dependencies)` pairs, each `service_started`, one replica
    /// (tests, and orders of other relations).
    pub fn from_pairs<I, D>(pairs: I) -> Graph
    where
        I: IntoIterator<Item = (String, D)>,
        D: IntoIterator<Item = String>,
    {
        let mut graph = Graph::default();
        for (service, deps) in pairs {
            let deps = deps
                .into_iter()
                .map(|d| {
                    let dependency = Dependency {
                        condition: None,
                        restart: false,
                        required: true,
                    };
                    (d, dependency)
                })
                .collect();
            graph.scales.insert(service.clone(), 1);
            graph.services.insert(service, deps);
        }
        graph
    }

    pub fn contains(&self, service: &str) -> bool {
        self.services.contains_key(service)
    }

    pub fn services(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.services.len()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// What `service` depends on, with how (those outside the graph included).
    pub fn dependencies(&self, service: &str) -> impl Iterator<Item = (&str, &Dependency)> {
        self.services
            .get(service)
            .into_iter()
            .flatten()
            .map(|(d, dep)| (d.as_str(), dep))
    }

    /// The services that depend on `service` directly, in model order.
    pub fn dependents(&self, service: &str) -> Vec<(&str, &Dependency)> {
        self.services
            .iter()
            .filter_map(|(s, deps)| deps.get(service).map(|d| (s.as_str(), d)))
            .collect()
    }

    /// The replica count recorded for `service`.
    pub fn scale(&self, service: &str) -> Option<i64> {
        self.scales.get(service).copied()
    }

    /// The edges a walk follows: forward (dependencies first), or reverse (dependents
    /// first, for stop and down); only services of the graph.
    pub fn prerequisites(&self, service: &str, reverse: bool) -> Vec<&str> {
        if reverse {
            self.dependents(service)
                .into_iter()
                .map(|(s, _)| s)
                .collect()
        } else {
            self.dependencies(service)
                .map(|(s, _)| s)
                .filter(|s| self.contains(s))
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

    /// Keeps only the dependencies `keep` accepts.
    pub fn retain_dependencies(&mut self, keep: impl Fn(&Dependency) -> bool) {
        for deps in self.services.values_mut() {
            deps.retain(|_, d| keep(d));
        }
    }

    /// compose-go's `WithSelectedServices`: the named services widened by `widen`; the
    /// dependencies on services left out are dropped. An unknown name is an error (the
    /// name is returned).
    pub fn select(&self, names: &[String], widen: Widen) -> Result<Graph, String> {
        if names.is_empty() {
            return Ok(self.clone());
        }
        let mut chosen: Vec<String> = Vec::new();
        let mut queue: Vec<String> = names.to_vec();
        while let Some(name) = queue.pop() {
            if chosen.contains(&name) {
                continue;
            }
            let Some(deps) = self.services.get(&name) else {
                return Err(name);
            };
            match widen {
                Widen::Dependencies => queue.extend(
                    deps.keys()
                        .filter(|d| self.services.contains_key(*d))
                        .cloned(),
                ),
                Widen::Dependents => queue.extend(
                    self.dependents(&name)
                        .into_iter()
                        .map(|(s, _)| s.to_string()),
                ),
                Widen::Nothing => {}
            }
            chosen.push(name);
        }
        let mut out = Graph::default();
        for (name, deps) in &self.services {
            if chosen.contains(name) {
                let mut deps = deps.clone();
                deps.retain(|d, _| chosen.contains(d));
                out.services.insert(name.clone(), deps);
                out.scales
                    .insert(name.clone(), self.scales.get(name).copied().unwrap_or(1));
            }
        }
        Ok(out)
    }

    /// Whether a dependency is waited for: it is in the graph and has replicas (compose's
    /// `shouldWaitForDependency`).
    pub fn waits_for(&self, dependency: &str) -> bool {
        self.services.contains_key(dependency)
            && self.scales.get(dependency).copied().unwrap_or(1) != 0
    }
}

/// Parses the `com.docker.compose.depends_on` label as compose's `projectFromName` does.
fn parse_depends_on_label(label: &str) -> IndexMap<String, Dependency> {
    label
        .split(',')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let parts: Vec<&str> = entry.split(':').collect();
            let condition = match parts.get(1).copied() {
                None => Some(Condition::RunningOrHealthy),
                Some("service_started") => None,
                Some("service_healthy") => Some(Condition::Healthy),
                Some("service_completed_successfully") => Some(Condition::CompletedSuccessfully),
                Some(_) => Some(Condition::RunningOrHealthy),
            };
            // Go's ParseBool; an unreadable value is false, a missing one true.
            let restart = parts
                .get(2)
                .is_none_or(|v| matches!(*v, "1" | "t" | "T" | "true" | "TRUE" | "True"));
            let dependency = Dependency {
                condition,
                restart,
                required: false,
            };
            (parts[0].to_string(), dependency)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> Graph {
        Graph::from_pairs([
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

    fn names(g: &Graph) -> Vec<&str> {
        g.services().collect()
    }

    #[test]
    fn unknown_dependencies_are_not_walked() {
        assert_eq!(graph().prerequisites("api", false), ["db"]);
    }

    #[test]
    fn order_puts_dependencies_first_and_reverse_puts_dependents_first() {
        let g = graph();
        assert_eq!(g.order(false), ["db", "log", "api", "web"]);
        assert_eq!(g.order(true), ["web", "api", "db", "log"]);
    }

    #[test]
    fn label_parsing_follows_project_from_name() {
        let deps =
            parse_depends_on_label("db:service_healthy:false,cache:service_started:true,old");
        assert_eq!(deps["db"].condition, Some(Condition::Healthy));
        assert!(!deps["db"].restart);
        assert_eq!(deps["cache"].condition, None);
        assert!(deps["cache"].restart);
        assert_eq!(deps["old"].condition, Some(Condition::RunningOrHealthy));
        assert!(deps["old"].restart);
        assert!(deps.values().all(|d| !d.required));
    }

    #[test]
    fn select_widens_as_compose_go() {
        let s = Graph::from_pairs([
            ("db".to_string(), vec![]),
            ("app".to_string(), vec!["db".to_string()]),
            ("web".to_string(), vec!["app".to_string()]),
            ("x".to_string(), vec![]),
        ]);
        let deps = s.select(&["app".into()], Widen::Dependencies).unwrap();
        assert_eq!(names(&deps), ["db", "app"]);
        let dependents = s.select(&["app".into()], Widen::Dependents).unwrap();
        assert_eq!(names(&dependents), ["app", "web"]);
        assert_eq!(dependents.dependencies("app").count(), 0);
        let only = s.select(&["app".into()], Widen::Nothing).unwrap();
        assert_eq!(names(&only), ["app"]);
        assert_eq!(
            s.select(&["nope".into()], Widen::Nothing).unwrap_err(),
            "nope"
        );
    }
}
