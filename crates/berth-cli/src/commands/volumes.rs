//! `volumes [SERVICE...]`: the project's volumes (compose's cmd/compose/volumes.go).

use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, block_on, CmdResult};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct VolumesArgs {
    /// Format output using a custom template
    #[arg(long = "format", value_name = "string", default_value = "table")]
    pub format: String,
    /// Only display volume names
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet: Option<bool>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &VolumesArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &VolumesArgs, settings: &Settings) -> CmdResult {
    // compose's `projectOrName` with the services selected: an unknown one fails the load,
    // which `COMPOSE_PROJECT_NAME` turns into a silent fallback to that name.
    let project = common::project_or_name(global, settings, &args.services)?;
    if let Some(spec) = &project.project {
        if let Some(missing) = args
            .services
            .iter()
            .find(|s| !spec.services.contains_key(s.as_str()))
        {
            return Err(common::error(&format!("no such service: {missing}")));
        }
    }
    let engine = common::connect(global, settings).await?;
    let volumes = berth_ops::volumes::volumes(&engine, &project.name, &args.services)
        .await
        .map_err(common::engine_error)?;
    if args.quiet.unwrap_or(false) {
        let names: String = volumes.iter().map(|v| format!("{}\n", v.name)).collect();
        output::data(&names);
        return Ok(0);
    }
    match berth_ui::format::volume::write_volumes(&args.format, &volumes) {
        Ok(text) => {
            output::data(&text);
            Ok(0)
        }
        Err(message) => Err(common::error(&message)),
    }
}
