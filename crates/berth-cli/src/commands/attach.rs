//! `attach SERVICE`: attaches the terminal to a service's running container (compose's
//! cmd/compose/attach.go, which hands it to the docker CLI's `RunAttach`).

use clap::Args;
use tokio::signal::unix::{signal, SignalKind};

use crate::cli::{parse_go_bool, parse_go_int, GlobalFlags};
use crate::commands::common::{self, block_on, error, CmdResult, Exit};
use crate::commands::exec::{exit_status, project_name};
use crate::hijack::{self, Ended, Pump, Target};
use crate::settings::Settings;
use crate::terminal;

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// Override the key sequence for detaching from a container.
    #[arg(long = "detach-keys", value_name = "string")]
    pub detach_keys: Option<String>,
    /// index of the container if service has multiple replicas.
    #[arg(long = "index", value_name = "int", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_go_int)]
    pub index: i64,
    /// Do not attach STDIN
    #[arg(long = "no-stdin", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_stdin: Option<bool>,
    /// Proxy all received signals to the process
    #[arg(long = "sig-proxy", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub sig_proxy: Option<bool>,
    // SERVICE (cobra takes the first and ignores the rest).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &AttachArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &AttachArgs, settings: &Settings) -> CmdResult {
    let Some(service) = args.services.first() else {
        return Err(error("requires at least 1 arg(s), only received 0"));
    };
    let name = project_name(global, settings)?;
    let engine = common::connect(global, settings).await?;
    let container = berth_ops::exec::find_container(&engine, &name, service, args.index)
        .await
        .map_err(|e| error(&e.to_string()))?;
    let id = container.id.unwrap_or_default();
    let inspect = berth_ops::exec::attachable(&engine, &id)
        .await
        .map_err(|e| error(&e.to_string()))?;
    let config = inspect.config.unwrap_or_default();
    let tty = config.tty.unwrap_or(false);
    let want_stdin = !args.no_stdin.unwrap_or(false);
    if tty && want_stdin && !terminal::stdin_is_terminal() {
        return Err(error("the input device is not a TTY"));
    }
    if common::dry_run(global) {
        return Err(error("interactive run is not supported in dry-run mode"));
    }
    let stdin = want_stdin && config.open_stdin.unwrap_or(false);
    // The flag, else the docker CLI's config file's `detachKeys`.
    let detach_keys = match &args.detach_keys {
        Some(keys) if !keys.is_empty() => keys.clone(),
        _ => berth_engine::DockerConfigFile::read(&settings.env)
            .detach_keys()
            .unwrap_or_default(),
    };
    let io = engine
        .attach_io(
            &id,
            stdin,
            (!detach_keys.is_empty()).then_some(detach_keys.as_str()),
        )
        .await
        .map_err(common::engine_error)?;
    berth_ops::exec::attachable(&engine, &id)
        .await
        .map_err(|e| error(&e.to_string()))?;
    let pump = Pump {
        tty,
        stdin,
        follow_size: tty && terminal::stdout_is_terminal(),
        nudge_size: true,
        end_on_interrupt: false,
        // An invalid sequence falls back to the default, with the docker CLI's warning.
        detach_keys: match detach_keys.as_str() {
            "" => terminal::DEFAULT_DETACH_KEYS.to_vec(),
            keys => terminal::parse_detach_keys(keys)
                .unwrap_or_else(|_| terminal::DEFAULT_DETACH_KEYS.to_vec()),
        },
    };
    let proxy = args.sig_proxy.unwrap_or(true) && !tty;
    let interrupted = std::cell::Cell::new(false);
    let pumped = tokio::select! {
        pumped = hijack::pump(&engine, Target::Container(&id), io, &pump) => pumped,
        never = forward_signals(&engine, &id, &interrupted), if proxy => match never {},
        status = second_interrupt(), if !proxy => return Err(Exit(status)),
    };
    match pumped {
        Ok(Ended::OutputClosed) => {}
        Ok(Ended::Detached) => return Err(error("read escape sequence")),
        Ok(Ended::Terminated(status)) => return Err(Exit(status)),
        Err(e) => return Err(common::engine_error(e)),
    }
    let code = engine
        .wait_container(&id)
        .await
        .map_err(common::engine_error)?;
    if code != 0 {
        // compose prints the docker CLI's status error, whose message is empty.
        crate::output::error("");
    }
    // After a Ctrl-C that the container obeyed, compose exits 130, not with its status.
    if interrupted.get() {
        return Ok(130);
    }
    Ok(exit_status(code))
}

/// Without `--sig-proxy`, compose outlives a first Ctrl-C and ends on the second.
async fn second_interrupt() -> u8 {
    if let Ok(mut interrupts) = signal(SignalKind::interrupt()) {
        interrupts.recv().await;
        interrupts.recv().await;
        return 130;
    }
    std::future::pending().await
}

/// `--sig-proxy`: the signals berth receives go to the container (the docker CLI's
/// `ForwardAllSignals`) and berth goes on until the container's output ends; a Ctrl-C
/// (SIGINT) is remembered in `interrupted`, for compose then exits 130.
async fn forward_signals(
    engine: &berth_engine::Engine,
    id: &str,
    interrupted: &std::cell::Cell<bool>,
) -> std::convert::Infallible {
    let kinds = [
        (SignalKind::interrupt(), "SIGINT"),
        (SignalKind::terminate(), "SIGTERM"),
        (SignalKind::hangup(), "SIGHUP"),
        (SignalKind::quit(), "SIGQUIT"),
        (SignalKind::user_defined1(), "SIGUSR1"),
        (SignalKind::user_defined2(), "SIGUSR2"),
    ];
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    for (kind, name) in kinds {
        let Ok(mut stream) = signal(kind) else {
            continue;
        };
        let sender = sender.clone();
        tokio::spawn(async move {
            while stream.recv().await.is_some() {
                if sender.send(name).is_err() {
                    return;
                }
            }
        });
    }
    while let Some(name) = received.recv().await {
        if name == "SIGINT" {
            interrupted.set(true);
        }
        let _ = engine.kill_container(id, name).await;
    }
    std::future::pending().await
}
