//! `events [SERVICE...]`: the project's container events, live until Ctrl-C (compose's
//! cmd/compose/events.go).

use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, block_on, error, CmdResult};
use crate::commands::logs::{canceled, interrupted, unix_now};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Output events as a stream of json objects
    #[arg(long = "json", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub json: Option<bool>,
    /// Show all events created since timestamp
    #[arg(long = "since", value_name = "string")]
    pub since: Option<String>,
    /// Stream events until this timestamp
    #[arg(long = "until", value_name = "string")]
    pub until: Option<String>,
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &EventsArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &EventsArgs, settings: &Settings) -> CmdResult {
    // compose's `toProjectName`: -p, else COMPOSE_PROJECT_NAME, else the files.
    let name = match common::early_project_name(global, settings) {
        Some(name) => name,
        None => common::project_name(global, settings)?,
    };
    let now = unix_now();
    let timestamp = |value: &Option<String>| -> Result<Option<String>, _> {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| berth_model::docker_time::get_timestamp(v, now))
            .transpose()
            .map_err(|e| error(&e))
    };
    let (since, until) = (timestamp(&args.since)?, timestamp(&args.until)?);
    let engine = common::connect(global, settings).await?;
    let mut print = |event| {
        output::data(&if args.json.unwrap_or(false) {
            berth_ui::events::json(&event)
        } else {
            berth_ui::events::text(&event)
        });
    };
    let events = berth_ops::container_events::events(
        &engine,
        &name,
        &args.services,
        since,
        until,
        &mut print,
    );
    tokio::select! {
        result = events => {
            result.map_err(common::engine_error)?;
            // The engine ended the stream (`--until`): compose reports the end of its input.
            Err(error("EOF"))
        }
        () = interrupted() => Ok(canceled()),
    }
}
