//! `images [SERVICE...]`: the images of the project's containers (compose's
//! cmd/compose/images.go).

use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, block_on, CmdResult};
use crate::commands::one_container::project_name;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Format the output. Values: [table | json]
    #[arg(long = "format", value_name = "string", default_value = "table")]
    pub format: String,
    /// Only display IDs
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet: Option<bool>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &ImagesArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &ImagesArgs, settings: &Settings) -> CmdResult {
    let name = project_name(global, settings)?;
    let engine = common::connect(global, settings).await?;
    let images = berth_ops::images::images(&engine, &name, &args.services)
        .await
        .map_err(common::engine_error)?;
    use berth_ui::format::images as render;
    if args.quiet.unwrap_or(false) {
        output::data(&render::write_quiet(&images));
        return Ok(0);
    }
    if args.format == "json" {
        output::data(&render::write_json(&images));
        return Ok(0);
    }
    match args.format.to_lowercase().as_str() {
        "table" | "pretty" | "" => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            output::data(&render::write_table(&images, now));
            Ok(0)
        }
        "json" => {
            output::data(&render::write_summaries(&images));
            Ok(0)
        }
        _ => Err(common::error(&format!(
            "format value {:?} could not be parsed: parsing failed",
            args.format
        ))),
    }
}
