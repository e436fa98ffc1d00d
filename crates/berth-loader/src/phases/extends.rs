//! Phase: `extends` — a service built on another one, from the same file or another file.
//!
//! Runs on each document right after interpolation, before the document is merged onto the
//! earlier files (compose-go `loader/extends.go`). The base from another file is loaded with
//! the per-file phases only, and its relative paths are rebased on that file's directory.

use berth_model::{Map, Value};

use crate::error::LoadError;
use crate::load::{remove_paths, Loader, PhaseOptions};
use crate::phases::{merge, paths};
use crate::setup::{absolute, io_message, ConfigFile};
use berth_model::golang::clean;

/// The chain of `(file, service)` an extends resolution went through, to report cycles.
#[derive(Debug, Clone, Default)]
pub struct CycleTracker {
    loaded: Vec<(String, String)>,
}

impl CycleTracker {
    fn add(&self, file: &str, service: &str) -> Result<CycleTracker, LoadError> {
        let entry = (file.to_string(), service.to_string());
        if self.loaded.contains(&entry) {
            let mut lines = vec![
                "Circular reference:".to_string(),
                format!("  {} in {}", self.loaded[0].1, self.loaded[0].0),
            ];
            for (f, s) in self.loaded[1..].iter().chain(std::iter::once(&entry)) {
                lines.push(format!("  extends {s} in {f}"));
            }
            return Err(LoadError::invalid(lines.join("\n")));
        }
        let mut loaded = self.loaded.clone();
        loaded.push(entry);
        Ok(CycleTracker { loaded })
    }
}

/// Resolves `extends` of every service of one document.
pub(crate) fn apply_extends(
    loader: &mut Loader<'_>,
    cfg: &mut Value,
    filename: &str,
    reset_paths: &[String],
    tracker: &mut CycleTracker,
) -> Result<(), LoadError> {
    let Some(services) = cfg.get_mut("services") else {
        return Ok(());
    };
    let Value::Map(services) = services else {
        return Err(LoadError::invalid("services must be a mapping"));
    };
    let names: Vec<String> = services.keys().cloned().collect();
    for name in names {
        let merged = resolve_service(loader, &name, services, filename, reset_paths, tracker)?;
        if let Some(merged) = merged {
            services.insert(name, merged);
        }
    }
    Ok(())
}

/// The service `name` of `services` with its `extends` chain applied.
fn resolve_service(
    loader: &mut Loader<'_>,
    name: &str,
    services: &mut Map,
    filename: &str,
    reset_paths: &[String],
    tracker: &CycleTracker,
) -> Result<Option<Value>, LoadError> {
    let service = match services.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => {
            return Err(LoadError::invalid(format!(
                "services.{name} must be a mapping"
            )))
        }
    };
    let Some(extends) = service.get("extends") else {
        return Ok(Some(Value::Map(service)));
    };
    let (reference, file) = match extends {
        Value::Map(m) => match m.get("service") {
            Some(Value::String(s)) => (
                s.clone(),
                m.get("file").and_then(Value::as_str).map(str::to_string),
            ),
            _ => {
                return Err(LoadError::invalid(format!(
                    "extends.{name}.service is required"
                )))
            }
        },
        Value::String(s) => (s.clone(), None),
        _ => return Ok(Some(Value::Map(service))),
    };

    let base = match file {
        Some(ref_file) => {
            let (mut other, other_resets) =
                base_services_from_file(loader, name, &reference, filename, &ref_file)?;
            let tracker = tracker.add(&ref_file, name)?;
            resolve_service(
                loader,
                &reference,
                &mut other,
                &ref_file,
                &other_resets,
                &tracker,
            )?
        }
        None => {
            if !services.contains_key(&reference) {
                return Err(LoadError::Invalid {
                    message: format!(
                        "cannot extend service {name:?} in {filename}: service {reference:?} not found"
                    ),
                    path: Some(format!("services.{name}.extends")),
                });
            }
            let tracker = tracker.add(filename, name)?;
            resolve_service(loader, &reference, services, filename, &[], &tracker)?
        }
    };
    let Some(base) = base else {
        return Ok(Some(Value::Map(service)));
    };

    // Tags of the extending document also reset what the base sets.
    let mut wrapper = Map::default();
    let mut inner = Map::default();
    inner.insert(name.to_string(), base);
    wrapper.insert("services".into(), Value::Map(inner));
    let mut wrapper = Value::Map(wrapper);
    remove_paths(&mut wrapper, reset_paths);
    let base = wrapper
        .as_map_mut()
        .and_then(|w| w.shift_remove("services"))
        .and_then(|mut s| s.as_map_mut().and_then(|s| s.shift_remove(name)))
        .unwrap_or(Value::Map(Map::default()));

    let mut merged = merge::merge_services(base, Value::Map(service))?;
    if let Some(m) = merged.as_map_mut() {
        m.shift_remove("extends");
    }
    services.insert(name.to_string(), merged.clone());
    Ok(Some(merged))
}

/// Loads the services of the file an `extends.file` names, with its paths rebased.
fn base_services_from_file(
    loader: &mut Loader<'_>,
    name: &str,
    reference: &str,
    path: &str,
    ref_path: &str,
) -> Result<(Map, Vec<String>), LoadError> {
    let resource_dir = loader.options.resource_dir.clone();
    let local = absolute(std::path::Path::new(&resource_dir), ref_path);
    let content = std::fs::read_to_string(&local).map_err(|e| LoadError::Read {
        path: local.clone(),
        message: io_message(&e),
    })?;
    let rel_working_dir = relative_dir(&resource_dir, ref_path);

    let options = PhaseOptions {
        resolve_paths: false,
        validate: false,
        extends: false,
        include: false,
        default_values: false,
        resource_dir: parent(&local),
        ..loader.options.clone()
    };
    let mut file = ConfigFile::new(local.clone(), content);
    let mut sub = Loader {
        options,
        environment: loader.environment,
        diags: &mut *loader.diags,
        sources: &mut *loader.sources,
    };
    let mut tracker = CycleTracker::default();
    let resets = match file.documents() {
        Ok(docs) => docs.iter().flat_map(|d| d.reset_paths.clone()).collect(),
        Err(_) => Vec::new(),
    };
    let mut source = sub.load_yaml_file(
        &mut file,
        &rel_working_dir,
        Value::Map(Map::default()),
        &[],
        &mut tracker,
    )?;
    let Some(services) = source.get("services") else {
        return Err(LoadError::invalid(format!(
            "cannot extend service {name:?} in {local}: no services section"
        )));
    };
    let Value::Map(services) = services else {
        return Err(LoadError::invalid(format!(
            "cannot extend service {name:?} in {local}: services must be a mapping"
        )));
    };
    if !services.contains_key(reference) {
        return Err(LoadError::invalid(format!(
            "cannot extend service {name:?} in {path}: service {reference:?} not found in {ref_path}"
        )));
    }
    paths::resolve_relative_paths(
        &mut source,
        &rel_working_dir,
        loader.options.home.as_deref(),
    )?;
    let services = match source.as_map_mut().and_then(|m| m.shift_remove("services")) {
        Some(Value::Map(m)) => m,
        _ => Map::default(),
    };
    Ok((services, resets))
}

fn parent(path: &str) -> String {
    std::path::Path::new(path)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "/".into())
}

/// compose-go's `localResourceLoader.Dir`: the directory of `original` (or `original` itself
/// when it is a directory), relative to `working_dir`.
pub(crate) fn relative_dir(working_dir: &str, original: &str) -> String {
    let base = std::path::Path::new(working_dir);
    let mut file = absolute(base, original);
    if !std::path::Path::new(&file).is_dir() {
        file = absolute(base, &parent_of_relative(original));
    }
    relative(working_dir, &file).unwrap_or(file)
}

fn parent_of_relative(p: &str) -> String {
    match p.rfind('/') {
        Some(0) => "/".into(),
        Some(i) => p[..i].to_string(),
        None => ".".into(),
    }
}

/// Go's `filepath.Rel` for two absolute, clean paths.
pub(crate) fn relative(base: &str, target: &str) -> Option<String> {
    let base = clean(base);
    let target = clean(target);
    if !base.starts_with('/') || !target.starts_with('/') {
        return None;
    }
    let b: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let t: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = std::iter::repeat_n("..", b.len() - common).collect();
    parts.extend(&t[common..]);
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_follows_go() {
        assert_eq!(relative("/a/b", "/a/b/c").as_deref(), Some("c"));
        assert_eq!(relative("/a/b", "/a/d").as_deref(), Some("../d"));
        assert_eq!(relative("/a/b", "/a/b").as_deref(), Some("."));
    }

    #[test]
    fn cycles_name_the_whole_chain() {
        let t = CycleTracker::default();
        let t = t.add("c.yaml", "a").unwrap();
        let t = t.add("c.yaml", "b").unwrap();
        let err = t.add("c.yaml", "a").unwrap_err().to_string();
        assert_eq!(
            err,
            "Circular reference:\n  a in c.yaml\n  extends b in c.yaml\n  extends a in c.yaml"
        );
    }
}
