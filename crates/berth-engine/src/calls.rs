//! The engine calls compose makes, one method each, with bollard's errors mapped to
//! [`EngineError`]. Lists take label filters so one call finds a project's objects.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, ContainerSummary, ContainerTopResponse,
    EndpointSettings, ExecConfig, ImageInspect, Network, NetworkConnectRequest,
    NetworkCreateRequest, NetworkDisconnectRequest, NetworkInspect, Volume, VolumeCreateRequest,
};
use bollard::query_parameters as q;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;

use crate::{Engine, EngineError};

/// A chunk of a container's output, by stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
}

/// One message of an image pull (the docker CLI's `JSONMessage`): a layer's `id` and
/// `status`, and its progress when the engine sent any (`progressDetail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullMessage {
    pub id: String,
    pub status: String,
    /// (current, total) bytes.
    pub progress: Option<(i64, i64)>,
}

/// A container's run starting or ending, as the engine's events tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEvent {
    Started,
    /// With the exit code.
    Died(i64),
}

/// The streams of a hijacked connection (an attached exec or container): what comes out
/// (a terminal's output comes as [`Output::Stdout`]) and the standard input to write.
pub struct AttachedIo {
    pub output: BoxStream<'static, Result<Output, EngineError>>,
    pub input: std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
}

impl std::fmt::Debug for AttachedIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AttachedIo")
    }
}

/// Which containers a list call returns.
#[derive(Debug, Clone, Default)]
pub struct ContainerFilter {
    /// `key=value` (or bare `key`) label filters, all of which must match.
    pub labels: Vec<String>,
    /// Include stopped containers.
    pub all: bool,
}

/// Which networks or volumes a list call returns.
#[derive(Debug, Clone, Default)]
pub struct ObjectFilter {
    pub labels: Vec<String>,
    /// Name filters (the engine matches them as substrings).
    pub names: Vec<String>,
}

fn filters(labels: &[String], names: &[String]) -> Option<HashMap<String, Vec<String>>> {
    let mut map = HashMap::new();
    if !labels.is_empty() {
        map.insert("label".to_string(), labels.to_vec());
    }
    if !names.is_empty() {
        map.insert("name".to_string(), names.to_vec());
    }
    (!map.is_empty()).then_some(map)
}

impl Engine {
    /// `GET /_ping`.
    pub async fn ping(&self) -> Result<(), EngineError> {
        self.docker
            .ping()
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    pub async fn list_containers(
        &self,
        filter: &ContainerFilter,
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        let options = q::ListContainersOptions {
            all: filter.all,
            filters: filters(&filter.labels, &[]),
            ..Default::default()
        };
        self.docker
            .list_containers(Some(options))
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn inspect_container(
        &self,
        id: &str,
    ) -> Result<ContainerInspectResponse, EngineError> {
        self.docker
            .inspect_container(id, None)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Creates a container and returns its ID.
    pub async fn create_container(
        &self,
        name: &str,
        platform: Option<&str>,
        body: ContainerCreateBody,
    ) -> Result<String, EngineError> {
        self.create_container_with_mac(name, platform, body, None)
            .await
    }

    /// Creates a container with the container-wide `MacAddress` compose sends on API < 1.44
    /// (bollard's body type no longer has the field: the serialised body gets it added).
    pub async fn create_container_with_mac(
        &self,
        name: &str,
        platform: Option<&str>,
        body: ContainerCreateBody,
        mac_address: Option<&str>,
    ) -> Result<String, EngineError> {
        let options = q::CreateContainerOptions {
            name: Some(name.to_string()),
            platform: platform.unwrap_or_default().to_string(),
        };
        let docker = match mac_address.filter(|m| !m.is_empty()) {
            None => self.docker.clone(),
            Some(mac) => {
                let mut json =
                    serde_json::to_value(&body).map_err(|e| EngineError::Other(e.to_string()))?;
                json["MacAddress"] = serde_json::Value::String(mac.to_string());
                let bytes =
                    serde_json::to_vec(&json).map_err(|e| EngineError::Other(e.to_string()))?;
                self.docker.clone().with_request_modifier(move |mut req| {
                    if req.uri().path().ends_with("/containers/create") {
                        *req.body_mut() = bollard::body_full(bytes.clone().into());
                    }
                    req
                })
            }
        };
        docker
            .create_container(Some(options), body)
            .await
            .map(|r| r.id)
            .map_err(|e| self.fail(e))
    }

    pub async fn start_container(&self, id: &str) -> Result<(), EngineError> {
        self.docker
            .start_container(id, None)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Stops a container; `timeout` in seconds (`None`: the container's own StopTimeout).
    pub async fn stop_container(&self, id: &str, timeout: Option<i32>) -> Result<(), EngineError> {
        let options = q::StopContainerOptions {
            t: timeout,
            signal: None,
        };
        self.docker
            .stop_container(id, Some(options))
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn restart_container(
        &self,
        id: &str,
        timeout: Option<i32>,
    ) -> Result<(), EngineError> {
        let options = q::RestartContainerOptions {
            t: timeout,
            signal: None,
        };
        self.docker
            .restart_container(id, Some(options))
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn kill_container(&self, id: &str, signal: &str) -> Result<(), EngineError> {
        let options = q::KillContainerOptions {
            signal: signal.to_string(),
        };
        self.docker
            .kill_container(id, Some(options))
            .await
            .map_err(|e| self.fail(e))
    }

    /// Removes a container; `volumes` also removes its anonymous volumes.
    pub async fn remove_container(
        &self,
        id: &str,
        force: bool,
        volumes: bool,
    ) -> Result<(), EngineError> {
        let options = q::RemoveContainerOptions {
            v: volumes,
            force,
            link: false,
        };
        self.docker
            .remove_container(id, Some(options))
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn rename_container(&self, id: &str, name: &str) -> Result<(), EngineError> {
        let options = q::RenameContainerOptions {
            name: name.to_string(),
        };
        self.docker
            .rename_container(id, options)
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn pause_container(&self, id: &str) -> Result<(), EngineError> {
        self.docker
            .pause_container(id)
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn unpause_container(&self, id: &str) -> Result<(), EngineError> {
        self.docker
            .unpause_container(id)
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn top(&self, id: &str) -> Result<ContainerTopResponse, EngineError> {
        self.docker
            .top_processes(id, None::<q::TopOptions>)
            .await
            .map_err(|e| self.fail(e))
    }

    /// The starts and deaths of the containers with label `label` from `since` (unix
    /// seconds) on, in the engine's order: (container ID, what happened, when in unix
    /// nanoseconds). The engine replays what happened since then, so nothing that comes
    /// before the stream is read is missed.
    pub fn container_runs(
        &self,
        label: &str,
        since: f64,
    ) -> BoxStream<'static, Result<(String, RunEvent, i64), EngineError>> {
        let filters = HashMap::from([
            ("type".to_string(), vec!["container".to_string()]),
            (
                "event".to_string(),
                vec!["start".to_string(), "die".to_string()],
            ),
            ("label".to_string(), vec![label.to_string()]),
        ]);
        let options = q::EventsOptions {
            since: Some(format!("{since:.9}")),
            until: None,
            filters: Some(filters),
        };
        let host = self.host.clone();
        self.docker
            .events(Some(options))
            .map(move |event| {
                let event = event.map_err(|e| EngineError::from_bollard(&host, e))?;
                let actor = event.actor.unwrap_or_default();
                let what = if event.action.as_deref() == Some("start") {
                    RunEvent::Started
                } else {
                    let code = actor
                        .attributes
                        .and_then(|a| a.get("exitCode").and_then(|c| c.parse().ok()))
                        .unwrap_or(0);
                    RunEvent::Died(code)
                };
                Ok((
                    actor.id.unwrap_or_default(),
                    what,
                    event.time_nano.unwrap_or(0),
                ))
            })
            .boxed()
    }

    /// Attaches to the container's output from now on (compose attaches before it starts a
    /// container, so nothing is missed).
    pub async fn attach_output(
        &self,
        id: &str,
    ) -> Result<BoxStream<'static, Result<Output, EngineError>>, EngineError> {
        let options = q::AttachContainerOptions {
            stream: true,
            stdout: true,
            stderr: true,
            ..Default::default()
        };
        let attached = self
            .docker
            .attach_container(id, Some(options))
            .await
            .map_err(|e| self.fail(e))?;
        let host = self.host.clone();
        Ok(attached
            .output
            .filter_map(move |item| {
                let host = host.clone();
                async move { output(&host, item) }
            })
            .boxed())
    }

    /// A container's output from second `since` on, followed while it runs, each line led
    /// by its RFC 3339 timestamp and a space (the engine's `timestamps` option).
    pub fn follow_logs(
        &self,
        id: &str,
        since: i64,
    ) -> BoxStream<'static, Result<Output, EngineError>> {
        let options = q::LogsOptions {
            follow: true,
            stdout: true,
            stderr: true,
            timestamps: true,
            since: i32::try_from(since).unwrap_or(i32::MAX),
            ..Default::default()
        };
        let host = self.host.clone();
        self.docker
            .logs(id, Some(options))
            .filter_map(move |item| {
                let host = host.clone();
                async move { output(&host, item) }
            })
            .boxed()
    }

    /// Creates a command to run in a running container (`POST /containers/{id}/exec`);
    /// returns the exec's ID.
    pub async fn create_exec(&self, id: &str, config: ExecConfig) -> Result<String, EngineError> {
        self.docker
            .create_exec(id, config)
            .await
            .map(|r| r.id)
            .map_err(|e| self.fail(e))
    }

    /// Starts an exec: detached, or attached and its output streamed until it ends.
    pub async fn start_exec(
        &self,
        exec_id: &str,
        detach: bool,
        tty: bool,
    ) -> Result<Option<BoxStream<'static, Result<Output, EngineError>>>, EngineError> {
        let options = bollard::exec::StartExecOptions {
            detach,
            tty,
            output_capacity: None,
        };
        let started = self
            .docker
            .start_exec(exec_id, Some(options))
            .await
            .map_err(|e| self.fail(e))?;
        let bollard::exec::StartExecResults::Attached { output: stream, .. } = started else {
            return Ok(None);
        };
        let host = self.host.clone();
        Ok(Some(
            stream
                .filter_map(move |item| {
                    let host = host.clone();
                    async move { output(&host, item) }
                })
                .boxed(),
        ))
    }

    /// Starts an exec attached (`POST /exec/{id}/start`, the connection hijacked): its
    /// output, and its standard input to write to (shut it down to send end of input).
    pub async fn start_exec_attached(
        &self,
        exec_id: &str,
        tty: bool,
    ) -> Result<AttachedIo, EngineError> {
        let options = bollard::exec::StartExecOptions {
            detach: false,
            tty,
            output_capacity: None,
        };
        let started = self
            .docker
            .start_exec(exec_id, Some(options))
            .await
            .map_err(|e| hijack_failed(self.fail(e)))?;
        match started {
            bollard::exec::StartExecResults::Attached { output, input } => {
                Ok(self.attached_io(output, input))
            }
            bollard::exec::StartExecResults::Detached => {
                Err(EngineError::Other("exec started detached".into()))
            }
        }
    }

    /// Resizes an exec's terminal (`POST /exec/{id}/resize`).
    pub async fn resize_exec(
        &self,
        exec_id: &str,
        rows: u16,
        columns: u16,
    ) -> Result<(), EngineError> {
        let options = q::ResizeExecOptions {
            h: i32::from(rows),
            w: i32::from(columns),
        };
        self.docker
            .resize_exec(exec_id, options)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Attaches to a running container's streams (`POST /containers/{id}/attach`, the
    /// connection hijacked), its standard input too when `stdin`; the engine detaches on
    /// `detach_keys` when given.
    pub async fn attach_io(
        &self,
        id: &str,
        stdin: bool,
        detach_keys: Option<&str>,
    ) -> Result<AttachedIo, EngineError> {
        let options = q::AttachContainerOptions {
            detach_keys: detach_keys.map(str::to_string),
            stream: true,
            stdin,
            stdout: true,
            stderr: true,
            logs: false,
        };
        let attached = self
            .docker
            .attach_container(id, Some(options))
            .await
            .map_err(|e| hijack_failed(self.fail(e)))?;
        Ok(self.attached_io(attached.output, attached.input))
    }

    /// Resizes a container's terminal (`POST /containers/{id}/resize`).
    pub async fn resize_container(
        &self,
        id: &str,
        rows: u16,
        columns: u16,
    ) -> Result<(), EngineError> {
        let options = q::ResizeContainerTTYOptions {
            h: i32::from(rows),
            w: i32::from(columns),
        };
        self.docker
            .resize_container_tty(id, options)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Waits for a container to stop (`POST /containers/{id}/wait`); its exit code.
    pub async fn wait_container(&self, id: &str) -> Result<i64, EngineError> {
        let mut waits = self
            .docker
            .wait_container(id, None::<q::WaitContainerOptions>);
        match waits.next().await {
            Some(Ok(answer)) => Ok(answer.status_code),
            Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => Ok(code),
            Some(Err(e)) => Err(self.fail(e)),
            None => Err(EngineError::Other(
                "the engine ended the wait without an answer".into(),
            )),
        }
    }

    fn attached_io(
        &self,
        output: std::pin::Pin<
            Box<
                dyn futures_util::Stream<
                        Item = Result<bollard::container::LogOutput, bollard::errors::Error>,
                    > + Send,
            >,
        >,
        input: std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
    ) -> AttachedIo {
        let host = self.host.clone();
        AttachedIo {
            output: output
                .filter_map(move |item| {
                    let host = host.clone();
                    async move { crate::calls::output(&host, item) }
                })
                .boxed(),
            input,
        }
    }

    /// Whether an exec still runs, and its exit code once it ended.
    pub async fn inspect_exec(&self, exec_id: &str) -> Result<(bool, i64), EngineError> {
        let inspect = self
            .docker
            .inspect_exec(exec_id)
            .await
            .map_err(|e| self.fail(e))?;
        Ok((
            inspect.running.unwrap_or(false),
            inspect.exit_code.unwrap_or(0),
        ))
    }

    /// Copies a tar archive into the container, extracted at `path`.
    pub async fn upload_archive(
        &self,
        id: &str,
        path: &str,
        tar: Vec<u8>,
    ) -> Result<(), EngineError> {
        let options = q::UploadToContainerOptions {
            path: path.to_string(),
            ..Default::default()
        };
        self.docker
            .upload_to_container(id, Some(options), bollard::body_full(tar.into()))
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn list_networks(&self, filter: &ObjectFilter) -> Result<Vec<Network>, EngineError> {
        let options = q::ListNetworksOptions {
            filters: filters(&filter.labels, &filter.names),
        };
        self.docker
            .list_networks(Some(options))
            .await
            .map_err(|e| self.fail(e))
    }

    /// Inspects a network by name or ID; `None` when there is none.
    pub async fn inspect_network(&self, name: &str) -> Result<Option<NetworkInspect>, EngineError> {
        match self.docker.inspect_network(name, None).await {
            Ok(n) => Ok(Some(n)),
            Err(e) => match self.fail(e) {
                e if e.is_not_found() => Ok(None),
                e => Err(e),
            },
        }
    }

    /// Creates a network and returns its ID.
    pub async fn create_network(&self, body: NetworkCreateRequest) -> Result<String, EngineError> {
        self.docker
            .create_network(body)
            .await
            .map(|r| r.id)
            .map_err(|e| self.fail(e))
    }

    pub async fn remove_network(&self, id: &str) -> Result<(), EngineError> {
        self.docker
            .remove_network(id)
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn connect_network(
        &self,
        network: &str,
        container: &str,
        endpoint: EndpointSettings,
    ) -> Result<(), EngineError> {
        let body = NetworkConnectRequest {
            container: container.to_string(),
            endpoint_config: Some(endpoint),
        };
        self.docker
            .connect_network(network, body)
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn disconnect_network(
        &self,
        network: &str,
        container: &str,
        force: bool,
    ) -> Result<(), EngineError> {
        let body = NetworkDisconnectRequest {
            container: container.to_string(),
            force: Some(force),
        };
        self.docker
            .disconnect_network(network, body)
            .await
            .map_err(|e| self.fail(e))
    }

    pub async fn list_volumes(&self, filter: &ObjectFilter) -> Result<Vec<Volume>, EngineError> {
        let options = q::ListVolumesOptions {
            filters: filters(&filter.labels, &filter.names),
        };
        self.docker
            .list_volumes(Some(options))
            .await
            .map(|r| r.volumes.unwrap_or_default())
            .map_err(|e| self.fail(e))
    }

    /// Inspects a volume by name; `None` when there is none.
    pub async fn inspect_volume(&self, name: &str) -> Result<Option<Volume>, EngineError> {
        match self.docker.inspect_volume(name).await {
            Ok(v) => Ok(Some(v)),
            Err(e) => match self.fail(e) {
                e if e.is_not_found() => Ok(None),
                e => Err(e),
            },
        }
    }

    pub async fn create_volume(&self, body: VolumeCreateRequest) -> Result<Volume, EngineError> {
        self.docker
            .create_volume(body)
            .await
            .map_err(|e| self.fail(e))
    }

    /// Removes a volume; forced, as compose removes them (`down -v`, a diverged volume).
    pub async fn remove_volume(&self, name: &str) -> Result<(), EngineError> {
        self.docker
            .remove_volume(name, Some(q::RemoveVolumeOptions { force: true }))
            .await
            .map_err(|e| self.fail(e))
    }

    /// Inspects an image by reference or ID; `None` when the engine does not have it.
    pub async fn inspect_image(
        &self,
        reference: &str,
    ) -> Result<Option<ImageInspect>, EngineError> {
        match self.docker.inspect_image(reference).await {
            Ok(i) => Ok(Some(i)),
            Err(e) => match self.fail(e) {
                e if e.is_not_found() => Ok(None),
                e => Err(e),
            },
        }
    }

    /// Pulls `name` at `tag` (a tag or a digest) for `platform`: the engine's progress
    /// messages, streamed. A failure before the first message (the registry refused) is a
    /// [`EngineError::Daemon`]; one reported in the stream is [`EngineError::Other`].
    pub fn pull_image(
        &self,
        name: &str,
        tag: &str,
        platform: Option<&str>,
        credentials: Option<bollard::auth::DockerCredentials>,
    ) -> BoxStream<'static, Result<PullMessage, EngineError>> {
        let options = q::CreateImageOptions {
            from_image: Some(name.to_string()),
            tag: Some(tag.to_string()),
            platform: platform.unwrap_or_default().to_lowercase(),
            ..Default::default()
        };
        let host = self.host.clone();
        self.docker
            .create_image(Some(options), None, credentials)
            .map(move |item| match item {
                Ok(info) => Ok(PullMessage {
                    id: info.id.unwrap_or_default(),
                    status: info.status.unwrap_or_default(),
                    progress: info
                        .progress_detail
                        .map(|p| (p.current.unwrap_or(0), p.total.unwrap_or(0))),
                }),
                Err(bollard::errors::Error::DockerStreamError { error }) => {
                    Err(EngineError::Other(error))
                }
                Err(e) => Err(EngineError::from_bollard(&host, e)),
            })
            .boxed()
    }

    pub async fn remove_image(&self, reference: &str) -> Result<(), EngineError> {
        self.docker
            .remove_image(reference, None::<q::RemoveImageOptions>, None)
            .await
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }
}

/// A refused upgrade of a hijacked connection, as the docker client words it (it does
/// not read the engine's message then).
fn hijack_failed(e: EngineError) -> EngineError {
    match e {
        EngineError::Daemon { status, .. } => {
            EngineError::Other(format!("unable to upgrade to tcp, received {status}"))
        }
        other => other,
    }
}

/// One chunk of a container's output, as berth passes it on.
pub(crate) fn output(
    host: &str,
    item: Result<bollard::container::LogOutput, bollard::errors::Error>,
) -> Option<Result<Output, EngineError>> {
    use bollard::container::LogOutput as L;
    match item {
        Ok(L::StdOut { message }) | Ok(L::Console { message }) => {
            Some(Ok(Output::Stdout(message.to_vec())))
        }
        Ok(L::StdErr { message }) => Some(Ok(Output::Stderr(message.to_vec()))),
        Ok(L::StdIn { .. }) => None,
        Err(e) => Some(Err(EngineError::from_bollard(host, e))),
    }
}
