//! `scale SERVICE=REPLICAS...`: converge the named services to their new replica counts
//! (compose's scale is create + start of those services, as `up` does them).

use std::collections::BTreeMap;

use berth_engine::ReadOnly;
use berth_ops::project::{self, ProjectFlags};
use berth_ops::up::{PlanOptions, UpOptions};
use berth_ops::Project;
use berth_plan::Plan;
use clap::Args;

use crate::cli::{parse_go_bool, GlobalFlags};
use crate::commands::common::{self, error, Exit};
use crate::errors;
use crate::settings::Settings;

#[derive(Debug, Args, Default)]
pub struct ScaleArgs {
    /// Don't start linked services
    #[arg(long = "no-deps", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub no_deps: Option<bool>,
    #[arg(value_name = "SERVICE=REPLICAS")]
    pub services: Vec<String>,
}

/// compose's `parseServicesReplicasArgs`.
fn parse_replicas(args: &[String]) -> Result<BTreeMap<String, i64>, String> {
    let mut out = BTreeMap::new();
    for arg in args {
        let Some((key, value)) = arg
            .split_once('=')
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        else {
            return Err(format!("invalid scale specifier: {arg}"));
        };
        // Go's Atoi: an optional sign and decimal digits.
        let replicas: i64 = value.parse().map_err(|_| {
            format!("invalid scale specifier: can't parse replica value as int: {arg}")
        })?;
        out.insert(key.to_string(), replicas);
    }
    Ok(out)
}

/// The project with the new counts, and the options of the `up` that converges it.
fn request(
    global: &GlobalFlags,
    args: &ScaleArgs,
    settings: &Settings,
) -> Result<(Project, UpOptions), Exit> {
    if args.services.is_empty() {
        return Err(error("requires at least 1 arg(s), only received 0"));
    }
    let replicas = parse_replicas(&args.services).map_err(|m| error(&m))?;
    let services: Vec<String> = replicas.keys().cloned().collect();
    let mut project = common::load_spec(global, settings, &services)?;
    let flags = ProjectFlags {
        only: args.no_deps.unwrap_or(false).then(|| services.clone()),
        scale: replicas.into_iter().collect(),
        ..ProjectFlags::default()
    };
    project::apply(&mut project, &flags).map_err(|e| errors::ops_error(settings, e))?;
    let options = UpOptions {
        plan: PlanOptions {
            services,
            ..PlanOptions::default()
        },
        run: common::run_options(global, settings),
        ..UpOptions::default()
    };
    Ok((project, options))
}

pub fn run(global: &GlobalFlags, args: &ScaleArgs, settings: &Settings) -> u8 {
    common::block_on(async {
        let (project, options) = request(global, args, settings)?;
        let engine = common::connect(global, settings).await?;
        common::with_progress(global, settings, "Running", async |progress| {
            berth_ops::up::up(&engine, &project, &options, None, progress).await
        })
        .await?;
        Ok(0)
    })
}

/// What `scale` would do.
pub async fn plan(
    global: &GlobalFlags,
    args: &ScaleArgs,
    settings: &Settings,
    engine: ReadOnly<'_>,
) -> Result<Plan, Exit> {
    let (project, options) = request(global, args, settings)?;
    berth_ops::up::plan(engine, &project, &options)
        .await
        .map_err(|e| errors::ops_error(settings, e))
}

#[cfg(test)]
mod tests {
    use super::parse_replicas;

    #[test]
    fn specifiers_are_checked_as_compose_does() {
        let ok = parse_replicas(&["web=3".into(), "db=0".into()]).unwrap();
        assert_eq!(ok["web"], 3);
        assert_eq!(ok["db"], 0);
        assert_eq!(
            parse_replicas(&["web".into()]).unwrap_err(),
            "invalid scale specifier: web"
        );
        assert_eq!(
            parse_replicas(&["=2".into()]).unwrap_err(),
            "invalid scale specifier: =2"
        );
        assert_eq!(
            parse_replicas(&["web=x".into()]).unwrap_err(),
            "invalid scale specifier: can't parse replica value as int: web=x"
        );
    }
}
