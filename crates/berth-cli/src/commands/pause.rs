//! `pause` and `unpause`.

use berth_engine::ReadOnly;
use berth_ops::pause::PauseOptions;
use berth_plan::Plan;
use clap::Args;

use crate::cli::GlobalFlags;
use crate::commands::common::{self, Exit};
use crate::errors;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct PauseArgs {
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run_pause(global: &GlobalFlags, args: &PauseArgs, settings: &Settings) -> u8 {
    run(global, args, settings, true)
}

pub fn run_unpause(global: &GlobalFlags, args: &PauseArgs, settings: &Settings) -> u8 {
    run(global, args, settings, false)
}

fn run(global: &GlobalFlags, args: &PauseArgs, settings: &Settings, pause: bool) -> u8 {
    common::block_on(async {
        let target = common::project_or_name(global, settings, &args.services)?;
        let options = PauseOptions {
            services: args.services.clone(),
        };
        let dry_run = common::dry_run(global);
        let engine = common::connect(global, settings).await?;
        let title = if pause { "Pausing" } else { "Running" };
        common::with_progress(global, settings, title, async |progress| {
            let (name, project) = (&target.name, target.project.as_ref());
            berth_ops::pause::pause(&engine, name, project, &options, pause, dry_run, progress)
                .await
        })
        .await?;
        Ok(0)
    })
}

/// What `pause` (or, `pause: false`, `unpause`) would do.
pub async fn plan(
    global: &GlobalFlags,
    args: &PauseArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
    pause: bool,
) -> Result<Plan, Exit> {
    let target = common::project_or_name(global, settings, &args.services)?;
    let options = PauseOptions {
        services: args.services.clone(),
    };
    berth_ops::pause::plan(
        engine,
        &target.name,
        target.project.as_ref(),
        &options,
        pause,
    )
    .await
    .map_err(|e| errors::ops_error(settings, e))
}
