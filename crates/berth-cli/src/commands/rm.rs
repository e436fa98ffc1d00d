//! `rm`: remove stopped containers, after listing them and asking (unless `-f`).

use berth_engine::ReadOnly;
use berth_ops::rm::RmOptions;
use berth_ops::stop::StopOptions;
use berth_plan::Plan;
use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, Exit, ProjectRef};
use crate::errors;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct RmArgs {
    /// Don't ask to confirm removal
    #[arg(short = 'f', long = "force", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub force: Option<bool>,
    /// Stop the containers, if required, before removing
    #[arg(short = 's', long = "stop", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub stop: Option<bool>,
    /// Remove any anonymous volumes attached to containers
    #[arg(short = 'v', long = "volumes", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub volumes: Option<bool>,
    /// Deprecated - no effect
    #[arg(short = 'a', long = "all", hide = true, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub all: Option<bool>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// The project (or its name) and what to remove.
fn request(
    global: &GlobalFlags,
    args: &RmArgs,
    settings: &Settings,
) -> Result<(ProjectRef, RmOptions), Exit> {
    let target = common::project_or_name(global, settings, &args.services)?;
    let options = RmOptions {
        services: args.services.clone(),
        stop: args.stop.unwrap_or(false),
        force: args.force.unwrap_or(false),
        volumes: args.volumes.unwrap_or(false),
        dry_run: common::dry_run(global),
    };
    Ok((target, options))
}

/// `-s`: what `stop` does first.
fn stop_options(options: &RmOptions) -> StopOptions {
    StopOptions {
        services: options.services.clone(),
        timeout: None,
    }
}

pub fn run(global: &GlobalFlags, args: &RmArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (target, options) = request(global, args, settings)?;
        let (name, project) = (&target.name, target.project.as_ref());
        let engine = common::connect(global, settings).await?;
        if options.stop {
            let stop = stop_options(&options);
            let run = common::run_options(global, settings);
            common::with_progress(global, settings, "Stopping", async |progress| {
                berth_ops::stop::stop(&engine, name, project, &stop, run, progress).await
            })
            .await?;
        }
        let containers = berth_ops::rm::stopped(engine.read_only(), name, project, &options)
            .await
            .map_err(|e| errors::ops_error(settings, e))?;
        if containers.is_empty() {
            output::info("No stopped containers\n");
            return Ok(0);
        }
        let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
        let message = format!("Going to remove {}", names.join(", "));
        if options.force {
            output::data(&format!("{message}\n"));
        } else if !berth_ui::prompt::confirm(&message, false) {
            return Ok(0);
        }
        common::with_progress(global, settings, "Removing", async |progress| {
            berth_ops::rm::remove(&engine, &containers, &options, progress).await
        })
        .await?;
        Ok(0)
    })
}

/// What `rm` would do: with `-s` the stops, then the removal of what would then be
/// stopped.
pub async fn plan(
    global: &GlobalFlags,
    args: &RmArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let (target, mut options) = request(global, args, settings)?;
    let (name, project) = (&target.name, target.project.as_ref());
    let mut plan = Plan::default();
    if options.stop {
        let stop = stop_options(&options);
        plan = berth_ops::stop::plan(engine, name, project, &stop)
            .await
            .map_err(|e| errors::ops_error(settings, e))?;
        // Nothing was stopped: the containers `-s` stops count as stopped.
        options.dry_run = true;
    }
    let containers = berth_ops::rm::stopped(engine, name, project, &options)
        .await
        .map_err(|e| errors::ops_error(settings, e))?;
    plan.append(berth_ops::rm::plan(&containers, &options));
    Ok(plan)
}
