//! Waiting on containers: `depends_on` conditions before a service starts, and `up --wait`
//! after everything started. Polls every 500 ms as compose does.

use std::time::Duration;

use berth_model::compose::{DependencyCondition, Service};
use berth_plan::Container;
use indexmap::IndexMap;

use crate::error::{OpsError, OpsResult};
use crate::events::status;
use crate::runner::{container_event, Runner};
use berth_model::compose::Project;

const POLL: Duration = Duration::from_millis(500);

/// What a waiter waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Healthy,
    /// Healthy if a healthcheck exists, else running (`up --wait`).
    RunningOrHealthy,
    CompletedSuccessfully,
}

/// One check of a set of containers.
enum Check {
    Pending,
    Done,
    /// Failed; the message is compose's.
    Failed(String),
}

async fn check_healthy(
    runner: &Runner<'_>,
    containers: &[&Container],
    fallback_running: bool,
) -> OpsResult<Check> {
    for c in containers {
        let inspect = runner.engine.inspect_container(&c.id).await?;
        let name = inspect
            .name
            .as_deref()
            .unwrap_or(&c.name)
            .trim_start_matches('/')
            .to_string();
        let state = inspect.state.unwrap_or_default();
        let status_text = state.status.map(|s| s.to_string()).unwrap_or_default();
        if status_text == "exited" {
            return Ok(Check::Failed(format!(
                "container {name} exited ({})",
                state.exit_code.unwrap_or(0)
            )));
        }
        let has_healthcheck = inspect
            .config
            .as_ref()
            .and_then(|c| c.healthcheck.as_ref())
            .is_some();
        if !has_healthcheck && fallback_running {
            if status_text != "running" {
                return Ok(Check::Pending);
            }
            continue;
        }
        let Some(health) = state.health else {
            return Ok(Check::Failed(format!(
                "container {name} has no healthcheck configured"
            )));
        };
        match health
            .status
            .map(|s| s.to_string())
            .unwrap_or_default()
            .as_str()
        {
            "healthy" => {}
            "unhealthy" => return Ok(Check::Failed(format!("container {name} is unhealthy"))),
            "starting" => return Ok(Check::Pending),
            other => {
                return Ok(Check::Failed(format!(
                    "container {name} had unexpected health status {other:?}"
                )))
            }
        }
    }
    Ok(Check::Done)
}

/// Whether one of the containers exited, and with which code.
async fn check_completed(runner: &Runner<'_>, containers: &[&Container]) -> OpsResult<Option<i64>> {
    for c in containers {
        let inspect = runner.engine.inspect_container(&c.id).await?;
        let state = inspect.state.unwrap_or_default();
        if state.status.map(|s| s.to_string()).as_deref() == Some("exited") {
            return Ok(Some(state.exit_code.unwrap_or(0)));
        }
    }
    Ok(None)
}

/// Waits until `containers` (those of service `dep`) meet `condition`, reporting events.
/// `required: false` turns failures into warnings.
async fn wait_for(
    runner: &Runner<'_>,
    dep: &str,
    containers: &[&Container],
    condition: Condition,
    required: bool,
) -> OpsResult<()> {
    let events = |f: fn(&str) -> crate::Event| {
        for c in containers {
            runner.progress.event(f(&container_event(&c.name)));
        }
    };
    let reason_events = |f: fn(&str, &str) -> crate::Event, reason: &str| {
        for c in containers {
            runner.progress.event(f(&container_event(&c.name), reason));
        }
    };
    events(status::waiting);
    if runner.dry_run {
        events(match condition {
            Condition::CompletedSuccessfully => status::exited,
            _ => status::healthy,
        });
        return Ok(());
    }
    loop {
        tokio::time::sleep(POLL).await;
        match condition {
            Condition::Healthy | Condition::RunningOrHealthy => {
                let fallback = condition == Condition::RunningOrHealthy;
                match check_healthy(runner, containers, fallback).await? {
                    Check::Pending => continue,
                    Check::Done => {
                        events(status::healthy);
                        return Ok(());
                    }
                    Check::Failed(message) => {
                        if !required {
                            let what = if fallback {
                                "is not running or is unhealthy"
                            } else {
                                "failed to start"
                            };
                            reason_events(
                                status::skipped,
                                &format!("optional dependency {dep:?} {what}"),
                            );
                            runner
                                .progress
                                .warning(&format!("optional dependency {dep:?} {what}: {message}"));
                            return Ok(());
                        }
                        if fallback {
                            return Err(OpsError::message(message));
                        }
                        events(status::error);
                        return Err(OpsError::message(format!(
                            "dependency failed to start: {message}"
                        )));
                    }
                }
            }
            Condition::CompletedSuccessfully => {
                let Some(code) = check_completed(runner, containers).await? else {
                    continue;
                };
                if code == 0 {
                    events(status::exited);
                    return Ok(());
                }
                let suffix = format!("{dep:?} didn't complete successfully: exit {code}");
                if !required {
                    reason_events(status::skipped, &format!("optional dependency {suffix}"));
                    runner
                        .progress
                        .warning(&format!("optional dependency {suffix}"));
                    return Ok(());
                }
                let message = format!("service {suffix}");
                reason_events(status::failed, &message);
                return Err(OpsError::message(message));
            }
        }
    }
}

/// Waits on `futures` concurrently, bounded by `timeout` (compose's error wording).
async fn bounded<F>(timeout: Option<Duration>, futures: Vec<F>, expired: String) -> OpsResult<()>
where
    F: std::future::Future<Output = OpsResult<()>>,
{
    let all = futures_util::future::try_join_all(futures);
    match timeout {
        Some(t) if !t.is_zero() => match tokio::time::timeout(t, all).await {
            Ok(r) => r.map(|_| ()),
            Err(_) => Err(OpsError::message(expired)),
        },
        _ => all.await.map(|_| ()),
    }
}

/// Before starting `service`: wait for the dependencies whose condition is not
/// `service_started` (the order already covers that one).
pub async fn wait_dependencies(
    runner: &Runner<'_>,
    project: &Project,
    service: &Service,
    containers: &IndexMap<String, Vec<Container>>,
    timeout: Option<Duration>,
) -> OpsResult<()> {
    let mut waits = Vec::new();
    for (dep, config) in &service.depends_on {
        let condition = match config.condition {
            Some(DependencyCondition::Healthy) => Condition::Healthy,
            Some(DependencyCondition::CompletedSuccessfully) => Condition::CompletedSuccessfully,
            _ => continue,
        };
        let Some(dep_service) = project.services.get(dep) else {
            // Disabled (`--no-deps`, profiles): not waited for.
            continue;
        };
        if dep_service.scale() == 0 {
            continue;
        }
        let list: Vec<&Container> = containers.get(dep).into_iter().flatten().collect();
        if list.is_empty() {
            let message = format!("{} is missing dependency {dep}", service.name);
            if config.required {
                return Err(OpsError::message(message));
            }
            runner.progress.warning(&message);
            continue;
        }
        waits.push(async move { wait_for(runner, dep, &list, condition, config.required).await });
    }
    bounded(timeout, waits, "timeout waiting for dependencies".into()).await
}

/// `up --wait`: every service running or healthy (or completed, for those others wait on
/// to complete).
pub async fn wait_for_project(
    runner: &Runner<'_>,
    project: &Project,
    containers: &IndexMap<String, Vec<Container>>,
    timeout: Option<Duration>,
) -> OpsResult<()> {
    let mut waits = Vec::new();
    for name in project.services.keys() {
        let completed = project.services.values().any(|s| {
            s.depends_on
                .get(name)
                .is_some_and(|d| d.condition == Some(DependencyCondition::CompletedSuccessfully))
        });
        let condition = if completed {
            Condition::CompletedSuccessfully
        } else {
            Condition::RunningOrHealthy
        };
        let list: Vec<&Container> = containers.get(name).into_iter().flatten().collect();
        if list.is_empty() {
            continue;
        }
        waits.push(async move { wait_for(runner, name, &list, condition, true).await });
    }
    let expired = format!(
        "application not healthy after {}",
        timeout
            .map(|t| berth_model::gofmt::format_duration(t.as_nanos() as i64))
            .unwrap_or_default()
    );
    bounded(timeout, waits, expired).await
}

/// Before `dependant` starts (`start`, `restart`): waits for its dependencies as `scope`
/// records them, the project loaded or rebuilt from labels (compose's `waitDependencies`).
pub async fn wait_scope_dependencies(
    runner: &Runner<'_>,
    scope: &crate::scope::Scope,
    dependant: &str,
    containers: &[Container],
    timeout: Option<Duration>,
) -> OpsResult<()> {
    let Some(dependencies) = scope.services.get(dependant) else {
        return Ok(());
    };
    let mut waits = Vec::new();
    for (dep, config) in dependencies {
        let Some(condition) = config.condition else {
            continue;
        };
        if !scope.contains(dep) {
            return Err(OpsError::message(format!("no such service: {dep}")));
        }
        if !scope.waits_for(dep) {
            continue;
        }
        let list: Vec<&Container> = containers
            .iter()
            .filter(|c| c.service == *dep && !c.oneoff)
            .collect();
        if list.is_empty() {
            let message = format!("{dependant} is missing dependency {dep}");
            if config.required {
                return Err(OpsError::message(message));
            }
            runner.progress.warning(&message);
            continue;
        }
        let required = config.required;
        waits.push(async move { wait_for(runner, dep, &list, condition, required).await });
    }
    bounded(timeout, waits, "timeout waiting for dependencies".into()).await
}
