//! `restart`: restart containers as they are (configuration changes are not applied).

use berth_ops::project::{self, ProjectFlags};
use berth_ops::restart::RestartOptions;
use clap::Args;

use crate::cli::{parse_go_bool, parse_go_int, GlobalFlags};
use crate::commands::common;
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

pub fn run(global: &GlobalFlags, args: &RestartArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        // compose loads the whole project here, then enables the named services (profiles).
        let (mut project, name) = common::project_or_name(global, settings, &[])?;
        if let Some(p) = project.as_mut() {
            let flags = ProjectFlags {
                enable: args.services.clone(),
                ..ProjectFlags::default()
            };
            project::apply(p, &flags).map_err(|e| common::error(&e.to_string()))?;
        }
        let options = RestartOptions {
            services: args.services.clone(),
            no_deps: args.no_deps.unwrap_or(false),
            timeout: common::timeout(args.timeout),
        };
        let run = common::run_options(global, settings);
        let engine = common::connect(global, settings).await?;
        common::with_progress(global, settings, "Restarting", async |progress| {
            berth_ops::restart::restart(&engine, &name, project.as_ref(), &options, run, progress)
                .await
        })
        .await?;
        Ok(0)
    })
}
