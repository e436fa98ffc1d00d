//! `top [SERVICE...]`: the processes of the project's running containers (compose's
//! cmd/compose/top.go).

use clap::Args;

use crate::cli::GlobalFlags;
use crate::commands::common::{self, block_on, CmdResult};
use crate::env_names;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct TopArgs {
    #[arg(value_name = "SERVICES")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &TopArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &TopArgs, settings: &Settings) -> CmdResult {
    // compose's `toProjectName`: -p, else COMPOSE_PROJECT_NAME, else the files.
    let name = match (&global.project_name, settings.var(env_names::PROJECT_NAME)) {
        (Some(name), _) => name.clone(),
        (None, Some(name)) if !name.is_empty() => name.to_string(),
        _ => common::project_name(global, settings)?,
    };
    let engine = common::connect(global, settings).await?;
    let containers = berth_ops::top::top(&engine, &name, &args.services)
        .await
        .map_err(common::engine_error)?;
    output::data(&berth_ui::tables::write_top(&containers));
    Ok(0)
}
