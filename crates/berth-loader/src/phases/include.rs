//! Phase: `include` — other compose projects imported into this one.
//!
//! Runs on each document after `extends`, before merging (compose-go `loader/include.go`).
//! Each included project is loaded on its own: its own project directory, its own `.env`
//! (or the entry's `env_file`), its relative paths resolved against its directory; then its
//! services, networks, volumes, secrets, configs and models are imported, and a resource
//! defined differently on both sides is an error.

use std::path::Path;

use berth_model::{Map, Value};

use crate::error::LoadError;
use crate::load::{Loader, PhaseOptions};
use crate::phases::extends::relative_dir;
use crate::setup::{absolute, io_message, read_env_files, ConfigFile};

/// One entry of `include`, in its long form.
struct IncludeEntry {
    paths: Vec<String>,
    project_directory: Option<String>,
    env_files: Vec<String>,
}

fn string_or_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Seq(items)) => items.iter().filter_map(|i| i.scalar_to_string()).collect(),
        _ => Vec::new(),
    }
}

fn entries(source: &Value) -> Result<Vec<IncludeEntry>, LoadError> {
    let Value::Seq(items) = source else {
        return Err(LoadError::invalid(format!(
            "`include` must be a list, got {}",
            source.scalar_to_string().unwrap_or_default()
        )));
    };
    Ok(items
        .iter()
        .map(|item| match item {
            Value::String(s) => IncludeEntry {
                paths: vec![s.clone()],
                project_directory: None,
                env_files: Vec::new(),
            },
            other => IncludeEntry {
                paths: string_or_list(other.get("path")),
                project_directory: other
                    .get("project_directory")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                env_files: string_or_list(other.get("env_file")),
            },
        })
        .collect())
}

/// Loads every project `cfg` includes and imports its resources into `cfg`.
///
/// `chain` lists the files being loaded, outermost first, to detect include cycles.
pub(crate) fn apply_include(
    loader: &mut Loader<'_>,
    cfg: &mut Value,
    working_dir: &str,
    chain: &[String],
) -> Result<(), LoadError> {
    let Some(source) = cfg.as_map_mut().and_then(|m| m.shift_remove("include")) else {
        return Ok(());
    };
    if source.is_null() {
        return Ok(());
    }
    let resource_dir = loader.options.resource_dir.clone();
    for entry in entries(&source)? {
        let mut rel_working_dir = String::new();
        let mut project_directory = entry.project_directory.clone().unwrap_or_default();
        let mut files = Vec::with_capacity(entry.paths.len());
        for (i, p) in entry.paths.iter().enumerate() {
            let path = absolute(Path::new(&resource_dir), p);
            if i == 0 {
                match &entry.project_directory {
                    None => {
                        rel_working_dir = relative_dir(&resource_dir, &path);
                        project_directory = parent(&path);
                    }
                    Some(dir) if !Path::new(dir).is_absolute() => {
                        rel_working_dir = relative_dir(&resource_dir, dir);
                        project_directory = absolute(Path::new(working_dir), dir);
                    }
                    Some(dir) => rel_working_dir = dir.clone(),
                }
                if chain.contains(&path) {
                    let mut all = chain.to_vec();
                    all.push(path.clone());
                    return Err(LoadError::invalid(format!(
                        "include cycle detected:\n{}\n include {}",
                        all[0],
                        all[1..].join("\n include ")
                    )));
                }
            }
            files.push(path);
        }

        let env_files = if entry.env_files.is_empty() {
            let default = format!("{project_directory}/.env");
            if Path::new(&default).is_file() {
                vec![default]
            } else {
                Vec::new()
            }
        } else {
            let mut out = Vec::new();
            for f in &entry.env_files {
                let f = if Path::new(f).is_absolute() {
                    f.clone()
                } else {
                    let joined = absolute(Path::new(working_dir), f);
                    let meta = std::fs::metadata(&joined).map_err(|e| {
                        LoadError::invalid(format!("stat {joined}: {}", io_message(&e)))
                    })?;
                    if meta.is_dir() {
                        return Err(LoadError::invalid(format!("{joined} is not a file")));
                    }
                    joined
                };
                out.push(f);
            }
            out
        };
        let from_files = read_env_files(
            &env_files,
            loader.environment,
            Path::new(working_dir),
            loader.diags,
        )?;
        let mut environment = loader.environment.clone();
        for (k, v) in from_files {
            environment.entry(k).or_insert(v);
        }

        let mut configs = Vec::with_capacity(files.len());
        for f in &files {
            let content = std::fs::read_to_string(f).map_err(|e| LoadError::Read {
                path: f.clone(),
                message: io_message(&e),
            })?;
            configs.push(ConfigFile::new(f.clone(), content));
        }
        let options = PhaseOptions {
            resolve_paths: true,
            resource_dir: project_directory.clone(),
            ..loader.options.clone()
        };
        let mut sub = Loader {
            options,
            environment: &environment,
            diags: &mut *loader.diags,
            sources: &mut *loader.sources,
        };
        let imported = sub.load_yaml_model(&mut configs, &rel_working_dir, chain)?;
        import_resources(&imported, cfg)?;
    }
    Ok(())
}

fn parent(path: &str) -> String {
    Path::new(path)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "/".into())
}

/// Copies each resource of `source` into `target`; the same name defined differently is an error.
fn import_resources(source: &Value, target: &mut Value) -> Result<(), LoadError> {
    let Some(target) = target.as_map_mut() else {
        return Ok(());
    };
    for key in [
        "services", "volumes", "networks", "secrets", "configs", "models",
    ] {
        let Some(Value::Map(from)) = source.get(key) else {
            continue;
        };
        let to = target
            .entry(key.to_string())
            .or_insert_with(|| Value::Map(Map::default()));
        if to.is_null() {
            *to = Value::Map(Map::default());
        }
        let Some(to) = to.as_map_mut() else { continue };
        for (name, value) in from {
            if let Some(existing) = to.get(name) {
                if existing == value {
                    continue;
                }
                return Err(LoadError::Invalid {
                    message: format!("{key}.{name} conflicts with imported resource"),
                    path: Some(format!("{key}.{name}")),
                });
            }
            to.insert(name.clone(), value.clone());
        }
    }
    Ok(())
}
