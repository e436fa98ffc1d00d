//! `kill`: send a signal (SIGKILL by default) to running containers.

use berth_engine::ReadOnly;
use berth_ops::kill::{KillOptions, KillOutcome};
use berth_plan::Plan;
use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, Exit, ProjectRef};
use crate::errors;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct KillArgs {
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub remove_orphans: Option<bool>,
    /// SIGNAL to send to the container
    #[arg(
        short = 's',
        long = "signal",
        value_name = "string",
        default_value = "SIGKILL"
    )]
    pub signal: String,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// The project (or its name) and what to signal.
fn request(
    global: &GlobalFlags,
    args: &KillArgs,
    settings: &Settings,
) -> Result<(ProjectRef, KillOptions), Exit> {
    let target = common::project_or_name(global, settings, &args.services)?;
    let options = KillOptions {
        services: args.services.clone(),
        signal: args.signal.clone(),
        remove_orphans: args
            .remove_orphans
            .unwrap_or(settings.resolved.remove_orphans),
    };
    Ok((target, options))
}

pub fn run(global: &GlobalFlags, args: &KillArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (target, options) = request(global, args, settings)?;
        let engine = common::connect(global, settings).await?;
        let renderer = common::renderer(global, settings).title("Killing");
        let (name, project) = (&target.name, target.project.as_ref());
        let dry_run = common::dry_run(global);
        let result =
            berth_ops::kill::kill(&engine, name, project, &options, dry_run, &renderer).await;
        renderer.finish();
        match result {
            // compose prints this without a line break.
            Ok(KillOutcome::NothingToKill) => {
                output::info("no container to kill");
                Ok(0)
            }
            Ok(KillOutcome::Killed) => Ok(0),
            Err(e) => Err(errors::ops_error(settings, e)),
        }
    })
}

/// What `kill` would do.
pub async fn plan(
    global: &GlobalFlags,
    args: &KillArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let (target, options) = request(global, args, settings)?;
    berth_ops::kill::plan(engine, &target.name, target.project.as_ref(), &options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}
