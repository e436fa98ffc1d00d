//! `start`: start existing containers (compose 2.40.3 has no flags here).

use berth_ops::start::StartOptions;
use clap::Args;

use crate::cli::GlobalFlags;
use crate::commands::common;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct StartArgs {
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &StartArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (project, name) = common::project_or_name(global, settings, &args.services)?;
        let options = StartOptions {
            services: args.services.clone(),
            wait_timeout: None,
        };
        let run = common::run_options(global, settings);
        let engine = common::connect(global, settings).await?;
        common::with_progress(global, settings, "Running", async |progress| {
            berth_ops::start::start(&engine, &name, project.as_ref(), &options, run, progress).await
        })
        .await?;
        Ok(0)
    })
}
