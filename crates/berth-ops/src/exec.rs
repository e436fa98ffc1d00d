//! `exec` and `attach`: find the service's container as compose does
//! (`getSpecifiedContainer`), then start a command in it or attach to it. These commands
//! observe and then stream: the hijacked connection is handed to the command line, which
//! pumps it to and from the terminal.

use berth_engine::models::{ContainerInspectResponse, ContainerSummary, ExecConfig};
use berth_engine::{AttachedIo, ContainerFilter, Engine, EngineError};
use berth_model::labels;

use crate::error::{OpsError, OpsResult};
use crate::ps::project_filter;

/// The running container of `service` that `exec`, `attach` and the other single-container
/// commands act on: replica `index` when it is positive, else the lowest-numbered replica
/// (one-off containers last).
pub async fn find_container(
    engine: &Engine,
    project: &str,
    service: &str,
    index: i64,
) -> OpsResult<ContainerSummary> {
    let mut filter = project_filter(&project.to_lowercase(), None, Some(service));
    if index > 0 {
        filter.push(format!("{}={index}", labels::CONTAINER_NUMBER));
    }
    let filter = ContainerFilter {
        labels: filter,
        all: false,
    };
    let mut containers = engine.list_containers(&filter).await?;
    if containers.is_empty() {
        return Err(OpsError::NotRunning {
            service: service.to_string(),
            index: (index > 0).then_some(index),
        });
    }
    let label = |c: &ContainerSummary, key: &str| {
        c.labels
            .as_ref()
            .and_then(|l| l.get(key))
            .cloned()
            .unwrap_or_default()
    };
    containers.sort_by_key(|c| {
        (
            label(c, labels::ONEOFF) == "True",
            label(c, labels::CONTAINER_NUMBER)
                .parse::<i64>()
                .unwrap_or(0),
        )
    });
    Ok(containers.swap_remove(0))
}

/// What `exec` runs (compose's `api.RunOptions` as `Exec` reads them).
#[derive(Debug, Clone, Default)]
pub struct ExecRequest {
    pub command: Vec<String>,
    /// `KEY=value`, or a bare `KEY` the engine leaves unset.
    pub env: Vec<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub privileged: bool,
    pub tty: bool,
    /// Attach standard input (`-i`, on by default).
    pub interactive: bool,
    pub detach: bool,
    /// The detach sequence the engine watches for (the docker CLI's config file's).
    pub detach_keys: Option<String>,
    /// The terminal's (rows, columns), sent with the create call as the docker CLI does.
    pub console_size: Option<(u16, u16)>,
}

/// An exec that was started: detached, or attached with its streams.
#[derive(Debug)]
pub enum ExecStarted {
    Detached,
    Attached { exec_id: String, io: AttachedIo },
}

/// Creates the exec in `container` and starts it (the docker CLI's `RunExec`).
pub async fn start_exec(
    engine: &Engine,
    container: &str,
    request: &ExecRequest,
) -> OpsResult<ExecStarted> {
    let attached = !request.detach;
    let config = ExecConfig {
        attach_stdin: Some(attached && request.interactive),
        attach_stdout: Some(attached),
        attach_stderr: Some(attached),
        console_size: request
            .console_size
            .filter(|_| request.tty)
            .map(|(rows, columns)| vec![usize::from(rows), usize::from(columns)]),
        detach_keys: request.detach_keys.clone(),
        tty: Some(request.tty),
        env: Some(request.env.clone()),
        cmd: Some(request.command.clone()),
        privileged: Some(request.privileged),
        user: request.user.clone(),
        working_dir: request.workdir.clone(),
    };
    let exec_id = engine.create_exec(container, config).await?;
    if request.detach {
        engine.start_exec(&exec_id, true, request.tty).await?;
        return Ok(ExecStarted::Detached);
    }
    let io = engine.start_exec_attached(&exec_id, request.tty).await?;
    Ok(ExecStarted::Attached { exec_id, io })
}

/// An exec's exit code once it ended.
pub async fn exec_exit_code(engine: &Engine, exec_id: &str) -> Result<i64, EngineError> {
    engine.inspect_exec(exec_id).await.map(|(_, code)| code)
}

/// The container `attach` attaches to, checked as the docker CLI checks it: running, not
/// paused, not restarting.
pub async fn attachable(engine: &Engine, id: &str) -> OpsResult<ContainerInspectResponse> {
    let inspect = engine.inspect_container(id).await?;
    let state = inspect.state.clone().unwrap_or_default();
    if !state.running.unwrap_or(false) {
        return Err(OpsError::NotAttachable(
            "You cannot attach to a stopped container, start it first",
        ));
    }
    if state.paused.unwrap_or(false) {
        return Err(OpsError::NotAttachable(
            "You cannot attach to a paused container, unpause it first",
        ));
    }
    if state.restarting.unwrap_or(false) {
        return Err(OpsError::NotAttachable(
            "You cannot attach to a restarting container, wait until it is running",
        ));
    }
    Ok(inspect)
}
