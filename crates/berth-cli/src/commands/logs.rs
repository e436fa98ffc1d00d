//! `logs [SERVICE...]`: the containers' output (compose's cmd/compose/logs.go).

use berth_ops::logs::{LogSink, LogsOptions};
use berth_ui::logs::{LogPrinter, LogStyle};
use clap::Args;

use crate::cli::{parse_go_bool, parse_go_int, GlobalFlags};
use crate::commands::common::{self, block_on, error, CmdResult};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Follow log output
    #[arg(short = 'f', long = "follow", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub follow: Option<bool>,
    /// index of the container if service has multiple replicas
    #[arg(long = "index", value_name = "int", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_go_int)]
    pub index: i64,
    /// Produce monochrome output
    #[arg(long = "no-color", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_color: Option<bool>,
    /// Don't print prefix in logs
    #[arg(long = "no-log-prefix", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_log_prefix: Option<bool>,
    /// Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)
    #[arg(long = "since", value_name = "string")]
    pub since: Option<String>,
    /// Number of lines to show from the end of the logs for each container
    #[arg(
        short = 'n',
        long = "tail",
        value_name = "string",
        default_value = "all"
    )]
    pub tail: String,
    /// Show timestamps
    #[arg(short = 't', long = "timestamps", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub timestamps: Option<bool>,
    /// Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)
    #[arg(long = "until", value_name = "string")]
    pub until: Option<String>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &LogsArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &LogsArgs, settings: &Settings) -> CmdResult {
    if args.index > 0 && args.services.len() != 1 {
        return Err(error("--index requires one service to be selected"));
    }
    let target = common::project_or_name(global, settings, &args.services)?;
    let mut services = args.services.clone();
    if let (Some(project), true) = (&target.project, services.is_empty()) {
        // compose leaves out the services whose output is not attached (`attach: false`)
        // unless they are named.
        services = project
            .services
            .iter()
            .filter(|(_, s)| s.attach != Some(false))
            .map(|(name, _)| name.clone())
            .collect();
    }
    let now = unix_now();
    let timestamp = |flag: &str, value: &Option<String>| -> Result<Option<String>, _> {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| berth_model::docker_time::get_timestamp(v, now))
            .transpose()
            .map_err(|e| error(&format!("invalid value for {flag:?}: {e}")))
    };
    let options = LogsOptions {
        services,
        follow: args.follow.unwrap_or(false),
        index: args.index,
        tail: args.tail.clone(),
        since: timestamp("since", &args.since)?,
        until: timestamp("until", &args.until)?,
        timestamps: args.timestamps.unwrap_or(false),
        separator: target
            .project
            .as_ref()
            .map_or("-", |p| p.separator.as_str())
            .to_string(),
    };
    let engine = common::connect(global, settings).await?;
    let printer = LogPrinter::new(
        LogStyle {
            color: !args.no_color.unwrap_or(false)
                && common::ansi(settings, settings.stdout_is_tty),
            prefix: !args.no_log_prefix.unwrap_or(false),
            // The engine stamps the lines (`-t` asks it to).
            timestamps: false,
        },
        false,
    );
    let printer = Printer { printer, settings };
    let logs = berth_ops::logs::logs(&engine, &target.name, &options, &printer);
    tokio::select! {
        result = logs => {
            result.map_err(|e| error(&e.to_string()))?;
            Ok(0)
        }
        () = interrupted() => {
            printer.flush();
            Ok(canceled())
        }
    }
}

/// The log printer, with compose's warning for a container whose log cannot be read.
struct Printer<'a> {
    printer: LogPrinter,
    settings: &'a Settings,
}

impl LogSink for Printer<'_> {
    fn line(&self, source: &str, line: &[u8]) {
        self.printer.line(source, line);
    }

    fn status(&self, source: &str, message: &str) {
        self.printer.status(source, message);
    }

    fn flush(&self) {
        self.printer.flush();
    }

    fn unreadable(&self, container: &str, message: &str) {
        self.printer.flush();
        let message = format!("Can't retrieve logs for {container:?}: {message}");
        output::warn(self.settings, &message);
    }
}

/// Resolves on Ctrl-C or SIGTERM: compose's streaming commands then end with status 130.
pub async fn interrupted() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// What compose prints when a signal cancels it (its error of status 130, which has no
/// text: an empty line on stderr); the exit status.
pub fn canceled() -> u8 {
    output::error("");
    130
}

/// Unix seconds now (`--since 10m` counts back from here).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
