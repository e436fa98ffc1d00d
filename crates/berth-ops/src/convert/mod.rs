//! Service → engine container: the create body compose sends for one replica, the networks
//! it connects before start, and the files (secret/config content) it copies in.
//! Pure: everything it needs from the engine is passed in.

use berth_engine::models::{ContainerCreateBody, EndpointSettings, HostConfig, NetworkingConfig};
use berth_model::compose::Service;
use berth_model::labels;
use indexmap::IndexMap;

use crate::project::ProjectSpec;

/// What the engine needs to create and prepare one container.
#[derive(Debug, Clone)]
pub struct ContainerSpec {
    pub name: String,
    pub platform: Option<String>,
    pub body: ContainerCreateBody,
    /// Networks to connect after create and before start (API < 1.44 takes one network in
    /// the create call), by engine network name.
    pub connect: Vec<(String, EndpointSettings)>,
    /// Files copied in before start (secrets and configs given as `content`/`environment`).
    pub files: Vec<InjectedFile>,
}

/// A file compose writes into the container before starting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFile {
    /// Absolute path in the container.
    pub target: String,
    pub content: Vec<u8>,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

/// Everything outside the service that shapes its container.
#[derive(Debug, Clone)]
pub struct SpecInputs<'a> {
    pub project: &'a ProjectSpec,
    pub service: &'a Service,
    pub number: u32,
    /// The name to create under (the final name, or the temporary one of a recreate).
    pub name: String,
    pub config_hash: &'a str,
    /// The image ID for the `com.docker.compose.image` label.
    pub image_id: &'a str,
    /// `com.docker.compose.replace`: set when this container replaces another.
    pub replace: Option<String>,
    /// Container IDs of other services' first replicas, for `service:x` references
    /// (network_mode, ipc, pid, volumes_from).
    pub service_containers: &'a IndexMap<String, String>,
    /// Anonymous volumes (target → volume name) inherited from the replaced container.
    pub inherited_volumes: &'a IndexMap<String, String>,
    /// Whether the engine takes several networks in one create (API ≥ 1.44).
    pub multi_network_create: bool,
}

/// Builds the container for one replica, and the warnings for what the engine cannot honour.
pub fn container_spec(inputs: &SpecInputs) -> (ContainerSpec, Vec<String>) {
    let service = inputs.service;
    let project = inputs.project;
    let mut warnings = Vec::new();

    let mut container_labels: std::collections::HashMap<String, String> = service
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in compose_labels(inputs) {
        container_labels.insert(k, v);
    }

    let env: Vec<String> = service
        .environment
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        })
        .collect();

    let (network_mode, networking, connect) = networks(inputs);

    let host_config = HostConfig {
        network_mode: Some(network_mode),
        ..Default::default()
    };
    let body = ContainerCreateBody {
        image: Some(service.image_name(&project.typed)),
        cmd: service.command.clone(),
        entrypoint: service.entrypoint.clone(),
        env: Some(env),
        labels: Some(container_labels),
        hostname: service.hostname.clone(),
        domainname: service.domainname.clone(),
        user: service.user.clone(),
        working_dir: service.working_dir.clone(),
        tty: Some(service.tty),
        open_stdin: Some(service.stdin_open),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        host_config: Some(host_config),
        networking_config: networking,
        ..Default::default()
    };
    if service.build.is_some() && service.image.is_none() {
        warnings.push(format!(
            "service {:?}: building images is not supported yet; using {}",
            service.name,
            service.image_name(&project.typed)
        ));
    }
    (
        ContainerSpec {
            name: inputs.name.clone(),
            platform: service.platform.clone(),
            body,
            connect,
            files: Vec::new(),
        },
        warnings,
    )
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

/// NetworkMode, the create call's endpoints, and the networks to connect before start.
#[allow(clippy::type_complexity)]
fn networks(
    inputs: &SpecInputs,
) -> (
    String,
    Option<NetworkingConfig>,
    Vec<(String, EndpointSettings)>,
) {
    let service = inputs.service;
    let project = inputs.project;
    if let Some(mode) = &service.network_mode {
        let mode = match mode.strip_prefix("service:") {
            Some(other) => match inputs.service_containers.get(other) {
                Some(id) => format!("container:{id}"),
                None => mode.clone(),
            },
            None => mode.clone(),
        };
        return (mode, None, Vec::new());
    }
    let keys = service.networks_by_priority();
    let Some(primary) = keys.first() else {
        return ("none".into(), None, Vec::new());
    };
    let endpoint = |key: &str| {
        let settings = service.networks.get(key).cloned().flatten();
        let mut aliases = vec![inputs.name.clone(), service.name.clone()];
        if let Some(s) = &settings {
            aliases.extend(s.aliases.iter().cloned());
        }
        EndpointSettings {
            aliases: Some(aliases),
            ..Default::default()
        }
    };
    let mut create = std::collections::HashMap::new();
    create.insert(project.network_name(primary), endpoint(primary));
    let mut connect = Vec::new();
    for key in &keys[1..] {
        if inputs.multi_network_create {
            create.insert(project.network_name(key), endpoint(key));
        } else {
            connect.push((project.network_name(key), endpoint(key)));
        }
    }
    (
        project.network_name(primary),
        Some(NetworkingConfig {
            endpoints_config: Some(create),
        }),
        connect,
    )
}
