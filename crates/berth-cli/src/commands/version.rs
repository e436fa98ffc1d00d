//! `version`: which compose version berth stands in for.

use clap::Args;

use crate::cli::COMPOSE_VERSION;
use crate::output;

#[derive(Debug, Args, Default)]
pub struct VersionArgs {
    /// Format the output. Values: [pretty | json]
    #[arg(short = 'f', long = "format", value_name = "string")]
    pub format: Option<String>,
    /// Shows only Compose's version number
    #[arg(long = "short", action = clap::ArgAction::SetTrue)]
    pub short: bool,
    /// cobra's `NoArgs`: any argument is an unknown command.
    #[arg(hide = true)]
    pub args: Vec<String>,
}

pub fn run(args: &VersionArgs) -> u8 {
    if let Some(first) = args.args.first() {
        output::error(&format!(
            "unknown command {first:?} for \"docker compose version\""
        ));
        return 1;
    }
    if args.short {
        output::data(&format!("{COMPOSE_VERSION}\n"));
    } else if args.format.as_deref() == Some("json") {
        output::data(&format!("{{\"version\":\"v{COMPOSE_VERSION}\"}}\n"));
    } else {
        output::data(&format!("Docker Compose version v{COMPOSE_VERSION}\n"));
    }
    0
}
