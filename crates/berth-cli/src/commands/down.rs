//! `down`: stop and remove containers, networks (and with flags, volumes and images).

use berth_engine::ReadOnly;
use berth_ops::down::{DownOptions, RemoveImages};
use berth_plan::Plan;
use clap::Args;

use crate::cli::{parse_go_bool, parse_go_int, GlobalFlags};
use crate::commands::common::{self, error, Exit, ProjectRef};
use crate::errors;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct DownArgs {
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub remove_orphans: Option<bool>,
    /// Remove images used by services. "local" remove only images that don't have a custom tag ("local"|"all")
    #[arg(long = "rmi", value_name = "string")]
    pub rmi: Option<String>,
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long = "timeout", value_name = "int", allow_negative_numbers = true, value_parser = parse_go_int)]
    pub timeout: Option<i64>,
    /// Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers
    #[arg(short = 'v', long = "volumes", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub volumes: Option<bool>,
    #[arg(value_name = "SERVICES")]
    pub services: Vec<String>,
}

/// The project (the file when there is one, else the name) and what to remove.
fn request(
    global: &GlobalFlags,
    args: &DownArgs,
    settings: &Settings,
) -> Result<(ProjectRef, DownOptions), Exit> {
    let images = match args.rmi.as_deref() {
        None | Some("") => None,
        Some("local") => Some(RemoveImages::Local),
        Some("all") => Some(RemoveImages::All),
        Some(other) => return Err(error(&format!("invalid --rmi option {other:?}"))),
    };
    let remove_orphans = args.remove_orphans.unwrap_or(false) || settings.resolved.remove_orphans;
    // With `-p` and no file, the name is enough; otherwise the file says what to remove.
    let project = if global.project_name.is_some() && global.file.is_empty() {
        common::load_spec_if_present(global, settings)?
    } else {
        Some(common::load_spec(global, settings, &[])?)
    };
    let name = match &project {
        Some(p) => p.name.clone(),
        None => common::project_name(global, settings)?,
    };
    let options = DownOptions {
        services: args.services.clone(),
        remove_orphans,
        images,
        volumes: args.volumes.unwrap_or(false),
        timeout: common::timeout(args.timeout),
    };
    Ok((ProjectRef { project, name }, options))
}

pub fn run(global: &GlobalFlags, args: &DownArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (target, options) = request(global, args, settings)?;
        let run = common::run_options(global, settings);
        let engine = common::connect(global, settings).await?;
        common::with_progress(global, settings, "Running", async |progress| {
            let (name, project) = (&target.name, target.project.as_ref());
            berth_ops::down::down(&engine, name, project, &options, run, progress).await
        })
        .await?;
        Ok(0)
    })
}

/// What `down` would do.
pub async fn plan(
    global: &GlobalFlags,
    args: &DownArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let (target, options) = request(global, args, settings)?;
    berth_ops::down::plan(engine, &target.name, target.project.as_ref(), &options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}
