//! `run`'s changes to the project (compose's `runOptions.apply`, `getEnvironment` and
//! `applyRunOptions`), made on the model before it is typed: the config hash of a one-off
//! container is the hash of the service as `run` changed it (its name, TTY, command…), so
//! the changes must be in the model the hash is computed from.

use berth_model::shape::decode_service;
use berth_model::{Map, Value};
use indexmap::IndexMap;

use crate::error::LoadError;
use crate::phases::canonical::ports::parse_port_config;
use crate::phases::canonical::volume::parse_volume;
use crate::phases::dotenv::parse_dotenv;
use crate::project::Project;
use crate::Diagnostics;

/// What `run`'s flags change in the service it runs.
#[derive(Debug, Clone, Default)]
pub struct RunOverrides {
    pub service: String,
    /// `--name`, else `<project>-<service>-run-<slug>`.
    pub container_name: String,
    /// `--no-deps`: the other services are disabled and the service depends on none.
    pub no_deps: bool,
    pub tty: bool,
    pub interactive: bool,
    /// `-P`: the service's own ports; otherwise only `--publish`.
    pub service_ports: bool,
    pub publish: Vec<String>,
    pub volumes: Vec<String>,
    pub command: Vec<String>,
    /// `--entrypoint`, split with shell words.
    pub entrypoint: Option<Vec<String>>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    /// `KEY=VALUE` entries (see [`run_environment`]).
    pub environment: Vec<String>,
    pub labels: Vec<(String, String)>,
}

/// `-e` and `--env-from-file` as compose merges them (`getEnvironment`): `-e KEY` takes the
/// project environment's value, and a file's variables come after those of `-e`.
pub fn run_environment(
    project: &Project,
    env: &[String],
    files: &[String],
    diags: &mut Diagnostics,
) -> Result<Vec<String>, LoadError> {
    let mut out: IndexMap<String, String> = IndexMap::new();
    for entry in env {
        match entry.split_once('=') {
            Some((k, v)) => {
                out.insert(k.to_string(), v.to_string());
            }
            // Unset in the project environment: left out (`ToMapping` drops nil values).
            None => {
                if let Some(value) = project.environment.get(entry) {
                    out.insert(entry.clone(), value.clone());
                }
            }
        }
    }
    for file in files {
        let content = std::fs::read_to_string(file).map_err(|e| LoadError::Read {
            path: file.clone(),
            message: crate::setup::io_message(&e),
        })?;
        let known = out.clone();
        let lookup = |k: &str| known.get(k).cloned();
        // compose drops the whole environment when a file does not parse (its
        // `getEnvironment` returns nil without an error).
        let Ok(vars) = parse_dotenv(&content, &lookup, diags) else {
            return Ok(Vec::new());
        };
        for (k, v) in vars {
            out.entry(k).or_insert(v);
        }
    }
    Ok(out.into_iter().map(|(k, v)| format!("{k}={v}")).collect())
}

/// Applies `run`'s flags to `project` (loaded with the service selected, not yet typed).
pub fn apply_run(project: &mut Project, run: &RunOverrides) -> Result<(), LoadError> {
    if !project.services().contains_key(&run.service) {
        return Err(LoadError::invalid(format!(
            "no such service: {}",
            run.service
        )));
    }
    if run.no_deps {
        let services = std::mem::take(project.services_mut());
        for (name, service) in services {
            if name == run.service {
                project.services_mut().insert(name, service);
            } else {
                project.disabled_services.insert(name, service);
            }
        }
    }
    let environment = project.environment.clone();
    let service = project
        .services_mut()
        .get_mut(&run.service)
        .and_then(Value::as_map_mut)
        .ok_or_else(|| LoadError::invalid(format!("no such service: {}", run.service)))?;
    if run.no_deps {
        service.shift_remove("depends_on");
    }
    set(service, "tty", Value::Bool(run.tty));
    set(service, "stdin_open", Value::Bool(run.interactive));
    if !run.service_ports {
        let mut ports = Vec::new();
        for spec in &run.publish {
            let parsed = parse_port_config(spec).map_err(|e| LoadError::invalid(e.to_string()))?;
            ports.extend(parsed);
        }
        set(service, "ports", typed("ports", Value::Seq(ports))?);
    }
    if !run.volumes.is_empty() {
        let mut volumes: Vec<Value> = service
            .get("volumes")
            .and_then(Value::as_seq)
            .cloned()
            .unwrap_or_default();
        for spec in &run.volumes {
            let parsed = parse_volume(spec).map_err(|e| LoadError::invalid(e.to_string()))?;
            if let Value::Seq(list) = typed("volumes", Value::Seq(vec![parsed]))? {
                volumes.extend(list);
            }
        }
        set(service, "volumes", Value::Seq(volumes));
    }
    // applyRunOptions: the container name is the one given (or generated), never the
    // service's `container_name`.
    set(
        service,
        "container_name",
        Value::String(run.container_name.clone()),
    );
    if !run.command.is_empty() {
        set(service, "command", strings(&run.command));
    }
    if let Some(user) = run.user.as_ref().filter(|u| !u.is_empty()) {
        set(service, "user", Value::String(user.clone()));
    }
    if !run.cap_add.is_empty() {
        add_caps(service, "cap_add", "cap_drop", &run.cap_add);
    }
    if !run.cap_drop.is_empty() {
        add_caps(service, "cap_drop", "cap_add", &run.cap_drop);
    }
    if let Some(dir) = run.workdir.as_ref().filter(|w| !w.is_empty()) {
        set(service, "working_dir", Value::String(dir.clone()));
    }
    if let Some(entrypoint) = &run.entrypoint {
        set(service, "entrypoint", strings(entrypoint));
        if run.command.is_empty() {
            set(service, "command", Value::Seq(Vec::new()));
        }
    }
    if !run.environment.is_empty() {
        let env = service
            .entry("environment".to_string())
            .or_insert_with(|| Value::Map(Map::default()));
        if !matches!(env, Value::Map(_)) {
            *env = Value::Map(Map::default());
        }
        let env = env.as_map_mut().expect("just ensured a map");
        for entry in &run.environment {
            let (key, value) = match entry.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (entry.clone(), environment.get(entry).cloned()),
            };
            // `RemoveEmpty`: unset variables are dropped; empty values override.
            if let Some(value) = value {
                env.insert(key, Value::String(value));
            }
        }
    }
    if !run.labels.is_empty() {
        let labels = service
            .entry("labels".to_string())
            .or_insert_with(|| Value::Map(Map::default()));
        if !matches!(labels, Value::Map(_)) {
            *labels = Value::Map(Map::default());
        }
        let labels = labels.as_map_mut().expect("just ensured a map");
        for (k, v) in &run.labels {
            labels.insert(k.clone(), Value::String(v.clone()));
        }
    }
    // prepareRun: one container, never restarted.
    service.shift_remove("restart");
    if let Some(Value::Map(deploy)) = service.get_mut("deploy") {
        deploy.shift_remove("restart_policy");
    }
    Ok(())
}

fn set(service: &mut Map, key: &str, value: Value) {
    service.insert(key.to_string(), value);
}

fn strings(list: &[String]) -> Value {
    Value::Seq(list.iter().cloned().map(Value::String).collect())
}

/// The typed form of one service field given in the canonical (long) form.
fn typed(key: &str, value: Value) -> Result<Value, LoadError> {
    let decoded = decode_service(&Value::from_pairs([(key, value)]))
        .map_err(|e| LoadError::invalid(e.to_string()))?;
    Ok(decoded.get(key).cloned().unwrap_or(Value::Seq(Vec::new())))
}

/// `--cap-add` (or `--cap-drop`): appended to its list and taken out of the other one.
fn add_caps(service: &mut Map, to: &str, from: &str, caps: &[String]) {
    let mut list: Vec<Value> = service
        .get(to)
        .and_then(Value::as_seq)
        .cloned()
        .unwrap_or_default();
    list.extend(caps.iter().cloned().map(Value::String));
    set(service, to, Value::Seq(list));
    if let Some(Value::Seq(other)) = service.get_mut(from) {
        other.retain(|c| !c.as_str().is_some_and(|c| caps.iter().any(|x| x == c)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        let app = Value::from_pairs([
            ("image", Value::from("busybox")),
            ("command", Value::Seq(vec![Value::from("echo")])),
            ("cap_add", Value::Seq(vec![Value::from("NET_ADMIN")])),
            ("cap_drop", Value::Seq(vec![Value::from("CHOWN")])),
            ("restart", Value::from("always")),
            (
                "environment",
                Value::from_pairs([("A", Value::from("1")), ("B", Value::from("2"))]),
            ),
        ]);
        let db = Value::from_pairs([("image", Value::from("busybox"))]);
        Project {
            name: "p".into(),
            working_dir: "/p".into(),
            config_files: Vec::new(),
            environment: [("FROM_ENV".to_string(), "yes".to_string())]
                .into_iter()
                .collect(),
            explicit_env_files: Vec::new(),
            model: Value::from_pairs([("services", Value::from_pairs([("app", app), ("db", db)]))]),
            disabled_services: Map::default(),
            profiles: Vec::new(),
        }
    }

    fn app(project: &Project) -> &Map {
        project.services()["app"].as_map().unwrap()
    }

    #[test]
    fn an_entrypoint_without_a_command_empties_the_command() {
        let mut p = project();
        let run = RunOverrides {
            service: "app".into(),
            container_name: "p-app-run-0123456789ab".into(),
            entrypoint: Some(vec!["env".into()]),
            ..RunOverrides::default()
        };
        apply_run(&mut p, &run).unwrap();
        let app = app(&p);
        assert_eq!(app["command"], Value::Seq(Vec::new()));
        assert_eq!(app["entrypoint"], Value::Seq(vec![Value::from("env")]));
        assert_eq!(app["container_name"], Value::from("p-app-run-0123456789ab"));
        assert!(!app.contains_key("restart"));
        assert_eq!(app["ports"], Value::Seq(Vec::new()));
    }

    #[test]
    fn capabilities_move_between_the_lists_and_the_environment_is_overridden() {
        let mut p = project();
        let run = RunOverrides {
            service: "app".into(),
            cap_add: vec!["CHOWN".into()],
            cap_drop: vec!["NET_ADMIN".into()],
            environment: vec!["A=".into(), "C=3".into(), "FROM_ENV".into(), "NOPE".into()],
            no_deps: true,
            ..RunOverrides::default()
        };
        apply_run(&mut p, &run).unwrap();
        let app = app(&p);
        assert_eq!(app["cap_add"], Value::Seq(vec![Value::from("CHOWN")]));
        assert_eq!(app["cap_drop"], Value::Seq(vec![Value::from("NET_ADMIN")]));
        let env = app["environment"].as_map().unwrap();
        let pairs: Vec<(&str, &str)> = env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        assert_eq!(
            pairs,
            [("A", ""), ("B", "2"), ("C", "3"), ("FROM_ENV", "yes")]
        );
        assert!(p.disabled_services.contains_key("db"));
    }

    #[test]
    fn flag_variables_come_before_those_of_files() {
        let p = project();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("extra.env");
        std::fs::write(&file, "B=file\nD=file\n").unwrap();
        let env = run_environment(
            &p,
            &["B=flag".into(), "FROM_ENV".into(), "UNSET".into()],
            &[file.to_string_lossy().into_owned()],
            &mut Diagnostics::default(),
        )
        .unwrap();
        assert_eq!(env, ["B=flag", "FROM_ENV=yes", "D=file"]);
    }
}
