//! Wait steps: `depends_on` conditions before a service starts, and `up --wait` after
//! everything started. Polls every 500 ms as compose does, with read calls only.

use std::time::Duration;

use berth_plan::graph::Condition;
use berth_plan::plan::{WaitFor, WaitPurpose};

use super::Executor;
use crate::error::{OpsError, OpsResult, Unready};
use crate::events::{status, Event};

const POLL: Duration = Duration::from_millis(500);

/// One check of a set of containers.
enum Check {
    Pending,
    Done,
    Failed(Unready),
}

type Containers<'a> = &'a [(String, String)];

impl Executor<'_> {
    /// Waits for every target at once, bounded by `timeout` (compose's wording on expiry).
    pub(super) async fn wait(
        &self,
        targets: &[WaitFor],
        ids: &[Vec<(String, String)>],
        timeout: Option<Duration>,
        purpose: WaitPurpose,
    ) -> OpsResult<()> {
        let all = futures_util::future::try_join_all(
            targets
                .iter()
                .zip(ids)
                .map(|(t, ids)| self.wait_for(&t.service, ids, t.condition, t.required)),
        );
        match timeout {
            Some(t) if !t.is_zero() => match tokio::time::timeout(t, all).await {
                Ok(r) => r.map(|_| ()),
                Err(_) => Err(OpsError::WaitExpired {
                    purpose,
                    timeout: t,
                }),
            },
            _ => all.await.map(|_| ()),
        }
    }

    async fn check_healthy(
        &self,
        containers: Containers<'_>,
        fallback_running: bool,
    ) -> OpsResult<Check> {
        for (id, known_name) in containers {
            let inspect = self.hands.read().inspect_container(id).await?;
            let name = inspect
                .name
                .as_deref()
                .unwrap_or(known_name)
                .trim_start_matches('/')
                .to_string();
            let state = inspect.state.unwrap_or_default();
            let status_text = state.status.map(|s| s.to_string()).unwrap_or_default();
            if status_text == "exited" {
                return Ok(Check::Failed(Unready::Exited {
                    container: name,
                    code: state.exit_code.unwrap_or(0),
                }));
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
                return Ok(Check::Failed(Unready::NoHealthcheck(name)));
            };
            match health
                .status
                .map(|s| s.to_string())
                .unwrap_or_default()
                .as_str()
            {
                "healthy" => {}
                "unhealthy" => return Ok(Check::Failed(Unready::Unhealthy(name))),
                "starting" => return Ok(Check::Pending),
                other => {
                    return Ok(Check::Failed(Unready::UnexpectedHealth {
                        container: name,
                        status: other.to_string(),
                    }))
                }
            }
        }
        Ok(Check::Done)
    }

    /// Whether one of the containers exited, and with which code.
    async fn check_completed(&self, containers: Containers<'_>) -> OpsResult<Option<i64>> {
        for (id, _) in containers {
            let inspect = self.hands.read().inspect_container(id).await?;
            let state = inspect.state.unwrap_or_default();
            if state.status.map(|s| s.to_string()).as_deref() == Some("exited") {
                return Ok(Some(state.exit_code.unwrap_or(0)));
            }
        }
        Ok(None)
    }

    /// Waits until `containers` (those of service `dep`) meet `condition`, reporting
    /// events. `required: false` turns failures into warnings.
    async fn wait_for(
        &self,
        dep: &str,
        containers: Containers<'_>,
        condition: Condition,
        required: bool,
    ) -> OpsResult<()> {
        let subject = |name: &str| format!("Container {name}");
        let events = |f: fn(&str) -> Event| {
            for (_, name) in containers {
                self.progress.event(f(&subject(name)));
            }
        };
        let reason_events = |f: fn(&str, &str) -> Event, reason: &str| {
            for (_, name) in containers {
                self.progress.event(f(&subject(name), reason));
            }
        };
        events(status::waiting);
        if self.hands.is_dry_run() {
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
                    match self.check_healthy(containers, fallback).await? {
                        Check::Pending => continue,
                        Check::Done => {
                            events(status::healthy);
                            return Ok(());
                        }
                        Check::Failed(failure) => {
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
                                self.progress.warning(&format!(
                                    "optional dependency {dep:?} {what}: {failure}"
                                ));
                                return Ok(());
                            }
                            if !fallback {
                                events(status::error);
                            }
                            return Err(OpsError::NotReady {
                                failure,
                                dependency: !fallback,
                            });
                        }
                    }
                }
                Condition::CompletedSuccessfully => {
                    let Some(code) = self.check_completed(containers).await? else {
                        continue;
                    };
                    if code == 0 {
                        events(status::exited);
                        return Ok(());
                    }
                    let suffix = format!("{dep:?} didn't complete successfully: exit {code}");
                    if !required {
                        reason_events(status::skipped, &format!("optional dependency {suffix}"));
                        self.progress
                            .warning(&format!("optional dependency {suffix}"));
                        return Ok(());
                    }
                    let failed = OpsError::NotCompleted {
                        service: dep.to_string(),
                        code,
                    };
                    reason_events(status::failed, &failed.to_string());
                    return Err(failed);
                }
            }
        }
    }
}
