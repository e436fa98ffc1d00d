//! A service container's file systems: `volumes` split into `Binds` and `Mounts` as compose
//! does, anonymous volumes inherited from a replaced container, secrets and configs (file
//! sources bind-mounted, `environment`/`content` ones copied in before start), and
//! `use_api_socket` (compose's `buildContainerVolumes`, `buildMount`, secrets.go,
//! apiSocket.go).

use std::collections::HashMap;

use berth_model::compose::{
    BindPropagation, BindRecursive, FileObject, FileReference, Service, ServiceVolume, VolumeBind,
    VolumeType, VolumeVolume,
};
use bollard_stubs::models::{
    Mount, MountBindOptions, MountBindOptionsPropagationEnum, MountImageOptions, MountTmpfsOptions,
    MountType, MountVolumeOptions,
};
use indexmap::IndexMap;

use super::{ConvertError, InjectedFile, SpecInputs};
use berth_model::compose::Project;

/// The config compose adds to the project for `use_api_socket` (apiSocket.go).
const API_SOCKET_CONFIG: &str = "#apisocket";
const API_SOCKET_CONFIG_TARGET: &str = "/run/secrets/docker/config.json";
const DOCKER_SOCKET: &str = "/var/run/docker.sock";
/// A docker config file with no credentials, as the docker CLI writes it.
const EMPTY_DOCKER_CONFIG: &str = "{\n\t\"auths\": {}\n}";

pub(super) struct Mounts {
    pub binds: Option<Vec<String>>,
    pub mounts: Option<Vec<Mount>>,
    pub files: Vec<InjectedFile>,
    /// Why the files cannot be injected: compose fails when it injects them, at start.
    pub files_error: Option<ConvertError>,
}

/// compose's `useAPISocket` for one service: the engine socket bind-mounted, the docker
/// config (credentials) as a config at `/run/secrets/docker/config.json`, `DOCKER_CONFIG`
/// pointing there unless the service sets it.
pub(super) fn use_api_socket(service: &mut Service) {
    service.volumes.push(ServiceVolume {
        kind: Some(VolumeType::Bind),
        source: Some(DOCKER_SOCKET.into()),
        target: DOCKER_SOCKET.into(),
        ..Default::default()
    });
    if !service.environment.contains_key("DOCKER_CONFIG") {
        service
            .environment
            .insert("DOCKER_CONFIG".into(), Some("/run/secrets/docker".into()));
    }
    service.configs.push(FileReference {
        source: API_SOCKET_CONFIG.into(),
        target: Some(API_SOCKET_CONFIG_TARGET.into()),
        ..Default::default()
    });
}

/// `service` has its references resolved and `use_api_socket` applied.
pub(super) fn build(
    inputs: &SpecInputs,
    service: &Service,
    warnings: &mut Vec<String>,
) -> Result<Mounts, ConvertError> {
    let project = &inputs.project;
    // By target: a later mount for the same target replaces an earlier one.
    let mut by_target: IndexMap<String, Mount> = IndexMap::new();
    for (target, volume) in inputs.inherited_volumes {
        by_target.insert(
            target.clone(),
            Mount {
                typ: Some(MountType::VOLUME),
                source: Some(volume.name.clone()),
                target: Some(target.clone()),
                read_only: Some(volume.read_only),
                ..Default::default()
            },
        );
    }
    for v in &service.volumes {
        let inherited = v.source.as_deref().unwrap_or_default().is_empty()
            && inputs.inherited_volumes.contains_key(&v.target);
        if inherited {
            continue;
        }
        by_target.insert(v.target.clone(), mount(inputs, v, warnings));
    }
    for m in secret_mounts(inputs, service, warnings)? {
        let target = m.target.clone().unwrap_or_default();
        by_target.entry(target).or_insert(m);
    }
    for m in config_mounts(inputs, service, warnings)? {
        let target = m.target.clone().unwrap_or_default();
        by_target.entry(target).or_insert(m);
    }

    let mut binds = Vec::new();
    let mut mounts = Vec::new();
    for (target, m) in by_target {
        let declared = find_by_target(&service.volumes, &target);
        match m.typ {
            Some(MountType::BIND) => {
                if let Some(v) = declared {
                    if !bind_requires_mount_api(v.bind.as_ref()) {
                        binds.push(bind_string(m.source.as_deref().unwrap_or_default(), v));
                        continue;
                    }
                }
                // The docker client's check: API < 1.44 cannot force read-only recursively.
                let forced = m
                    .bind_options
                    .as_ref()
                    .and_then(|b| b.read_only_force_recursive);
                if !inputs.api_at_least(1, 44) && forced == Some(true) {
                    return Err(ConvertError::EngineTooOld(
                        "bind-recursive=readonly requires API v1.44 or later".into(),
                    ));
                }
            }
            Some(MountType::VOLUME) => {
                let source = m.source.as_deref().unwrap_or_default();
                let named = project.volumes.values().find(|vol| vol.name == source);
                if let (Some(v), Some(vol)) = (declared, named) {
                    if !volume_requires_mount_api(v.volume.as_ref()) {
                        binds.push(bind_string(&vol.name, v));
                        continue;
                    }
                }
            }
            Some(MountType::IMAGE) if !inputs.api_at_least(1, 48) => {
                return Err(ConvertError::EngineTooOld(
                    "volume with type=image require Docker Engine v28 or later".into(),
                ));
            }
            _ => {}
        }
        mounts.push(m);
    }
    let (files, files_error) =
        match injected_files(inputs.project, service, inputs.api_socket_config) {
            Ok(files) => (files, None),
            Err(e) => (Vec::new(), Some(e)),
        };
    Ok(Mounts {
        binds: (!binds.is_empty()).then_some(binds),
        mounts: (!mounts.is_empty()).then_some(mounts),
        files,
        files_error,
    })
}

fn find_by_target<'a>(volumes: &'a [ServiceVolume], target: &str) -> Option<&'a ServiceVolume> {
    volumes.iter().find(|v| v.target == target)
}

/// A bind needs the Mount API unless it creates its host path and sets no propagation or
/// recursion (`bindRequiresMountAPI`).
fn bind_requires_mount_api(bind: Option<&VolumeBind>) -> bool {
    match bind {
        None => false,
        Some(b) => {
            !b.create_host_path
                || b.propagation
                    .as_ref()
                    .is_some_and(|p| !p.as_str().is_empty())
                || b.recursive.as_ref().is_some_and(|r| !r.as_str().is_empty())
        }
    }
}

/// A named volume needs the Mount API when it sets labels, a subpath or nocopy.
fn volume_requires_mount_api(volume: Option<&VolumeVolume>) -> bool {
    volume.is_some_and(|v| {
        !v.labels.is_empty() || v.subpath.as_deref().is_some_and(|s| !s.is_empty()) || v.nocopy
    })
}

/// `source:target:rw|ro[,z|Z][,propagation][,nocopy]` (`toBindString`).
fn bind_string(source: &str, v: &ServiceVolume) -> String {
    let mut options = vec![if v.read_only { "ro" } else { "rw" }.to_string()];
    if let Some(b) = &v.bind {
        if let Some(s) = b.selinux.as_ref().filter(|s| !s.as_str().is_empty()) {
            options.push(s.as_str().into());
        }
        if let Some(p) = b.propagation.as_ref().filter(|p| !p.as_str().is_empty()) {
            options.push(p.as_str().into());
        }
    }
    if v.volume.as_ref().is_some_and(|vol| vol.nocopy) {
        options.push("nocopy".into());
    }
    format!("{source}:{}:{}", v.target, options.join(","))
}

/// compose's `buildMount` with `buildMountOptions` (and its warnings).
fn mount(inputs: &SpecInputs, v: &ServiceVolume, warnings: &mut Vec<String>) -> Mount {
    let kind = v.kind.clone().unwrap_or(VolumeType::Volume);
    let mut source = v.source.clone().unwrap_or_default();
    if kind == VolumeType::Volume && !source.is_empty() {
        if let Some(vol) = inputs.project.volumes.get(&source) {
            source = vol.name.clone();
        }
    }
    let kind_name = kind.as_str();
    for (present, option, of) in [
        (v.bind.is_some(), "bind", VolumeType::Bind),
        (v.volume.is_some(), "volume", VolumeType::Volume),
        (v.tmpfs.is_some(), "tmpfs", VolumeType::Tmpfs),
        (v.image.is_some(), "image", VolumeType::Image),
    ] {
        if present && kind != of {
            warnings.push(format!(
                "mount of type `{kind_name}` should not define `{option}` option"
            ));
        }
    }
    let mut m = Mount {
        typ: mount_type(&kind),
        source: Some(source),
        target: Some(v.target.clone()),
        read_only: Some(v.read_only),
        consistency: v.consistency.clone().filter(|c| !c.is_empty()),
        ..Default::default()
    };
    match kind {
        VolumeType::Bind => m.bind_options = v.bind.as_ref().map(bind_options),
        VolumeType::Volume => {
            m.volume_options = v.volume.as_ref().map(|vol| MountVolumeOptions {
                no_copy: vol.nocopy.then_some(true),
                labels: (!vol.labels.is_empty()).then(|| {
                    vol.labels
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<HashMap<_, _>>()
                }),
                subpath: vol.subpath.clone().filter(|s| !s.is_empty()),
                ..Default::default()
            })
        }
        VolumeType::Tmpfs => {
            m.tmpfs_options = v.tmpfs.as_ref().map(|t| MountTmpfsOptions {
                size_bytes: t.size.filter(|s| *s != 0),
                mode: t.mode.filter(|m| *m != 0).map(i64::from),
                ..Default::default()
            })
        }
        VolumeType::Image => {
            m.image_options = v.image.as_ref().map(|i| MountImageOptions {
                subpath: i.subpath.clone().filter(|s| !s.is_empty()),
            })
        }
        _ => {}
    }
    m
}

fn mount_type(kind: &VolumeType) -> Option<MountType> {
    Some(match kind {
        VolumeType::Bind => MountType::BIND,
        VolumeType::Volume => MountType::VOLUME,
        VolumeType::Tmpfs => MountType::TMPFS,
        VolumeType::Npipe => MountType::NPIPE,
        VolumeType::Cluster => MountType::CLUSTER,
        VolumeType::Image => MountType::IMAGE,
        VolumeType::Other(_) => return None,
    })
}

fn bind_options(b: &VolumeBind) -> MountBindOptions {
    let propagation = b.propagation.as_ref().map(|p| match p {
        BindPropagation::Rprivate => MountBindOptionsPropagationEnum::RPRIVATE,
        BindPropagation::Private => MountBindOptionsPropagationEnum::PRIVATE,
        BindPropagation::Rshared => MountBindOptionsPropagationEnum::RSHARED,
        BindPropagation::Shared => MountBindOptionsPropagationEnum::SHARED,
        BindPropagation::Rslave => MountBindOptionsPropagationEnum::RSLAVE,
        BindPropagation::Slave => MountBindOptionsPropagationEnum::SLAVE,
        BindPropagation::Other(_) => MountBindOptionsPropagationEnum::EMPTY,
    });
    MountBindOptions {
        propagation: propagation.filter(|p| *p != MountBindOptionsPropagationEnum::EMPTY),
        create_mountpoint: b.create_host_path.then_some(true),
        non_recursive: (b.recursive == Some(BindRecursive::Disabled)).then_some(true),
        read_only_non_recursive: (b.recursive == Some(BindRecursive::Writable)).then_some(true),
        read_only_force_recursive: (b.recursive == Some(BindRecursive::Readonly)).then_some(true),
    }
}

/// The bind mount of a file-based secret or config, read-only.
fn file_mount(source: &str, target: String, bind_options: Option<MountBindOptions>) -> Mount {
    Mount {
        typ: Some(MountType::BIND),
        source: Some(source.to_string()),
        target: Some(target),
        read_only: Some(true),
        bind_options,
        ..Default::default()
    }
}

/// The errors compose gives for secrets and configs it cannot provide outside swarm.
fn check_swarm_only(object: &FileObject, kind: &str) -> Result<(), ConvertError> {
    if object.external {
        return Err(ConvertError::Invalid(format!(
            "unsupported external {kind} {}",
            object.name
        )));
    }
    if object.driver.as_deref().is_some_and(|d| !d.is_empty()) {
        return Err(ConvertError::Invalid(format!(
            "Docker Compose does not support {kind}s.*.driver"
        )));
    }
    if object
        .template_driver
        .as_deref()
        .is_some_and(|d| !d.is_empty())
    {
        return Err(ConvertError::Invalid(format!(
            "Docker Compose does not support {kind}s.*.template_driver"
        )));
    }
    Ok(())
}

fn is_set(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.is_empty())
}

fn secret_mounts(
    inputs: &SpecInputs,
    service: &Service,
    warnings: &mut Vec<String>,
) -> Result<Vec<Mount>, ConvertError> {
    let mut out: IndexMap<String, Mount> = IndexMap::new();
    for r in &service.secrets {
        let target = r.secret_target();
        let secret = inputs
            .project
            .secrets
            .get(&r.source)
            .cloned()
            .unwrap_or_default();
        check_swarm_only(&secret, "secret")?;
        if is_set(&secret.environment) {
            continue;
        }
        if is_set(&r.uid) || is_set(&r.gid) || r.mode.is_some() {
            warnings.push(
                "secrets `uid`, `gid` and `mode` are not supported, they will be ignored".into(),
            );
        }
        let file = secret.file.clone().unwrap_or_default();
        if !inputs.files.exists(std::path::Path::new(&file)) {
            warnings.push(format!("secret file {} does not exist", secret.name));
        }
        out.insert(
            target.clone(),
            file_mount(&file, target, Some(MountBindOptions::default())),
        );
    }
    Ok(out.into_values().collect())
}

fn config_mounts(
    inputs: &SpecInputs,
    service: &Service,
    warnings: &mut Vec<String>,
) -> Result<Vec<Mount>, ConvertError> {
    let mut out: IndexMap<String, Mount> = IndexMap::new();
    for r in &service.configs {
        if r.source == API_SOCKET_CONFIG {
            continue;
        }
        let target = r.config_target();
        let config = inputs
            .project
            .configs
            .get(&r.source)
            .cloned()
            .unwrap_or_default();
        check_swarm_only(&config, "config")?;
        if is_set(&config.environment) || is_set(&config.content) {
            continue;
        }
        if is_set(&r.uid) || is_set(&r.gid) || r.mode.is_some() {
            warnings.push(
                "config `uid`, `gid` and `mode` are not supported, they will be ignored".into(),
            );
        }
        let file = config.file.clone().unwrap_or_default();
        out.insert(target.clone(), file_mount(&file, target, None));
    }
    Ok(out.into_values().collect())
}

/// The secrets then the configs given as `content` or `environment` (compose's
/// `injectFileReferences`); an empty content is not written.
pub(super) fn injected_files(
    project: &Project,
    service: &Service,
    api_socket_config: Option<&str>,
) -> Result<Vec<InjectedFile>, ConvertError> {
    let mut files = Vec::new();
    for (kind, refs, objects) in [
        ("secret", &service.secrets, &project.secrets),
        ("config", &service.configs, &project.configs),
    ] {
        for r in refs {
            let content = if kind == "config" && r.source == API_SOCKET_CONFIG {
                api_socket_config.unwrap_or(EMPTY_DOCKER_CONFIG).to_string()
            } else {
                let object = objects.get(&r.source).cloned().unwrap_or_default();
                match (&object.content, &object.environment) {
                    (Some(c), _) if !c.is_empty() => c.clone(),
                    (_, Some(var)) if !var.is_empty() => match project.environment.get(var) {
                        Some(v) => v.clone(),
                        None => {
                            return Err(ConvertError::Invalid(format!(
                                "environment variable {var:?} required by {kind} {:?} is not set",
                                object.name
                            )))
                        }
                    },
                    _ => String::new(),
                }
            };
            if content.is_empty() {
                continue;
            }
            if service.read_only {
                let name = objects
                    .get(&r.source)
                    .map_or(r.source.as_str(), |o| o.name.as_str());
                return Err(ConvertError::Invalid(format!(
                    "cannot create {kind} {name:?} in read-only service {}: `file` is the sole supported option",
                    service.name
                )));
            }
            let target = match (kind, r.target.as_deref()) {
                ("secret", _) => r.secret_target(),
                (_, None | Some("")) => format!("/{}", r.source),
                // compose leaves a relative config target relative: extracted at `/`.
                (_, Some(t)) => t.to_string(),
            };
            let id = |v: &Option<String>, what: &str| -> Result<u32, ConvertError> {
                match v.as_deref().filter(|s| !s.is_empty()) {
                    None => Ok(0),
                    Some(s) => s.parse().map_err(|_| {
                        ConvertError::Invalid(format!(
                            "strconv.Atoi: parsing {s:?}: invalid syntax ({kind} {what})"
                        ))
                    }),
                }
            };
            files.push(InjectedFile {
                target,
                content: content.into_bytes(),
                mode: r.mode.unwrap_or(0o444),
                uid: id(&r.uid, "uid")?,
                gid: id(&r.gid, "gid")?,
                copy_uid_gid: is_set(&r.uid) || is_set(&r.gid),
            });
        }
    }
    Ok(files)
}
