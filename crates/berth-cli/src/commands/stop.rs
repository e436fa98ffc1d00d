//! `stop`: stop running containers without removing them.

use berth_ops::stop::StopOptions;
use clap::Args;

use crate::cli::{parse_go_int, GlobalFlags};
use crate::commands::common;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct StopArgs {
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long = "timeout", value_name = "int", allow_negative_numbers = true, value_parser = parse_go_int)]
    pub timeout: Option<i64>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &StopArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (project, name) = common::project_or_name(global, settings, &args.services)?;
        let options = StopOptions {
            services: args.services.clone(),
            timeout: common::timeout(args.timeout),
        };
        let run = common::run_options(global, settings);
        let engine = common::connect(global, settings).await?;
        common::with_progress(global, settings, "Stopping", async |progress| {
            berth_ops::stop::stop(&engine, &name, project.as_ref(), &options, run, progress).await
        })
        .await?;
        Ok(0)
    })
}
