//! The pipeline itself: files → raw model → normalised model → typed project.
//!
//! Reads top to bottom as the phases compose-go applies: per file (parse, interpolate,
//! extends, include, merge, uniqueness, schema, canonical form, omit empty), then on the
//! whole model (defaults, checks, relative paths, environment, normalise), then bind to the
//! typed model (decode) and the project-level steps (profiles, consistency, env_file).

use std::path::Path;

use berth_model::{Map, Value};
use indexmap::IndexMap;

use crate::error::{LoadError, Location};
use crate::options::LoadSwitches;
use crate::phases::parse::{self, Document, SourceMap};
use crate::phases::{
    canonical, checks, defaults, environment, extends, include, interpolate, merge, normalise,
    paths, validate,
};
use crate::setup::{ConfigDetails, ConfigFile};
use crate::Diagnostics;

/// Per-load options that phases switch on (compose-go's `loader.Options`).
#[derive(Debug, Clone)]
pub(crate) struct PhaseOptions {
    pub interpolate: bool,
    pub resolve_paths: bool,
    pub validate: bool,
    pub extends: bool,
    pub include: bool,
    pub default_values: bool,
    /// Where relative `extends.file` and `include` paths are read from.
    pub resource_dir: String,
    pub home: Option<String>,
}

/// What loading keeps besides the model: where each file said what, for error positions.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<(String, SourceMap)>,
}

impl Sources {
    fn add(&mut self, file: &str, map: SourceMap) {
        self.files.push((file.to_string(), map));
    }
    /// The last file that wrote `path`, and where.
    pub fn locate(&self, path: &str) -> Option<Location> {
        self.files.iter().rev().find_map(|(file, map)| {
            map.locate(path).map(|pos| Location {
                file: file.clone(),
                pos: Some(pos),
            })
        })
    }
}

/// The state a load threads through its phases.
pub(crate) struct Loader<'a> {
    pub options: PhaseOptions,
    pub environment: &'a IndexMap<String, String>,
    pub diags: &'a mut Diagnostics,
    pub sources: &'a mut Sources,
}

impl Loader<'_> {
    /// compose-go's `loadYamlModel`: every file merged, then the whole-model phases.
    pub fn load_yaml_model(
        &mut self,
        files: &mut [ConfigFile],
        working_dir: &str,
        included: &[String],
    ) -> Result<Value, LoadError> {
        let mut dict = Value::Map(Map::default());
        let mut tracker = extends::CycleTracker::default();
        for file in files.iter_mut() {
            dict = self.load_yaml_file(file, working_dir, dict, included, &mut tracker)?;
        }
        if self.options.default_values {
            dict = defaults::set_default_values(dict)?;
        }
        if self.options.validate {
            checks::check(&dict)?;
        }
        if self.options.resolve_paths {
            paths::resolve_relative_paths(&mut dict, working_dir, self.options.home.as_deref())?;
        }
        environment::resolve_environment(&mut dict, self.environment);
        Ok(dict)
    }

    /// compose-go's `loadYamlFile`: each document of one file merged onto `dict`.
    pub fn load_yaml_file(
        &mut self,
        file: &mut ConfigFile,
        working_dir: &str,
        mut dict: Value,
        included: &[String],
        tracker: &mut extends::CycleTracker,
    ) -> Result<Value, LoadError> {
        let documents = file.take_documents().map_err(|source| LoadError::Parse {
            file: file.filename.clone(),
            source,
        })?;
        for Document {
            value,
            reset_paths,
            source_map,
        } in documents
        {
            self.sources.add(&file.filename, source_map);
            let Some(value) = value else {
                return Err(LoadError::TopLevelNotMapping {
                    file: file.filename.clone(),
                });
            };
            if !matches!(value, Value::Map(_)) {
                return Err(LoadError::TopLevelNotMapping {
                    file: file.filename.clone(),
                });
            }
            let mut cfg = value;
            if self.options.interpolate {
                let environment = self.environment;
                let lookup = |k: &str| environment.get(k).cloned();
                cfg = interpolate::interpolate(cfg, &lookup, self.diags).map_err(|source| {
                    LoadError::Interpolate {
                        file: file.filename.clone(),
                        source,
                    }
                })?;
            }
            if self.options.extends {
                extends::apply_extends(self, &mut cfg, &file.filename, &reset_paths, tracker)?;
            }
            remove_paths(&mut dict, &reset_paths);
            if self.options.include {
                let mut chain = included.to_vec();
                chain.push(file.filename.clone());
                include::apply_include(self, &mut cfg, working_dir, &chain)?;
            }
            dict = merge::merge(dict, cfg)?;
            dict = merge::enforce_unicity(dict)?;
            if self.options.validate {
                validate::validate_schema(&dict).map_err(|source| LoadError::Schema {
                    file: file.filename.clone(),
                    source,
                })?;
                if let Some(map) = dict.as_map_mut() {
                    if map.shift_remove("version").is_some() {
                        self.diags.warn(format!(
                            "{}: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion",
                            file.filename
                        ));
                    }
                }
            }
            dict = canonical::canonical_with(dict, !self.options.interpolate, self.diags)?;
            dict = canonical::omit_empty(dict);
            dict = merge::enforce_unicity(dict)?;
        }
        Ok(dict)
    }
}

/// Drops what earlier files set at paths a document tagged `!reset` or `!override`.
pub(crate) fn remove_paths(dict: &mut Value, paths: &[String]) {
    for path in paths {
        let segments: Vec<&str> = path.split('.').collect();
        remove_path(dict, &segments);
    }
}

fn remove_path(value: &mut Value, segments: &[&str]) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    // Like compose-go, sequence items are never matched by a reset path.
    let Value::Map(map) = value else { return };
    if rest.is_empty() {
        map.shift_remove(*first);
    } else if let Some(child) = map.get_mut(*first) {
        remove_path(child, rest);
    }
}

/// The model of the whole project (compose-go's `load` after `projectName`), not yet typed.
pub(crate) fn load_model(
    details: &mut ConfigDetails,
    switches: &LoadSwitches,
    project_name: &str,
    diags: &mut Diagnostics,
    sources: &mut Sources,
) -> Result<Value, LoadError> {
    let options = PhaseOptions {
        interpolate: switches.interpolate,
        resolve_paths: switches.resolve_paths,
        validate: true,
        extends: true,
        include: true,
        default_values: true,
        resource_dir: details.working_dir.clone(),
        home: details.environment.get("HOME").cloned(),
    };
    let mut loader = Loader {
        options,
        environment: &details.environment,
        diags,
        sources,
    };
    let mut dict = loader.load_yaml_model(&mut details.files, &details.working_dir, &[])?;
    if dict.as_map().is_none_or(|m| m.is_empty()) {
        return Err(LoadError::EmptyFile);
    }
    if project_name.is_empty() {
        return Err(LoadError::ProjectNameEmpty);
    }
    if switches.normalize {
        if let Some(map) = dict.as_map_mut() {
            map.insert("name".into(), Value::String(project_name.into()));
        }
        dict = normalise::normalize(dict, &details.environment)?;
    }
    Ok(dict)
}

/// compose-go's `NormalizeProjectName`: lowercase, keep `[a-z0-9_-]`, trim leading `_`/`-`.
pub fn normalize_project_name(s: &str) -> String {
    let lowered = s.to_lowercase();
    let kept: String = lowered
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// The project name, with compose's precedence: `-p`, `COMPOSE_PROJECT_NAME`, the files'
/// `name:` (interpolated), the working directory's name.
pub(crate) fn project_name(
    details: &ConfigDetails,
    flag: Option<&str>,
    switches: &LoadSwitches,
    diags: &mut Diagnostics,
) -> Result<String, LoadError> {
    let imperative = flag
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| {
            details
                .environment
                .get(crate::options::env_names::PROJECT_NAME)
                .filter(|s| !s.is_empty())
                .cloned()
        });
    if flag.is_none_or(str::is_empty) {
        // docker compose first reads every file for a `name` (cli `prepare`); what fails to
        // decode there is reported as is.
        for file in &details.files {
            match file.documents() {
                // Only syntax errors fail that decode; duplicate or odd keys are caught later.
                Err(
                    source @ (parse::ParseError::Syntax { .. }
                    | parse::ParseError::UnknownAnchor { .. }),
                ) => {
                    return Err(LoadError::NameLookupParse {
                        file: file.filename.clone(),
                        source: source.clone(),
                    })
                }
                Err(_) => {}
                Ok(docs) => {
                    let kind = match docs.first().and_then(|d| d.value.as_ref()) {
                        Some(Value::Seq(_)) => Some("seq"),
                        Some(Value::Map(_)) | None => None,
                        Some(Value::String(_)) => Some("str"),
                        Some(Value::Timestamp(_)) => Some("timestamp"),
                        Some(Value::Int(_) | Value::Uint(_)) => Some("int"),
                        Some(Value::Float(_)) => Some("float"),
                        Some(Value::Bool(_)) => Some("bool"),
                        Some(Value::Null) => None,
                    };
                    if let Some(kind) = kind {
                        return Err(LoadError::NameLookupNotMapping {
                            file: file.filename.clone(),
                            line: 1,
                            kind,
                        });
                    }
                }
            }
        }
    }
    if let Some(name) = imperative {
        if normalize_project_name(&name) != name {
            return Err(LoadError::InvalidProjectName(name));
        }
        return Ok(name);
    }
    let mut from_files = String::new();
    let mut named_in_yaml = false;
    for file in &details.files {
        // A file that does not parse is reported by the pipeline, not here.
        let Ok(documents) = file.documents() else {
            break;
        };
        for doc in documents {
            if let Some(Value::String(name)) = doc.value.as_ref().and_then(|v| v.get("name")) {
                if !name.is_empty() {
                    from_files = name.clone();
                    named_in_yaml = true;
                }
            }
        }
    }
    if switches.interpolate {
        let lookup = |k: &str| details.environment.get(k).cloned();
        let mut map = Map::default();
        map.insert("name".into(), Value::String(from_files.clone()));
        let out = interpolate::interpolate(Value::Map(map), &lookup, diags).map_err(|source| {
            LoadError::Interpolate {
                file: details
                    .files
                    .first()
                    .map(|f| f.filename.clone())
                    .unwrap_or_default(),
                source,
            }
        })?;
        if let Some(Value::String(s)) = out.get("name") {
            from_files = s.clone();
        }
    }
    if switches.normalize {
        from_files = normalize_project_name(&from_files);
    }
    // A name written in a file that comes out empty is an error later, not the dir's name.
    if !from_files.is_empty() || named_in_yaml {
        return Ok(from_files);
    }
    let base = Path::new(&details.working_dir)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(normalize_project_name(&base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_normalise_as_compose() {
        assert_eq!(normalize_project_name("Name_Test.Dir"), "name_testdir");
        assert_eq!(normalize_project_name("My Proj!"), "myproj");
        assert_eq!(normalize_project_name("--_x"), "x");
    }

    #[test]
    fn reset_paths_remove_only_maps_entries() {
        let mut dict = parse::parse("services:\n  a:\n    cap_add: [X]\n    image: i\n")
            .unwrap()
            .remove(0)
            .value
            .unwrap();
        remove_paths(&mut dict, &["services.a.cap_add".to_string()]);
        let a = dict.get("services").unwrap().get("a").unwrap();
        assert!(a.get("cap_add").is_none());
        assert!(a.get("image").is_some());
    }
}
