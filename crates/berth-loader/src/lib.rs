//! Compose files to a normalised project, following compose-go's loading pipeline.
//!
//! `load_project` reads top to bottom as the list of steps; the phases are modules of
//! `phases`, in the order compose-go applies them. Everything here is synchronous and does no
//! engine I/O; the process environment is passed in as a value, never read here.

pub mod diagnostics;
pub mod error;
mod load;
pub mod options;
pub mod phases;
pub mod project;
pub mod run;
pub mod setup;

pub use diagnostics::Diagnostics;
pub use error::{LoadError, Location};
pub use load::normalize_project_name;
pub use options::{LoadSwitches, ProjectOptions};
pub use project::Project;

use berth_model::Value;
use load::Sources;
use phases::{consistency, env_files, profiles};

/// Looks a variable up in the project environment (the interpolation environment).
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A failed load: the error and, when known, where in which file it is.
#[derive(Debug)]
pub struct LoadFailure {
    pub error: Box<LoadError>,
    pub location: Option<Location>,
}

impl std::fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

fn locate(error: LoadError, sources: &Sources) -> LoadFailure {
    let location = error.location(sources);
    LoadFailure {
        error: Box::new(error),
        location,
    }
}

/// What a command needs loaded, and how.
#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    pub switches: LoadSwitches,
    /// Services named on the command line: they are enabled whatever their profiles, and
    /// only they and their dependencies are kept.
    pub services: Vec<String>,
    /// Read `env_file`s into `environment` (commands that only need names skip it).
    pub resolve_environment: bool,
    /// Refuse two services with the same `container_name` (compose checks it where it
    /// renders the whole model in `config`; `create` checks it again).
    pub check_container_names: bool,
}

/// The files, the environment and the project name; the name joins the environment as
/// `COMPOSE_PROJECT_NAME`, so that the files can interpolate it.
fn prepare_named(
    options: &ProjectOptions,
    switches: &LoadSwitches,
    diags: &mut Diagnostics,
) -> Result<(setup::ConfigDetails, String), LoadError> {
    let mut details = setup::prepare(options, diags)?;
    let name = load::project_name(&details, options.project_name.as_deref(), switches, diags)?;
    details
        .environment
        .insert(options::env_names::PROJECT_NAME.into(), name.clone());
    Ok((details, name))
}

/// Only the project name (for commands that act on what is already running): the files
/// are found and read for a `name:`, nothing is interpolated into the model or validated.
pub fn load_project_name(
    options: &ProjectOptions,
    diags: &mut Diagnostics,
) -> Result<String, LoadFailure> {
    prepare_named(options, &LoadSwitches::default(), diags)
        .map(|(_, name)| name)
        .map_err(|e| locate(e, &Sources::default()))
}

/// Loads the project as docker compose's `ToProject` does for `config`.
pub fn load_project(
    options: &ProjectOptions,
    request: &LoadRequest,
    diags: &mut Diagnostics,
) -> Result<Project, LoadFailure> {
    let mut sources = Sources::default();
    load_project_inner(options, request, diags, &mut sources).map_err(|e| locate(e, &sources))
}

fn load_project_inner(
    options: &ProjectOptions,
    request: &LoadRequest,
    diags: &mut Diagnostics,
    sources: &mut Sources,
) -> Result<Project, LoadError> {
    let switches = &request.switches;
    let (mut details, name) = prepare_named(options, switches, diags)?;
    let mut dict = load::load_model(&mut details, switches, &name, diags, sources)?;
    if let Some(map) = dict.as_map_mut() {
        map.shift_remove("name");
    }
    let mut model = berth_model::shape::decode(&dict)?;
    if let Some(map) = model.as_map_mut() {
        map.insert("name".into(), Value::String(name.clone()));
    }
    let mut project = Project {
        name,
        working_dir: details.working_dir.clone(),
        config_files: details.files.iter().map(|f| f.filename.clone()).collect(),
        environment: details.environment.clone(),
        explicit_env_files: details.explicit_env_files.clone(),
        model,
        disabled_services: Default::default(),
        profiles: Vec::new(),
    };
    profiles::with_profiles(&mut project, &details.profiles);
    if switches.consistency {
        consistency::check_consistency(&mut project)?;
    }
    // `config --no-env-resolution` does not stop this in the reference either.
    if request.resolve_environment {
        env_files::resolve_env_files(&mut project, true, diags)?;
    }
    env_files::resolve_label_files(&mut project, true, diags)?;
    if project.name.is_empty() {
        return Err(LoadError::invalid(
            "project name can't be empty. Use `--project-name` to set a valid name",
        ));
    }
    profiles::with_services_enabled(&mut project, &request.services);
    profiles::with_selected_services(&mut project, &request.services)?;
    if !switches.all_resources {
        profiles::without_unnecessary_resources(&mut project);
    }
    if switches.consistency && request.check_container_names {
        consistency::check_container_name_unicity(&project)?;
    }
    Ok(project)
}

/// Loads the project for the commands that run it: [`load_project`], then the typed
/// project with its config hashes (`compatibility`: `--compatibility`).
pub fn load_typed(
    options: &ProjectOptions,
    request: &LoadRequest,
    compatibility: bool,
    diags: &mut Diagnostics,
) -> Result<berth_model::compose::Project, LoadFailure> {
    let project = load_project(options, request, diags)?;
    phases::typed::typed(project, compatibility).map_err(|e| LoadFailure {
        error: Box::new(e.into()),
        location: None,
    })
}

/// Loads the project for `run`: [`load_project`], then `change` (the flags of `run`, which
/// need the loaded project: its name, its environment), then the typed project.
pub fn load_typed_with(
    options: &ProjectOptions,
    request: &LoadRequest,
    compatibility: bool,
    diags: &mut Diagnostics,
    change: impl FnOnce(&mut Project, &mut Diagnostics) -> Result<(), LoadError>,
) -> Result<berth_model::compose::Project, LoadFailure> {
    let mut project = load_project(options, request, diags)?;
    change(&mut project, diags).map_err(|e| LoadFailure {
        error: Box::new(e),
        location: None,
    })?;
    phases::typed::typed(project, compatibility).map_err(|e| LoadFailure {
        error: Box::new(e.into()),
        location: None,
    })
}

/// The raw model (`config --no-interpolate`, `--variables`): loaded and normalised, not typed.
pub fn load_model(
    options: &ProjectOptions,
    switches: &LoadSwitches,
    diags: &mut Diagnostics,
) -> Result<(Value, setup::ConfigDetails), LoadFailure> {
    let mut sources = Sources::default();
    let run = |sources: &mut Sources, diags: &mut Diagnostics| {
        let (mut details, name) = prepare_named(options, switches, diags)?;
        let dict = load::load_model(&mut details, switches, &name, diags, sources)?;
        Ok((dict, details))
    };
    run(&mut sources, diags).map_err(|e| locate(e, &sources))
}
