//! The HostConfig settings that are not mounts nor networks: resources (compose's
//! `getDeployResources`, with `deploy.resources`, blkio, devices, gpus, ulimits), the restart
//! policy, ports, security options, logging, namespaces.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use berth_model::compose::{DeviceRequest as ComposeDeviceRequest, Restart, Service};
use bollard_stubs::models::{
    DeviceMapping, DeviceRequest, HostConfig, HostConfigCgroupnsModeEnum, HostConfigIsolationEnum,
    HostConfigLogConfig, PortBinding, PortMap, ResourcesBlkioWeightDevice, ResourcesUlimits,
    RestartPolicy, RestartPolicyNameEnum, ThrottleDevice,
};

use super::{ConvertError, HostFiles};
use berth_model::compose::Project;

/// Sets the `Resources` part of the HostConfig.
pub(super) fn apply(s: &Service, h: &mut HostConfig) {
    let nz = |v: Option<i64>| v.filter(|n| *n != 0);
    h.cgroup_parent = s.cgroup_parent.clone().filter(|c| !c.is_empty());
    h.memory = nz(s.mem_limit);
    h.memory_swap = nz(s.memswap_limit);
    // compose passes swappiness only when non-zero.
    h.memory_swappiness = nz(s.mem_swappiness);
    h.memory_reservation = nz(s.mem_reservation);
    h.oom_kill_disable = Some(s.oom_kill_disable);
    h.cpu_count = nz(s.cpu_count);
    h.cpu_period = nz(s.cpu_period);
    h.cpu_quota = nz(s.cpu_quota);
    h.cpu_realtime_period = nz(s.cpu_rt_period);
    h.cpu_realtime_runtime = nz(s.cpu_rt_runtime);
    h.cpu_shares = nz(s.cpu_shares);
    // float32 arithmetic, as Go's `int64(s.CPUS * 1e9)` on a float32.
    h.nano_cpus = nz(s.cpus.map(|c| (c * 1e9_f32) as i64));
    h.cpu_percent = nz(s.cpu_percent.map(|c| (c * 100_f32) as i64));
    h.cpuset_cpus = s.cpuset.clone().filter(|c| !c.is_empty());
    h.device_cgroup_rules = super::non_empty(&s.device_cgroup_rules);
    h.pids_limit = nz(s.pids_limit);

    if let Some(b) = &s.blkio_config {
        h.blkio_weight = b.weight.filter(|w| *w != 0);
        let throttle = |list: &[berth_model::compose::ThrottleDevice]| {
            (!list.is_empty()).then(|| {
                list.iter()
                    .map(|d| ThrottleDevice {
                        path: Some(d.path.clone()),
                        rate: Some(d.rate),
                    })
                    .collect::<Vec<_>>()
            })
        };
        h.blkio_weight_device = (!b.weight_device.is_empty()).then(|| {
            b.weight_device
                .iter()
                .map(|d| ResourcesBlkioWeightDevice {
                    path: Some(d.path.clone()),
                    weight: Some(usize::from(d.weight)),
                })
                .collect()
        });
        h.blkio_device_read_bps = throttle(&b.device_read_bps);
        h.blkio_device_read_iops = throttle(&b.device_read_iops);
        h.blkio_device_write_bps = throttle(&b.device_write_bps);
        h.blkio_device_write_iops = throttle(&b.device_write_iops);
    }

    let mut requests: Vec<DeviceRequest> = Vec::new();
    if let Some(deploy) = &s.deploy {
        if let Some(limits) = &deploy.resources.limits {
            if let Some(m) = nz(limits.memory) {
                h.memory = Some(m);
            }
            if let Some(c) = limits.cpus.filter(|c| *c != 0.0) {
                h.nano_cpus = Some((c * 1e9_f32) as i64);
            }
            if let Some(p) = limits.pids.filter(|p| *p > 0) {
                h.pids_limit = Some(p);
            }
        }
        // Reserved CPUs are a swarm option and pids only a limit: memory and devices.
        if let Some(reservations) = &deploy.resources.reservations {
            if let Some(m) = nz(reservations.memory) {
                h.memory_reservation = Some(m);
            }
            for d in &reservations.devices {
                requests.push(device_request(d, d.capabilities.clone()));
            }
        }
    }

    let mut devices = Vec::new();
    let mut cdi = Vec::new();
    for d in &s.devices {
        if d.source == d.target && is_cdi_name(&d.source) {
            cdi.push(d.source.clone());
            continue;
        }
        devices.push(DeviceMapping {
            path_on_host: Some(d.source.clone()),
            path_in_container: Some(d.target.clone()),
            cgroup_permissions: Some(d.permissions.clone().unwrap_or_default()),
        });
    }
    h.devices = (!devices.is_empty()).then_some(devices);
    if !cdi.is_empty() {
        requests.push(DeviceRequest {
            driver: Some("cdi".into()),
            device_ids: Some(cdi),
            ..Default::default()
        });
    }
    for g in &s.gpus {
        let mut caps = g.capabilities.clone();
        caps.push("gpu".into());
        requests.push(device_request(g, caps));
    }
    h.device_requests = (!requests.is_empty()).then_some(requests);

    h.ulimits = (!s.ulimits.is_empty()).then(|| {
        s.ulimits
            .iter()
            .map(|(name, u)| ResourcesUlimits {
                name: Some(name.clone()),
                soft: Some(u.soft()),
                hard: Some(u.hard()),
            })
            .collect()
    });
}

fn device_request(d: &ComposeDeviceRequest, capabilities: Vec<String>) -> DeviceRequest {
    DeviceRequest {
        driver: d.driver.clone().filter(|s| !s.is_empty()),
        count: d.count.filter(|c| *c != 0),
        device_ids: (!d.device_ids.is_empty()).then(|| d.device_ids.clone()),
        capabilities: Some(vec![capabilities]),
        options: (!d.options.is_empty()).then(|| {
            d.options
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        }),
    }
}

/// A CDI device name: `vendor.com/class=name` (the container-device-interface parser's
/// `IsQualifiedName`).
fn is_cdi_name(device: &str) -> bool {
    let Some((kind, name)) = device.split_once('=') else {
        return false;
    };
    let Some((vendor, class)) = kind.split_once('/') else {
        return false;
    };
    let alnum_start_end = |s: &str| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
    };
    let vendor_ok = alnum_start_end(vendor)
        && vendor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    let class_ok = alnum_start_end(class)
        && class
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
    let name_ok = alnum_start_end(name)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
    vendor_ok && class_ok && name_ok
}

/// `restart`, overridden by `deploy.restart_policy` (`getRestartPolicy`).
pub(super) fn restart_policy(s: &Service) -> RestartPolicy {
    let mut policy = RestartPolicy::default();
    if let Some(restart) = &s.restart {
        let text = restart.to_string();
        if !text.is_empty() {
            let mut split = text.split(':');
            let name = split.next().unwrap_or_default();
            let attempts = match restart {
                Restart::OnFailure(Some(n)) => *n,
                _ => split.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            };
            policy = RestartPolicy {
                name: Some(policy_name(name)),
                maximum_retry_count: Some(attempts),
            };
        }
    }
    if let Some(p) = s.deploy.as_ref().and_then(|d| d.restart_policy.as_ref()) {
        policy = RestartPolicy {
            name: Some(policy_name(p.condition.as_ref().map_or("", |c| c.as_str()))),
            maximum_retry_count: Some(p.max_attempts.unwrap_or(0) as i64),
        };
    }
    policy
}

/// `mapRestartPolicyCondition`: deploy's conditions to the engine's names.
fn policy_name(condition: &str) -> RestartPolicyNameEnum {
    match condition {
        "none" | "no" => RestartPolicyNameEnum::NO,
        "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
        "unless-stopped" => RestartPolicyNameEnum::UNLESS_STOPPED,
        "any" | "always" => RestartPolicyNameEnum::ALWAYS,
        // The engine type cannot carry another name; the engine would reject it anyway.
        _ => RestartPolicyNameEnum::EMPTY,
    }
}

/// `expose` entries as given, and each port's `target/protocol` (`buildContainerPorts`).
pub(super) fn exposed_ports(s: &Service) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |p: String| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    for e in &s.expose {
        add(e.clone());
    }
    for p in &s.ports {
        add(format!("{}/{}", p.target, p.protocol()));
    }
    out
}

/// Each port's `target/protocol` → its host bindings (`buildContainerPortBindingOptions`).
pub(super) fn port_bindings(s: &Service) -> PortMap {
    let mut map: PortMap = HashMap::new();
    for p in &s.ports {
        let key = format!("{}/{}", p.target, p.protocol());
        map.entry(key)
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(PortBinding {
                host_ip: Some(p.host_ip.clone().unwrap_or_default()),
                host_port: Some(p.published.clone().unwrap_or_default()),
            });
    }
    map
}

/// compose's `parseSecurityOpts` (docker CLI's): `systempaths=unconfined` clears the masked
/// and read-only paths, a seccomp profile file is read (relative to the project) and sent
/// compacted. Returns the options and whether the paths are unconfined.
pub(super) fn security_opts(
    project: &Project,
    opts: &[String],
    files: &dyn HostFiles,
) -> Result<(Option<Vec<String>>, bool), ConvertError> {
    let mut unconfined = false;
    let mut parsed = Vec::new();
    for opt in opts {
        if opt == "systempaths=unconfined" {
            unconfined = true;
            continue;
        }
        let (key, value) = match opt.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None if opt == "no-new-privileges" => (opt.as_str(), None),
            None => match opt.split_once(':') {
                Some((k, v)) => (k, Some(v)),
                None => {
                    return Err(ConvertError::Invalid(format!(
                        "invalid security-opt: {opt:?}"
                    )))
                }
            },
        };
        match value {
            Some(file) if key == "seccomp" && file != "unconfined" && file != "builtin" => {
                let path = seccomp_path(project, file);
                let text = files.read(&path).map_err(|e| {
                    ConvertError::Invalid(format!(
                        "opening seccomp profile ({file}) failed: open {}: {e}",
                        path.display(),
                    ))
                })?;
                let value: serde_json::Value = serde_json::from_slice(&text).map_err(|e| {
                    ConvertError::Invalid(format!(
                        "compacting json for seccomp profile ({file}) failed: {e}"
                    ))
                })?;
                parsed.push(format!("seccomp={}", compact_json(&value)));
            }
            _ => parsed.push(opt.clone()),
        }
    }
    Ok(((!parsed.is_empty()).then_some(parsed), unconfined))
}

/// Go's `json.Compact` keeps the document's key order and number spelling: serde_json with
/// `preserve_order` (the workspace's setting) does too for ordinary profiles.
fn compact_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Go's wording for the common open errors.
/// Where a `seccomp=<file>` profile is: absolute, or relative to the project.
fn seccomp_path(project: &Project, file: &str) -> PathBuf {
    if Path::new(file).is_absolute() {
        PathBuf::from(file)
    } else {
        Path::new(&project.working_dir).join(file)
    }
}

/// The seccomp profiles `service`'s `security_opt` names, which its creation reads.
pub(super) fn seccomp_profiles(project: &Project, service: &Service) -> Vec<PathBuf> {
    service
        .security_opt
        .iter()
        .filter_map(|opt| {
            let (key, value) = opt.split_once('=').or_else(|| opt.split_once(':'))?;
            (key == "seccomp" && value != "unconfined" && value != "builtin")
                .then(|| seccomp_path(project, value))
        })
        .collect()
}

pub(super) fn cgroupns_mode(cgroup: Option<&str>) -> Option<HostConfigCgroupnsModeEnum> {
    match cgroup? {
        "host" => Some(HostConfigCgroupnsModeEnum::HOST),
        "private" => Some(HostConfigCgroupnsModeEnum::PRIVATE),
        _ => None,
    }
}

pub(super) fn isolation(
    s: &Service,
    warnings: &mut Vec<String>,
) -> Option<HostConfigIsolationEnum> {
    match s.isolation.as_deref()? {
        "" => None,
        "default" => Some(HostConfigIsolationEnum::DEFAULT),
        "process" => Some(HostConfigIsolationEnum::PROCESS),
        "hyperv" => Some(HostConfigIsolationEnum::HYPERV),
        other => {
            warnings.push(format!(
                "service {:?}: isolation {other:?} is not supported, ignored",
                s.name
            ));
            None
        }
    }
}

/// `logging` (compose sends an empty LogConfig when unset: the engine's default driver).
pub(super) fn log_config(s: &Service) -> HostConfigLogConfig {
    match &s.logging {
        Some(l) => HostConfigLogConfig {
            typ: l.driver.clone().filter(|d| !d.is_empty()),
            config: (!l.options.is_empty()).then(|| {
                l.options
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            }),
        },
        None => HostConfigLogConfig::default(),
    }
}
