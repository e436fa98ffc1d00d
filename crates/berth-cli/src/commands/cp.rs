//! `cp`: files between a service container and the local file system, both ways, `-` for
//! a tar archive on standard input or output (compose's cmd/compose/cp.go).

use clap::Args;

use berth_ops::cp::CopyRequest;

use crate::cli::{parse_go_bool, parse_go_int, GlobalFlags};
use crate::commands::common::{self, block_on, CmdResult};
use crate::commands::one_container::{failed, project_name};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct CpArgs {
    /// Include containers created by the run command
    #[arg(long = "all", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub all: Option<bool>,
    /// Archive mode (copy all uid/gid information)
    #[arg(short = 'a', long = "archive", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub archive: Option<bool>,
    /// Always follow symbol link in SRC_PATH
    #[arg(short = 'L', long = "follow-link", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub follow_link: Option<bool>,
    /// Index of the container if service has multiple replicas
    #[arg(long = "index", value_name = "int", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_go_int)]
    pub index: i64,
    #[arg(value_name = "SERVICE:SRC_PATH DEST_PATH", allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// The docker CLI's `ExactArgs` failure, with the command's usage.
const USAGE_ERROR: &str = "docker: 'docker compose cp' requires 2 arguments

Usage:  docker compose cp [OPTIONS] SERVICE:SRC_PATH DEST_PATH|-
\tdocker compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH

Run 'docker compose cp --help' for more information";

pub fn run(global: &GlobalFlags, args: &CpArgs, settings: &Settings) -> u8 {
    block_on(run_async(global, args, settings))
}

async fn run_async(global: &GlobalFlags, args: &CpArgs, settings: &Settings) -> CmdResult {
    let [source, destination] = args.args.as_slice() else {
        return Err(common::error(USAGE_ERROR));
    };
    if source.is_empty() {
        return Err(common::error("source can not be empty"));
    }
    if destination.is_empty() {
        return Err(common::error("destination can not be empty"));
    }
    let name = project_name(global, settings)?;
    let engine = common::connect(global, settings).await?;
    let request = CopyRequest {
        source: source.clone(),
        destination: destination.clone(),
        all: args.all.unwrap_or(false),
        index: args.index,
        follow_link: args.follow_link.unwrap_or(false),
        copy_uid_gid: args.archive.unwrap_or(false),
        cwd: settings.cwd.to_string_lossy().into_owned(),
    };
    let renderer = common::renderer(global, settings).title("Copying");
    let mut stdout = std::io::stdout();
    let result = berth_ops::cp::copy(
        &engine,
        &name,
        &request,
        &renderer,
        common::dry_run(global),
        Box::new(std::io::stdin()),
        &mut stdout,
    )
    .await;
    renderer.finish();
    result.map_err(failed)?;
    Ok(0)
}
