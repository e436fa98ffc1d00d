//! `up` and `create`: their flags, compose's flag checks, and one call to `ops::up`.

use std::time::Duration;

use berth_engine::{DockerConfigFile, Engine, ReadOnly};
use berth_model::compose::PullPolicy;
use berth_model::image_ref::ImageRef;
use berth_ops::attach::{up_attached, AttachOptions, Attachment, Cascade};
use berth_ops::execute::{Executor, PullOptions};
use berth_ops::observe;
use berth_ops::project::{self, ProjectFlags};
use berth_ops::up::{PlanOptions, UpOptions};
use berth_ops::Project;
use berth_plan::graph::{Graph, Widen};
use berth_plan::Observed;
use berth_plan::{Plan, Recreate};
use berth_ui::logs::{LogPrinter, LogStyle};
use clap::Args;
use indexmap::IndexMap;

use crate::cli::{parse_go_bool, parse_go_int, GlobalFlags};
use crate::commands::common::{self, error, Exit};
use crate::env_names;
use crate::errors;
use crate::output;
use crate::settings::Settings;
use crate::terminal;

// The flags `up` and `create` share (a plain comment: a doc comment would become the
// help text of whichever command runs them last).
#[derive(Debug, Args, Default, Clone)]
pub struct CreateFlags {
    /// Build images before starting containers
    #[arg(long = "build", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub build: Option<bool>,
    /// Don't build an image, even if it's policy
    #[arg(long = "no-build", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_build: Option<bool>,
    /// Pull image before running ("always"|"missing"|"never")
    #[arg(long = "pull", value_name = "string")]
    pub pull: Option<String>,
    /// Pull without printing progress information
    #[arg(long = "quiet-pull", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet_pull: Option<bool>,
    /// Recreate containers even if their configuration and image haven't changed
    #[arg(long = "force-recreate", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub force_recreate: Option<bool>,
    /// If containers already exist, don't recreate them. Incompatible with --force-recreate.
    #[arg(long = "no-recreate", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_recreate: Option<bool>,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub remove_orphans: Option<bool>,
    /// Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.
    #[arg(long = "scale", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub scale: Vec<String>,
    /// Assume "yes" as answer to all prompts and run non-interactively
    #[arg(short = 'y', long = "yes", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub yes: Option<bool>,
}

#[derive(Debug, Args, Default)]
pub struct CreateArgs {
    #[command(flatten)]
    pub create: CreateFlags,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

#[derive(Debug, Args, Default)]
pub struct UpArgs {
    #[command(flatten)]
    pub create: CreateFlags,
    /// Detached mode: Run containers in the background
    #[arg(short = 'd', long = "detach", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub detach: Option<bool>,
    /// Produce monochrome output
    #[arg(long = "no-color", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_color: Option<bool>,
    /// Don't print prefix in logs
    #[arg(long = "no-log-prefix", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_log_prefix: Option<bool>,
    /// Don't start the services after creating them
    #[arg(long = "no-start", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_start: Option<bool>,
    /// Stops all containers if any container was stopped. Incompatible with -d
    #[arg(long = "abort-on-container-exit", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub abort_on_container_exit: Option<bool>,
    /// Stops all containers if any container exited with failure. Incompatible with -d
    #[arg(long = "abort-on-container-failure", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub abort_on_container_failure: Option<bool>,
    /// Return the exit code of the selected service container. Implies --abort-on-container-exit
    #[arg(long = "exit-code-from", value_name = "string")]
    pub exit_code_from: Option<String>,
    /// Use this timeout in seconds for container shutdown when attached or when containers are already running
    #[arg(short = 't', long = "timeout", value_name = "int", allow_negative_numbers = true, value_parser = parse_go_int)]
    pub timeout: Option<i64>,
    /// Show timestamps
    #[arg(long = "timestamps", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub timestamps: Option<bool>,
    /// Don't start linked services
    #[arg(long = "no-deps", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_deps: Option<bool>,
    /// Recreate dependent containers. Incompatible with --no-recreate.
    #[arg(long = "always-recreate-deps", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub always_recreate_deps: Option<bool>,
    /// Recreate anonymous volumes instead of retrieving data from the previous containers
    #[arg(short = 'V', long = "renew-anon-volumes", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub renew_anon_volumes: Option<bool>,
    /// Suppress the build output
    #[arg(long = "quiet-build", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet_build: Option<bool>,
    /// Restrict attaching to the specified services. Incompatible with --attach-dependencies.
    #[arg(long = "attach", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub attach: Vec<String>,
    /// Do not attach (stream logs) to the specified services
    #[arg(long = "no-attach", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub no_attach: Vec<String>,
    /// Automatically attach to log output of dependent services
    #[arg(long = "attach-dependencies", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub attach_dependencies: Option<bool>,
    /// Wait for services to be running|healthy. Implies detached mode.
    #[arg(long = "wait", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub wait: Option<bool>,
    /// Maximum duration in seconds to wait for the project to be running|healthy
    #[arg(long = "wait-timeout", value_name = "int", allow_negative_numbers = true, value_parser = parse_go_int)]
    pub wait_timeout: Option<i64>,
    /// Watch source code and rebuild/refresh containers when files are updated.
    #[arg(short = 'w', long = "watch", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub watch: Option<bool>,
    /// Enable interactive shortcuts when running attached. Incompatible with --detach.
    #[arg(long = "menu", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub menu: Option<bool>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

fn on(flag: Option<bool>) -> bool {
    flag.unwrap_or(false)
}

/// Compose's `validateFlags` for `up`.
fn validate(args: &UpArgs) -> Result<(bool, bool), String> {
    let c = &args.create;
    let mut cascade_stop = on(args.abort_on_container_exit);
    let cascade_fail = on(args.abort_on_container_failure);
    if args.exit_code_from.is_some() && !cascade_fail {
        cascade_stop = true;
    }
    if cascade_stop && cascade_fail {
        return Err(
            "--abort-on-container-failure cannot be combined with --abort-on-container-exit".into(),
        );
    }
    let wait = on(args.wait);
    let mut detach = on(args.detach);
    let attach_deps = on(args.attach_dependencies);
    if wait {
        if attach_deps || cascade_stop || !args.attach.is_empty() {
            return Err("--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies".into());
        }
        detach = true;
    }
    if on(c.build) && on(c.no_build) {
        return Err("--build and --no-build are incompatible".into());
    }
    if detach
        && (attach_deps
            || cascade_stop
            || cascade_fail
            || !args.attach.is_empty()
            || on(args.watch))
    {
        let what = if wait { "--wait" } else { "--detach" };
        return Err(format!("{what} cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch"));
    }
    if on(args.renew_anon_volumes) && on(c.no_recreate) {
        return Err("--no-recreate and --renew-anon-volumes are incompatible".into());
    }
    check_recreate_flags(c, on(args.always_recreate_deps))?;
    if on(c.no_build) && on(args.watch) {
        return Err("--no-build and --watch are incompatible".into());
    }
    Ok((detach, cascade_stop))
}

fn check_recreate_flags(c: &CreateFlags, recreate_deps: bool) -> Result<(), String> {
    if on(c.force_recreate) && on(c.no_recreate) {
        return Err("--force-recreate and --no-recreate are incompatible".into());
    }
    if recreate_deps && on(c.no_recreate) {
        return Err("--always-recreate-deps and --no-recreate are incompatible".into());
    }
    Ok(())
}

/// What `--no-deps` (`only`), `--pull` and `--scale` change in the project (compose's
/// `createOptions.Apply`); their syntax is checked here, their meaning by `project::apply`.
fn project_flags(c: &CreateFlags, only: Option<Vec<String>>) -> Result<ProjectFlags, Exit> {
    let pull = match &c.pull {
        Some(pull) => {
            if !["always", "never", "build", "missing", "if_not_present"].contains(&pull.as_str()) {
                return Err(error(&format!("invalid --pull option {pull:?}")));
            }
            Some(PullPolicy::from(pull.as_str()))
        }
        None => None,
    };
    let mut scale = Vec::new();
    for entry in &c.scale {
        let parts: Vec<&str> = entry.split('=').collect();
        if parts.len() != 2 {
            return Err(error(&format!(
                "invalid --scale option {entry:?}. Should be SERVICE=NUM"
            )));
        }
        let replicas: i64 = parts[1].parse().map_err(|_| {
            error(&format!(
                "strconv.Atoi: parsing {:?}: invalid syntax",
                parts[1]
            ))
        })?;
        scale.push((parts[0].to_string(), replicas));
    }
    Ok(ProjectFlags {
        only,
        pull,
        scale,
        ..ProjectFlags::default()
    })
}

/// The options both commands pass to `ops::up`.
fn up_options(
    global: &GlobalFlags,
    settings: &Settings,
    project: &Project,
    c: &CreateFlags,
    services: &[String],
    recreate_deps: bool,
    renew: bool,
) -> Result<UpOptions, Exit> {
    let remove_orphans = on(c.remove_orphans) || settings.resolved.remove_orphans;
    let ignore_orphans = settings.resolved.ignore_orphans;
    if ignore_orphans && remove_orphans {
        return Err(error(
            "cannot combine COMPOSE_IGNORE_ORPHANS and --remove-orphans",
        ));
    }
    let recreate = if on(c.no_recreate) {
        Recreate::Never
    } else if on(c.force_recreate) || renew {
        Recreate::Force
    } else {
        Recreate::Diverged
    };
    let recreate_dependencies = if on(c.no_recreate) {
        Recreate::Never
    } else if recreate_deps {
        Recreate::Force
    } else {
        Recreate::Diverged
    };
    let config_file = DockerConfigFile::read(&settings.env);
    Ok(UpOptions {
        plan: PlanOptions {
            services: services.to_vec(),
            recreate,
            recreate_dependencies,
            inherit: !renew,
            remove_orphans,
            ignore_orphans,
            proxy_env: config_file.proxy_env(&common::docker_host(global, settings)),
            ..PlanOptions::default()
        },
        run: common::run_options(global, settings),
        assume_yes: on(c.yes),
        pull: pull_options(settings, &config_file, project, on(c.quiet_pull)),
    })
}

/// How `up` and `create` pull: `--quiet-pull`, the docker CLI's progress bar rule, and the
/// config file's credentials for the registries the services' images come from.
pub(crate) fn pull_options(
    settings: &Settings,
    config_file: &DockerConfigFile,
    project: &Project,
    quiet: bool,
) -> PullOptions {
    let mut credentials = IndexMap::new();
    for image in project.images() {
        let Ok(reference) = ImageRef::parse_docker_ref(&image) else {
            continue;
        };
        if !credentials.contains_key(&reference.domain) {
            if let Some(found) = config_file.credentials(&reference.domain) {
                credentials.insert(reference.domain, found);
            }
        }
    }
    PullOptions {
        quiet,
        bar: settings.stdin_width.is_none_or(|w| w > 110),
        credentials,
    }
}

/// Flags berth accepts but cannot act on yet: said out loud, never ignored in silence.
fn warn_unsupported(settings: &Settings, c: &CreateFlags) {
    if on(c.build) {
        output::warn(
            settings,
            "berth cannot build images yet: --build is ignored, local images are used",
        );
    }
}

/// The project with the flags applied, and the options of `create`.
fn create_request(
    global: &GlobalFlags,
    args: &CreateArgs,
    settings: &Settings,
) -> Result<(Project, UpOptions), Exit> {
    check_recreate_flags(&args.create, false).map_err(|m| error(&m))?;
    if on(args.create.build) && on(args.create.no_build) {
        return Err(error("--build and --no-build are incompatible"));
    }
    warn_unsupported(settings, &args.create);
    let mut project = common::load_spec(global, settings, &args.services)?;
    let flags = project_flags(&args.create, None)?;
    project::apply(&mut project, &flags).map_err(|e| errors::ops_error(settings, e))?;
    let mut options = up_options(
        global,
        settings,
        &project,
        &args.create,
        &args.services,
        false,
        false,
    )?;
    options.plan.no_start = true;
    Ok((project, options))
}

pub fn run_create(global: &GlobalFlags, args: &CreateArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (project, options) = create_request(global, args, settings)?;
        let engine = common::connect(global, settings).await?;
        execute(
            global, settings, &engine, &project, &options, None, "Creating",
        )
        .await
    })
}

/// What `create` would do.
pub async fn plan_create(
    global: &GlobalFlags,
    args: &CreateArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let (project, options) = create_request(global, args, settings)?;
    berth_ops::up::plan(engine, &project, &options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}

/// `up`'s checked flags: the project with them applied, the options, and whether it runs
/// detached or attached (with what it attaches to).
struct UpRequest {
    project: Project,
    options: UpOptions,
    attach: Option<AttachOptions>,
}

fn up_request(global: &GlobalFlags, args: &UpArgs, settings: &Settings) -> Result<UpRequest, Exit> {
    let (detach, cascade_stop) = validate(args).map_err(|m| error(&m))?;
    if on(args.watch) {
        return Err(error(
            "berth cannot watch files yet (`up --watch`): run `docker compose watch`",
        ));
    }
    if on(args.menu) {
        output::warn(
            settings,
            "berth has no interactive menu yet: --menu is ignored",
        );
    }
    warn_unsupported(settings, &args.create);
    let mut project = common::load_spec(global, settings, &args.services)?;
    let only = on(args.no_deps).then(|| args.services.clone());
    let flags = project_flags(&args.create, only)?;
    if let Some(from) = &args.exit_code_from {
        let kept = flags.only.as_ref().is_none_or(|only| only.contains(from));
        if !kept || !project.services.contains_key(from) {
            return Err(error(&format!("no such service: {from}")));
        }
    }
    project::apply(&mut project, &flags).map_err(|e| errors::ops_error(settings, e))?;
    let mut options = up_options(
        global,
        settings,
        &project,
        &args.create,
        &args.services,
        on(args.always_recreate_deps),
        on(args.renew_anon_volumes),
    )?;
    options.plan.no_start = on(args.no_start);
    options.plan.timeout = common::timeout(args.timeout);
    options.plan.wait = on(args.wait);
    options.plan.wait_timeout = args
        .wait_timeout
        .filter(|t| *t > 0)
        .map(|t| Duration::from_secs(t as u64));
    let attach = if detach || options.plan.no_start {
        None
    } else {
        Some(attach_options(args, &project, cascade_stop)?)
    };
    Ok(UpRequest {
        project,
        options,
        attach,
    })
}

pub fn run_up(global: &GlobalFlags, args: &UpArgs, settings: &Settings) -> u8 {
    let Some(name) = common::early_project_name(global, settings) else {
        return common::block_on(async {
            let request = up_request(global, args, settings)?;
            let engine = common::connect(global, settings).await?;
            up(global, settings, args, &request, &engine, None).await
        });
    };
    // The project's name is known before its file is read: the engine lists its containers
    // while the file loads on another thread, and is asked about the project's networks,
    // volumes and images as soon as it has loaded (most of a no-op `up` is these).
    std::thread::scope(|scope| {
        let (loaded, loading) = tokio::sync::oneshot::channel();
        scope.spawn(|| {
            let _ = loaded.send(up_request(global, args, settings));
        });
        common::block_on(async {
            let connected = common::try_connect(global, settings).await;
            let (listed, (request, resources)) = match &connected {
                Ok(engine) => {
                    let read = engine.read_only();
                    tokio::join!(observe::containers(read, &name, true), async {
                        let request = loading.await;
                        let resources = match &request {
                            Ok(Ok(r)) if r.project.name == name => {
                                Some(observe::resources(read, &r.project).await)
                            }
                            _ => None,
                        };
                        (request, resources)
                    })
                }
                Err(_) => (Ok(Vec::new()), (loading.await, None)),
            };
            // A load failure is reported first, as when nothing runs alongside it.
            let request = request.unwrap_or_else(|_| Err(error("loading failed")))?;
            let engine = connected.map_err(common::engine_error)?;
            let observed = match resources {
                Some(resources) => {
                    let listed = listed.map_err(common::engine_error)?;
                    let resources = resources.map_err(common::engine_error)?;
                    let read = engine.read_only();
                    let observed =
                        observe::with_containers(read, &request.project, resources, listed).await;
                    Some(observed.map_err(common::engine_error)?)
                }
                None => None,
            };
            up(global, settings, args, &request, &engine, observed).await
        })
    })
}

/// Runs `up` as the request says, detached or attached; `observed`: the engine's state when
/// it was observed already.
async fn up(
    global: &GlobalFlags,
    settings: &Settings,
    args: &UpArgs,
    request: &UpRequest,
    engine: &Engine,
    observed: Option<Observed>,
) -> common::CmdResult {
    let (project, options) = (&request.project, &request.options);
    match &request.attach {
        None => {
            execute(
                global, settings, engine, project, options, observed, "Running",
            )
            .await
        }
        Some(attach) => {
            execute_attached(global, settings, args, engine, request, attach, observed).await
        }
    }
}

/// What `up` would do.
pub async fn plan_up(
    global: &GlobalFlags,
    args: &UpArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let request = up_request(global, args, settings)?;
    berth_ops::up::plan(engine, &request.project, &request.options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}

async fn execute(
    global: &GlobalFlags,
    settings: &Settings,
    engine: &Engine,
    project: &Project,
    options: &UpOptions,
    observed: Option<Observed>,
    title: &str,
) -> common::CmdResult {
    let renderer = common::renderer(global, settings).title(title);
    let result = berth_ops::up::up(engine, project, options, observed, &renderer).await;
    renderer.finish();
    match result {
        Ok(()) => Ok(0),
        Err(e) => Err(errors::ops_error(settings, e)),
    }
}

/// Which services attached `up` shows, and when it stops (compose's `runUp`).
fn attach_options(
    args: &UpArgs,
    project: &Project,
    cascade_stop: bool,
) -> Result<AttachOptions, Exit> {
    let mut services: Vec<String> = if !args.attach.is_empty() {
        let unknown: Vec<&str> = args
            .attach
            .iter()
            .filter(|s| !project.services.contains_key(*s))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(error(&format!(
                "cannot attach to services not included in up: {}",
                unknown.join(", ")
            )));
        }
        args.attach.clone()
    } else {
        // The services being started, and with --attach-dependencies what they depend on.
        let widen = if on(args.attach_dependencies) {
            Widen::Dependencies
        } else {
            Widen::Nothing
        };
        let started = Graph::of_project(project)
            .select(&args.services, widen)
            .map_err(|s| error(&format!("no such service: {s}")))?;
        started
            .services()
            .filter(|s| project.services[*s].attach.unwrap_or(true))
            .map(str::to_string)
            .collect()
    };
    services.retain(|s| !args.no_attach.contains(s));
    let cascade = if on(args.abort_on_container_failure) {
        Some(Cascade::Failure)
    } else if cascade_stop {
        Some(Cascade::Exit)
    } else {
        None
    };
    Ok(AttachOptions {
        services,
        cascade,
        exit_code_from: args.exit_code_from.clone(),
    })
}

/// The next keys typed; pending for ever when the keyboard is not read.
async fn next_chunk(typed: &mut Option<tokio::sync::mpsc::Receiver<Vec<u8>>>) -> Option<Vec<u8>> {
    match typed {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

/// Whether compose's navigation menu would be on (its `validateNavigationMenu`): stdout and
/// stdin are terminals, the progress is not plain, and `--menu`, else `COMPOSE_MENU`, does
/// not turn it off. berth shows no menu; it reads Ctrl-C as compose does then.
fn reads_keys(args: &UpArgs, settings: &Settings) -> bool {
    let wanted = match args.menu {
        Some(menu) => menu,
        None => settings
            .var(env_names::MENU)
            .is_none_or(|v| berth_loader::setup::parse_go_bool(v).unwrap_or(false)),
    };
    let plain = settings.resolved.progress == "plain" || settings.resolved.ansi == "never";
    wanted && !plain && settings.stdout_is_tty && terminal::stdin_is_terminal()
}

async fn execute_attached(
    global: &GlobalFlags,
    settings: &Settings,
    args: &UpArgs,
    engine: &Engine,
    request: &UpRequest,
    attach: &AttachOptions,
    observed: Option<Observed>,
) -> common::CmdResult {
    let (project, options) = (&request.project, &request.options);
    let renderer = common::renderer(global, settings);
    let ansi = common::ansi(settings, settings.stdout_is_tty);
    let printer = LogPrinter::new(
        LogStyle {
            color: ansi && !on(args.no_color),
            prefix: !on(args.no_log_prefix),
            timestamps: on(args.timestamps),
        },
        // compose paints `Aborting…` with its progress colours, which only NO_COLOR turns
        // off (not `--ansi`, nor a pipe).
        !settings.resolved.no_color,
    );
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    // With its navigation menu on, compose reads the keyboard with the terminal in raw
    // input mode: Ctrl-C comes as a key (not echoed as `^C`) and stops as SIGINT and
    // SIGTERM do. The terminal is cooked again when `up` ends.
    let keyboard = match reads_keys(args, settings) {
        true => terminal::RawTerminal::enter_keys().ok(),
        false => None,
    };
    let mut typed = keyboard.is_some().then(terminal::stdin_chunks);
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        loop {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
                chunk = next_chunk(&mut typed) => match chunk {
                    Some(keys) if keys.contains(&0x03) => {}
                    Some(_) => continue,
                    None => {
                        typed = None;
                        continue;
                    }
                },
            }
            if tx.send(()).is_err() {
                break;
            }
        }
    });
    let stop_renderer = common::renderer(global, settings);
    // compose's `NewMixedWriter`: status lines among the output under a terminal with the
    // progress mode left to auto, plain lines on stderr otherwise.
    let auto = matches!(settings.resolved.progress.as_str(), "" | "auto")
        && settings.resolved.ansi != "never";
    let status_lines = berth_ui::logs::StatusLines::new(&printer, !settings.resolved.no_color, {
        let settings = settings.clone();
        Box::new(move |message| output::warn(&settings, message))
    });
    let stop_progress: &dyn berth_ops::events::Progress = if auto && settings.stderr_is_tty {
        &status_lines
    } else {
        &stop_renderer
    };
    let executor = Executor::new(options.run.hands(engine), &renderer, options.run.parallel)
        .with_pull_options(options.pull.clone());
    let created = || renderer.finish();
    let io = Attachment {
        consumer: &printer,
        created: &created,
        stop_progress,
    };
    let result = up_attached(&executor, project, options, attach, io, rx, observed).await;
    drop(keyboard);
    stop_renderer.finish();
    match result {
        Ok(code) => Ok(u8::try_from(code.rem_euclid(256)).unwrap_or(1)),
        Err(e) => Err(errors::ops_error(settings, e)),
    }
}
