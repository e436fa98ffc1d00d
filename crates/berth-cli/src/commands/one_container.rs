//! What the commands that act on a service's containers by name share (`port`, `images`,
//! `commit`, `export`, `cp`): compose's `toProjectName`, and how their verbs run and fail.

use berth_ops::targets::TargetError;

use crate::cli::GlobalFlags;
use crate::commands::common::{self, Exit};
use crate::env_names;
use crate::settings::Settings;

/// compose's `toProjectName`: `-p`, else `COMPOSE_PROJECT_NAME`, else the files' name.
pub fn project_name(global: &GlobalFlags, settings: &Settings) -> Result<String, Exit> {
    match (&global.project_name, settings.var(env_names::PROJECT_NAME)) {
        (Some(name), _) => Ok(name.clone()),
        (None, Some(name)) if !name.is_empty() => Ok(name.to_string()),
        _ => common::project_name(global, settings),
    }
}

/// Prints a verb's failure as compose does (exit status 1).
pub fn failed(e: TargetError) -> Exit {
    common::error(&e.to_string())
}

/// cobra's argument-count errors.
pub fn at_least(n: usize, given: usize) -> Result<(), Exit> {
    if given < n {
        return Err(common::error(&format!(
            "requires at least {n} arg(s), only received {given}"
        )));
    }
    Ok(())
}
