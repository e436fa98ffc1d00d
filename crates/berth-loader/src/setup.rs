//! Before the pipeline: the project environment (process env + `.env` files), the compose
//! files to load (flags, `COMPOSE_FILE`, or discovery upward from the working directory),
//! and the active profiles — in the order docker compose resolves them.

use std::path::{Path, PathBuf};

use berth_model::golang::clean;
use indexmap::IndexMap;

use crate::error::LoadError;
use crate::options::{env_names, ProjectOptions};
use crate::phases::dotenv;
use crate::phases::parse::{Document, ParseError};
use crate::Diagnostics;

/// Compose file names looked for, in order of preference.
pub const DEFAULT_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];
/// Override file names looked for beside the compose file found.
pub const DEFAULT_OVERRIDE_FILE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// One compose file and its content.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Absolute path, or `-` for standard input.
    pub filename: String,
    pub content: String,
    /// The content parsed, once: the project-name lookup and the pipeline both read it.
    pub documents: std::sync::OnceLock<Result<Vec<Document>, ParseError>>,
}

impl ConfigFile {
    pub fn new(filename: String, content: String) -> Self {
        ConfigFile {
            filename,
            content,
            documents: std::sync::OnceLock::new(),
        }
    }

    /// The file's YAML documents, parsed on first use.
    pub fn documents(&self) -> &Result<Vec<Document>, ParseError> {
        self.documents
            .get_or_init(|| crate::phases::parse::parse(&self.content))
    }

    /// The documents, handed over to the pipeline (parsed now if nothing read them yet).
    pub fn take_documents(&mut self) -> Result<Vec<Document>, ParseError> {
        self.documents
            .take()
            .unwrap_or_else(|| crate::phases::parse::parse(&self.content))
    }
}

/// Everything the pipeline needs to start.
#[derive(Debug, Clone)]
pub struct ConfigDetails {
    pub working_dir: String,
    pub files: Vec<ConfigFile>,
    /// The interpolation environment: process env over `.env` files.
    pub environment: IndexMap<String, String>,
    /// The `--env-file`s given explicitly (they become a container label).
    pub explicit_env_files: Vec<String>,
    pub profiles: Vec<String>,
}

/// Joins `p` to `base` unless absolute, and cleans it as Go's `filepath.Abs` does.
pub fn absolute(base: &Path, p: &str) -> String {
    let joined = if Path::new(p).is_absolute() {
        PathBuf::from(p)
    } else {
        base.join(p)
    };
    clean(&joined.to_string_lossy())
}

fn parent_dir(path: &str) -> String {
    match Path::new(path).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_string_lossy().into_owned(),
        _ => "/".into(),
    }
}

/// The working directory as compose picks it: `--project-directory`, else the directory of
/// the first compose file, else the current directory.
fn working_dir(opts: &ProjectOptions, files: &[String]) -> String {
    if let Some(dir) = &opts.project_directory {
        return absolute(&opts.cwd, dir);
    }
    if let Some(first) = files.iter().find(|f| *f != "-") {
        return parent_dir(&absolute(&opts.cwd, first));
    }
    clean(&opts.cwd.to_string_lossy())
}

/// The env files to read: the explicit ones, or `<working dir>/.env` when it exists.
fn env_files(opts: &ProjectOptions, working_dir: &str, previous: Vec<String>) -> Vec<String> {
    if !opts.env_files.is_empty() {
        return opts.env_files.clone();
    }
    if let Some(v) = opts.os_env.get(env_names::DISABLE_ENV_FILE) {
        if parse_go_bool(v) == Some(true) {
            return previous;
        }
    }
    let default = format!("{working_dir}/.env");
    if Path::new(&default).is_file() {
        vec![default]
    } else {
        previous
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Reads env files into one map: later files override earlier ones, and every file sees the
/// process environment and the keys read before it.
pub fn read_env_files(
    files: &[String],
    os_env: &IndexMap<String, String>,
    cwd: &Path,
    diags: &mut Diagnostics,
) -> Result<IndexMap<String, String>, LoadError> {
    let mut out: IndexMap<String, String> = IndexMap::new();
    for file in files {
        let path = absolute(cwd, file);
        let meta =
            std::fs::metadata(&path).map_err(|_| LoadError::EnvFileNotFound(path.clone()))?;
        if meta.is_dir() {
            return Err(LoadError::EnvFileIsDirectory(path));
        }
        let content = std::fs::read_to_string(&path).map_err(|e| LoadError::Read {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let lookup = |k: &str| os_env.get(k).cloned();
        dotenv::parse_dotenv_into(&content, &mut out, &lookup, diags).map_err(|source| {
            LoadError::DotEnv {
                file: path.clone(),
                source,
            }
        })?;
    }
    Ok(out)
}

fn merge_missing(env: &mut IndexMap<String, String>, from: IndexMap<String, String>) {
    for (k, v) in from {
        env.entry(k).or_insert(v);
    }
}

fn find_files(names: &[&str], dir: &str) -> Vec<String> {
    names
        .iter()
        .map(|n| format!("{}/{n}", dir.trim_end_matches('/')))
        .filter(|f| Path::new(f).exists())
        .collect()
}

/// The first of the files found, with compose's warnings when there are several.
fn first_of(found: &[String], what: &str, diags: &mut Diagnostics) -> Option<String> {
    let first = found.first()?;
    if found.len() > 1 {
        diags.warn(format!(
            "Found multiple {what} files with supported names: {}",
            found.join(", ")
        ));
        diags.warn(format!("Using {first}"));
    }
    Some(first.clone())
}

/// Searches `dir` and then each parent for a compose file (and its override file).
fn discover(dir: &str, diags: &mut Diagnostics) -> Vec<String> {
    let mut dir = dir.to_string();
    loop {
        let candidates = find_files(&DEFAULT_FILE_NAMES, &dir);
        if let Some(winner) = first_of(&candidates, "config", diags) {
            let mut files = vec![winner];
            let overrides = find_files(&DEFAULT_OVERRIDE_FILE_NAMES, &dir);
            files.extend(first_of(&overrides, "override", diags));
            return files;
        }
        let parent = parent_dir(&dir);
        if parent == dir {
            return Vec::new();
        }
        dir = parent;
    }
}

/// Resolves the environment, the files and the profiles, and reads the files.
pub fn prepare(opts: &ProjectOptions, diags: &mut Diagnostics) -> Result<ConfigDetails, LoadError> {
    let mut environment = opts.os_env.clone();
    environment
        .entry("PWD".into())
        .or_insert_with(|| opts.cwd.to_string_lossy().into_owned());

    // .env of the first guess at the working directory: it may set COMPOSE_FILE.
    let mut files: Vec<String> = opts.files.clone();
    let mut wd = working_dir(opts, &files);
    let mut dotenv_files = env_files(opts, &wd, Vec::new());
    let from_files = read_env_files(&dotenv_files, &environment, &opts.cwd, diags)?;
    merge_missing(&mut environment, from_files);

    if files.is_empty() {
        if let Some(list) = environment.get(env_names::FILE) {
            let sep = environment
                .get(env_names::PATH_SEPARATOR)
                .filter(|s| !s.is_empty())
                .cloned()
                .unwrap_or_else(|| ":".into());
            for f in list.split(sep.as_str()) {
                if f == "-" {
                    files.push(f.into());
                    continue;
                }
                let abs = absolute(&opts.cwd, f);
                if !Path::new(&abs).exists() {
                    return Err(LoadError::ComposeFileNotFound { path: abs });
                }
                files.push(abs);
            }
        }
    }
    if files.is_empty() {
        files = discover(&wd, diags);
    }

    // The project directory may have moved with the files found: read its .env too.
    wd = working_dir(opts, &files);
    dotenv_files = env_files(opts, &wd, dotenv_files);
    let from_files = read_env_files(&dotenv_files, &environment, &opts.cwd, diags)?;
    merge_missing(&mut environment, from_files);

    let profiles = if opts.profiles.is_empty() {
        environment
            .get(env_names::PROFILES)
            .map(String::as_str)
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().to_string())
            .collect()
    } else {
        opts.profiles.clone()
    };

    if files.is_empty() {
        return Err(LoadError::NoConfigFile);
    }
    let mut config_files = Vec::with_capacity(files.len());
    for f in &files {
        if f == "-" {
            config_files.push(ConfigFile::new(
                "-".into(),
                opts.stdin.clone().unwrap_or_default(),
            ));
            continue;
        }
        let path = absolute(&opts.cwd, f);
        let content = std::fs::read_to_string(&path).map_err(|e| LoadError::Read {
            path: path.clone(),
            message: io_message(&e),
        })?;
        config_files.push(ConfigFile::new(path, content));
    }
    Ok(ConfigDetails {
        working_dir: wd,
        files: config_files,
        environment,
        explicit_env_files: opts
            .env_files
            .iter()
            .map(|f| absolute(&opts.cwd, f))
            .collect(),
        profiles,
    })
}

/// The project's environment (the process environment over the `.env` files) as
/// [`prepare`] resolves it, also where there is no compose file: compose's
/// `toProjectOptions`, in which `exec -e KEY` looks KEY up.
pub fn environment(
    opts: &ProjectOptions,
    diags: &mut Diagnostics,
) -> Result<IndexMap<String, String>, LoadError> {
    match prepare(opts, diags) {
        Ok(details) => Ok(details.environment),
        Err(LoadError::NoConfigFile) => {
            let mut environment = opts.os_env.clone();
            environment
                .entry("PWD".into())
                .or_insert_with(|| opts.cwd.to_string_lossy().into_owned());
            let wd = working_dir(opts, &opts.files);
            let files = env_files(opts, &wd, Vec::new());
            let from_files = read_env_files(&files, &environment, &opts.cwd, diags)?;
            merge_missing(&mut environment, from_files);
            Ok(environment)
        }
        Err(e) => Err(e),
    }
}

/// An I/O error in Go's words (`no such file or directory`).
pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_walks_up_and_finds_the_override() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_string_lossy().to_string();
        std::fs::write(format!("{root}/compose.yaml"), "services: {}").unwrap();
        std::fs::write(format!("{root}/compose.override.yml"), "services: {}").unwrap();
        std::fs::create_dir(format!("{root}/sub")).unwrap();
        let mut diags = Diagnostics::default();
        let found = discover(&format!("{root}/sub"), &mut diags);
        assert_eq!(
            found,
            vec![
                format!("{root}/compose.yaml"),
                format!("{root}/compose.override.yml")
            ]
        );
        assert!(diags.warnings.is_empty());
    }
}
