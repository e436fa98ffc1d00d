//! What the lifecycle verbs (start, stop, restart) walk: the services and their `depends_on`,
//! taken from the loaded file, or rebuilt from the containers' labels when only the project
//! name is known (compose's `projectFromName` behind `-p NAME` without `-f`).

use berth_model::compose::DependencyCondition;
use berth_model::labels;
use berth_plan::graph::Graph;
use berth_plan::Container;
use indexmap::IndexMap;

use crate::error::{OpsError, OpsResult};
use crate::wait::Condition;
use berth_model::compose::Project;

/// One `depends_on` entry, as the verbs need it.
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

/// Services (in model order) with their dependencies.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub services: IndexMap<String, IndexMap<String, Dependency>>,
    /// Replica counts: a dependency with none is not waited for.
    pub scales: IndexMap<String, i64>,
}

/// How [`Scope::select`] widens the named services (compose-go's `DependencyOption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widen {
    /// The named services and what they depend on (the default).
    Dependencies,
    /// The named services and what depends on them.
    Dependents,
    /// The named services only.
    Nothing,
}

impl Scope {
    /// The enabled services of the loaded project.
    pub fn from_project(project: &Project) -> Scope {
        let mut scope = Scope::default();
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
            scope.services.insert(name.clone(), deps);
            scope.scales.insert(name.clone(), service.scale());
        }
        scope
    }

    /// The services the (non one-off) containers belong to, with the dependencies their
    /// `com.docker.compose.depends_on` label records (`svc:condition:restart,…`). As in
    /// compose, a dependency without a condition waits for running-or-healthy and restarts,
    /// and none is required (`getProjectWithResources`).
    pub fn from_labels(containers: &[Container]) -> Scope {
        let mut scope = Scope::default();
        for c in containers.iter().filter(|c| !c.oneoff) {
            *scope.scales.entry(c.service.clone()).or_insert(0) += 1;
            if scope.services.contains_key(&c.service) {
                continue;
            }
            let deps = c
                .labels
                .get(labels::DEPENDS_ON)
                .map(|l| parse_depends_on_label(l))
                .unwrap_or_default();
            scope.services.insert(c.service.clone(), deps);
        }
        scope
    }

    pub fn contains(&self, service: &str) -> bool {
        self.services.contains_key(service)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(String::as_str)
    }

    /// The dependency graph of the scope.
    pub fn graph(&self) -> Graph {
        Graph::new(
            self.services
                .iter()
                .map(|(s, deps)| (s.clone(), deps.keys().cloned().collect::<Vec<_>>())),
        )
    }

    /// Keeps only the dependencies `keep` accepts.
    pub fn retain_dependencies(&mut self, keep: impl Fn(&Dependency) -> bool) {
        for deps in self.services.values_mut() {
            deps.retain(|_, d| keep(d));
        }
    }

    /// compose-go's `WithSelectedServices`: the named services widened by `widen`; the
    /// dependencies on services left out are dropped. An unknown name is an error.
    pub fn select(&self, names: &[String], widen: Widen) -> OpsResult<Scope> {
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
                return Err(OpsError::message(format!("no such service: {name}")));
            };
            match widen {
                Widen::Dependencies => queue.extend(
                    deps.keys()
                        .filter(|d| self.services.contains_key(*d))
                        .cloned(),
                ),
                Widen::Dependents => queue.extend(
                    self.services
                        .iter()
                        .filter(|(_, deps)| deps.contains_key(&name))
                        .map(|(s, _)| s.clone()),
                ),
                Widen::Nothing => {}
            }
            chosen.push(name);
        }
        let mut out = Scope::default();
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

    /// Whether a dependency is waited for: it is in the scope and has replicas
    /// (compose's `shouldWaitForDependency`).
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

    fn scope(pairs: &[(&str, &[&str])]) -> Scope {
        let mut s = Scope::default();
        for (name, deps) in pairs {
            let deps = deps
                .iter()
                .map(|d| {
                    let dep = Dependency {
                        condition: None,
                        restart: true,
                        required: true,
                    };
                    (d.to_string(), dep)
                })
                .collect();
            s.services.insert(name.to_string(), deps);
            s.scales.insert(name.to_string(), 1);
        }
        s
    }

    fn names(s: &Scope) -> Vec<&str> {
        s.names().collect()
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
        let s = scope(&[("db", &[]), ("app", &["db"]), ("web", &["app"]), ("x", &[])]);
        let deps = s.select(&["app".into()], Widen::Dependencies).unwrap();
        assert_eq!(names(&deps), ["db", "app"]);
        let dependents = s.select(&["app".into()], Widen::Dependents).unwrap();
        assert_eq!(names(&dependents), ["app", "web"]);
        assert!(dependents.services["app"].is_empty());
        let only = s.select(&["app".into()], Widen::Nothing).unwrap();
        assert_eq!(names(&only), ["app"]);
        let err = s.select(&["nope".into()], Widen::Nothing).unwrap_err();
        assert_eq!(err.to_string(), "no such service: nope");
    }
}
