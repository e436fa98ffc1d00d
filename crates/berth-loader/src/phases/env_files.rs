//! Phase: `env_file` and `label_file` read into `environment` and `labels` on the typed
//! project (compose-go `Project.WithServicesEnvironmentResolved` / `WithServicesLabelsResolved`).

use std::path::Path;

use berth_model::{Map, Value};
use indexmap::IndexMap;

use crate::error::LoadError;
use crate::phases::dotenv;
use crate::project::Project;
use crate::setup::io_message;
use crate::Diagnostics;

fn read(path: &str) -> Result<Option<String>, LoadError> {
    if !Path::new(path).exists() {
        return Ok(None);
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|e| LoadError::invalid(format!("open {path}: {}", io_message(&e))))
}

/// Parses one env file in its format into `vars`, resolving variables through `lookup`
/// first and then through what was read before.
fn parse_into(
    path: &str,
    content: &str,
    format: Option<&str>,
    vars: &mut IndexMap<String, String>,
    lookup: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Result<(), LoadError> {
    match format.unwrap_or("") {
        "raw" => dotenv::parse_raw_env_file_into(content, vars, lookup).map_err(|source| {
            LoadError::RawEnv {
                file: path.to_string(),
                source,
            }
        })?,
        "" | "dotenv" => {
            dotenv::parse_dotenv_into(content, vars, lookup, diags).map_err(|source| {
                LoadError::DotEnv {
                    file: path.to_string(),
                    source,
                }
            })?
        }
        other => {
            return Err(LoadError::invalid(format!(
                "unsupported env_file format {other:?}"
            )))
        }
    }
    Ok(())
}

/// Fills each service's `environment` from its `env_file`s (environment wins), optionally
/// dropping `env_file`.
pub fn resolve_env_files(
    project: &mut Project,
    discard: bool,
    diags: &mut Diagnostics,
) -> Result<(), LoadError> {
    let project_env = project.environment.clone();
    for (name, service) in project.services_mut().iter_mut() {
        let Some(map) = service.as_map_mut() else {
            continue;
        };
        let mut environment = match map.get("environment") {
            Some(Value::Map(m)) => m.clone(),
            _ => Map::default(),
        };
        for (k, v) in environment.iter_mut() {
            if v.is_null() {
                if let Some(found) = project_env.get(k) {
                    *v = Value::String(found.clone());
                }
            }
        }
        let mut from_files: IndexMap<String, String> = IndexMap::new();
        for entry in map
            .get("env_file")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
        {
            let (path, required, format) = match entry {
                Value::String(p) => (p.as_str(), true, None),
                other => (
                    other.get("path").and_then(Value::as_str).unwrap_or(""),
                    other
                        .get("required")
                        .and_then(Value::as_bool)
                        .unwrap_or(true),
                    other.get("format").and_then(Value::as_str),
                ),
            };
            let Some(content) = read(path)? else {
                if required {
                    return Err(LoadError::Invalid {
                        message: format!(
                            "env file {path} not found: stat {path}: no such file or directory"
                        ),
                        path: Some(format!("services.{name}.env_file")),
                    });
                }
                continue;
            };
            let service_env = &environment;
            let lookup = |k: &str| {
                project_env.get(k).cloned().or_else(|| {
                    service_env
                        .get(k)
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
            };
            parse_into(path, &content, format, &mut from_files, &lookup, diags)?;
        }
        let mut resolved: Map = from_files
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        for (k, v) in environment {
            resolved.insert(k, v);
        }
        if resolved.is_empty() {
            map.shift_remove("environment");
        } else {
            map.insert("environment".into(), Value::Map(resolved));
        }
        if discard {
            map.shift_remove("env_file");
        }
    }
    Ok(())
}

/// Fills each service's `labels` from its `label_file`s (labels win).
pub fn resolve_label_files(
    project: &mut Project,
    discard: bool,
    diags: &mut Diagnostics,
) -> Result<(), LoadError> {
    for (name, service) in project.services_mut().iter_mut() {
        let Some(map) = service.as_map_mut() else {
            continue;
        };
        let files: Vec<String> = map
            .get("label_file")
            .and_then(Value::as_seq)
            .map(|s| {
                s.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let mut labels: IndexMap<String, String> = IndexMap::new();
        for path in &files {
            let Some(content) = read(path)? else {
                return Err(LoadError::Invalid {
                    message: format!(
                        "label file {path} not found: stat {path}: no such file or directory"
                    ),
                    path: Some(format!("services.{name}.label_file")),
                });
            };
            let mut vars = IndexMap::new();
            let known = labels.clone();
            parse_into(
                path,
                &content,
                None,
                &mut vars,
                &|k| known.get(k).cloned(),
                diags,
            )?;
            labels.extend(vars);
        }
        if !labels.is_empty() {
            let mut merged: Map = labels
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            if let Some(Value::Map(own)) = map.get("labels") {
                for (k, v) in own {
                    merged.insert(k.clone(), v.clone());
                }
            }
            map.insert("labels".into(), Value::Map(merged));
        }
        if discard {
            map.shift_remove("label_file");
        }
    }
    Ok(())
}
