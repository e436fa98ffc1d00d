//! `start`: start existing containers (compose 2.40.3 has no flags here).

use berth_engine::ReadOnly;
use berth_ops::start::StartOptions;
use berth_plan::Plan;
use clap::Args;

use crate::cli::GlobalFlags;
use crate::commands::common::{self, Exit, ProjectRef};
use crate::errors;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct StartArgs {
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// The project (or its name, with the services from labels) and what to start.
fn request(
    global: &GlobalFlags,
    args: &StartArgs,
    settings: &Settings,
) -> Result<(ProjectRef, StartOptions), Exit> {
    let target = common::project_or_name(global, settings, &args.services)?;
    let options = StartOptions {
        services: args.services.clone(),
        wait_timeout: None,
    };
    Ok((target, options))
}

pub fn run(global: &GlobalFlags, args: &StartArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (target, options) = request(global, args, settings)?;
        let run = common::run_options(global, settings);
        let engine = common::connect(global, settings).await?;
        common::with_progress(global, settings, "Running", async |progress| {
            let (name, project) = (&target.name, target.project.as_ref());
            berth_ops::start::start(&engine, name, project, &options, run, progress).await
        })
        .await?;
        Ok(0)
    })
}

/// What `start` would do.
pub async fn plan(
    global: &GlobalFlags,
    args: &StartArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let (target, options) = request(global, args, settings)?;
    berth_ops::start::plan(engine, &target.name, target.project.as_ref(), &options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}
