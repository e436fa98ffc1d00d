//! `ls`: compose projects on the engine, from one list of containers that carry the project
//! and config-hash labels, grouped by project (compose's `List`).

use berth_engine::{ContainerFilter, Engine, EngineError};
use berth_model::labels;
use indexmap::IndexMap;

/// One project (`api.Stack`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    pub name: String,
    /// `exited(1), running(2)`: counts by state, states sorted.
    pub status: String,
    /// The config files of all its containers, comma-separated, first seen first.
    pub config_files: String,
}

/// The projects, sorted by name, and the warnings compose logs on the way.
pub async fn ls(engine: &Engine, all: bool) -> Result<(Vec<Stack>, Vec<String>), EngineError> {
    let filter = ContainerFilter {
        labels: vec![labels::PROJECT.to_string(), labels::CONFIG_HASH.to_string()],
        all,
    };
    let list = engine.list_containers(&filter).await?;
    let containers: Vec<Member> = list
        .into_iter()
        .map(|c| Member {
            id: c.id.unwrap_or_default(),
            state: c.state.map(|s| s.to_string()).unwrap_or_default(),
            labels: c.labels.unwrap_or_default().into_iter().collect(),
        })
        .collect();
    Ok(stacks(&containers))
}

/// A container as `ls` needs it.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    pub state: String,
    pub labels: IndexMap<String, String>,
}

/// Groups containers into projects (compose's `containersToStacks`).
pub fn stacks(containers: &[Member]) -> (Vec<Stack>, Vec<String>) {
    let mut by_project: IndexMap<&str, Vec<&Member>> = IndexMap::new();
    for c in containers {
        if let Some(p) = c.labels.get(labels::PROJECT) {
            by_project.entry(p.as_str()).or_default().push(c);
        }
    }
    by_project.sort_keys();
    let mut warnings = Vec::new();
    let stacks = by_project
        .into_iter()
        .map(|(name, members)| {
            let config_files = match config_files(&members) {
                Ok(files) => files,
                Err(w) => {
                    warnings.push(w);
                    "N/A".to_string()
                }
            };
            Stack {
                name: name.to_string(),
                status: combined_status(members.iter().map(|m| m.state.as_str())),
                config_files,
            }
        })
        .collect();
    (stacks, warnings)
}

fn config_files(members: &[&Member]) -> Result<String, String> {
    let mut files: Vec<&str> = Vec::new();
    for c in members {
        let Some(list) = c.labels.get(labels::CONFIG_FILES) else {
            return Err(format!(
                "no label {:?} set on container {:?} of compose project",
                labels::CONFIG_FILES,
                c.id
            ));
        };
        for f in list.split(',') {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    Ok(files.join(","))
}

/// docker's `filters.Args.Match` for `name`: an exact value, or a regular expression that
/// matches somewhere in the name.
pub fn name_matches(patterns: &[&str], name: &str) -> bool {
    patterns
        .iter()
        .any(|p| *p == name || regex::Regex::new(p).is_ok_and(|re| re.is_match(name)))
}

/// `exited(1), running(2)`.
pub fn combined_status<'a>(states: impl Iterator<Item = &'a str>) -> String {
    let mut counts: IndexMap<&str, usize> = IndexMap::new();
    for s in states {
        *counts.entry(s).or_default() += 1;
    }
    counts.sort_keys();
    counts
        .iter()
        .map(|(s, n)| format!("{s}({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(project: &str, state: &str, files: Option<&str>) -> Member {
        let mut labels = IndexMap::new();
        labels.insert(labels::PROJECT.to_string(), project.to_string());
        if let Some(f) = files {
            labels.insert(labels::CONFIG_FILES.to_string(), f.to_string());
        }
        Member {
            id: "abc".into(),
            state: state.into(),
            labels,
        }
    }

    #[test]
    fn name_filters_are_regular_expressions() {
        assert!(name_matches(&["uisc"], "uiscr"));
        assert!(name_matches(&["^uiscr$"], "uiscr"));
        assert!(!name_matches(&["^x"], "uiscr"));
        assert!(name_matches(&["x", "scr"], "uiscr"));
    }

    #[test]
    fn groups_by_project_with_counts() {
        let (stacks, warnings) = stacks(&[
            member("b", "running", Some("/x/compose.yaml")),
            member("a", "running", Some("/a/c.yaml,/a/o.yaml")),
            member("a", "exited", Some("/a/c.yaml")),
            member("a", "running", Some("/a/c.yaml")),
            member("c", "running", None),
        ]);
        assert!(warnings.len() == 1);
        assert_eq!(
            stacks,
            vec![
                Stack {
                    name: "a".into(),
                    status: "exited(1), running(2)".into(),
                    config_files: "/a/c.yaml,/a/o.yaml".into()
                },
                Stack {
                    name: "b".into(),
                    status: "running(1)".into(),
                    config_files: "/x/compose.yaml".into()
                },
                Stack {
                    name: "c".into(),
                    status: "running(1)".into(),
                    config_files: "N/A".into()
                },
            ]
        );
    }
}
