//! `exec SERVICE COMMAND [ARGS...]`: runs a command in a service's running container
//! (compose's cmd/compose/exec.go, which hands it to the docker CLI's `RunExec`).

use berth_model::golang;
use berth_ui::progress::DRY_RUN_PREFIX;
use clap::{ArgAction, Args};

use crate::cli::GlobalFlags;
use crate::cli::{parse_go_bool, parse_go_int};
use crate::commands::common::{self, block_on, error, CmdResult, Exit};
use crate::env_names;
use crate::hijack::{self, Ended, Pump, Target};
use crate::settings::Settings;
use crate::terminal;

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Detached mode: Run command in the background
    #[arg(short = 'd', long = "detach", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub detach: Option<bool>,
    /// Set environment variables
    #[arg(short = 'e', long = "env", value_name = "stringArray", action = ArgAction::Append)]
    pub env: Vec<String>,
    /// Index of the container if service has multiple replicas
    #[arg(long = "index", value_name = "int", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_go_int)]
    pub index: i64,
    /// Give extended privileges to the process
    #[arg(long = "privileged", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub privileged: Option<bool>,
    /// Run the command as this user
    #[arg(short = 'u', long = "user", value_name = "string")]
    pub user: Option<String>,
    /// Disable pseudo-TTY allocation. By default 'docker compose exec' allocates a TTY.
    #[arg(short = 'T', long = "no-tty", alias = "no-TTY", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_tty: Option<bool>,
    /// Path to workdir directory for this command
    #[arg(short = 'w', long = "workdir", value_name = "string")]
    pub workdir: Option<String>,
    /// Keep STDIN open even if not attached
    #[arg(short = 'i', long = "interactive", hide = true, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub interactive: Option<bool>,
    /// Allocate a pseudo-TTY (accepted and ignored, as compose does)
    #[arg(short = 't', long = "tty", hide = true, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub tty: Option<bool>,
    // SERVICE COMMAND [ARGS...]: flags after SERVICE belong to the command (cobra's
    // `SetInterspersed(false)`).
    #[arg(value_name = "SERVICE COMMAND [ARGS...]", trailing_var_arg = true)]
    pub args: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &ExecArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &ExecArgs, settings: &Settings) -> CmdResult {
    if args.args.len() < 2 {
        return Err(error(&format!(
            "requires at least 2 arg(s), only received {}",
            args.args.len()
        )));
    }
    let (service, command) = (&args.args[0], &args.args[1..]);
    let name = project_name(global, settings)?;
    // compose's default: a TTY when its output is a terminal.
    let tty = !args.no_tty.unwrap_or(!terminal::stdout_is_terminal());
    let detach = args.detach.unwrap_or(false);
    let interactive = args.interactive.unwrap_or(true);
    let engine = common::connect(global, settings).await?;
    let container = berth_ops::exec::find_container(&engine, &name, service, args.index)
        .await
        .map_err(|e| error(&e.to_string()))?;
    let id = container.id.unwrap_or_default();
    // The docker CLI's `CheckTty`, before the exec is created so that none is left behind.
    if !detach && tty && interactive && !terminal::stdin_is_terminal() {
        return Err(error("the input device is not a TTY"));
    }
    // compose's dry-run client: a detached exec is only told, an attached one refused.
    if common::dry_run(global) {
        if !detach {
            return Err(error("interactive exec is not supported in dry-run mode"));
        }
        let quoted: Vec<String> = command.iter().map(|a| golang::quote(a)).collect();
        crate::output::data(&format!(
            "{DRY_RUN_PREFIX}Executing command [{}] in {id} (detached mode)\n",
            quoted.join(" ")
        ));
        return Ok(0);
    }
    // The docker CLI's config file may set the detach sequence (`detachKeys`).
    let detach_keys = berth_engine::DockerConfigFile::read(&settings.env).detach_keys();
    let request = berth_ops::exec::ExecRequest {
        command: command.to_vec(),
        env: resolve_env(&args.env, &project_environment(global, settings)?),
        user: args.user.clone(),
        workdir: args.workdir.clone(),
        privileged: args.privileged.unwrap_or(false),
        tty,
        interactive,
        detach,
        detach_keys: detach_keys.clone(),
        console_size: terminal::terminal_size(),
    };
    let started = berth_ops::exec::start_exec(&engine, &id, &request)
        .await
        .map_err(|e| error(&e.to_string()))?;
    let berth_ops::exec::ExecStarted::Attached { exec_id, io } = started else {
        return Ok(0);
    };
    let pump = Pump {
        tty,
        stdin: interactive,
        follow_size: tty && terminal::stdin_is_terminal(),
        nudge_size: false,
        end_on_interrupt: true,
        // An invalid sequence falls back to the default, as the docker CLI's does.
        detach_keys: detach_keys
            .and_then(|keys| terminal::parse_detach_keys(&keys).ok())
            .unwrap_or_else(|| terminal::DEFAULT_DETACH_KEYS.to_vec()),
    };
    match hijack::pump(&engine, Target::Exec(&exec_id), io, &pump).await {
        Ok(Ended::OutputClosed) => {}
        Ok(Ended::Detached) => return Err(error("read escape sequence")),
        Ok(Ended::Terminated(130)) => {
            // compose, interrupted, prints its (empty) status error.
            crate::output::error("");
            return Err(Exit(130));
        }
        Ok(Ended::Terminated(status)) => return Err(Exit(status)),
        Err(e) => return Err(common::engine_error(e)),
    }
    let code = berth_ops::exec::exec_exit_code(&engine, &exec_id)
        .await
        .map_err(common::engine_error)?;
    // compose exits with the command's status and prints nothing (`os.Exit`).
    Ok(exit_status(code))
}

/// compose's `toProjectName`: `-p`, else `COMPOSE_PROJECT_NAME`, else the files.
pub fn project_name(global: &GlobalFlags, settings: &Settings) -> Result<String, Exit> {
    match (&global.project_name, settings.var(env_names::PROJECT_NAME)) {
        (Some(name), _) if !name.is_empty() => Ok(name.clone()),
        (_, Some(name)) if !name.is_empty() => Ok(name.to_string()),
        _ => common::project_name(global, settings),
    }
}

/// The project's environment (process environment over `.env`), where `-e KEY` is looked up.
fn project_environment(
    global: &GlobalFlags,
    settings: &Settings,
) -> Result<indexmap::IndexMap<String, String>, Exit> {
    let options = crate::commands::config::project_options(global, settings);
    let mut diags = berth_loader::Diagnostics::default();
    berth_loader::setup::environment(&options, &mut diags).map_err(|e| error(&e.to_string()))
}

/// `-e KEY` takes KEY's value from the project's environment; an unknown KEY goes as is,
/// and the engine leaves it unset.
fn resolve_env(env: &[String], environment: &indexmap::IndexMap<String, String>) -> Vec<String> {
    env.iter()
        .map(|entry| match entry.contains('=') {
            true => entry.clone(),
            false => match environment.get(entry) {
                Some(value) => format!("{entry}={value}"),
                None => entry.clone(),
            },
        })
        .collect()
}

/// A process's exit code as berth's exit status (the low byte, as a shell sees it).
pub fn exit_status(code: i64) -> u8 {
    (code & 0xff) as u8
}
