//! What the engine commands share: the runtime, the engine connection, the project (whole,
//! or only its name), the progress renderer, and how their errors are printed.

use berth_engine::{Engine, EngineError};
use berth_loader::{Diagnostics, LoadRequest, LoadSwitches};
use berth_ops::Project;
use berth_ui::progress::{Mode, Renderer};

use crate::cli::GlobalFlags;
use crate::commands::config::project_options;
use crate::env_names;
use crate::errors::{self, report};
use crate::output;
use crate::settings::Settings;

pub use crate::errors::{engine_error, error, CmdResult, Exit};

/// Runs an async command body on a single-threaded runtime: the work is I/O on one socket.
pub fn block_on<F: std::future::Future<Output = CmdResult>>(future: F) -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            output::error(&e.to_string());
            return 1;
        }
    };
    match runtime.block_on(future) {
        Ok(code) | Err(Exit(code)) => code,
    }
}

/// The engine address: `-H`, else `DOCKER_HOST`, else the local socket.
pub fn docker_host(global: &GlobalFlags, settings: &Settings) -> String {
    global
        .host
        .clone()
        .or_else(|| {
            settings
                .var(env_names::DOCKER_HOST)
                .filter(|h| !h.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| berth_engine::DEFAULT_SOCKET.to_string())
}

/// Connects to the engine named by the environment (or `-H`).
pub async fn connect(global: &GlobalFlags, settings: &Settings) -> Result<Engine, Exit> {
    try_connect(global, settings).await.map_err(engine_error)
}

/// [`connect`], with the error left unprinted.
pub async fn try_connect(global: &GlobalFlags, settings: &Settings) -> Result<Engine, EngineError> {
    let mut env = settings.env.clone();
    if let Some(host) = &global.host {
        env.insert(env_names::DOCKER_HOST.into(), host.clone());
    }
    let early = settings.early_ping.lock().ok().and_then(|mut e| e.take());
    Engine::connect_after(&env, early).await
}

/// The project's name when it is known before its files are read: `-p`, else
/// `COMPOSE_PROJECT_NAME` (both come before the files' `name:`).
pub fn early_project_name(global: &GlobalFlags, settings: &Settings) -> Option<String> {
    global
        .project_name
        .clone()
        .or_else(|| settings.var(env_names::PROJECT_NAME).map(str::to_string))
        .filter(|n| !n.is_empty())
        .map(|n| n.to_lowercase())
}

/// Loads the whole project (commands that create things need it), with `services` selected.
pub fn load_spec(
    global: &GlobalFlags,
    settings: &Settings,
    services: &[String],
) -> Result<Project, Exit> {
    let mut diags = Diagnostics::default();
    match try_load_spec(global, settings, services, true, &mut diags) {
        Ok(spec) => {
            report(settings, &diags);
            Ok(spec)
        }
        Err(failure) => Err(errors::load_failure(settings, &diags, failure)),
    }
}

/// Loads the project; a load failure comes back unprinted.
fn try_load_spec(
    global: &GlobalFlags,
    settings: &Settings,
    services: &[String],
    resolve_environment: bool,
    diags: &mut Diagnostics,
) -> Result<Project, berth_loader::LoadFailure> {
    let options = project_options(global, settings);
    let compatibility = settings.resolved.compatibility;
    let request = LoadRequest {
        switches: LoadSwitches {
            all_resources: global.all_resources.unwrap_or(false),
            ..LoadSwitches::default()
        },
        services: services.to_vec(),
        resolve_environment,
        check_container_names: false,
    };
    berth_loader::load_typed(&options, &request, compatibility, diags)
}

/// compose's `projectOrName`, for the commands that act on what is running: with `-p` and
/// no `-f` the name is enough (the verbs rebuild the services from container labels, even
/// when the directory has a compose file); otherwise the file is loaded with `services`
/// selected (an unknown one is an error) and env files unread. When loading fails and
/// `COMPOSE_PROJECT_NAME` is set, that name is used instead, silently.
pub fn project_or_name(
    global: &GlobalFlags,
    settings: &Settings,
    services: &[String],
) -> Result<ProjectRef, Exit> {
    let named = |name: &str| ProjectRef {
        project: None,
        name: name.to_lowercase(),
    };
    if let (Some(name), true) = (&global.project_name, global.file.is_empty()) {
        if !name.is_empty() {
            return Ok(named(name));
        }
    }
    let mut diags = Diagnostics::default();
    match try_load_spec(global, settings, services, false, &mut diags) {
        Ok(spec) => {
            report(settings, &diags);
            Ok(ProjectRef {
                name: spec.name.clone(),
                project: Some(spec),
            })
        }
        Err(failure) => match settings.var(env_names::PROJECT_NAME) {
            Some(name) if !name.is_empty() => Ok(named(name)),
            _ => Err(errors::load_failure(settings, &diags, failure)),
        },
    }
}

/// The project a command acts on: the loaded file, or only its name (the verbs then find
/// the services by the containers' labels).
#[derive(Debug)]
pub struct ProjectRef {
    pub project: Option<Project>,
    pub name: String,
}

/// The project name only: `-p`, else `COMPOSE_PROJECT_NAME`, else what the files say,
/// without loading the model (compose's `projectOrName`).
pub fn project_name(global: &GlobalFlags, settings: &Settings) -> Result<String, Exit> {
    if let Some(name) = &global.project_name {
        if global.file.is_empty() {
            return Ok(name.clone());
        }
    }
    let options = project_options(global, settings);
    let mut diags = Diagnostics::default();
    match berth_loader::load_project_name(&options, &mut diags) {
        Ok(name) => {
            report(settings, &diags);
            Ok(name)
        }
        Err(failure) => Err(errors::load_failure(settings, &diags, failure)),
    }
}

/// Whether `--dry-run` is on.
pub fn dry_run(global: &GlobalFlags) -> bool {
    global.dry_run.unwrap_or(false)
}

/// The progress renderer `--progress`/`COMPOSE_PROGRESS`, `--ansi`/`COMPOSE_ANSI` and the
/// terminal ask for (compose's root command: `--ansi never` means plain, `always` means tty,
/// unless `--progress` says otherwise; `NO_COLOR` turns colours off).
pub fn renderer(global: &GlobalFlags, settings: &Settings) -> Renderer {
    let ansi = settings.resolved.ansi.as_str();
    let mode = match settings.resolved.progress.as_str() {
        "tty" => Mode::Tty,
        "plain" => Mode::Plain,
        "json" => Mode::Json,
        "quiet" | "none" => Mode::Quiet,
        _ if ansi == "never" => Mode::Plain,
        _ if ansi == "always" => Mode::Tty,
        _ if settings.stderr_is_tty => Mode::Tty,
        _ => Mode::Plain,
    };
    let colors = !settings.resolved.no_color;
    let warn_settings = settings.clone();
    Renderer::new(
        mode,
        dry_run(global),
        Box::new(move |message| output::warn(&warn_settings, message)),
    )
    .colors(colors)
}

/// How the command's plan is run: `--dry-run`, `--parallel`.
pub fn run_options(global: &GlobalFlags, settings: &Settings) -> berth_ops::execute::RunOptions {
    berth_ops::execute::RunOptions {
        dry_run: dry_run(global),
        parallel: settings.resolved.parallel,
    }
}

/// `-t/--timeout` as the engine takes it.
pub fn timeout(t: Option<i64>) -> Option<i32> {
    t.map(|t| t.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
}

/// The project of the working directory's compose file when there is one, under the `-p`
/// name (compose's `down -p x` in a project directory uses its networks and volumes).
pub fn load_spec_if_present(
    global: &GlobalFlags,
    settings: &Settings,
) -> Result<Option<Project>, Exit> {
    let options = project_options(global, settings);
    let mut diags = Diagnostics::default();
    match berth_loader::load_project_name(&options, &mut diags) {
        Err(failure) if matches!(*failure.error, berth_loader::LoadError::NoConfigFile) => Ok(None),
        _ => load_spec(global, settings, &[]).map(Some),
    }
}

/// Whether ANSI codes are used on a stream (`--ansi`, `COMPOSE_ANSI`, `NO_COLOR`; `auto`
/// means when the stream is a terminal).
pub fn ansi(settings: &Settings, is_tty: bool) -> bool {
    if settings.resolved.no_color {
        return false;
    }
    match settings.resolved.ansi.as_str() {
        "never" => false,
        "always" => true,
        _ => is_tty,
    }
}

/// Runs a verb with the progress renderer the flags ask for, closes the display, and
/// prints the verb's error as compose does (exit status 1).
pub async fn with_progress<T>(
    global: &GlobalFlags,
    settings: &Settings,
    title: &str,
    verb: impl AsyncFnOnce(&Renderer) -> berth_ops::OpsResult<T>,
) -> Result<T, Exit> {
    let renderer = renderer(global, settings).title(title);
    let result = verb(&renderer).await;
    renderer.finish();
    result.map_err(|e| errors::ops_error(settings, e))
}
