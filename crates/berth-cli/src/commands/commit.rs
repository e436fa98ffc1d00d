//! `commit SERVICE [REPOSITORY[:TAG]]`: a new image from a service container's changes
//! (compose's cmd/compose/commit.go).

use clap::{ArgAction, Args};

use berth_ops::commit::CommitRequest;

use crate::cli::{parse_go_bool, parse_go_int, GlobalFlags};
use crate::commands::common::{self, block_on, CmdResult};
use crate::commands::one_container::{failed, project_name};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct CommitArgs {
    /// Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")
    #[arg(
        short = 'a',
        long = "author",
        value_name = "string",
        default_value = ""
    )]
    pub author: String,
    /// Apply Dockerfile instruction to the created image
    #[arg(short = 'c', long = "change", value_name = "list", action = ArgAction::Append)]
    pub change: Vec<String>,
    /// index of the container if service has multiple replicas.
    #[arg(long = "index", value_name = "int", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_go_int)]
    pub index: i64,
    /// Commit message
    #[arg(
        short = 'm',
        long = "message",
        value_name = "string",
        default_value = ""
    )]
    pub message: String,
    /// Pause container during commit
    #[arg(short = 'p', long = "pause", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub pause: Option<bool>,
    #[arg(value_name = "SERVICE [REPOSITORY[:TAG]]")]
    pub args: Vec<String>,
}

pub fn run(global: &GlobalFlags, args: &CommitArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &CommitArgs, settings: &Settings) -> CmdResult {
    if !(1..=2).contains(&args.args.len()) {
        return Err(common::error(&format!(
            "accepts between 1 and 2 arg(s), received {}",
            args.args.len()
        )));
    }
    let name = project_name(global, settings)?;
    let engine = common::connect(global, settings).await?;
    let request = CommitRequest {
        service: args.args[0].clone(),
        reference: args.args.get(1).cloned().unwrap_or_default(),
        index: args.index,
        comment: args.message.clone(),
        author: args.author.clone(),
        changes: args.change.clone(),
        pause: args.pause.unwrap_or(true),
    };
    let renderer = common::renderer(global, settings).title("Committing");
    let result =
        berth_ops::commit::commit(&engine, &name, &request, &renderer, common::dry_run(global))
            .await;
    renderer.finish();
    result.map_err(failed)?;
    Ok(0)
}
