//! `types.ServiceConfig` and the small structs only a service uses (dependencies, logging,
//! ulimits, blkio, devices, env files, ...).

use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;

use super::de::ValueDeserializer;
use super::ModelError;
use super::{
    string_enum, Build, Deploy, Develop, DeviceRequest, Extensions, FileReference, GoDuration,
    Healthcheck, Mapping, MappingWithEquals, MultiOptions, Project, ServiceHook, ServiceModel,
    ServiceNetwork, ServicePort, ServiceVolume,
};
use crate::hash::ConfigHash;
use crate::value::Value;

/// One service (`types.ServiceConfig`), fields in compose-go's order.
///
/// Strings and numbers compose leaves unset are `None`; booleans default to false; lists and
/// maps default to empty.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Service {
    /// The service's key in `services` (filled in by [`Project::from_model`]).
    pub name: String,
    pub profiles: Vec<String>,
    pub annotations: Mapping,
    /// Whether `up` attaches to the logs (`None`: yes).
    pub attach: Option<bool>,
    pub build: Option<Build>,
    pub develop: Option<Develop>,
    pub blkio_config: Option<Blkio>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub cgroup_parent: Option<String>,
    /// `host` or `private`.
    pub cgroup: Option<String>,
    pub cpu_count: Option<i64>,
    pub cpu_percent: Option<f32>,
    pub cpu_period: Option<i64>,
    pub cpu_quota: Option<i64>,
    pub cpu_rt_period: Option<i64>,
    pub cpu_rt_runtime: Option<i64>,
    pub cpus: Option<f32>,
    pub cpuset: Option<String>,
    pub cpu_shares: Option<i64>,
    /// `None`: the image's CMD; `Some(vec![])`: explicitly empty.
    pub command: Option<Vec<String>>,
    pub configs: Vec<FileReference>,
    pub container_name: Option<String>,
    pub credential_spec: Option<CredentialSpec>,
    pub depends_on: IndexMap<String, ServiceDependency>,
    pub deploy: Option<Deploy>,
    pub device_cgroup_rules: Vec<String>,
    pub devices: Vec<DeviceMapping>,
    pub dns: Vec<String>,
    pub dns_opt: Vec<String>,
    pub dns_search: Vec<String>,
    pub dockerfile: Option<String>,
    pub domainname: Option<String>,
    /// `None`: the image's ENTRYPOINT; `Some(vec![])`: explicitly empty.
    pub entrypoint: Option<Vec<String>>,
    pub provider: Option<ServiceProvider>,
    /// `None` values are variables declared without a value (and not resolved).
    pub environment: MappingWithEquals,
    pub env_file: Vec<EnvFile>,
    /// Ports or ranges, as strings (`"80"`, `"8000-8010/udp"`).
    pub expose: Vec<String>,
    pub extends: Option<Extends>,
    pub external_links: Vec<String>,
    /// `host=ip` entries, sorted.
    pub extra_hosts: Vec<String>,
    pub group_add: Vec<String>,
    pub gpus: Vec<DeviceRequest>,
    pub hostname: Option<String>,
    pub healthcheck: Option<Healthcheck>,
    pub image: Option<String>,
    pub init: Option<bool>,
    pub ipc: Option<String>,
    pub isolation: Option<String>,
    pub labels: Mapping,
    pub label_file: Vec<String>,
    pub links: Vec<String>,
    pub logging: Option<Logging>,
    pub log_driver: Option<String>,
    pub log_opt: Mapping,
    /// Bytes.
    pub mem_limit: Option<i64>,
    /// Bytes.
    pub mem_reservation: Option<i64>,
    /// Bytes (-1: unlimited swap).
    pub memswap_limit: Option<i64>,
    /// A percentage, typed by compose as a size.
    pub mem_swappiness: Option<i64>,
    pub mac_address: Option<String>,
    /// Models by name; `None` for the short list syntax.
    pub models: IndexMap<String, Option<ServiceModel>>,
    pub net: Option<String>,
    pub network_mode: Option<String>,
    /// Networks by name; `None` for the short list syntax (no settings).
    pub networks: IndexMap<String, Option<ServiceNetwork>>,
    pub oom_kill_disable: bool,
    pub oom_score_adj: Option<i64>,
    pub pid: Option<String>,
    pub pids_limit: Option<i64>,
    pub platform: Option<String>,
    pub ports: Vec<ServicePort>,
    pub privileged: bool,
    pub pull_policy: Option<PullPolicy>,
    pub read_only: bool,
    pub restart: Option<Restart>,
    pub runtime: Option<String>,
    /// Prefer [`Service::scale`], which also reads `deploy.replicas`.
    pub scale: Option<i64>,
    pub secrets: Vec<FileReference>,
    pub security_opt: Vec<String>,
    /// Bytes.
    pub shm_size: Option<i64>,
    pub stdin_open: bool,
    pub stop_grace_period: Option<GoDuration>,
    pub stop_signal: Option<String>,
    pub storage_opt: Mapping,
    pub sysctls: Mapping,
    pub tmpfs: Vec<String>,
    pub tty: bool,
    pub ulimits: IndexMap<String, Ulimit>,
    pub use_api_socket: bool,
    pub user: Option<String>,
    pub userns_mode: Option<String>,
    pub uts: Option<String>,
    pub volume_driver: Option<String>,
    pub volumes: Vec<ServiceVolume>,
    pub volumes_from: Vec<String>,
    pub working_dir: Option<String>,
    pub post_start: Vec<ServiceHook>,
    pub pre_stop: Vec<ServiceHook>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
    /// compose's `ServiceHash`, set by the loader's last phase.
    #[serde(skip)]
    pub config_hash: ConfigHash,
}

impl Service {
    /// Binds one typed service (e.g. one of the loader's disabled services); errors name
    /// their path under `services[<name>]`.
    pub fn from_model(name: &str, model: &Value) -> Result<Service, ModelError> {
        let path = format!("services[{name}]");
        let mut service = Service::deserialize(ValueDeserializer::new(model, path))?;
        if service.name.is_empty() {
            service.name = name.to_string();
        }
        Ok(service)
    }

    /// How many containers the service wants: `scale`, else `deploy.replicas`, else 1
    /// (compose-go's `GetScale`).
    pub fn scale(&self) -> i64 {
        self.scale
            .or_else(|| self.deploy.as_ref().and_then(|d| d.replicas))
            .unwrap_or(1)
    }

    /// The network names by decreasing `priority`, then by name (`NetworksByPriority`).
    pub fn networks_by_priority(&self) -> Vec<&str> {
        let mut keys: Vec<(&str, i64)> = self
            .networks
            .iter()
            .map(|(name, n)| {
                (
                    name.as_str(),
                    n.as_ref().and_then(|n| n.priority).unwrap_or(0),
                )
            })
            .collect();
        keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        keys.into_iter().map(|(name, _)| name).collect()
    }

    /// The image to run: `image`, else `<project>-<service>` (the name `build` tags).
    pub fn image_name(&self, project: &Project) -> String {
        match &self.image {
            Some(image) if !image.is_empty() => image.clone(),
            _ => format!("{}-{}", project.name, self.name),
        }
    }

    /// The services whose containers this one names: `service:x` namespaces
    /// (`network_mode`, `ipc`, `pid`) and `volumes_from` entries other than `container:…`.
    pub fn container_references(&self) -> Vec<String> {
        let mut out: Vec<String> = [&self.network_mode, &self.ipc, &self.pid]
            .into_iter()
            .flatten()
            .filter_map(|mode| mode.strip_prefix("service:"))
            .map(str::to_string)
            .collect();
        for from in &self.volumes_from {
            let head = from.split(':').next().unwrap_or_default();
            if head != "container" {
                out.push(head.to_string());
            }
        }
        out
    }

    /// Whether the service has a `build` section.
    pub fn has_build(&self) -> bool {
        self.build.is_some()
    }
}

/// `types.ServiceProviderConfig`: a service implemented by an external provider plugin.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceProvider {
    /// The provider (`type`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub options: MultiOptions,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.BlkioConfig`: block IO weights and limits.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Blkio {
    pub weight: Option<u16>,
    pub weight_device: Vec<WeightDevice>,
    pub device_read_bps: Vec<ThrottleDevice>,
    pub device_read_iops: Vec<ThrottleDevice>,
    pub device_write_bps: Vec<ThrottleDevice>,
    pub device_write_iops: Vec<ThrottleDevice>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.WeightDevice`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeightDevice {
    pub path: String,
    pub weight: u16,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.ThrottleDevice`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleDevice {
    pub path: String,
    /// Bytes (or operations) per second.
    pub rate: i64,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.DeviceMapping`: a host device exposed to the container.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceMapping {
    pub source: String,
    pub target: String,
    /// cgroup permissions, e.g. `rwm`.
    pub permissions: Option<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.LoggingConfig`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Logging {
    pub driver: Option<String>,
    pub options: Mapping,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.CredentialSpecConfig` (Windows).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CredentialSpec {
    pub config: Option<String>,
    pub file: Option<String>,
    pub registry: Option<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.ExtendsConfig` (kept in the model after `extends` has been applied).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Extends {
    pub file: Option<String>,
    pub service: String,
}

/// `types.ServiceDependency`: one `depends_on` entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceDependency {
    pub condition: Option<DependencyCondition>,
    /// Restart this service when the dependency is restarted.
    pub restart: bool,
    /// When false, a missing or failing dependency only warns.
    pub required: bool,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

string_enum! {
    /// When a dependency counts as ready.
    DependencyCondition {
        Started = "service_started",
        Healthy = "service_healthy",
        CompletedSuccessfully = "service_completed_successfully",
    }
}

/// One `env_file` entry (`types.EnvFile`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnvFile {
    pub path: String,
    pub required: bool,
    /// `raw` or unset (dotenv syntax).
    pub format: Option<String>,
}

/// `types.UlimitsConfig`: one number for both limits, or soft and hard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ulimit {
    Single(i64),
    Range { soft: i64, hard: i64 },
}

impl Ulimit {
    pub fn soft(&self) -> i64 {
        match *self {
            Ulimit::Single(n) => n,
            Ulimit::Range { soft, .. } => soft,
        }
    }
    pub fn hard(&self) -> i64 {
        match *self {
            Ulimit::Single(n) => n,
            Ulimit::Range { hard, .. } => hard,
        }
    }
}

impl<'de> Deserialize<'de> for Ulimit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Range {
            #[serde(default)]
            soft: i64,
            #[serde(default)]
            hard: i64,
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ulimit;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a ulimit number or {soft, hard}")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Ulimit, E> {
                Ok(Ulimit::Single(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Ulimit, E> {
                i64::try_from(n)
                    .map(Ulimit::Single)
                    .map_err(|_| E::custom("ulimit out of range"))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Ulimit, A::Error> {
                let r = Range::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Ulimit::Range {
                    soft: r.soft,
                    hard: r.hard,
                })
            }
        }
        d.deserialize_any(V)
    }
}

string_enum! {
    /// `pull_policy`. `every_<duration>` stays in `Other`; see [`PullPolicy::refresh_interval`].
    PullPolicy {
        Always = "always",
        Never = "never",
        Missing = "missing",
        IfNotPresent = "if_not_present",
        Build = "build",
        Refresh = "refresh",
        Daily = "daily",
        Weekly = "weekly",
    }
}

impl PullPolicy {
    /// For the time-based policies (`daily`, `weekly`, `every_<duration>`), how old a local
    /// image may be before it is pulled again (compose-go's `GetPullPolicy`).
    pub fn refresh_interval(&self) -> Option<Result<GoDuration, String>> {
        match self {
            PullPolicy::Daily => Some(Ok(GoDuration::from_secs(24 * 3600))),
            PullPolicy::Weekly => Some(Ok(GoDuration::from_secs(7 * 24 * 3600))),
            PullPolicy::Other(s) => s.strip_prefix("every_").map(GoDuration::parse),
            _ => None,
        }
    }
}

/// The service `restart` policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Restart {
    No,
    Always,
    UnlessStopped,
    /// `on-failure` with its optional `:max-retries`.
    OnFailure(Option<i64>),
    /// A value outside the known set, verbatim.
    Other(String),
}

impl From<&str> for Restart {
    fn from(s: &str) -> Self {
        match s {
            "no" => Restart::No,
            "always" => Restart::Always,
            "unless-stopped" => Restart::UnlessStopped,
            "on-failure" => Restart::OnFailure(None),
            other => match other
                .strip_prefix("on-failure:")
                .and_then(|n| n.parse().ok())
            {
                Some(n) => Restart::OnFailure(Some(n)),
                None => Restart::Other(other.to_string()),
            },
        }
    }
}

impl fmt::Display for Restart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Restart::No => f.write_str("no"),
            Restart::Always => f.write_str("always"),
            Restart::UnlessStopped => f.write_str("unless-stopped"),
            Restart::OnFailure(None) => f.write_str("on-failure"),
            Restart::OnFailure(Some(n)) => write!(f, "on-failure:{n}"),
            Restart::Other(s) => f.write_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for Restart {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Restart::from(String::deserialize(d)?.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::{map, strs};

    #[test]
    fn a_service_binds_with_its_defaults() {
        let v = map(&[
            ("image", "nginx".into()),
            ("command", strs(&["sh", "-c", "true"])),
            ("entrypoint", Value::Seq(vec![])),
            ("environment", map(&[("A", "b".into()), ("C", Value::Null)])),
            ("mem_limit", Value::Int(52428800)),
            ("cpus", Value::Float(1.5)),
            ("stop_grace_period", "1m30s".into()),
            ("restart", "on-failure:3".into()),
            ("pull_policy", "every_12h".into()),
            (
                "ulimits",
                map(&[
                    ("nproc", Value::Int(65535)),
                    (
                        "nofile",
                        map(&[("soft", 1024.into()), ("hard", 2048.into())]),
                    ),
                ]),
            ),
            (
                "depends_on",
                map(&[(
                    "db",
                    map(&[
                        ("condition", "service_healthy".into()),
                        ("restart", true.into()),
                        ("required", true.into()),
                    ]),
                )]),
            ),
            ("x-custom", map(&[("a", 1.into())])),
        ]);
        let s: Service = from_value(&v).unwrap();
        assert_eq!(s.image.as_deref(), Some("nginx"));
        assert_eq!(
            s.command,
            Some(vec!["sh".into(), "-c".into(), "true".into()])
        );
        assert_eq!(s.entrypoint, Some(vec![]));
        assert_eq!(s.environment["A"], Some("b".into()));
        assert_eq!(s.environment["C"], None);
        assert_eq!(s.mem_limit, Some(52_428_800));
        assert_eq!(s.cpus, Some(1.5));
        assert_eq!(s.stop_grace_period, Some(GoDuration::from_secs(90)));
        assert_eq!(s.restart, Some(Restart::OnFailure(Some(3))));
        assert_eq!(s.restart.as_ref().unwrap().to_string(), "on-failure:3");
        assert_eq!(
            s.pull_policy.as_ref().unwrap().refresh_interval(),
            Some(Ok(GoDuration::from_secs(12 * 3600)))
        );
        assert_eq!(s.ulimits["nproc"], Ulimit::Single(65535));
        assert_eq!(s.ulimits["nofile"].soft(), 1024);
        assert_eq!(s.ulimits["nofile"].hard(), 2048);
        let db = &s.depends_on["db"];
        assert_eq!(db.condition, Some(DependencyCondition::Healthy));
        assert!(db.restart && db.required);
        assert_eq!(s.extensions["x-custom"], map(&[("a", 1.into())]));
        assert!(!s.tty && s.ports.is_empty() && s.deploy.is_none());
        assert_eq!(s.scale(), 1);
    }

    #[test]
    fn scale_and_network_priority_follow_compose() {
        let s: Service = from_value(&map(&[
            ("deploy", map(&[("replicas", 3.into())])),
            (
                "networks",
                map(&[
                    ("b", Value::Null),
                    ("z", map(&[("priority", 10.into())])),
                    ("a", Value::Null),
                ]),
            ),
        ]))
        .unwrap();
        assert_eq!(s.scale(), 3);
        assert_eq!(s.networks_by_priority(), ["z", "a", "b"]);
        let s: Service = from_value(&map(&[
            ("scale", 2.into()),
            ("deploy", map(&[("replicas", 3.into())])),
        ]))
        .unwrap();
        assert_eq!(s.scale(), 2);
    }

    #[test]
    fn unknown_strings_fall_back_to_other() {
        assert_eq!(
            Restart::from("sometimes"),
            Restart::Other("sometimes".into())
        );
        assert_eq!(
            DependencyCondition::from("service_done"),
            DependencyCondition::Other("service_done".into())
        );
        assert_eq!(PullPolicy::from("missing").as_str(), "missing");
    }

    #[test]
    fn a_single_service_binds_under_its_name() {
        let s = Service::from_model("web", &map(&[("image", "nginx".into())])).unwrap();
        assert_eq!(s.name, "web");
        let e = Service::from_model("web", &map(&[("cpus", "many".into())])).unwrap_err();
        assert_eq!(e.path, "services[web].cpus");
    }

    #[test]
    fn a_bad_field_is_named() {
        let e = from_value::<Service>(&map(&[("stop_grace_period", "10x".into())])).unwrap_err();
        assert_eq!(e.path, "stop_grace_period");
        let e = from_value::<Service>(&map(&[("not_a_field", 1.into())])).unwrap_err();
        assert!(e.message.contains("unknown field `not_a_field`"), "{e}");
    }
}
