//! The canonical shape of the compose model: field order, Go kinds and marshalling tags of
//! compose-go's `types` structs, as data.
//!
//! It sits at the end of loading: `decode` binds the normalised dict to these shapes (what
//! compose-go's mapstructure `Transform` does) and the writers in `emit` and `hash` walk the
//! same tables to print struct fields in Go struct order with Go's omitempty rules.

mod decode;

pub use decode::{decode, decode_service, DecodeError};

/// How a value of a field is typed in Go, which decides decoding, zero-ness and printing.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `string` (an int is accepted and printed in decimal, like compose-go's cast hook).
    Str,
    Bool,
    /// Signed integers (`int`, `int64`).
    Int,
    /// Unsigned integers (`uint16`, `uint32`, `uint64`).
    Uint,
    /// `float32`: values are rounded through f32 and printed with 32-bit precision.
    Float32,
    Float64,
    /// `types.Duration`: typed as the `time.Duration.String()` text ("1m30s").
    Duration,
    /// `types.UnitBytes`: typed as an Int of bytes, printed as a decimal string.
    UnitBytes,
    /// `types.FileMode`: typed as an Int, printed as a "0444"-style string.
    FileMode,
    /// `types.NanoCPUs` (a float32).
    NanoCpus,
    /// `types.DeviceCount`: Int, -1 for "all".
    DeviceCount,
    /// `types.External` (a bool).
    External,
    /// `types.ShellCommand`: Seq of strings; absent = nil (JSON `null`, YAML omitted).
    ShellCommand,
    /// `types.HealthCheckTest`: Seq of strings (a string becomes `[CMD-SHELL, s]`).
    HealthCheckTest,
    /// Plain `[]string`.
    Strings,
    /// `types.StringList`: a string or a list of strings, typed as a Seq.
    StringList,
    /// `types.StringOrNumberList`: typed as a Seq of strings.
    StringOrNumberList,
    /// `types.Mapping` / `types.Labels` / `types.Options` / `map[string]string`: Map of Strings.
    Mapping,
    /// `types.MappingWithEquals`: Map of String or Null (key without value).
    MappingWithEquals,
    /// `types.MultiOptions`: Map of Seq of Strings.
    MultiOptions,
    /// `types.HostsList`: typed as a sorted Seq of "host=ip" Strings.
    HostsList,
    /// `types.SSHConfig`: Map id → String path or Null; printed as a list of keys.
    SshConfig,
    /// `[]types.EnvFile`: Seq of Map {path, required, format?}.
    EnvFiles,
    /// `map[string]*UlimitsConfig`: Map name → Int (single) or Map {soft, hard}.
    Ulimits,
    /// Untyped value (extensions).
    Any,
    Struct(&'static Struct),
    /// `[]T` of structs.
    SeqOf(&'static Struct),
    /// `[]*T` of structs (entries may be Null).
    SeqOfPtr(&'static Struct),
    /// `map[string]T` of structs.
    MapOf(&'static Struct),
    /// `map[string]*T` of structs (values may be Null).
    MapOfPtr(&'static Struct),
}

/// A field's presence rule in one output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// `"-"`: never printed.
    Skip,
    /// No omitempty: always printed (zero value when absent).
    Always,
    /// `omitempty`.
    OmitEmpty,
}

/// One field of a Go struct.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The yaml key (also the key in the dict the loader produces).
    pub key: &'static str,
    /// The json key (differs only for untagged Go fields).
    pub json_key: &'static str,
    pub kind: Kind,
    /// A Go pointer: present (even zero) means printed, absent means nil.
    pub ptr: bool,
    pub yaml: Tag,
    pub json: Tag,
}

const fn f(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        json_key: key,
        kind,
        ptr: false,
        yaml: Tag::OmitEmpty,
        json: Tag::OmitEmpty,
    }
}

impl Field {
    const fn ptr(mut self) -> Self {
        self.ptr = true;
        self
    }
    const fn json(mut self, tag: Tag) -> Self {
        self.json = tag;
        self
    }
    const fn yaml(mut self, tag: Tag) -> Self {
        self.yaml = tag;
        self
    }
    const fn json_key(mut self, key: &'static str) -> Self {
        self.json_key = key;
        self
    }
    const fn always(self) -> Self {
        self.yaml(Tag::Always).json(Tag::Always)
    }
}

/// A custom marshaller attached to a struct type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Custom {
    None,
    /// `SecretConfig`: `content` is never printed.
    Secret,
    /// `ConfigObjConfig`: `content` is not printed when `environment` is set.
    Config,
}

/// A Go struct: its fields in declaration order.
#[derive(Debug)]
pub struct Struct {
    pub name: &'static str,
    pub fields: &'static [Field],
    /// Has an inline `Extensions` map (`x-*` keys, YAML only).
    pub extensions: bool,
    pub custom: Custom,
}

const fn st(name: &'static str, fields: &'static [Field]) -> Struct {
    Struct {
        name,
        fields,
        extensions: true,
        custom: Custom::None,
    }
}

const fn st_noext(name: &'static str, fields: &'static [Field]) -> Struct {
    Struct {
        name,
        fields,
        extensions: false,
        custom: Custom::None,
    }
}

impl Struct {
    /// The field with this yaml key.
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

use Kind::*;

pub static PROJECT: Struct = st(
    "Project",
    &[
        f("name", Str),
        f("services", MapOf(&SERVICE))
            .yaml(Tag::Always)
            .json(Tag::Always),
        f("networks", MapOf(&NETWORK)),
        f("volumes", MapOf(&VOLUME)),
        f("secrets", MapOf(&SECRET)),
        f("configs", MapOf(&CONFIG)),
        f("models", MapOf(&MODEL)),
    ],
);

pub static SERVICE: Struct = st(
    "ServiceConfig",
    &[
        f("name", Str).yaml(Tag::Skip).json(Tag::Skip),
        f("profiles", Strings),
        f("annotations", Mapping),
        f("attach", Bool).ptr(),
        f("build", Struct(&BUILD)).ptr(),
        f("develop", Struct(&DEVELOP)).ptr(),
        f("blkio_config", Struct(&BLKIO)).ptr(),
        f("cap_add", Strings),
        f("cap_drop", Strings),
        f("cgroup_parent", Str),
        f("cgroup", Str),
        f("cpu_count", Int),
        f("cpu_percent", Float32),
        f("cpu_period", Int),
        f("cpu_quota", Int),
        f("cpu_rt_period", Int),
        f("cpu_rt_runtime", Int),
        f("cpus", Float32),
        f("cpuset", Str),
        f("cpu_shares", Int),
        f("command", ShellCommand).json(Tag::Always),
        f("configs", SeqOf(&FILE_REF)),
        f("container_name", Str),
        f("credential_spec", Struct(&CREDENTIAL_SPEC)).ptr(),
        f("depends_on", MapOf(&DEPENDS_ON)),
        f("deploy", Struct(&DEPLOY)).ptr(),
        f("device_cgroup_rules", Strings),
        f("devices", SeqOf(&DEVICE_MAPPING)),
        f("dns", StringList),
        f("dns_opt", Strings),
        f("dns_search", StringList),
        f("dockerfile", Str),
        f("domainname", Str),
        f("entrypoint", ShellCommand).json(Tag::Always),
        f("provider", Struct(&PROVIDER)).ptr(),
        f("environment", MappingWithEquals),
        f("env_file", EnvFiles),
        f("expose", StringOrNumberList),
        f("extends", Struct(&EXTENDS)).ptr(),
        f("external_links", Strings),
        f("extra_hosts", HostsList),
        f("group_add", Strings),
        f("gpus", SeqOf(&DEVICE_REQUEST)),
        f("hostname", Str),
        f("healthcheck", Struct(&HEALTHCHECK)).ptr(),
        f("image", Str),
        f("init", Bool).ptr(),
        f("ipc", Str),
        f("isolation", Str),
        f("labels", Mapping),
        f("label_file", Strings),
        f("links", Strings),
        f("logging", Struct(&LOGGING)).ptr(),
        f("log_driver", Str),
        f("log_opt", Mapping),
        f("mem_limit", UnitBytes),
        f("mem_reservation", UnitBytes),
        f("memswap_limit", UnitBytes),
        f("mem_swappiness", UnitBytes),
        f("mac_address", Str),
        f("models", MapOfPtr(&SERVICE_MODEL)),
        f("net", Str),
        f("network_mode", Str),
        f("networks", MapOfPtr(&SERVICE_NETWORK)),
        f("oom_kill_disable", Bool),
        f("oom_score_adj", Int),
        f("pid", Str),
        f("pids_limit", Int),
        f("platform", Str),
        f("ports", SeqOf(&PORT)),
        f("privileged", Bool),
        f("pull_policy", Str),
        f("read_only", Bool),
        f("restart", Str),
        f("runtime", Str),
        f("scale", Int).ptr(),
        f("secrets", SeqOf(&FILE_REF)),
        f("security_opt", Strings),
        f("shm_size", UnitBytes),
        f("stdin_open", Bool),
        f("stop_grace_period", Duration).ptr(),
        f("stop_signal", Str),
        f("storage_opt", Mapping),
        f("sysctls", Mapping),
        f("tmpfs", StringList),
        f("tty", Bool),
        f("ulimits", Ulimits),
        f("use_api_socket", Bool),
        f("user", Str),
        f("userns_mode", Str),
        f("uts", Str),
        f("volume_driver", Str),
        f("volumes", SeqOf(&SERVICE_VOLUME)),
        f("volumes_from", Strings),
        f("working_dir", Str),
        f("post_start", SeqOf(&SERVICE_HOOK)),
        f("pre_stop", SeqOf(&SERVICE_HOOK)),
    ],
);

pub static PROVIDER: Struct = st(
    "ServiceProviderConfig",
    &[f("type", Str), f("options", MultiOptions)],
);

pub static BUILD: Struct = st(
    "BuildConfig",
    &[
        f("context", Str),
        f("dockerfile", Str),
        f("dockerfile_inline", Str),
        f("entitlements", Strings),
        f("args", MappingWithEquals),
        f("provenance", Str),
        f("sbom", Str),
        f("ssh", SshConfig),
        f("labels", Mapping),
        f("cache_from", StringList),
        f("cache_to", StringList),
        f("no_cache", Bool),
        f("additional_contexts", Mapping),
        f("pull", Bool),
        f("extra_hosts", HostsList),
        f("isolation", Str),
        f("network", Str),
        f("target", Str),
        f("secrets", SeqOf(&FILE_REF)),
        f("shm_size", UnitBytes),
        f("tags", StringList),
        f("ulimits", Ulimits),
        f("platforms", StringList),
        f("privileged", Bool),
    ],
);

pub static BLKIO: Struct = st(
    "BlkioConfig",
    &[
        f("weight", Uint),
        f("weight_device", SeqOf(&WEIGHT_DEVICE)),
        f("device_read_bps", SeqOf(&THROTTLE_DEVICE)),
        f("device_read_iops", SeqOf(&THROTTLE_DEVICE)),
        f("device_write_bps", SeqOf(&THROTTLE_DEVICE)),
        f("device_write_iops", SeqOf(&THROTTLE_DEVICE)),
    ],
);

/// Untagged Go fields: lowercased key in YAML, Go field name in JSON, never omitted.
pub static WEIGHT_DEVICE: Struct = st(
    "WeightDevice",
    &[
        f("path", Str).always().json_key("Path"),
        f("weight", Uint).always().json_key("Weight"),
    ],
);

pub static THROTTLE_DEVICE: Struct = st(
    "ThrottleDevice",
    &[
        f("path", Str).always().json_key("Path"),
        f("rate", UnitBytes).always().json_key("Rate"),
    ],
);

pub static DEVICE_MAPPING: Struct = st(
    "DeviceMapping",
    &[f("source", Str), f("target", Str), f("permissions", Str)],
);

pub static DEVICE_REQUEST: Struct = st_noext(
    "DeviceRequest",
    &[
        f("capabilities", Strings),
        f("driver", Str),
        f("count", DeviceCount),
        f("device_ids", Strings),
        f("options", Mapping),
    ],
);

pub static LOGGING: Struct = st("LoggingConfig", &[f("driver", Str), f("options", Mapping)]);

pub static DEPLOY: Struct = st(
    "DeployConfig",
    &[
        f("mode", Str),
        f("replicas", Int).ptr(),
        f("labels", Mapping),
        f("update_config", Struct(&UPDATE_CONFIG)).ptr(),
        f("rollback_config", Struct(&UPDATE_CONFIG)).ptr(),
        f("resources", Struct(&RESOURCES)),
        f("restart_policy", Struct(&RESTART_POLICY)).ptr(),
        f("placement", Struct(&PLACEMENT)),
        f("endpoint_mode", Str),
    ],
);

pub static UPDATE_CONFIG: Struct = st(
    "UpdateConfig",
    &[
        f("parallelism", Uint).ptr(),
        f("delay", Duration),
        f("failure_action", Str),
        f("monitor", Duration),
        f("max_failure_ratio", Float32),
        f("order", Str),
    ],
);

pub static RESOURCES: Struct = st(
    "Resources",
    &[
        f("limits", Struct(&RESOURCE)).ptr(),
        f("reservations", Struct(&RESOURCE)).ptr(),
    ],
);

pub static RESOURCE: Struct = st(
    "Resource",
    &[
        f("cpus", NanoCpus),
        f("memory", UnitBytes),
        f("pids", Int),
        f("devices", SeqOf(&DEVICE_REQUEST)),
        f("generic_resources", SeqOf(&GENERIC_RESOURCE)),
    ],
);

pub static GENERIC_RESOURCE: Struct = st(
    "GenericResource",
    &[f("discrete_resource_spec", Struct(&DISCRETE_RESOURCE)).ptr()],
);

/// `Kind`/`Value` have json tags without omitempty and no yaml tags.
pub static DISCRETE_RESOURCE: Struct = st(
    "DiscreteGenericResource",
    &[f("kind", Str).always(), f("value", Int).always()],
);

pub static RESTART_POLICY: Struct = st(
    "RestartPolicy",
    &[
        f("condition", Str),
        f("delay", Duration).ptr(),
        f("max_attempts", Uint).ptr(),
        f("window", Duration).ptr(),
    ],
);

pub static PLACEMENT: Struct = st(
    "Placement",
    &[
        f("constraints", Strings),
        f("preferences", SeqOf(&PLACEMENT_PREF)),
        f("max_replicas_per_node", Uint),
    ],
);

pub static PLACEMENT_PREF: Struct = st("PlacementPreferences", &[f("spread", Str)]);

pub static SERVICE_NETWORK: Struct = st(
    "ServiceNetworkConfig",
    &[
        f("aliases", Strings),
        f("driver_opts", Mapping),
        f("gw_priority", Int),
        f("interface_name", Str),
        f("ipv4_address", Str),
        f("ipv6_address", Str),
        f("link_local_ips", Strings),
        f("mac_address", Str),
        f("priority", Int),
    ],
);

pub static PORT: Struct = st(
    "ServicePortConfig",
    &[
        f("name", Str),
        f("mode", Str),
        f("host_ip", Str),
        f("target", Uint),
        f("published", Str),
        f("protocol", Str),
        f("app_protocol", Str),
    ],
);

pub static SERVICE_VOLUME: Struct = st(
    "ServiceVolumeConfig",
    &[
        f("type", Str),
        f("source", Str),
        f("target", Str),
        f("read_only", Bool),
        f("consistency", Str),
        f("bind", Struct(&VOLUME_BIND)).ptr(),
        f("volume", Struct(&VOLUME_VOLUME)).ptr(),
        f("tmpfs", Struct(&VOLUME_TMPFS)).ptr(),
        f("image", Struct(&VOLUME_IMAGE)).ptr(),
    ],
);

pub static VOLUME_BIND: Struct = st(
    "ServiceVolumeBind",
    &[
        f("selinux", Str),
        f("propagation", Str),
        f("create_host_path", Bool),
        f("recursive", Str),
    ],
);

pub static VOLUME_VOLUME: Struct = st(
    "ServiceVolumeVolume",
    &[f("labels", Mapping), f("nocopy", Bool), f("subpath", Str)],
);

pub static VOLUME_TMPFS: Struct = st(
    "ServiceVolumeTmpfs",
    &[f("size", UnitBytes), f("mode", Uint)],
);

pub static VOLUME_IMAGE: Struct = st("ServiceVolumeImage", &[f("subpath", Str)]);

/// `ServiceSecretConfig` / `ServiceConfigObjConfig` (both `FileReferenceConfig`).
pub static FILE_REF: Struct = st(
    "FileReferenceConfig",
    &[
        f("source", Str),
        f("target", Str),
        f("uid", Str),
        f("gid", Str),
        f("mode", FileMode).ptr(),
    ],
);

pub static NETWORK: Struct = st(
    "NetworkConfig",
    &[
        f("name", Str),
        f("driver", Str),
        f("driver_opts", Mapping),
        f("ipam", Struct(&IPAM)),
        f("external", External),
        f("internal", Bool),
        f("attachable", Bool),
        f("labels", Mapping),
        f("enable_ipv4", Bool).ptr(),
        f("enable_ipv6", Bool).ptr(),
    ],
);

pub static IPAM: Struct = st(
    "IPAMConfig",
    &[f("driver", Str), f("config", SeqOfPtr(&IPAM_POOL))],
);

pub static IPAM_POOL: Struct = st(
    "IPAMPool",
    &[
        f("subnet", Str),
        f("gateway", Str),
        f("ip_range", Str),
        f("aux_addresses", Mapping),
    ],
);

pub static VOLUME: Struct = st(
    "VolumeConfig",
    &[
        f("name", Str),
        f("driver", Str),
        f("driver_opts", Mapping),
        f("external", External),
        f("labels", Mapping),
    ],
);

const FILE_OBJECT_FIELDS: &[Field] = &[
    f("name", Str),
    f("file", Str),
    f("environment", Str),
    f("content", Str),
    f("external", External),
    f("labels", Mapping),
    f("driver", Str),
    f("driver_opts", Mapping),
    f("template_driver", Str),
];

pub static SECRET: Struct = Struct {
    name: "SecretConfig",
    fields: FILE_OBJECT_FIELDS,
    extensions: true,
    custom: Custom::Secret,
};

pub static CONFIG: Struct = Struct {
    name: "ConfigObjConfig",
    fields: FILE_OBJECT_FIELDS,
    extensions: true,
    custom: Custom::Config,
};

pub static MODEL: Struct = st(
    "ModelConfig",
    &[
        f("name", Str),
        f("model", Str),
        f("context_size", Int),
        f("runtime_flags", Strings),
    ],
);

pub static SERVICE_MODEL: Struct = st(
    "ServiceModelConfig",
    &[f("endpoint_var", Str), f("model_var", Str)],
);

pub static CREDENTIAL_SPEC: Struct = st(
    "CredentialSpecConfig",
    &[f("config", Str), f("file", Str), f("registry", Str)],
);

pub static DEPENDS_ON: Struct = st(
    "ServiceDependency",
    &[
        f("condition", Str),
        f("restart", Bool),
        f("required", Bool).always(),
    ],
);

pub static EXTENDS: Struct = st_noext("ExtendsConfig", &[f("file", Str), f("service", Str)]);

pub static HEALTHCHECK: Struct = st(
    "HealthCheckConfig",
    &[
        f("test", HealthCheckTest),
        f("timeout", Duration).ptr(),
        f("interval", Duration).ptr(),
        f("retries", Uint).ptr(),
        f("start_period", Duration).ptr(),
        f("start_interval", Duration).ptr(),
        f("disable", Bool),
    ],
);

pub static DEVELOP: Struct = st("DevelopConfig", &[f("watch", SeqOf(&TRIGGER))]);

pub static TRIGGER: Struct = st(
    "Trigger",
    &[
        f("path", Str).always(),
        f("action", Str).always(),
        f("target", Str),
        f("exec", Struct(&SERVICE_HOOK)),
        f("include", Strings),
        f("ignore", Strings),
        f("initial_sync", Bool),
    ],
);

pub static SERVICE_HOOK: Struct = st(
    "ServiceHook",
    &[
        f("command", ShellCommand).json(Tag::Always),
        f("user", Str),
        f("privileged", Bool),
        f("working_dir", Str),
        f("environment", MappingWithEquals),
    ],
);

/// Every struct shape, for table-wide checks.
pub static ALL: &[&Struct] = &[
    &PROJECT,
    &SERVICE,
    &PROVIDER,
    &BUILD,
    &BLKIO,
    &WEIGHT_DEVICE,
    &THROTTLE_DEVICE,
    &DEVICE_MAPPING,
    &DEVICE_REQUEST,
    &LOGGING,
    &DEPLOY,
    &UPDATE_CONFIG,
    &RESOURCES,
    &RESOURCE,
    &GENERIC_RESOURCE,
    &DISCRETE_RESOURCE,
    &RESTART_POLICY,
    &PLACEMENT,
    &PLACEMENT_PREF,
    &SERVICE_NETWORK,
    &PORT,
    &SERVICE_VOLUME,
    &VOLUME_BIND,
    &VOLUME_VOLUME,
    &VOLUME_TMPFS,
    &VOLUME_IMAGE,
    &FILE_REF,
    &NETWORK,
    &IPAM,
    &IPAM_POOL,
    &VOLUME,
    &SECRET,
    &CONFIG,
    &MODEL,
    &SERVICE_MODEL,
    &CREDENTIAL_SPEC,
    &DEPENDS_ON,
    &EXTENDS,
    &HEALTHCHECK,
    &DEVELOP,
    &TRIGGER,
    &SERVICE_HOOK,
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_struct_lists_a_key_twice() {
        for s in ALL {
            let mut yaml = HashSet::new();
            let mut json = HashSet::new();
            for field in s.fields {
                assert!(
                    yaml.insert(field.key),
                    "{}: yaml key {} twice",
                    s.name,
                    field.key
                );
                assert!(
                    json.insert(field.json_key),
                    "{}: json key {} twice",
                    s.name,
                    field.json_key
                );
            }
        }
    }

    #[test]
    fn service_order_starts_and_ends_as_compose() {
        let keys: Vec<_> = SERVICE.fields.iter().map(|f| f.key).collect();
        assert_eq!(&keys[..4], ["name", "profiles", "annotations", "attach"]);
        assert_eq!(keys.last(), Some(&"pre_stop"));
        assert_eq!(keys.len(), 97);
    }
}
