//! `stop`: stop running containers without removing them.

use berth_engine::ReadOnly;
use berth_ops::stop::StopOptions;
use berth_plan::Plan;
use clap::Args;

use crate::cli::{parse_go_int, GlobalFlags};
use crate::commands::common::{self, Exit, ProjectRef};
use crate::errors;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct StopArgs {
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long = "timeout", value_name = "int", allow_negative_numbers = true, value_parser = parse_go_int)]
    pub timeout: Option<i64>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// The project (or its name) and what to stop.
fn request(
    global: &GlobalFlags,
    args: &StopArgs,
    settings: &Settings,
) -> Result<(ProjectRef, StopOptions), Exit> {
    let target = common::project_or_name(global, settings, &args.services)?;
    let options = StopOptions {
        services: args.services.clone(),
        timeout: common::timeout(args.timeout),
    };
    Ok((target, options))
}

pub fn run(global: &GlobalFlags, args: &StopArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (target, options) = request(global, args, settings)?;
        let run = common::run_options(global, settings);
        let engine = common::connect(global, settings).await?;
        common::with_progress(global, settings, "Stopping", async |progress| {
            let (name, project) = (&target.name, target.project.as_ref());
            berth_ops::stop::stop(&engine, name, project, &options, run, progress).await
        })
        .await?;
        Ok(0)
    })
}

/// What `stop` would do.
pub async fn plan(
    global: &GlobalFlags,
    args: &StopArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let (target, options) = request(global, args, settings)?;
    berth_ops::stop::plan(engine, &target.name, target.project.as_ref(), &options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}
