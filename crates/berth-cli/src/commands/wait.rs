//! `wait SERVICE...`: block until the services' containers stop; exit with the status of
//! the last to stop (compose's cmd/compose/wait.go), and with `--down-project`, take the
//! project down then.

use berth_ops::down::DownOptions;
use berth_ops::wait::WaitError;
use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, block_on, error, CmdResult};
use crate::commands::logs::{canceled, interrupted};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Drops project when the first container stops
    #[arg(long = "down-project", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub down_project: Option<bool>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &WaitArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &WaitArgs, settings: &Settings) -> CmdResult {
    if args.services.is_empty() {
        // cobra's `RequiresMinArgs(1)`.
        return Err(error(
            "docker: 'docker compose wait' requires at least 1 argument\n\n\
             Usage:  docker compose wait SERVICE [SERVICE...] [OPTIONS]\n\n\
             See 'docker compose wait --help' for more information",
        ));
    }
    // compose asks for the project without the services: an unknown one finds nothing.
    let target = common::project_or_name(global, settings, &[])?;
    let engine = common::connect(global, settings).await?;
    let mut report = |id: &str, code: i64| {
        output::data(&format!(
            "container {id:?} exited with status code {code}\n"
        ));
    };
    let waited = berth_ops::wait::wait(&engine, &target.name, &args.services, &mut report);
    let status = tokio::select! {
        status = waited => status,
        () = interrupted() => return Ok(canceled()),
    };
    let status = match status {
        Ok(status) => status,
        Err(e @ WaitError::NoContainers(_)) => return Err(error(&e.to_string())),
        // compose: "Ignore abort flag in case of error in wait".
        Err(e) => {
            output::error(&e.to_string());
            return Ok(42);
        }
    };
    if args.down_project.unwrap_or(false) {
        let options = DownOptions {
            remove_orphans: true,
            ..DownOptions::default()
        };
        let run = common::run_options(global, settings);
        common::with_progress(global, settings, "Running", async |progress| {
            berth_ops::down::down(&engine, &target.name, None, &options, run, progress).await
        })
        .await?;
    }
    // The exit status is a byte: Go's os.Exit keeps the low 8 bits.
    Ok((status & 0xff) as u8)
}
