//! The command line: docker compose's global flags, its subcommands, and how argument errors
//! are reported (cobra's wording and exit status 1, not clap's).

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::commands;
use crate::output;
use crate::settings::Settings;

/// Compose's version line, and the version berth reports itself as.
pub const COMPOSE_VERSION: &str = "2.40.3";

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
    #[arg(long = "parallel", value_name = "int", default_value_t = -1, allow_negative_numbers = true)]
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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, resolve and render compose file in canonical format
    Config(commands::config::ConfigArgs),
    /// Show the Docker Compose version information
    Version(commands::version::VersionArgs),
}

/// Parses `args` and runs the command; returns the exit status.
pub fn run(args: Vec<String>, settings: &Settings) -> u8 {
    let args = rewrite_standalone(args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => return report_usage_error(err),
    };
    if cli.global.version {
        return commands::version::run(&Default::default());
    }
    match &cli.command {
        Some(Command::Config(a)) => commands::config::run(&cli.global, a, settings),
        Some(Command::Version(a)) => commands::version::run(a),
        None => {
            use clap::CommandFactory;
            output::data(&format!("{}\n", Cli::command().render_help()));
            0
        }
    }
}

/// The standalone binary's rewrites (compose's cmd/compatibility): `-h` is `--help`,
/// `--version` runs `version`.
fn rewrite_standalone(args: Vec<String>) -> Vec<String> {
    args.into_iter()
        .map(|a| if a == "-h" { "--help".to_string() } else { a })
        .collect()
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
