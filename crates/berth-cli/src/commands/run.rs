//! `run SERVICE [COMMAND] [ARGS...]`: a one-off container. Its flags and compose's checks
//! of them, the project loaded with the flags' changes to the service, the terminal (raw
//! mode, size, signals, stdin) when attached, and one call to `ops::run`.

use std::io::Write;
use std::sync::Mutex;

use berth_engine::{DockerConfigFile, ReadOnly};
use berth_loader::run::{apply_run, run_environment, RunOverrides};
use berth_loader::{Diagnostics, LoadError, LoadRequest, LoadSwitches};
use berth_model::compose::PullPolicy;
use berth_ops::project::{self, ProjectFlags};
use berth_ops::run::{RunIo, RunOptions, RunOutcome, RunOutput};
use berth_ops::up::PlanOptions;
use berth_ops::Project;
use berth_plan::reconcile::run::RunOptions as PlanRunOptions;
use berth_plan::Plan;
use berth_ui::progress::{Mode, Renderer};
use clap::Args;
use tokio::sync::mpsc;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, error, Exit};
use crate::commands::config::project_options;
use crate::errors;
use crate::settings::Settings;
use crate::terminal;

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Build image before starting container
    #[arg(long = "build", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub build: Option<bool>,
    /// Add Linux capabilities
    #[arg(long = "cap-add", value_name = "list", action = clap::ArgAction::Append)]
    pub cap_add: Vec<String>,
    /// Drop Linux capabilities
    #[arg(long = "cap-drop", value_name = "list", action = clap::ArgAction::Append)]
    pub cap_drop: Vec<String>,
    /// Run container in background and print container ID
    #[arg(short = 'd', long = "detach", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub detach: Option<bool>,
    /// Override the entrypoint of the image
    #[arg(long = "entrypoint", value_name = "string")]
    pub entrypoint: Option<String>,
    /// Set environment variables
    #[arg(short = 'e', long = "env", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub env: Vec<String>,
    /// Set environment variables from file
    #[arg(long = "env-from-file", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub env_from_file: Vec<String>,
    /// Keep STDIN open even if not attached (default true)
    #[arg(short = 'i', long = "interactive", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub interactive: Option<bool>,
    /// Add or override a label
    #[arg(short = 'l', long = "label", alias = "labels", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub label: Vec<String>,
    /// Assign a name to the container
    #[arg(long = "name", value_name = "string")]
    pub name: Option<String>,
    /// Disable pseudo-TTY allocation (default: auto-detected) (default true)
    #[arg(short = 'T', long = "no-TTY", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_tty: Option<bool>,
    /// Don't start linked services
    #[arg(long = "no-deps", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_deps: Option<bool>,
    /// Publish a container's port(s) to the host
    #[arg(short = 'p', long = "publish", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub publish: Vec<String>,
    /// Pull image before running ("always"|"missing"|"never") (default "policy")
    #[arg(long = "pull", value_name = "string")]
    pub pull: Option<String>,
    /// Don't print anything to STDOUT
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet: Option<bool>,
    /// Suppress progress output from the build process
    #[arg(long = "quiet-build", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet_build: Option<bool>,
    /// Pull without printing progress information
    #[arg(long = "quiet-pull", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet_pull: Option<bool>,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub remove_orphans: Option<bool>,
    /// Automatically remove the container when it exits
    #[arg(long = "rm", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub rm: Option<bool>,
    /// Run command with all service's ports enabled and mapped to the host
    #[arg(short = 'P', long = "service-ports", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub service_ports: Option<bool>,
    /// Allocate a pseudo-TTY
    #[arg(short = 't', long = "tty", hide = true, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub tty: Option<bool>,
    /// Use the service's network useAliases in the network(s) the container connects to
    #[arg(long = "use-aliases", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub use_aliases: Option<bool>,
    /// Run as specified username or uid
    #[arg(short = 'u', long = "user", value_name = "string")]
    pub user: Option<String>,
    /// Bind mount a volume
    #[arg(short = 'v', long = "volume", alias = "volumes", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub volume: Vec<String>,
    /// Working directory inside the container
    #[arg(short = 'w', long = "workdir", value_name = "string")]
    pub workdir: Option<String>,
    /// SERVICE [COMMAND] [ARGS...]: flags after SERVICE belong to the command (cobra's
    /// `SetInterspersed(false)`).
    #[arg(value_name = "SERVICE", trailing_var_arg = true)]
    pub args: Vec<String>,
}

fn on(flag: Option<bool>) -> bool {
    flag.unwrap_or(false)
}

/// What the checked flags say.
struct RunRequest {
    project: Project,
    options: RunOptions,
    tty: bool,
    interactive: bool,
    quiet: bool,
}

/// compose's `PreRunE` checks, then the project loaded with the flags' changes.
fn request(global: &GlobalFlags, args: &RunArgs, settings: &Settings) -> Result<RunRequest, Exit> {
    let Some((service, command)) = args.args.split_first() else {
        return Err(error("requires at least 1 arg(s), only received 0"));
    };
    if !args.publish.is_empty() && on(args.service_ports) {
        return Err(error("--service-ports and --publish are incompatible"));
    }
    let entrypoint = match &args.entrypoint {
        Some(e) => Some(shell_words(e)?),
        None => None,
    };
    // `-T` defaults to standard output not being a terminal; `-t` overrides it; without
    // either (nor `-i`), no terminal on standard input means no TTY.
    let mut no_tty = args.no_tty.unwrap_or(!settings.stdout_is_tty);
    if let Some(tty) = args.tty {
        if args.no_tty.is_some() {
            return Err(error("--tty and --no-TTY can't be used together"));
        }
        no_tty = !tty;
    } else if args.no_tty.is_none() && args.interactive.is_none() && !terminal::stdin_is_terminal()
    {
        no_tty = true;
    }
    let interactive = args.interactive.unwrap_or(true);
    let tty = !no_tty;
    let slug = random_slug();
    let separator = if settings.resolved.compatibility {
        "_"
    } else {
        "-"
    };
    let mut overrides = RunOverrides {
        service: service.clone(),
        no_deps: on(args.no_deps),
        tty,
        interactive,
        service_ports: on(args.service_ports),
        publish: args.publish.clone(),
        volumes: args.volume.clone(),
        command: command.to_vec(),
        entrypoint,
        user: args.user.clone(),
        workdir: args.workdir.clone(),
        cap_add: args.cap_add.clone(),
        cap_drop: args.cap_drop.clone(),
        ..RunOverrides::default()
    };
    let mut diags = Diagnostics::default();
    let request = LoadRequest {
        switches: LoadSwitches {
            all_resources: global.all_resources.unwrap_or(false),
            ..LoadSwitches::default()
        },
        services: vec![service.clone()],
        resolve_environment: true,
        check_container_names: false,
    };
    let loaded = berth_loader::load_typed_with(
        &project_options(global, settings),
        &request,
        settings.resolved.compatibility,
        &mut diags,
        |project, diags| {
            overrides.container_name = args.name.clone().unwrap_or_else(|| {
                format!(
                    "{}{separator}{service}{separator}run{separator}{}",
                    project.name,
                    &slug[..12]
                )
            });
            // compose checks these once the project is loaded.
            let refuse = |message: String| LoadError::Invalid {
                message,
                path: None,
            };
            if let Some(pull) = &args.pull {
                let valid = ["always", "never", "build", "missing", "if_not_present"];
                if !valid.contains(&pull.as_str()) {
                    return Err(refuse(format!("invalid --pull option {pull:?}")));
                }
            }
            overrides.labels = args
                .label
                .iter()
                .map(|entry| {
                    entry
                        .split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .ok_or_else(|| refuse("label must be set as KEY=VALUE".into()))
                })
                .collect::<Result<_, _>>()?;
            overrides.environment =
                run_environment(project, &args.env, &args.env_from_file, diags)?;
            apply_run(project, &overrides)
        },
    );
    let mut project = match loaded {
        Ok(project) => {
            errors::report(settings, &diags);
            project
        }
        Err(failure) => return Err(errors::load_failure(settings, &diags, failure)),
    };
    if on(args.build) && project.services[service].build.is_some() {
        return Err(error(&format!(
            "berth cannot build images yet: `run --build` needs the image of service {service:?} built; build it with `docker compose build {service}` first"
        )));
    }
    let flags = ProjectFlags {
        pull: args.pull.as_deref().map(PullPolicy::from),
        ..ProjectFlags::default()
    };
    project::apply(&mut project, &flags).map_err(|e| errors::ops_error(settings, e))?;
    let config_file = DockerConfigFile::read(&settings.env);
    let quiet_pull = on(args.quiet_pull);
    let options = RunOptions {
        plan: PlanRunOptions {
            service: service.clone(),
            up: PlanOptions {
                // compose's `Create` with default options: anonymous volumes of recreated
                // dependencies are not kept.
                inherit: false,
                remove_orphans: on(args.remove_orphans),
                ignore_orphans: settings.resolved.ignore_orphans,
                proxy_env: config_file.proxy_env(&common::docker_host(global, settings)),
                ..PlanOptions::default()
            },
            no_deps: on(args.no_deps),
            auto_remove: on(args.rm),
            interactive,
            use_aliases: on(args.use_aliases),
            slug,
            stdin_is_terminal: terminal::stdin_is_terminal(),
        },
        pull: crate::commands::up::pull_options(settings, &config_file, &project, quiet_pull),
        run: common::run_options(global, settings),
        detach: on(args.detach),
    };
    Ok(RunRequest {
        project,
        options,
        tty,
        interactive,
        quiet: on(args.quiet),
    })
}

/// Splits `--entrypoint` as compose does (go-shellwords).
fn shell_words(text: &str) -> Result<Vec<String>, Exit> {
    berth_model::gofmt::shell_split(text).map_err(|e| error(&e))
}

/// A container slug as the docker daemon's `stringid.GenerateRandomID` makes it: 32 random
/// bytes in hex, drawn again while its 12-character short form reads as a number. The bytes
/// come from the kernel's generator, which is all this needs (no crate for one read).
fn random_slug() -> String {
    use std::io::Read;
    loop {
        let mut bytes = [0u8; 32];
        let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
        if read.is_err() {
            // No kernel generator: the clock and the process ID still make names unique
            // enough for one machine.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let seed = nanos ^ (u128::from(std::process::id()) << 64);
            bytes[..16].copy_from_slice(&seed.to_le_bytes());
            bytes[16..].copy_from_slice(&seed.rotate_left(17).to_le_bytes());
        }
        let slug: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        if slug[..12].parse::<u64>().is_err() {
            return slug;
        }
    }
}

/// An attached run's output on berth's own stdout and stderr. (`-q` does not silence it:
/// compose swaps `os.Stdout` for /dev/null after the docker CLI took its stream.)
struct Terminal;

impl RunOutput for Terminal {
    fn stdout(&self, bytes: &[u8]) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(bytes);
        let _ = out.flush();
    }

    fn stderr(&self, bytes: &[u8]) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(bytes);
        let _ = err.flush();
    }
}

/// The signals the docker CLI passes on to an attached container (`ForwardAllSignals`) and
/// that berth catches for it; with a TTY in raw mode Ctrl-C is a byte, not a signal.
fn forward_signals() -> mpsc::UnboundedReceiver<String> {
    use tokio::signal::unix::{signal, SignalKind};
    let (sender, receiver) = mpsc::unbounded_channel();
    let kinds = [
        (SignalKind::interrupt(), "SIGINT"),
        (SignalKind::terminate(), "SIGTERM"),
        (SignalKind::hangup(), "SIGHUP"),
        (SignalKind::quit(), "SIGQUIT"),
        (SignalKind::user_defined1(), "SIGUSR1"),
        (SignalKind::user_defined2(), "SIGUSR2"),
    ];
    for (kind, name) in kinds {
        let Ok(mut caught) = signal(kind) else {
            continue;
        };
        let sender = sender.clone();
        tokio::spawn(async move {
            while caught.recv().await.is_some() {
                if sender.send(name.to_string()).is_err() {
                    break;
                }
            }
        });
    }
    receiver
}

/// The terminal's size now, then at each change.
fn resizes() -> mpsc::UnboundedReceiver<(u16, u16)> {
    let (sender, receiver) = mpsc::unbounded_channel();
    if let Some(size) = terminal::terminal_size() {
        let _ = sender.send(size);
    }
    if let Ok(mut events) = terminal::resize_events() {
        tokio::spawn(async move {
            while let Some(size) = events.next().await {
                if sender.send(size).is_err() {
                    break;
                }
            }
        });
    }
    receiver
}

/// What `run` would do.
pub async fn plan(
    global: &GlobalFlags,
    args: &RunArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let request = request(global, args, settings)?;
    berth_ops::run::plan(engine, &request.project, &request.options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}

pub fn run(global: &GlobalFlags, args: &RunArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let request = request(global, args, settings)?;
        let detach = request.options.detach;
        let engine = common::connect(global, settings).await?;
        let renderer = if request.quiet {
            let warn_settings = settings.clone();
            Renderer::new(
                Mode::Quiet,
                common::dry_run(global),
                Box::new(move |message| crate::output::warn(&warn_settings, message)),
            )
        } else {
            common::renderer(global, settings)
        };
        let output = Terminal;
        // Raw mode from the attach on (the progress display is over by then), restored
        // when the guard drops, whichever way the run ends.
        let raw: Mutex<Option<terminal::RawTerminal>> = Mutex::new(None);
        let created = || {
            renderer.finish();
            if request.tty && request.interactive {
                if let Ok(mut raw) = raw.lock() {
                    *raw = terminal::RawTerminal::enter().ok();
                }
            }
        };
        let io = (!detach).then(|| RunIo {
            input: request.interactive.then(terminal::stdin_chunks),
            output: &output,
            resizes: request.tty.then(resizes),
            signals: forward_signals(),
            created: &created,
        });
        let result =
            berth_ops::run::run(&engine, &request.project, &request.options, &renderer, io).await;
        if let Ok(mut raw) = raw.lock() {
            raw.take();
        }
        renderer.finish();
        match result {
            Ok(RunOutcome::Detached(id)) => {
                crate::output::data(&format!("{id}\n"));
                Ok(0)
            }
            Ok(RunOutcome::Exited(0)) => Ok(0),
            Ok(RunOutcome::Exited(code)) => {
                // The docker CLI prints the (empty) status of the exit code it returns.
                crate::output::error("");
                Ok(u8::try_from(code.rem_euclid(256)).unwrap_or(1))
            }
            Err(e) => Err(errors::ops_error(settings, e)),
        }
    })
}
