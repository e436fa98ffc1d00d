//! `ps [SERVICE...]`: the project's containers (compose's cmd/compose/ps.go).

use clap::Args;

use berth_loader::{Diagnostics, LoadRequest, LoadSwitches};
use berth_ops::ps::PsOptions;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, block_on, CmdResult, Exit};
use crate::commands::config::project_options;
use crate::env_names;
use crate::errors::report;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct PsArgs {
    /// Show all stopped containers (including those created by the run command)
    #[arg(short = 'a', long = "all", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub all: Option<bool>,
    /// Filter services by a property (supported filters: status)
    #[arg(long = "filter", value_name = "string")]
    pub filter: Option<String>,
    /// Format output using a custom template
    #[arg(long = "format", value_name = "string", default_value = "table")]
    pub format: String,
    /// Don't truncate output
    #[arg(long = "no-trunc", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_trunc: Option<bool>,
    /// Include orphaned services (not declared by project)
    #[arg(long = "orphans", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub orphans: Option<bool>,
    /// Only display IDs
    #[arg(short = 'q', long = "quiet", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub quiet: Option<bool>,
    /// Display services
    #[arg(long = "services", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub services: Option<bool>,
    /// Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]
    #[arg(long = "status", value_name = "stringArray", action = clap::ArgAction::Append)]
    pub status: Vec<String>,
    #[arg(value_name = "SERVICE")]
    pub service_names: Vec<String>,
}

/// compose's `psOptions.parseFilter`: `status=X` adds to `--status`.
fn parse_filter(filter: Option<&str>, status: &mut Vec<String>) -> Result<(), String> {
    let Some(filter) = filter.filter(|f| !f.is_empty()) else {
        return Ok(());
    };
    let Some((key, value)) = filter.split_once('=') else {
        return Err("arguments to --filter should be in form KEY=VAL".into());
    };
    match key {
        "status" => {
            status.push(value.to_string());
            Ok(())
        }
        "source" => Err("not implemented".into()),
        other => Err(format!("unknown filter {other}")),
    }
}

pub fn run(global: &GlobalFlags, args: &PsArgs, settings: &Settings) -> u8 {
    let mut status = args.status.clone();
    if let Err(message) = parse_filter(args.filter.as_deref(), &mut status) {
        output::error(&message);
        return 1;
    }
    block_on(run_async(global, args, status, settings))
}

/// compose's `projectOrName`: the project is loaded when files are named or no name is
/// given; only its service names matter here, and only when services are named on the
/// command line or `--orphans=false` asks for them.
fn project_or_name(
    global: &GlobalFlags,
    settings: &Settings,
    need_services: bool,
) -> Result<(Option<Vec<String>>, String), Exit> {
    let loads = !global.file.is_empty() || global.project_name.is_none();
    if !loads {
        return Ok((None, global.project_name.clone().unwrap_or_default()));
    }
    let env_name = settings
        .var(env_names::PROJECT_NAME)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    if !need_services {
        return match common::project_name(global, settings) {
            Ok(name) => Ok((Some(Vec::new()), name)),
            Err(e) => env_name.map(|n| (None, n)).ok_or(e),
        };
    }
    let options = project_options(global, settings);
    let mut diags = Diagnostics::default();
    let request = LoadRequest {
        switches: LoadSwitches::default(),
        services: Vec::new(),
        resolve_environment: false,
        check_container_names: false,
    };
    match berth_loader::load_project(&options, &request, &mut diags) {
        Ok(project) => {
            report(settings, &diags);
            let names = project.services().keys().cloned().collect();
            Ok((Some(names), project.name))
        }
        Err(failure) => match env_name {
            Some(name) => Ok((None, name)),
            None => Err(crate::errors::load_failure(settings, &diags, failure)),
        },
    }
}

async fn run_async(
    global: &GlobalFlags,
    args: &PsArgs,
    status: Vec<String>,
    settings: &Settings,
) -> CmdResult {
    let orphans = args.orphans.unwrap_or(true);
    let need_services = !args.service_names.is_empty() || !orphans;
    let (project_services, name) = project_or_name(global, settings, need_services)?;
    let mut services = args.service_names.clone();
    if let Some(names) = project_services.filter(|_| need_services) {
        if !services.is_empty() {
            if let Some(missing) = services.iter().find(|s| !names.contains(s)) {
                return Err(common::error(&format!("no such service: {missing}")));
            }
        } else if !orphans {
            services = names;
        }
    }
    let engine = common::connect(global, settings).await?;
    let options = PsOptions {
        all: args.all.unwrap_or(false) || !status.is_empty(),
        services,
    };
    let mut containers = berth_ops::ps::ps(&engine, &name, &options)
        .await
        .map_err(common::engine_error)?;
    if !status.is_empty() {
        containers.retain(|c| status.contains(&c.state));
    }
    containers.sort_by(|a, b| a.name.cmp(&b.name));

    if args.quiet.unwrap_or(false) {
        let ids: String = containers.iter().map(|c| format!("{}\n", c.id)).collect();
        output::data(&ids);
        return Ok(0);
    }
    if args.services.unwrap_or(false) {
        let mut names: Vec<&str> = Vec::new();
        for c in &containers {
            if !names.contains(&c.service.as_str()) {
                names.push(&c.service);
            }
        }
        output::data(&format!("{}\n", names.join("\n")));
        return Ok(0);
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let trunc = !args.no_trunc.unwrap_or(false);
    match berth_ui::format::container::write_containers(&args.format, &containers, trunc, now) {
        Ok(text) => {
            output::data(&text);
            Ok(0)
        }
        Err(message) => Err(common::error(&message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_wording() {
        let mut status = Vec::new();
        assert_eq!(
            parse_filter(Some("foo"), &mut status).unwrap_err(),
            "arguments to --filter should be in form KEY=VAL"
        );
        assert_eq!(
            parse_filter(Some("foo=bar"), &mut status).unwrap_err(),
            "unknown filter foo"
        );
        assert_eq!(
            parse_filter(Some("source=x"), &mut status).unwrap_err(),
            "not implemented"
        );
        parse_filter(Some("status=exited"), &mut status).unwrap();
        assert_eq!(status, vec!["exited"]);
    }
}
