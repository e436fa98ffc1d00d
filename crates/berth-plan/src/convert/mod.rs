//! Service → engine container: the create body compose sends for one replica, the networks
//! it connects before start, and the files (secret/config content) it copies in — compose's
//! `getCreateConfigs` and what it calls (create.go, convert.go, secrets.go, apiSocket.go).
//!
//! Pure with respect to the engine: what compose asks the engine for while converting (the
//! API version, the containers of other services) is passed in [`SpecInputs`]. It reads the
//! files a service names (seccomp profiles) and checks that secret files exist, as compose
//! does.
//!
//! Every service attribute is either translated here, or handled by another step (listed in
//! [`unsupported`]), or named in a warning: berth never drops one silently.
//!
//! Where compose builds maps in Go map order (environment, mounts, ulimits, extra hosts),
//! berth uses the model's order: the engine gets the same set.

mod mounts;
mod networks;
mod resources;
mod unsupported;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::observed::AnonymousVolume;
use berth_model::compose::{Healthcheck, Service};
use berth_model::labels;
use bollard_stubs::models::{ContainerCreateBody, EndpointSettings, HealthConfig, HostConfig};
use indexmap::IndexMap;

use berth_model::compose::Project;

/// What the engine needs to create and prepare one container.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerSpec {
    pub name: String,
    /// `platform`, else `DOCKER_DEFAULT_PLATFORM` from the project environment.
    pub platform: Option<String>,
    pub body: ContainerCreateBody,
    /// Networks to connect after create and before start (API < 1.44 takes one network in
    /// the create call), by engine network name.
    pub connect: Vec<(String, EndpointSettings)>,
    /// Files copied in before start (secrets and configs given as `content`/`environment`).
    pub files: Vec<InjectedFile>,
    /// Why `files` cannot be injected (a variable is unset, the service is read-only):
    /// compose creates the container and fails when it injects them, before start.
    pub files_error: Option<ConvertError>,
    /// The container-wide `MacAddress` compose sets in the create body on API < 1.44 (the
    /// engine's create body type has no such field any more: the engine call has to add it).
    pub mac_address: Option<String>,
}

/// A file compose writes into the container before starting it (a tar archive with this one
/// entry, extracted at `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFile {
    /// Path in the container (absolute, except a config's relative target, which compose
    /// also leaves relative: extracted at `/` it lands at `/<target>`).
    pub target: String,
    pub content: Vec<u8>,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Whether the copy keeps the archive's owner (`copyUIDGID`): when `uid` or `gid` is set.
    pub copy_uid_gid: bool,
}

/// Everything outside the service that shapes its container.
#[derive(Debug, Clone)]
pub struct SpecInputs<'a> {
    pub project: &'a Project,
    pub service: &'a Service,
    pub number: u32,
    /// The name to create under (the final name, or the temporary one of a recreate).
    pub name: String,
    pub config_hash: &'a str,
    /// The image ID for the `com.docker.compose.image` label.
    pub image_id: &'a str,
    /// `com.docker.compose.replace`: set when this container replaces another.
    pub replace: Option<String>,
    /// The ID of each service's first container (by name, compose's `sorted()[0]`), for
    /// `service:x` references (network_mode, ipc, pid, volumes_from).
    pub service_containers: &'a IndexMap<String, String>,
    /// The names of each service's containers (one-offs excluded, stopped ones included), for
    /// `links`.
    pub service_container_names: &'a IndexMap<String, Vec<String>>,
    /// Volumes inherited from the replaced container (target → volume name): its anonymous
    /// volumes at the service's anonymous volume targets and at the image's `VOLUME`s.
    pub inherited_volumes: &'a IndexMap<String, AnonymousVolume>,
    /// The negotiated engine API version (major, minor): features are gated on it.
    pub api_version: (usize, usize),
    /// Proxy variables from the docker CLI's config file (`proxies`), set underneath the
    /// service's environment.
    pub proxy_env: &'a IndexMap<String, String>,
    /// For `use_api_socket`: the docker config file written into the container (the
    /// registry credentials); `None` writes one without credentials and warns.
    pub api_socket_config: Option<&'a str>,
    /// The host's files the container's creation reads or checks.
    pub files: &'a dyn HostFiles,
}

/// What creating a container needs of the host's files: seccomp profiles are read, secret
/// files checked. They come in from outside, so that conversion (and reconciliation) does no
/// I/O: berth-ops reads them with the rest of what it observes.
pub trait HostFiles: Sync + std::fmt::Debug {
    /// The file's content, or why it cannot be read (worded as Go's `os.Open` errors).
    fn read(&self, path: &Path) -> Result<Vec<u8>, String>;
    fn exists(&self, path: &Path) -> bool;
}

/// The host's files, as read before planning: the answers to [`HostFiles`] for the paths
/// [`host_files`] names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostSnapshot {
    pub read: BTreeMap<PathBuf, Result<Vec<u8>, String>>,
    pub exists: BTreeMap<PathBuf, bool>,
}

impl HostFiles for HostSnapshot {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        self.read
            .get(path)
            .cloned()
            .unwrap_or_else(|| Err("no such file or directory".into()))
    }

    fn exists(&self, path: &Path) -> bool {
        self.exists.get(path).copied().unwrap_or(false)
    }
}

/// The host files the project's containers need: (profiles to read, files to check).
pub fn host_files(project: &Project) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut read = Vec::new();
    let mut check = Vec::new();
    for service in project.services.values() {
        read.extend(resources::seccomp_profiles(project, service));
        for r in &service.secrets {
            if let Some(file) = project.secrets.get(&r.source).and_then(|s| s.file.clone()) {
                check.push(PathBuf::from(file));
            }
        }
    }
    read.sort();
    read.dedup();
    check.sort();
    check.dedup();
    (read, check)
}

impl SpecInputs<'_> {
    fn api_at_least(&self, major: usize, minor: usize) -> bool {
        self.api_version >= (major, minor)
    }
}

/// A service compose refuses to create, with compose's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// A `service:x` reference whose service has no container.
    #[error("cannot share {what} with service {service}: container missing")]
    MissingServiceContainer { what: &'static str, service: String },
    /// A feature the engine's API version does not have.
    #[error("{0}")]
    EngineTooOld(String),
    /// Anything else compose rejects while converting.
    #[error("{0}")]
    Invalid(String),
}

/// Builds the container for one replica, and the warnings for what berth or the engine
/// cannot honour.
pub fn container_spec(inputs: &SpecInputs) -> Result<(ContainerSpec, Vec<String>), ConvertError> {
    let service = inputs.service;
    let project = inputs.project;
    let mut warnings = unsupported::warnings(project, service);
    if service.use_api_socket && inputs.api_socket_config.is_none() {
        warnings.push(format!(
            "service {:?}: use_api_socket: no registry credentials are passed to the container",
            service.name
        ));
    }
    let resolved = resolve_references(inputs)?;
    let service = &resolved.service;

    let mut container_labels: HashMap<String, String> = service
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in compose_labels(inputs) {
        container_labels.insert(k, v);
    }

    let net = networks::settings(inputs, service)?;
    let mounts = mounts::build(inputs, service, &mut warnings)?;
    let (security_opt, unconfined) =
        resources::security_opts(project, &service.security_opt, inputs.files)?;
    let exposed = resources::exposed_ports(service);

    let mut host_config = HostConfig {
        annotations: non_empty_map(&service.annotations),
        binds: mounts.binds,
        mounts: mounts.mounts,
        cap_add: capabilities(&service.cap_add),
        cap_drop: capabilities(&service.cap_drop),
        network_mode: Some(net.network_mode),
        init: service.init,
        ipc_mode: service.ipc.clone().filter(|s| !s.is_empty()),
        cgroupns_mode: resources::cgroupns_mode(service.cgroup.as_deref()),
        readonly_rootfs: Some(service.read_only),
        restart_policy: Some(resources::restart_policy(service)),
        shm_size: service.shm_size.filter(|n| *n != 0),
        sysctls: non_empty_map(&service.sysctls),
        port_bindings: Some(resources::port_bindings(service)),
        volume_driver: service.volume_driver.clone().filter(|s| !s.is_empty()),
        volumes_from: non_empty(&service.volumes_from),
        dns: non_empty(&service.dns),
        dns_search: non_empty(&service.dns_search),
        dns_options: non_empty(&service.dns_opt),
        extra_hosts: Some(extra_hosts(&service.extra_hosts)),
        security_opt,
        storage_opt: non_empty_map(&service.storage_opt),
        userns_mode: service.userns_mode.clone().filter(|s| !s.is_empty()),
        uts_mode: service.uts.clone().filter(|s| !s.is_empty()),
        privileged: Some(service.privileged),
        pid_mode: service.pid.clone().filter(|s| !s.is_empty()),
        tmpfs: non_empty_map(&tmpfs(&service.tmpfs)),
        isolation: resources::isolation(service, &mut warnings),
        runtime: service.runtime.clone().filter(|s| !s.is_empty()),
        log_config: Some(resources::log_config(service)),
        group_add: non_empty(&service.group_add),
        links: non_empty(&net.links),
        oom_score_adj: Some(service.oom_score_adj.unwrap_or(0)),
        ..Default::default()
    };
    resources::apply(service, &mut host_config);
    if unconfined {
        host_config.masked_paths = Some(Vec::new());
        host_config.readonly_paths = Some(Vec::new());
    }

    let body = ContainerCreateBody {
        hostname: service.hostname.clone().filter(|s| !s.is_empty()),
        domainname: service.domainname.clone().filter(|s| !s.is_empty()),
        user: service.user.clone().filter(|s| !s.is_empty()),
        exposed_ports: (!exposed.is_empty()).then_some(exposed),
        tty: Some(service.tty),
        open_stdin: Some(service.stdin_open),
        stdin_once: Some(false),
        attach_stdin: Some(false),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        cmd: service.command.clone(),
        image: Some(service.image_name(project)),
        working_dir: service.working_dir.clone().filter(|s| !s.is_empty()),
        entrypoint: service.entrypoint.clone(),
        network_disabled: (service.network_mode.as_deref() == Some("disabled")).then_some(true),
        labels: Some(container_labels),
        stop_signal: service.stop_signal.clone().filter(|s| !s.is_empty()),
        env: non_empty(&environment(inputs.proxy_env, &service.environment)),
        healthcheck: healthcheck(inputs, service.healthcheck.as_ref())?,
        stop_timeout: service.stop_grace_period.map(|d| d.nanos() / 1_000_000_000),
        host_config: Some(host_config),
        networking_config: net.networking,
        ..Default::default()
    };
    let platform = project.platform(Some(service));
    Ok((
        ContainerSpec {
            name: inputs.name.clone(),
            platform,
            body,
            connect: net.connect,
            files: mounts.files,
            files_error: mounts.files_error,
            mac_address: net.mac_address,
        },
        warnings,
    ))
}

/// The files compose copies into a container of `service` before starting it (secrets and
/// configs given as `content`/`environment`, the `use_api_socket` config), without
/// building the rest of the container: for starting containers created earlier.
pub fn injected_files(
    project: &Project,
    service: &Service,
    api_socket_config: Option<&str>,
) -> Result<Vec<InjectedFile>, ConvertError> {
    let mut service = service.clone();
    if service.use_api_socket {
        mounts::use_api_socket(&mut service);
    }
    mounts::injected_files(project, &service, api_socket_config)
}

/// The `com.docker.compose.*` labels of a service container.
pub fn compose_labels(inputs: &SpecInputs) -> IndexMap<String, String> {
    let project = inputs.project;
    let service = inputs.service;
    let mut l = project.project_labels();
    l.insert(labels::SERVICE.into(), service.name.clone());
    l.insert(labels::CONFIG_HASH.into(), inputs.config_hash.to_string());
    l.insert(labels::CONTAINER_NUMBER.into(), inputs.number.to_string());
    l.insert(labels::ONEOFF.into(), "False".into());
    l.insert(labels::IMAGE.into(), inputs.image_id.to_string());
    l.insert(labels::WORKING_DIR.into(), project.working_dir.clone());
    l.insert(labels::CONFIG_FILES.into(), project.config_files.join(","));
    if !project.env_files.is_empty() {
        l.insert(labels::ENVIRONMENT_FILE.into(), project.env_files.join(","));
    }
    l.insert(labels::DEPENDS_ON.into(), depends_on_label(service));
    if let Some(replace) = &inputs.replace {
        l.insert(labels::REPLACE.into(), replace.clone());
    }
    l
}

/// `svc:condition:restart` for each dependency, comma-joined.
pub fn depends_on_label(service: &Service) -> String {
    service
        .depends_on
        .iter()
        .map(|(name, dep)| {
            format!(
                "{name}:{}:{}",
                dep.condition
                    .as_ref()
                    .map_or("service_started", |c| c.as_str()),
                dep.restart
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The service as compose converts it: `service:x` references in network_mode, ipc, pid and
/// volumes_from replaced by container IDs (compose's `resolveServiceReferences`), and
/// `use_api_socket` applied (its `useAPISocket` project transformation).
struct Resolved {
    service: Service,
}

fn resolve_references(inputs: &SpecInputs) -> Result<Resolved, ConvertError> {
    let mut service = inputs.service.clone();
    let container_of = |what: &'static str, name: &str| {
        inputs.service_containers.get(name).cloned().ok_or_else(|| {
            ConvertError::MissingServiceContainer {
                what,
                service: name.to_string(),
            }
        })
    };
    for entry in service.volumes_from.iter_mut() {
        // compose keeps only the container: an `:ro`/`:rw` suffix is dropped.
        let spec: Vec<&str> = entry.split(':').collect();
        *entry = if spec[0] == "container" {
            spec.get(1).copied().unwrap_or_default().to_string()
        } else {
            container_of("volume", spec[0])?
        };
    }
    for (field, what) in [
        (&mut service.network_mode, "network namespace"),
        (&mut service.ipc, "IPC namespace"),
        (&mut service.pid, "PID namespace"),
    ] {
        if let Some(other) = field.as_deref().and_then(|m| m.strip_prefix("service:")) {
            *field = Some(format!("container:{}", container_of(what, other)?));
        }
    }
    if service.use_api_socket {
        mounts::use_api_socket(&mut service);
    }
    Ok(Resolved { service })
}

/// `K=V` entries, a key without a value stays `K`; the proxy variables underneath.
fn environment(
    proxy: &IndexMap<String, String>,
    env: &berth_model::compose::MappingWithEquals,
) -> Vec<String> {
    let mut out: Vec<String> = proxy
        .iter()
        .filter(|(k, _)| !env.contains_key(*k))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    out.extend(env.iter().map(|(k, v)| match v {
        Some(v) => format!("{k}={v}"),
        None => k.clone(),
    }));
    out
}

/// compose's `ToMobyHealthCheck`: unset durations and retries are left to the image.
fn healthcheck(
    inputs: &SpecInputs,
    check: Option<&Healthcheck>,
) -> Result<Option<HealthConfig>, ConvertError> {
    let Some(check) = check else {
        return Ok(None);
    };
    let nanos =
        |d: Option<berth_model::compose::GoDuration>| d.map(|d| d.nanos()).filter(|n| *n != 0);
    let test = if check.disable {
        vec!["NONE".to_string()]
    } else {
        check.test.clone()
    };
    let mut start_interval = None;
    if check.start_interval.is_some() {
        if !inputs.api_at_least(1, 44) {
            return Err(ConvertError::EngineTooOld(
                "can't set healthcheck.start_interval as feature require Docker Engine v25 or later"
                    .into(),
            ));
        }
        start_interval = nanos(check.start_interval);
        if check.start_period.is_none() {
            return Err(ConvertError::Invalid(
                "healthcheck.start_interval requires healthcheck.start_period to be set".into(),
            ));
        }
    }
    Ok(Some(HealthConfig {
        test: non_empty(&test),
        interval: nanos(check.interval),
        timeout: nanos(check.timeout),
        retries: check.retries.filter(|r| *r != 0).map(|r| r as i64),
        start_period: nanos(check.start_period),
        start_interval,
    }))
}

/// `tmpfs: [/run:size=64m]` → `{"/run": "size=64m"}`.
fn tmpfs(entries: &[String]) -> IndexMap<String, String> {
    entries
        .iter()
        .map(|t| match t.split_once(':') {
            Some((path, opts)) => (path.to_string(), opts.to_string()),
            None => (t.clone(), String::new()),
        })
        .collect()
}

/// The model keeps `host=ip`; the engine takes `host:ip`.
fn extra_hosts(entries: &[String]) -> Vec<String> {
    entries
        .iter()
        .map(|e| match e.split_once('=') {
            Some((host, ip)) => format!("{host}:{ip}"),
            None => e.clone(),
        })
        .collect()
}

/// The docker client (API ≥ 1.40) sends capabilities upper-cased with their `CAP_` prefix
/// (except `ALL`), without duplicates, sorted (moby's client `normalizeCapabilities`).
fn capabilities(caps: &[String]) -> Option<Vec<String>> {
    let mut out: Vec<String> = caps
        .iter()
        .map(|c| {
            let c = c.to_uppercase();
            if c == "ALL" || c.starts_with("CAP_") {
                c
            } else {
                format!("CAP_{c}")
            }
        })
        .collect();
    out.sort();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

fn non_empty(list: &[String]) -> Option<Vec<String>> {
    (!list.is_empty()).then(|| list.to_vec())
}

fn non_empty_map(map: &IndexMap<String, String>) -> Option<HashMap<String, String>> {
    (!map.is_empty()).then(|| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

#[cfg(test)]
mod tests;
