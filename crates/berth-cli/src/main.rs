//! The `berth` binary: parses the command line, reads the environment once, runs one command
//! and maps its outcome to docker compose's output and exit status.

mod cli;
mod commands;
mod env_names;
mod errors;
mod hijack;
mod output;
mod settings;
mod terminal;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let settings = settings::Settings::from_process();
    if may_need_the_engine(&args) {
        let host = berth_engine::Engine::host_from(&settings.env);
        *settings.early_ping.lock().expect("fresh lock") =
            Some(berth_engine::EarlyPing::start(host));
    }
    let code = cli::run(args, &settings);
    ExitCode::from(code)
}

/// Whether the command line probably talks to the engine, judged before parsing it: then
/// the API version ping starts at once, on its own thread, and its round trip overlaps
/// with parsing and loading. A wrong guess costs a ping, never a wrong result: a command
/// that needs the engine and was not guessed pings when it connects.
fn may_need_the_engine(args: &[String]) -> bool {
    const WITHOUT_ENGINE: [&str; 6] = ["config", "version", "help", "--help", "-h", "--version"];
    args.len() > 1
        && !args[1..]
            .iter()
            .any(|a| WITHOUT_ENGINE.contains(&a.as_str()))
}
