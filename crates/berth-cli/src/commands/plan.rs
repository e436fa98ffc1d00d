//! `plan VERB [flags]`: what a verb would do, step by step with the reason for each and
//! what it waits for, as text or JSON, without changing anything (only the engine's read
//! calls are made). Exits 0 when there is nothing to do and 2 when there is, as
//! `terraform plan -detailed-exitcode` does, so that CI can gate on drift.

use std::sync::Mutex;

use berth_engine::{ReadOnly, Recorded};
use berth_plan::Plan;
use clap::{Args, Subcommand};

use crate::cli::GlobalFlags;
use crate::commands::{common, down, kill, pause, restart, rm, run, scale, start, stop, up};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Format the plan: "text" or "json"
    #[arg(
        long = "format",
        value_name = "string",
        default_value = "text",
        global = true
    )]
    pub format: String,
    /// Write the engine's answers to the plan's read calls to FILE (JSON), for plan tests
    #[arg(long = "record", value_name = "FILE", hide = true, global = true)]
    pub record: Option<String>,
    /// Plan from answers recorded with --record instead of asking the engine
    #[arg(
        long = "replay",
        value_name = "FILE",
        hide = true,
        global = true,
        conflicts_with = "record"
    )]
    pub replay: Option<String>,
    #[command(subcommand)]
    pub verb: PlanVerb,
}

/// The verbs that have a plan, with their own flags.
#[derive(Debug, Subcommand)]
pub enum PlanVerb {
    /// What `up` would do
    Up(up::UpArgs),
    /// What `create` would do
    Create(up::CreateArgs),
    /// What `down` would do
    Down(down::DownArgs),
    /// What `start` would do
    Start(start::StartArgs),
    /// What `stop` would do
    Stop(stop::StopArgs),
    /// What `restart` would do
    Restart(restart::RestartArgs),
    /// What `kill` would do
    Kill(kill::KillArgs),
    /// What `pause` would do
    Pause(pause::PauseArgs),
    /// What `unpause` would do
    Unpause(pause::PauseArgs),
    /// What `rm` would do
    Rm(rm::RmArgs),
    /// What `run` would do
    Run(run::RunArgs),
    /// What `scale` would do
    Scale(scale::ScaleArgs),
}

/// Nothing to do.
const UNCHANGED: u8 = 0;
/// The plan changes something on the engine.
const CHANGES: u8 = 2;

pub fn run(global: &GlobalFlags, args: &PlanArgs, settings: &Settings) -> u8 {
    if args.format != "text" && args.format != "json" {
        output::error(&format!("unsupported format {:?}", args.format));
        return 1;
    }
    common::block_on(async {
        let replayed: Recorded = match &args.replay {
            Some(file) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| common::error(&format!("{file}: {e}")))?;
                serde_json::from_str(&text).map_err(|e| common::error(&format!("{file}: {e}")))?
            }
            None => Recorded::default(),
        };
        let recorded = Mutex::new(Recorded::default());
        let engine;
        let read = if args.replay.is_some() {
            ReadOnly::replay(&replayed)
        } else {
            engine = common::connect(global, settings).await?;
            match &args.record {
                Some(_) => engine.read_only().recording(&recorded),
                None => engine.read_only(),
            }
        };
        let (g, s) = (global, settings);
        let plan: Plan = match &args.verb {
            PlanVerb::Up(a) => up::plan_up(g, a, s, read).await?,
            PlanVerb::Create(a) => up::plan_create(g, a, s, read).await?,
            PlanVerb::Down(a) => down::plan(g, a, s, read).await?,
            PlanVerb::Start(a) => start::plan(g, a, s, read).await?,
            PlanVerb::Stop(a) => stop::plan(g, a, s, read).await?,
            PlanVerb::Restart(a) => restart::plan(g, a, s, read).await?,
            PlanVerb::Kill(a) => kill::plan(g, a, s, read).await?,
            PlanVerb::Pause(a) => pause::plan(g, a, s, read, true).await?,
            PlanVerb::Unpause(a) => pause::plan(g, a, s, read, false).await?,
            PlanVerb::Rm(a) => rm::plan(g, a, s, read).await?,
            PlanVerb::Run(a) => run::plan(g, a, s, read).await?,
            PlanVerb::Scale(a) => scale::plan(g, a, s, read).await?,
        };
        if let Some(file) = &args.record {
            let recorded = recorded.into_inner().unwrap_or_else(|e| e.into_inner());
            let text = serde_json::to_string_pretty(&recorded).unwrap_or_default();
            std::fs::write(file, text + "\n")
                .map_err(|e| common::error(&format!("{file}: {e}")))?;
        }
        if args.format == "json" {
            output::data(&format!("{}\n", plan.to_json()));
        } else {
            output::data(&plan.to_string());
        }
        Ok(if plan.has_changes() {
            CHANGES
        } else {
            UNCHANGED
        })
    })
}
