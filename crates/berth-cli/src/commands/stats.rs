//! `stats [SERVICE]`: the project's containers' resource usage (compose's
//! cmd/compose/stats.go, which hands it to the docker CLI's `stats`).

use berth_ops::stats::StatsOptions;
use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, block_on, error, CmdResult};
use crate::commands::logs::{canceled, interrupted};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Show all containers (default shows just running)
    #[arg(short = 'a', long = "all", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub all: Option<bool>,
    /// Format output using a custom template:
    /// 'table':            Print output in table format with column headers (default)
    /// 'table TEMPLATE':   Print output in table format using the given Go template
    /// 'json':             Print in JSON format
    /// 'TEMPLATE':         Print output using the given Go template.
    /// Refer to https://docs.docker.com/engine/cli/formatting/ for more information about formatting output with templates
    #[arg(long = "format", value_name = "string", verbatim_doc_comment)]
    pub format: Option<String>,
    /// Disable streaming stats and only pull the first result
    #[arg(long = "no-stream", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_stream: Option<bool>,
    /// Do not truncate output
    #[arg(long = "no-trunc", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_trunc: Option<bool>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &StatsArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &StatsArgs, settings: &Settings) -> CmdResult {
    if args.services.len() > 1 {
        // cobra's `MaximumNArgs(1)`.
        return Err(error(&format!(
            "accepts at most 1 arg(s), received {}",
            args.services.len()
        )));
    }
    let name = match common::early_project_name(global, settings) {
        Some(name) => name,
        None => common::project_name(global, settings)?,
    };
    let options = StatsOptions {
        service: args.services.first().cloned(),
        all: args.all.unwrap_or(false),
    };
    let format = args.format.clone().unwrap_or_default();
    let trunc = !args.no_trunc.unwrap_or(false);
    let engine = common::connect(global, settings).await?;
    if args.no_stream.unwrap_or(false) {
        let entries = berth_ops::stats::sample(&engine, &name, &options)
            .await
            .map_err(common::engine_error)?;
        let text = berth_ui::stats::write_stats(&format, &entries, trunc).map_err(|e| error(&e))?;
        output::data(&text);
        return Ok(0);
    }
    let mut failed = None;
    let mut frame = |entries: &[berth_ops::stats::StatsEntry]| match berth_ui::stats::write_stats(
        &format, entries, trunc,
    ) {
        Ok(text) => output::data(&berth_ui::stats::redraw(&text)),
        Err(e) => failed = Some(e),
    };
    let followed = berth_ops::stats::follow(&engine, &name, &options, &mut frame);
    let result = tokio::select! {
        result = followed => result,
        () = interrupted() => return Ok(canceled()),
    };
    result.map_err(common::engine_error)?;
    match failed {
        Some(e) => Err(error(&e)),
        None => Ok(0),
    }
}
