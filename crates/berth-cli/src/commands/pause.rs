//! `pause` and `unpause`.

use berth_ops::pause::PauseOptions;
use clap::Args;

use crate::cli::GlobalFlags;
use crate::commands::common;
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
        let (project, name) = common::project_or_name(global, settings, &args.services)?;
        let options = PauseOptions {
            services: args.services.clone(),
        };
        let dry_run = common::dry_run(global);
        let engine = common::connect(global, settings).await?;
        common::with_progress(
            global,
            settings,
            if pause { "Pausing" } else { "Running" },
            async |progress| {
                let project = project.as_ref();
                berth_ops::pause::pause(&engine, &name, project, &options, pause, dry_run, progress)
                    .await
            },
        )
        .await?;
        Ok(0)
    })
}
