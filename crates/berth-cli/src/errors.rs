//! The one place where failures become what the user sees and the exit status: the
//! loader's, the engine's and the verbs' typed errors are printed here, worded as compose
//! words them, and mapped to compose's exit statuses.

use berth_engine::EngineError;
use berth_loader::{Diagnostics, LoadFailure};
use berth_ops::OpsError;

use crate::output;
use crate::settings::Settings;

/// A command's failure, already printed; carries the exit status.
#[derive(Debug)]
pub struct Exit(pub u8);

pub type CmdResult = Result<u8, Exit>;

/// compose's status for every failure it reports (cobra's `RunE` errors).
const FAILED: u8 = 1;

/// Prints an error message.
pub fn error(message: &str) -> Exit {
    output::error(message);
    Exit(FAILED)
}

/// Prints an engine error as the docker CLI words it.
pub fn engine_error(e: EngineError) -> Exit {
    error(&e.to_string())
}

/// Prints a verb's error; a refusal compose warns about first gets its warning first.
pub fn ops_error(settings: &Settings, e: OpsError) -> Exit {
    if let OpsError::Plan(plan) = &e {
        if let Some(w) = plan.warning() {
            output::warn(settings, w);
        }
    }
    error(&e.to_string())
}

/// Prints the loader's warnings.
pub fn report(settings: &Settings, diags: &Diagnostics) {
    for w in &diags.warnings {
        output::warn(settings, w);
    }
}

/// Prints the warnings so far and the failure, with its position when known.
pub fn load_failure(settings: &Settings, diags: &Diagnostics, failure: LoadFailure) -> Exit {
    report(settings, diags);
    let mut message = failure.error.to_string();
    if let Some(location) = &failure.location {
        if location.pos.is_some() {
            message.push_str(&format!("\n  at {location}"));
        }
    }
    error(&message)
}
