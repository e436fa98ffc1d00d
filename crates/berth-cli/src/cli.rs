//! The command line: docker compose's global flags, its subcommands, and how argument errors
//! are reported (cobra's wording and exit status 1, not clap's).

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::commands;
use crate::output;
use crate::settings::Settings;

pub use berth_model::labels::COMPOSE_VERSION;

#[derive(Debug, Parser)]
#[command(
    name = "berth",
    bin_name = "docker compose",
    about = "Define and run multi-container applications with Docker",
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalFlags,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command sees, written before the subcommand.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalFlags {
    /// Compose configuration files
    #[arg(short = 'f', long = "file", value_name = "stringArray", action = ArgAction::Append)]
    pub file: Vec<String>,
    /// Project name
    #[arg(short = 'p', long = "project-name", value_name = "string")]
    pub project_name: Option<String>,
    /// Specify an alternate working directory (default: the path of the, first specified, Compose file)
    #[arg(long = "project-directory", value_name = "string")]
    pub project_directory: Option<String>,
    /// DEPRECATED! USE --project-directory INSTEAD.
    #[arg(long = "workdir", hide = true, value_name = "string")]
    pub workdir: Option<String>,
    /// Specify an alternate environment file
    #[arg(long = "env-file", value_name = "stringArray", action = ArgAction::Append)]
    pub env_file: Vec<String>,
    /// Specify a profile to enable
    #[arg(long = "profile", value_name = "stringArray", action = ArgAction::Append)]
    pub profile: Vec<String>,
    /// Control max parallelism, -1 for unlimited
    #[arg(long = "parallel", value_name = "int", default_value_t = -1, allow_negative_numbers = true, value_parser = parse_go_int)]
    pub parallel: i64,
    /// Control when to print ANSI control characters ("never"|"always"|"auto")
    #[arg(long = "ansi", value_name = "string", default_value = "auto")]
    pub ansi: String,
    /// Set type of progress output (auto, tty, plain, json, quiet)
    #[arg(long = "progress", value_name = "string")]
    pub progress: Option<String>,
    /// Execute command in dry run mode
    #[arg(long = "dry-run", global = true, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub dry_run: Option<bool>,
    /// Run compose in backward compatibility mode
    #[arg(long = "compatibility", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub compatibility: Option<bool>,
    /// Include all resources, even those not used by services
    #[arg(long = "all-resources", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub all_resources: Option<bool>,
    /// Show the Docker Compose version information
    #[arg(short = 'v', long = "version", hide = true, action = ArgAction::SetTrue)]
    pub version: bool,
    /// Deprecated: use --ansi never
    #[arg(long = "no-ansi", hide = true, action = ArgAction::SetTrue)]
    pub no_ansi: bool,
    /// Show more output
    #[arg(long = "verbose", hide = true, action = ArgAction::SetTrue)]
    pub verbose: bool,
    /// Docker daemon socket to connect to (docker CLI flag)
    #[arg(short = 'H', long = "host", hide = true)]
    pub host: Option<String>,
    /// Docker context (docker CLI flag)
    #[arg(short = 'c', long = "context", hide = true)]
    pub context: Option<String>,
    /// Log level (docker CLI flag)
    #[arg(long = "log-level", hide = true)]
    pub log_level: Option<String>,
    /// Debug mode (docker CLI flag)
    #[arg(short = 'D', long = "debug", hide = true, action = ArgAction::SetTrue)]
    pub debug: bool,
    /// Use TLS (docker CLI flag)
    #[arg(long = "tls", hide = true, action = ArgAction::SetTrue)]
    pub tls: bool,
    /// TLS CA (docker CLI flag)
    #[arg(long = "tlscacert", hide = true)]
    pub tlscacert: Option<String>,
    /// TLS certificate (docker CLI flag)
    #[arg(long = "tlscert", hide = true)]
    pub tlscert: Option<String>,
    /// TLS key (docker CLI flag)
    #[arg(long = "tlskey", hide = true)]
    pub tlskey: Option<String>,
    /// Use TLS and verify the remote (docker CLI flag)
    #[arg(long = "tlsverify", hide = true, action = ArgAction::SetTrue)]
    pub tlsverify: bool,
}

/// Go's `strconv.ParseBool`, for `--flag=value`.
pub fn parse_go_bool(s: &str) -> Result<bool, String> {
    berth_loader::setup::parse_go_bool(s)
        .ok_or_else(|| format!("strconv.ParseBool: parsing {s:?}: invalid syntax"))
}

/// Go's `strconv.ParseInt(s, 0, 64)` wording for flag values.
pub fn parse_go_int(s: &str) -> Result<i64, String> {
    s.parse()
        .map_err(|_| format!("strconv.ParseInt: parsing {s:?}: invalid syntax"))
}

/// Each subcommand's arguments are built only when it runs (`defer`): building all of them
/// cost a quarter of a `ps`'s own time.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Attach local standard input, output, and error streams to a service's running container
    Attach(commands::attach::AttachArgs),
    /// Create a new image from a service container's changes
    Commit(commands::commit::CommitArgs),
    /// Parse, resolve and render compose file in canonical format
    Config(commands::config::ConfigArgs),
    /// Copy files/folders between a service container and the local filesystem
    Cp(commands::cp::CpArgs),
    /// Creates containers for a service
    Create(commands::up::CreateArgs),
    /// Stop and remove containers, networks
    Down(commands::down::DownArgs),
    /// Receive real time events from containers
    Events(commands::events::EventsArgs),
    /// Execute a command in a running container
    Exec(commands::exec::ExecArgs),
    /// Export a service container's filesystem as a tar archive
    Export(commands::export::ExportArgs),
    /// List images used by the created containers
    Images(commands::images::ImagesArgs),
    /// Force stop service containers
    Kill(commands::kill::KillArgs),
    /// View output from containers
    Logs(commands::logs::LogsArgs),
    /// List running compose projects
    Ls(commands::ls::LsArgs),
    /// Pause services
    Pause(commands::pause::PauseArgs),
    /// Show what a command would do and why, step by step (exit 2 when it changes something)
    Plan(commands::plan::PlanArgs),
    /// Print the public port for a port binding
    Port(commands::port::PortArgs),
    /// List containers
    Ps(commands::ps::PsArgs),
    /// Restart service containers
    Restart(commands::restart::RestartArgs),
    /// Removes stopped service containers
    Rm(commands::rm::RmArgs),
    /// Run a one-off command on a service
    Run(commands::run::RunArgs),
    /// Scale services
    Scale(commands::scale::ScaleArgs),
    /// Start services
    Start(commands::start::StartArgs),
    /// Display a live stream of container(s) resource usage statistics
    Stats(commands::stats::StatsArgs),
    /// Stop services
    Stop(commands::stop::StopArgs),
    /// Display the running processes
    Top(commands::top::TopArgs),
    /// Unpause services
    Unpause(commands::pause::PauseArgs),
    /// Create and start containers
    Up(commands::up::UpArgs),
    /// Show the Docker Compose version information
    Version(commands::version::VersionArgs),
    /// List volumes
    Volumes(commands::volumes::VolumesArgs),
    /// Block until containers of all (or specified) services stop.
    Wait(commands::wait::WaitArgs),
}

/// Parses `args` and runs the command; returns the exit status.
pub fn run(args: Vec<String>, settings: &Settings) -> u8 {
    let args = rewrite_standalone(args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => return report_usage_error(err),
    };
    let mut settings = settings.clone();
    settings.resolve(&cli.global);
    let settings = &settings;
    if cli.global.version {
        return commands::version::run(&Default::default());
    }
    if cli.global.no_ansi {
        output::error("option '--no-ansi' is DEPRECATED ! Please use '--ansi' instead.");
    }
    if let Err(message) = check_output_modes(settings) {
        output::error(&message);
        return 1;
    }
    match &cli.command {
        Some(Command::Attach(a)) => commands::attach::run(&cli.global, a, settings),
        Some(Command::Commit(a)) => commands::commit::run(&cli.global, a, settings),
        Some(Command::Config(a)) => commands::config::run(&cli.global, a, settings),
        Some(Command::Cp(a)) => commands::cp::run(&cli.global, a, settings),
        Some(Command::Version(a)) => commands::version::run(a),
        Some(Command::Create(a)) => commands::up::run_create(&cli.global, a, settings),
        Some(Command::Down(a)) => commands::down::run(&cli.global, a, settings),
        Some(Command::Exec(a)) => commands::exec::run(&cli.global, a, settings),
        Some(Command::Export(a)) => commands::export::run(&cli.global, a, settings),
        Some(Command::Images(a)) => commands::images::run(&cli.global, a, settings),
        Some(Command::Up(a)) => commands::up::run_up(&cli.global, a, settings),
        Some(Command::Start(a)) => commands::start::run(&cli.global, a, settings),
        Some(Command::Stats(a)) => commands::stats::run(&cli.global, a, settings),
        Some(Command::Stop(a)) => commands::stop::run(&cli.global, a, settings),
        Some(Command::Restart(a)) => commands::restart::run(&cli.global, a, settings),
        Some(Command::Events(a)) => commands::events::run(&cli.global, a, settings),
        Some(Command::Kill(a)) => commands::kill::run(&cli.global, a, settings),
        Some(Command::Pause(a)) => commands::pause::run_pause(&cli.global, a, settings),
        Some(Command::Plan(a)) => commands::plan::run(&cli.global, a, settings),
        Some(Command::Port(a)) => commands::port::run(&cli.global, a, settings),
        Some(Command::Unpause(a)) => commands::pause::run_unpause(&cli.global, a, settings),
        Some(Command::Rm(a)) => commands::rm::run(&cli.global, a, settings),
        Some(Command::Run(a)) => commands::run::run(&cli.global, a, settings),
        Some(Command::Scale(a)) => commands::scale::run(&cli.global, a, settings),
        Some(Command::Logs(a)) => commands::logs::run(&cli.global, a, settings),
        Some(Command::Ls(a)) => commands::ls::run(&cli.global, a, settings),
        Some(Command::Ps(a)) => commands::ps::run(&cli.global, a, settings),
        Some(Command::Top(a)) => commands::top::run(&cli.global, a, settings),
        Some(Command::Volumes(a)) => commands::volumes::run(&cli.global, a, settings),
        Some(Command::Wait(a)) => commands::wait::run(&cli.global, a, settings),
        None => {
            use clap::CommandFactory;
            output::data(&format!("{}\n", Cli::command().render_help()));
            0
        }
    }
}

/// A flag as cobra names it in errors: `-q, --quiet` when it has a shorthand.
fn cobra_flag_name(used: &str) -> String {
    use clap::CommandFactory;
    let long = used.trim_start_matches('-');
    let mut cli = Cli::command();
    cli.build(); // the deferred subcommand arguments
    let args = cli
        .get_arguments()
        .chain(cli.get_subcommands().flat_map(|c| c.get_arguments()));
    for arg in args {
        let matches = arg.get_long() == Some(long)
            || (used.len() == 2 && arg.get_short().map(String::from).as_deref() == Some(long));
        if let (true, Some(l)) = (matches, arg.get_long()) {
            return match arg.get_short() {
                Some(short) => format!("-{short}, --{l}"),
                None => format!("--{l}"),
            };
        }
    }
    used.to_string()
}

/// `--progress` and `--ansi` (or their variables) must name known modes that agree.
fn check_output_modes(settings: &Settings) -> Result<(), String> {
    let resolved = &settings.resolved;
    let ansi = if resolved.no_color {
        "never"
    } else {
        resolved.ansi.as_str()
    };
    let progress = resolved.progress.as_str();
    match progress {
        "" | "auto" | "tty" | "plain" | "json" | "quiet" | "none" => {}
        other => return Err(format!("unsupported --progress value {other:?}")),
    }
    match (progress, ansi) {
        ("tty", "never") => Err("can't use --progress tty while ANSI support is disabled".into()),
        ("plain", "always") => {
            Err("can't use --progress plain while ANSI support is forced".into())
        }
        _ => Ok(()),
    }
}

/// The standalone binary's rewrites (compose's cmd/compatibility): `-h` is `--help`,
/// `--version` runs `version`.
fn rewrite_standalone(args: Vec<String>) -> Vec<String> {
    args.into_iter()
        .map(|a| if a == "-h" { "--help".to_string() } else { a })
        .collect()
}

/// Every subcommand of docker compose v2.40.3 (its root command's, hidden `alpha` too).
const REFERENCE_SUBCOMMANDS: &[&str] = &[
    "alpha", "attach", "bridge", "build", "commit", "config", "cp", "create", "down", "events",
    "exec", "export", "images", "kill", "logs", "ls", "pause", "port", "ps", "publish", "pull",
    "push", "restart", "rm", "run", "scale", "start", "stats", "stop", "top", "unpause", "up",
    "version", "volumes", "wait", "watch",
];

/// Whether `name` is a docker compose subcommand berth's command line does not have: the
/// reference's list minus berth's own subcommands, so it shrinks as verbs are added.
fn not_implemented(name: &str) -> bool {
    use clap::CommandFactory;
    REFERENCE_SUBCOMMANDS.contains(&name)
        && !Cli::command()
            .get_subcommands()
            .any(|c| c.get_name() == name || c.get_all_aliases().any(|a| a == name))
}

fn report_usage_error(err: clap::Error) -> u8 {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            output::data(&err.render().to_string());
            0
        }
        ErrorKind::InvalidSubcommand => {
            use clap::CommandFactory;
            let name = match err.get(ContextKind::InvalidSubcommand) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            if not_implemented(&name) {
                output::error(&format!("berth: \"compose {name}\" is not implemented yet"));
                return 1;
            }
            output::data(&format!("{}\n", Cli::command().render_help()));
            output::error(&format!("unknown docker command: \"compose {name}\""));
            1
        }
        ErrorKind::UnknownArgument => {
            let flag = match err.get(ContextKind::InvalidArg) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            let flag = flag.split('=').next().unwrap_or_default().to_string();
            if flag.starts_with("--") {
                output::error(&format!("unknown flag: {flag}"));
            } else {
                output::error(&format!(
                    "unknown shorthand flag: '{}' in {flag}",
                    flag.trim_start_matches('-').chars().next().unwrap_or(' ')
                ));
            }
            1
        }
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            // cobra's wording: invalid argument "x" for "--parallel" flag: <reason>
            let flag = match err.get(ContextKind::InvalidArg) {
                Some(ContextValue::String(s)) => {
                    cobra_flag_name(s.split([' ', '[', '=']).next().unwrap_or(""))
                }
                _ => String::new(),
            };
            let value = match err.get(ContextKind::InvalidValue) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            let reason = std::error::Error::source(&err)
                .map(|e| e.to_string())
                .unwrap_or_else(|| "invalid value".into());
            output::error(&format!(
                "invalid argument {value:?} for {flag:?} flag: {reason}"
            ));
            1
        }
        _ => {
            let text = err.render().to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            output::error(first);
            1
        }
    }
}
