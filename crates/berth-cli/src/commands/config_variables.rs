//! `config --variables`: the variables the model uses, with their defaults.

use berth_loader::{Diagnostics, LoadSwitches, ProjectOptions};

use super::config::ConfigArgs;
use crate::output;
use crate::settings::Settings;

pub fn run(
    options: &ProjectOptions,
    switches: &LoadSwitches,
    _args: &ConfigArgs,
    settings: &Settings,
) -> u8 {
    let mut diags = Diagnostics::default();
    match berth_loader::load_model(options, switches, &mut diags) {
        Ok(_) => {
            for w in &diags.warnings {
                output::warn(settings, w);
            }
            output::error("config --variables: not wired yet");
            1
        }
        Err(f) => {
            output::error(&f.to_string());
            1
        }
    }
}
