//! `ls`: compose projects on the engine (compose's cmd/compose/list.go).

use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, block_on, CmdResult};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Show all stopped Compose projects
    #[arg(short = 'a', long = "all", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub all: Option<bool>,
    /// Filter output based on conditions provided
    #[arg(long = "filter", value_name = "filter", action = clap::ArgAction::Append, value_parser = parse_filter)]
    pub filter: Vec<(String, String)>,
    /// Format the output. Values: [table | json]
    #[arg(long = "format", value_name = "string", default_value = "table")]
    pub format: String,
    /// Only display project names
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet: Option<bool>,
    /// `ls` takes no arguments; cobra says so in its own words.
    #[arg(hide = true)]
    pub extra: Vec<String>,
}

/// docker's `FilterOpt.Set`: `key=value`, the key lower-cased, both trimmed.
fn parse_filter(value: &str) -> Result<(String, String), String> {
    let Some((key, val)) = value.split_once('=') else {
        return Err("bad format of filter (expected name=value)".into());
    };
    Ok((key.trim().to_lowercase(), val.trim().to_string()))
}

pub fn run(global: &GlobalFlags, args: &LsArgs, settings: &Settings) -> u8 {
    if let Some(first) = args.extra.first() {
        output::error(&format!(
            "unknown command {first:?} for \"docker compose ls\""
        ));
        return 1;
    }
    if let Some((key, _)) = args.filter.iter().find(|(k, _)| k != "name") {
        output::error(&format!("invalid filter '{key}'"));
        return 1;
    }
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &LsArgs, settings: &Settings) -> CmdResult {
    let engine = common::connect(global, settings).await?;
    let (mut stacks, warnings) = berth_ops::ls::ls(&engine, args.all.unwrap_or(false))
        .await
        .map_err(common::engine_error)?;
    for w in &warnings {
        output::warn(settings, w);
    }
    let names: Vec<&str> = args.filter.iter().map(|(_, v)| v.as_str()).collect();
    if !names.is_empty() {
        stacks.retain(|s| berth_ops::ls::name_matches(&names, &s.name));
    }
    if args.quiet.unwrap_or(false) {
        let text: String = stacks.iter().map(|s| format!("{}\n", s.name)).collect();
        output::data(&text);
        return Ok(0);
    }
    match berth_ui::tables::write_stacks(&args.format, &stacks) {
        Ok(text) => {
            output::data(&text);
            Ok(0)
        }
        Err(message) => Err(common::error(&message)),
    }
}
