//! `restart`: restart containers as they are (configuration changes are not applied).

use berth_engine::ReadOnly;
use berth_ops::project::{self, ProjectFlags};
use berth_ops::restart::RestartOptions;
use berth_plan::Plan;
use clap::Args;

use crate::cli::{parse_go_bool, parse_go_int, GlobalFlags};
use crate::commands::common::{self, Exit, ProjectRef};
use crate::errors;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct RestartArgs {
    /// Don't restart dependent services
    #[arg(long = "no-deps", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_deps: Option<bool>,
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long = "timeout", value_name = "int", allow_negative_numbers = true, value_parser = parse_go_int)]
    pub timeout: Option<i64>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// The project (or its name) and what to restart. compose loads the whole project here,
/// then enables the named services (profiles).
fn request(
    global: &GlobalFlags,
    args: &RestartArgs,
    settings: &Settings,
) -> Result<(ProjectRef, RestartOptions), Exit> {
    let mut target = common::project_or_name(global, settings, &[])?;
    if let Some(p) = target.project.as_mut() {
        let flags = ProjectFlags {
            enable: args.services.clone(),
            ..ProjectFlags::default()
        };
        project::apply(p, &flags).map_err(|e| errors::ops_error(settings, e))?;
    }
    let options = RestartOptions {
        services: args.services.clone(),
        no_deps: args.no_deps.unwrap_or(false),
        timeout: common::timeout(args.timeout),
    };
    Ok((target, options))
}

pub fn run(global: &GlobalFlags, args: &RestartArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (target, options) = request(global, args, settings)?;
        let run = common::run_options(global, settings);
        let engine = common::connect(global, settings).await?;
        common::with_progress(global, settings, "Restarting", async |progress| {
            let (name, project) = (&target.name, target.project.as_ref());
            berth_ops::restart::restart(&engine, name, project, &options, run, progress).await
        })
        .await?;
        Ok(0)
    })
}

/// What `restart` would do.
pub async fn plan(
    global: &GlobalFlags,
    args: &RestartArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let (target, options) = request(global, args, settings)?;
    berth_ops::restart::plan(engine, &target.name, target.project.as_ref(), &options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}
