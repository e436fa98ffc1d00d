//! The `berth` binary: parses the command line, reads the environment once, runs one command
//! and maps its outcome to docker compose's output and exit status.

mod cli;
mod commands;
mod output;
mod settings;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let settings = settings::Settings::from_process();
    let code = cli::run(args, &settings);
    ExitCode::from(code)
}
