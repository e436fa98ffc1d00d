//! The Compose Specification schema as static Rust data: one `Node` per schema object, in the
//! order `compose-spec.json` (compose-go v2.9.1) declares them.
//!
//! This is written by hand from the specification, not generated from or embedded as the JSON
//! file: each `Node` carries only the keywords the validator needs (`type`, `enum`, `pattern`,
//! `minimum`/`maximum`, `required`, `properties`, `patternProperties`, `additionalProperties`,
//! `items`, `uniqueItems`, `oneOf`). A `$ref` is a plain reference to the definition's static,
//! which carries the definition's name (`#/definitions/<name>`), because a `$ref` adds nothing to
//! the instance path of an error. The test `every_reference_path_is_known` walks the list of
//! schema paths in `schema-paths.txt` and checks this tree knows each one, with its types.

use std::sync::LazyLock;

use regex::Regex;

/// A JSON schema type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl Ty {
    /// The name JSON schema uses for the type.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Null => "null",
            Ty::Boolean => "boolean",
            Ty::Integer => "integer",
            Ty::Number => "number",
            Ty::String => "string",
            Ty::Array => "array",
            Ty::Object => "object",
        }
    }
}

/// The regular expressions the schema uses (as `pattern` or as `patternProperties` keys).
///
/// The simple ones are matched by hand; the two real regexes are compiled once. All follow Go's
/// RE2 semantics: unanchored unless `^`/`$` say otherwise, `.` does not match a newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// `^[a-zA-Z0-9._-]+$`: names of services, networks, volumes, secrets, configs, models.
    Name,
    /// `^x-`: extension keys.
    Extension,
    /// `^.+$`: any non-empty key without a newline (driver options and the like).
    Line,
    /// `.+`: any key with at least one character that is not a newline (`list_or_dict`).
    AnyChar,
    /// `^[a-z]+$`: ulimit names.
    Lowercase,
    /// `[a-zA-Z0-9][a-zA-Z0-9_.-]+`: `container_name`.
    ContainerName,
    /// The `pull_policy` pattern.
    PullPolicy,
}

static CONTAINER_NAME_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(Pattern::ContainerName.source()).expect("static pattern compiles"));
static PULL_POLICY_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(Pattern::PullPolicy.source()).expect("static pattern compiles"));

impl Pattern {
    /// The pattern as the schema spells it (compose prints it in error messages).
    pub fn source(self) -> &'static str {
        match self {
            Pattern::Name => "^[a-zA-Z0-9._-]+$",
            Pattern::Extension => "^x-",
            Pattern::Line => "^.+$",
            Pattern::AnyChar => ".+",
            Pattern::Lowercase => "^[a-z]+$",
            Pattern::ContainerName => "[a-zA-Z0-9][a-zA-Z0-9_.-]+",
            Pattern::PullPolicy => {
                "always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+"
            }
        }
    }

    /// Whether `s` matches, with Go's `regexp.MatchString` semantics.
    pub fn is_match(self, s: &str) -> bool {
        match self {
            Pattern::Name => {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            }
            Pattern::Extension => s.starts_with("x-"),
            Pattern::Line => !s.is_empty() && !s.contains('\n'),
            Pattern::AnyChar => s.chars().any(|c| c != '\n'),
            Pattern::Lowercase => !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()),
            Pattern::ContainerName => CONTAINER_NAME_RE.is_match(s),
            Pattern::PullPolicy => PULL_POLICY_RE.is_match(s),
        }
    }
}

/// A named property of an object schema.
pub type Prop = (&'static str, &'static Node);

/// One schema object. Empty slices and `None` mean the keyword is absent.
#[derive(Debug)]
pub struct Node {
    /// The definition name when this node is `#/definitions/<name>`.
    pub name: Option<&'static str>,
    /// `type`, in the schema's order.
    pub types: &'static [Ty],
    /// `enum` (compose only enumerates strings).
    pub enumeration: &'static [&'static str],
    /// `pattern`.
    pub pattern: Option<Pattern>,
    /// `minimum` (compose only bounds integers).
    pub minimum: Option<i64>,
    /// `maximum`.
    pub maximum: Option<i64>,
    /// `required`, in the schema's order (compose lists missing ones in this order).
    pub required: &'static [&'static str],
    /// `properties`, in the schema's order.
    pub properties: &'static [Prop],
    /// `patternProperties`.
    pub pattern_properties: &'static [(Pattern, &'static Node)],
    /// `additionalProperties: false`.
    pub closed: bool,
    /// `items`.
    pub items: Option<&'static Node>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `oneOf` alternatives.
    pub one_of: &'static [&'static Node],
    /// `deprecated: true` (no effect on validation).
    pub deprecated: bool,
}

impl Node {
    /// The empty schema `{}`: anything is valid.
    pub const ANY: Node = Node {
        name: None,
        types: &[],
        enumeration: &[],
        pattern: None,
        minimum: None,
        maximum: None,
        required: &[],
        properties: &[],
        pattern_properties: &[],
        closed: false,
        items: None,
        unique_items: false,
        one_of: &[],
        deprecated: false,
    };

    /// Looks a property up by name.
    pub fn property(&self, key: &str) -> Option<&'static Node> {
        self.properties
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, node)| *node)
    }

    const fn named(mut self, name: &'static str) -> Node {
        self.name = Some(name);
        self
    }
    const fn unique(mut self) -> Node {
        self.unique_items = true;
        self
    }
    const fn required(mut self, required: &'static [&'static str]) -> Node {
        self.required = required;
        self
    }
    const fn deprecated(mut self) -> Node {
        self.deprecated = true;
        self
    }
    const fn enumeration(mut self, values: &'static [&'static str]) -> Node {
        self.enumeration = values;
        self
    }
    const fn pattern(mut self, pattern: Pattern) -> Node {
        self.pattern = Some(pattern);
        self
    }
    const fn range(mut self, minimum: Option<i64>, maximum: Option<i64>) -> Node {
        self.minimum = minimum;
        self.maximum = maximum;
        self
    }
    const fn patterns(mut self, patterns: &'static [(Pattern, &'static Node)]) -> Node {
        self.pattern_properties = patterns;
        self
    }
    const fn closed(mut self) -> Node {
        self.closed = true;
        self
    }
}

/// A node of the given types.
const fn of(types: &'static [Ty]) -> Node {
    Node { types, ..Node::ANY }
}

/// The most common shape: an object with the given properties, closed to anything but `x-*`.
const fn object(properties: &'static [Prop]) -> Node {
    Node {
        types: &[Ty::Object],
        properties,
        pattern_properties: X_EXTENSIONS,
        closed: true,
        ..Node::ANY
    }
}

/// An array of the given items.
const fn array(items: &'static Node) -> Node {
    Node {
        types: &[Ty::Array],
        items: Some(items),
        ..Node::ANY
    }
}

/// A `oneOf` of the given alternatives.
const fn one_of(alternatives: &'static [&'static Node]) -> Node {
    Node {
        one_of: alternatives,
        ..Node::ANY
    }
}

const X_EXTENSIONS: &[(Pattern, &Node)] = &[(Pattern::Extension, &Node::ANY)];

// ---- scalars ---------------------------------------------------------------------------------

static STRING: Node = of(&[Ty::String]);
static NULL: Node = of(&[Ty::Null]);
static BOOLEAN: Node = of(&[Ty::Boolean]);
static INTEGER: Node = of(&[Ty::Integer]);
static NUMBER: Node = of(&[Ty::Number]);
static OBJECT: Node = of(&[Ty::Object]);
/// An object with no keywords yet, to build maps from with `.patterns()`.
const OBJECT_BASE: Node = of(&[Ty::Object]);
static BOOL_OR_STRING: Node = of(&[Ty::Boolean, Ty::String]);
static STRING_OR_BOOL: Node = of(&[Ty::String, Ty::Boolean]);
static INT_OR_STRING: Node = of(&[Ty::Integer, Ty::String]);
static STRING_OR_INT: Node = of(&[Ty::String, Ty::Integer]);
static NUMBER_OR_STRING: Node = of(&[Ty::Number, Ty::String]);
static STRING_OR_NUMBER: Node = of(&[Ty::String, Ty::Number]);
static STRING_OR_NULL: Node = of(&[Ty::String, Ty::Null]);
static STRINGS: Node = array(&STRING);
static UNIQUE_STRINGS: Node = array(&STRING).unique();
/// `{"type": "object", "patternProperties": {"^.+$": {"type": ["string", "number"]}}}`.
static DRIVER_OPTS: Node = OBJECT_BASE.patterns(&[(Pattern::Line, &STRING_OR_NUMBER)]);

// ---- definitions -----------------------------------------------------------------------------

/// `#/definitions/list_of_strings`.
pub static LIST_OF_STRINGS: Node = array(&STRING).unique().named("list_of_strings");

/// `#/definitions/string_or_list`.
pub static STRING_OR_LIST: Node = one_of(&[&STRING, &LIST_OF_STRINGS]).named("string_or_list");

static DICT_VALUE: Node = of(&[Ty::String, Ty::Number, Ty::Boolean, Ty::Null]);
static DICT: Node = OBJECT_BASE
    .patterns(&[(Pattern::AnyChar, &DICT_VALUE)])
    .closed();
/// `#/definitions/list_or_dict`.
pub static LIST_OR_DICT: Node = one_of(&[&DICT, &UNIQUE_STRINGS]).named("list_or_dict");

/// `#/definitions/command`.
pub static COMMAND: Node = one_of(&[&NULL, &STRING, &STRINGS]).named("command");

static EXTRA_HOSTS_VALUE: Node = one_of(&[&STRING, &STRINGS]);
static EXTRA_HOSTS_DICT: Node = OBJECT_BASE
    .patterns(&[(Pattern::AnyChar, &EXTRA_HOSTS_VALUE)])
    .closed();
/// `#/definitions/extra_hosts`.
pub static EXTRA_HOSTS: Node = one_of(&[&EXTRA_HOSTS_DICT, &UNIQUE_STRINGS]).named("extra_hosts");

static BLKIO_LIMIT: Node = object(&[("path", &STRING), ("rate", &INT_OR_STRING)])
    .patterns(&[])
    .named("blkio_limit");
static BLKIO_WEIGHT: Node = object(&[("path", &STRING), ("weight", &INT_OR_STRING)])
    .patterns(&[])
    .named("blkio_weight");

static CONFIG_OR_SECRET_OBJECT: Node = object(&[
    ("source", &STRING),
    ("target", &STRING),
    ("uid", &STRING),
    ("gid", &STRING),
    ("mode", &NUMBER_OR_STRING),
]);
static CONFIG_OR_SECRET_ITEM: Node = one_of(&[&STRING, &CONFIG_OR_SECRET_OBJECT]);
/// `#/definitions/service_config_or_secret`.
pub static SERVICE_CONFIG_OR_SECRET: Node =
    array(&CONFIG_OR_SECRET_ITEM).named("service_config_or_secret");

static ULIMIT_OBJECT: Node =
    object(&[("hard", &INT_OR_STRING), ("soft", &INT_OR_STRING)]).required(&["soft", "hard"]);
static ULIMIT: Node = one_of(&[&INT_OR_STRING, &ULIMIT_OBJECT]);
/// `#/definitions/ulimits`.
pub static ULIMITS: Node = OBJECT_BASE
    .patterns(&[(Pattern::Lowercase, &ULIMIT)])
    .named("ulimits");

/// `#/definitions/service_hook`.
pub static SERVICE_HOOK: Node = object(&[
    ("command", &COMMAND),
    ("user", &STRING),
    ("privileged", &BOOL_OR_STRING),
    ("working_dir", &STRING),
    ("environment", &LIST_OR_DICT),
])
.required(&["command"])
.named("service_hook");

static ENV_FILE_OBJECT: Node = object(&[
    ("path", &STRING),
    ("format", &STRING),
    ("required", &BOOL_OR_STRING),
])
.patterns(&[])
.required(&["path"]);
static ENV_FILE_ITEM: Node = one_of(&[&STRING, &ENV_FILE_OBJECT]);
static ENV_FILES: Node = array(&ENV_FILE_ITEM);
/// `#/definitions/env_file`.
pub static ENV_FILE: Node = one_of(&[&STRING, &ENV_FILES]).named("env_file");

/// `#/definitions/label_file`.
pub static LABEL_FILE: Node = one_of(&[&STRING, &STRINGS]).named("label_file");

static HEALTHCHECK_TEST: Node = one_of(&[&STRING, &STRINGS]);
/// `#/definitions/healthcheck`.
pub static HEALTHCHECK: Node = object(&[
    ("disable", &BOOL_OR_STRING),
    ("interval", &STRING),
    ("retries", &NUMBER_OR_STRING),
    ("test", &HEALTHCHECK_TEST),
    ("timeout", &STRING),
    ("start_period", &STRING),
    ("start_interval", &STRING),
])
.named("healthcheck");

static WATCH_ACTION: Node =
    of(&[Ty::String]).enumeration(&["rebuild", "sync", "restart", "sync+restart", "sync+exec"]);
static WATCH: Node = object(&[
    ("ignore", &STRING_OR_LIST),
    ("include", &STRING_OR_LIST),
    ("path", &STRING),
    ("action", &WATCH_ACTION),
    ("target", &STRING),
    ("exec", &SERVICE_HOOK),
    ("initial_sync", &BOOLEAN),
])
.required(&["path", "action"]);
static WATCHES: Node = array(&WATCH);
/// `#/definitions/development`.
pub static DEVELOPMENT: Node = Node {
    types: &[Ty::Object, Ty::Null],
    ..object(&[("watch", &WATCHES)])
}
.named("development");

static UPDATE_ORDER: Node = of(&[Ty::String]).enumeration(&["start-first", "stop-first"]);
/// `rollback_config` and `update_config` have the same shape.
static UPDATE_CONFIG: Node = object(&[
    ("parallelism", &INT_OR_STRING),
    ("delay", &STRING),
    ("failure_action", &STRING),
    ("monitor", &STRING),
    ("max_failure_ratio", &NUMBER_OR_STRING),
    ("order", &UPDATE_ORDER),
]);
static LIMITS: Node = object(&[
    ("cpus", &NUMBER_OR_STRING),
    ("memory", &STRING),
    ("pids", &INT_OR_STRING),
]);
static RESERVATIONS: Node = object(&[
    ("cpus", &NUMBER_OR_STRING),
    ("memory", &STRING),
    ("generic_resources", &GENERIC_RESOURCES),
    ("devices", &DEVICES),
]);
static RESOURCES: Node = object(&[("limits", &LIMITS), ("reservations", &RESERVATIONS)]);
static RESTART_POLICY: Node = object(&[
    ("condition", &STRING),
    ("delay", &STRING),
    ("max_attempts", &INT_OR_STRING),
    ("window", &STRING),
]);
static PREFERENCE: Node = object(&[("spread", &STRING)]);
static PREFERENCES: Node = array(&PREFERENCE);
static PLACEMENT: Node = object(&[
    ("constraints", &STRINGS),
    ("preferences", &PREFERENCES),
    ("max_replicas_per_node", &INT_OR_STRING),
]);
/// `#/definitions/deployment`.
pub static DEPLOYMENT: Node = Node {
    types: &[Ty::Object, Ty::Null],
    ..object(&[
        ("mode", &STRING),
        ("endpoint_mode", &STRING),
        ("replicas", &INT_OR_STRING),
        ("labels", &LIST_OR_DICT),
        ("rollback_config", &UPDATE_CONFIG),
        ("update_config", &UPDATE_CONFIG),
        ("resources", &RESOURCES),
        ("restart_policy", &RESTART_POLICY),
        ("placement", &PLACEMENT),
    ])
}
.named("deployment");

static DISCRETE_RESOURCE_SPEC: Node = object(&[("kind", &STRING), ("value", &NUMBER_OR_STRING)]);
static GENERIC_RESOURCE: Node = object(&[("discrete_resource_spec", &DISCRETE_RESOURCE_SPEC)]);
/// `#/definitions/generic_resources`.
pub static GENERIC_RESOURCES: Node = array(&GENERIC_RESOURCE).named("generic_resources");

const DEVICE_REQUEST_PROPERTIES: &[Prop] = &[
    ("capabilities", &LIST_OF_STRINGS),
    ("count", &STRING_OR_INT),
    ("device_ids", &LIST_OF_STRINGS),
    ("driver", &STRING),
    ("options", &LIST_OR_DICT),
];
static DEVICE_REQUEST: Node = object(DEVICE_REQUEST_PROPERTIES).required(&["capabilities"]);
/// `#/definitions/devices`.
pub static DEVICES: Node = array(&DEVICE_REQUEST).named("devices");

static GPUS_ALL: Node = of(&[Ty::String]).enumeration(&["all"]);
/// The schema puts `additionalProperties: false` on the array, where it has no effect, so gpu
/// entries are open objects (the reference accepts `gpus: [{foo: 1}]`).
static GPU: Node = Node {
    types: &[Ty::Object],
    properties: DEVICE_REQUEST_PROPERTIES,
    ..Node::ANY
};
static GPU_LIST: Node = array(&GPU);
/// `#/definitions/gpus`.
pub static GPUS: Node = one_of(&[&GPUS_ALL, &GPU_LIST]).named("gpus");

static INCLUDE_OBJECT: Node = object(&[
    ("path", &STRING_OR_LIST),
    ("env_file", &STRING_OR_LIST),
    ("project_directory", &STRING),
])
.patterns(&[]);
/// `#/definitions/include`.
pub static INCLUDE: Node = one_of(&[&STRING, &INCLUDE_OBJECT]).named("include");

static DEPRECATED_NAME: Node = of(&[Ty::String]).deprecated();
/// `external` of networks, volumes: closed, with a deprecated `name`.
static EXTERNAL_CLOSED: Node = Node {
    types: &[Ty::Boolean, Ty::String, Ty::Object],
    ..object(&[("name", &DEPRECATED_NAME)])
};
/// `external` of secrets: open, `name` not marked deprecated.
static SECRET_EXTERNAL: Node = Node {
    types: &[Ty::Boolean, Ty::String, Ty::Object],
    properties: &[("name", &STRING)],
    ..Node::ANY
};
/// `external` of configs: open, with a deprecated `name`.
static CONFIG_EXTERNAL: Node = Node {
    types: &[Ty::Boolean, Ty::String, Ty::Object],
    properties: &[("name", &DEPRECATED_NAME)],
    ..Node::ANY
};

static STRING_MAP_CLOSED: Node = OBJECT_BASE.patterns(&[(Pattern::Line, &STRING)]).closed();
static IPAM_CONFIG: Node = object(&[
    ("subnet", &STRING),
    ("ip_range", &STRING),
    ("gateway", &STRING),
    ("aux_addresses", &STRING_MAP_CLOSED),
]);
static IPAM_CONFIGS: Node = array(&IPAM_CONFIG);
static IPAM: Node = object(&[
    ("driver", &STRING),
    ("config", &IPAM_CONFIGS),
    ("options", &STRING_MAP_CLOSED),
]);
/// `#/definitions/network`.
pub static NETWORK: Node = Node {
    types: &[Ty::Object, Ty::Null],
    ..object(&[
        ("name", &STRING),
        ("driver", &STRING),
        ("driver_opts", &DRIVER_OPTS),
        ("ipam", &IPAM),
        ("external", &EXTERNAL_CLOSED),
        ("internal", &BOOL_OR_STRING),
        ("enable_ipv4", &BOOL_OR_STRING),
        ("enable_ipv6", &BOOL_OR_STRING),
        ("attachable", &BOOL_OR_STRING),
        ("labels", &LIST_OR_DICT),
    ])
}
.named("network");

/// `#/definitions/volume`.
pub static VOLUME: Node = Node {
    types: &[Ty::Object, Ty::Null],
    ..object(&[
        ("name", &STRING),
        ("driver", &STRING),
        ("driver_opts", &DRIVER_OPTS),
        ("external", &EXTERNAL_CLOSED),
        ("labels", &LIST_OR_DICT),
    ])
}
.named("volume");

/// `#/definitions/secret`.
pub static SECRET: Node = object(&[
    ("name", &STRING),
    ("environment", &STRING),
    ("file", &STRING),
    ("external", &SECRET_EXTERNAL),
    ("labels", &LIST_OR_DICT),
    ("driver", &STRING),
    ("driver_opts", &DRIVER_OPTS),
    ("template_driver", &STRING),
])
.named("secret");

/// `#/definitions/config`.
pub static CONFIG: Node = object(&[
    ("name", &STRING),
    ("content", &STRING),
    ("environment", &STRING),
    ("file", &STRING),
    ("external", &CONFIG_EXTERNAL),
    ("labels", &LIST_OR_DICT),
    ("template_driver", &STRING),
])
.named("config");

/// `#/definitions/model`.
pub static MODEL: Node = object(&[
    ("name", &STRING),
    ("model", &STRING),
    ("context_size", &INTEGER),
    ("runtime_flags", &STRINGS),
])
.required(&["model"])
.named("model");

// ---- service ---------------------------------------------------------------------------------

static BUILD_OBJECT: Node = object(&[
    ("context", &STRING),
    ("dockerfile", &STRING),
    ("dockerfile_inline", &STRING),
    ("entitlements", &STRINGS),
    ("args", &LIST_OR_DICT),
    ("ssh", &LIST_OR_DICT),
    ("labels", &LIST_OR_DICT),
    ("cache_from", &STRINGS),
    ("cache_to", &STRINGS),
    ("no_cache", &BOOL_OR_STRING),
    ("additional_contexts", &LIST_OR_DICT),
    ("network", &STRING),
    ("provenance", &STRING_OR_BOOL),
    ("sbom", &STRING_OR_BOOL),
    ("pull", &BOOL_OR_STRING),
    ("target", &STRING),
    ("shm_size", &INT_OR_STRING),
    ("extra_hosts", &EXTRA_HOSTS),
    ("isolation", &STRING),
    ("privileged", &BOOL_OR_STRING),
    ("secrets", &SERVICE_CONFIG_OR_SECRET),
    ("tags", &STRINGS),
    ("ulimits", &ULIMITS),
    ("platforms", &STRINGS),
]);
static BUILD: Node = one_of(&[&STRING, &BUILD_OBJECT]);

static BLKIO_LIMITS: Node = array(&BLKIO_LIMIT);
static BLKIO_WEIGHTS: Node = array(&BLKIO_WEIGHT);
static BLKIO_CONFIG: Node = object(&[
    ("device_read_bps", &BLKIO_LIMITS),
    ("device_read_iops", &BLKIO_LIMITS),
    ("device_write_bps", &BLKIO_LIMITS),
    ("device_write_iops", &BLKIO_LIMITS),
    ("weight", &INT_OR_STRING),
    ("weight_device", &BLKIO_WEIGHTS),
])
.patterns(&[]);

static CGROUP: Node = of(&[Ty::String]).enumeration(&["host", "private"]);
static CONTAINER_NAME: Node = of(&[Ty::String]).pattern(Pattern::ContainerName);
static NON_NEGATIVE: Node = of(&[Ty::Integer]).range(Some(0), None);
static PERCENT: Node = of(&[Ty::Integer]).range(Some(0), Some(100));
static CPU_COUNT: Node = one_of(&[&STRING, &NON_NEGATIVE]);
static CPU_PERCENT: Node = one_of(&[&STRING, &PERCENT]);
static CREDENTIAL_SPEC: Node = object(&[
    ("config", &STRING),
    ("file", &STRING),
    ("registry", &STRING),
]);

static DEPENDS_ON_CONDITION: Node = of(&[Ty::String]).enumeration(&[
    "service_started",
    "service_healthy",
    "service_completed_successfully",
]);
static DEPENDENCY: Node = object(&[
    ("restart", &BOOL_OR_STRING),
    ("required", &BOOLEAN),
    ("condition", &DEPENDS_ON_CONDITION),
])
.required(&["condition"]);
static DEPENDENCIES: Node = OBJECT_BASE
    .patterns(&[(Pattern::Name, &DEPENDENCY)])
    .closed();
static DEPENDS_ON: Node = one_of(&[&LIST_OF_STRINGS, &DEPENDENCIES]);

static DEVICE_OBJECT: Node = object(&[
    ("source", &STRING),
    ("target", &STRING),
    ("permissions", &STRING),
])
.required(&["source"]);
static DEVICE: Node = one_of(&[&STRING, &DEVICE_OBJECT]);
static SERVICE_DEVICES: Node = array(&DEVICE);

static STRING_OR_NUMBER_SET: Node = array(&STRING_OR_NUMBER).unique();

static EXTENDS_OBJECT: Node = object(&[("service", &STRING), ("file", &STRING)])
    .patterns(&[])
    .required(&["service"]);
static EXTENDS: Node = one_of(&[&STRING, &EXTENDS_OBJECT]);

static PROVIDER_SCALAR: Node = of(&[Ty::String, Ty::Number, Ty::Boolean]);
static PROVIDER_SCALARS: Node = array(&PROVIDER_SCALAR);
static PROVIDER_OPTION: Node = one_of(&[&PROVIDER_SCALAR, &PROVIDER_SCALARS]);
static PROVIDER_OPTIONS: Node = OBJECT_BASE.patterns(&[(Pattern::Line, &PROVIDER_OPTION)]);
static PROVIDER: Node =
    object(&[("type", &STRING), ("options", &PROVIDER_OPTIONS)]).required(&["type"]);

static LOG_OPTION: Node = of(&[Ty::String, Ty::Number, Ty::Null]);
static LOG_OPTIONS: Node = OBJECT_BASE.patterns(&[(Pattern::Line, &LOG_OPTION)]);
static LOGGING: Node = object(&[("driver", &STRING), ("options", &LOG_OPTIONS)]);

static SERVICE_MODEL_OBJECT: Node = object(&[("endpoint_var", &STRING), ("model_var", &STRING)]);
static SERVICE_MODEL: Node = one_of(&[&SERVICE_MODEL_OBJECT, &NULL]);
static SERVICE_MODEL_MAP: Node = OBJECT_BASE.patterns(&[(Pattern::Name, &SERVICE_MODEL)]);
static SERVICE_MODELS: Node = one_of(&[&LIST_OF_STRINGS, &SERVICE_MODEL_MAP]);

static SERVICE_NETWORK_OBJECT: Node = object(&[
    ("aliases", &LIST_OF_STRINGS),
    ("interface_name", &STRING),
    ("ipv4_address", &STRING),
    ("ipv6_address", &STRING),
    ("link_local_ips", &LIST_OF_STRINGS),
    ("mac_address", &STRING),
    ("driver_opts", &DRIVER_OPTS),
    ("priority", &NUMBER),
    ("gw_priority", &NUMBER),
]);
static SERVICE_NETWORK: Node = one_of(&[&SERVICE_NETWORK_OBJECT, &NULL]);
static SERVICE_NETWORK_MAP: Node = OBJECT_BASE
    .patterns(&[(Pattern::Name, &SERVICE_NETWORK)])
    .closed();
static SERVICE_NETWORKS: Node = one_of(&[&LIST_OF_STRINGS, &SERVICE_NETWORK_MAP]);

static OOM_SCORE: Node = of(&[Ty::Integer]).range(Some(-1000), Some(1000));
static OOM_SCORE_ADJ: Node = one_of(&[&STRING, &OOM_SCORE]);

static PORT_OBJECT: Node = object(&[
    ("name", &STRING),
    ("mode", &STRING),
    ("host_ip", &STRING),
    ("target", &INT_OR_STRING),
    ("published", &STRING_OR_INT),
    ("protocol", &STRING),
    ("app_protocol", &STRING),
]);
static PORT: Node = one_of(&[&NUMBER, &STRING, &PORT_OBJECT]);
static PORTS: Node = array(&PORT).unique();

static HOOKS: Node = array(&SERVICE_HOOK);
static PULL_POLICY: Node = of(&[Ty::String]).pattern(Pattern::PullPolicy);

static MOUNT_TYPE: Node =
    of(&[Ty::String]).enumeration(&["bind", "volume", "tmpfs", "cluster", "npipe", "image"]);
static RECURSIVE: Node =
    of(&[Ty::String]).enumeration(&["enabled", "disabled", "writable", "readonly"]);
static SELINUX: Node = of(&[Ty::String]).enumeration(&["z", "Z"]);
static MOUNT_BIND: Node = object(&[
    ("propagation", &STRING),
    ("create_host_path", &BOOL_OR_STRING),
    ("recursive", &RECURSIVE),
    ("selinux", &SELINUX),
]);
static MOUNT_VOLUME: Node = object(&[
    ("labels", &LIST_OR_DICT),
    ("nocopy", &BOOL_OR_STRING),
    ("subpath", &STRING),
]);
static TMPFS_SIZE: Node = one_of(&[&NON_NEGATIVE, &STRING]);
static MOUNT_TMPFS: Node = object(&[("size", &TMPFS_SIZE), ("mode", &NUMBER_OR_STRING)]);
static MOUNT_IMAGE: Node = object(&[("subpath", &STRING)]);
static MOUNT: Node = object(&[
    ("type", &MOUNT_TYPE),
    ("source", &STRING),
    ("target", &STRING),
    ("read_only", &BOOL_OR_STRING),
    ("consistency", &STRING),
    ("bind", &MOUNT_BIND),
    ("volume", &MOUNT_VOLUME),
    ("tmpfs", &MOUNT_TMPFS),
    ("image", &MOUNT_IMAGE),
])
.required(&["type"]);
static SERVICE_VOLUME: Node = one_of(&[&STRING, &MOUNT]);
static SERVICE_VOLUMES: Node = array(&SERVICE_VOLUME).unique();

/// `#/definitions/service`.
pub static SERVICE: Node = object(&[
    ("develop", &DEVELOPMENT),
    ("deploy", &DEPLOYMENT),
    ("annotations", &LIST_OR_DICT),
    ("attach", &BOOL_OR_STRING),
    ("build", &BUILD),
    ("blkio_config", &BLKIO_CONFIG),
    ("cap_add", &UNIQUE_STRINGS),
    ("cap_drop", &UNIQUE_STRINGS),
    ("cgroup", &CGROUP),
    ("cgroup_parent", &STRING),
    ("command", &COMMAND),
    ("configs", &SERVICE_CONFIG_OR_SECRET),
    ("container_name", &CONTAINER_NAME),
    ("cpu_count", &CPU_COUNT),
    ("cpu_percent", &CPU_PERCENT),
    ("cpu_shares", &NUMBER_OR_STRING),
    ("cpu_quota", &NUMBER_OR_STRING),
    ("cpu_period", &NUMBER_OR_STRING),
    ("cpu_rt_period", &NUMBER_OR_STRING),
    ("cpu_rt_runtime", &NUMBER_OR_STRING),
    ("cpus", &NUMBER_OR_STRING),
    ("cpuset", &STRING),
    ("credential_spec", &CREDENTIAL_SPEC),
    ("depends_on", &DEPENDS_ON),
    ("device_cgroup_rules", &LIST_OF_STRINGS),
    ("devices", &SERVICE_DEVICES),
    ("dns", &STRING_OR_LIST),
    ("dns_opt", &UNIQUE_STRINGS),
    ("dns_search", &STRING_OR_LIST),
    ("domainname", &STRING),
    ("entrypoint", &COMMAND),
    ("env_file", &ENV_FILE),
    ("label_file", &LABEL_FILE),
    ("environment", &LIST_OR_DICT),
    ("expose", &STRING_OR_NUMBER_SET),
    ("extends", &EXTENDS),
    ("provider", &PROVIDER),
    ("external_links", &UNIQUE_STRINGS),
    ("extra_hosts", &EXTRA_HOSTS),
    ("gpus", &GPUS),
    ("group_add", &STRING_OR_NUMBER_SET),
    ("healthcheck", &HEALTHCHECK),
    ("hostname", &STRING),
    ("image", &STRING),
    ("init", &BOOL_OR_STRING),
    ("ipc", &STRING),
    ("isolation", &STRING),
    ("labels", &LIST_OR_DICT),
    ("links", &UNIQUE_STRINGS),
    ("logging", &LOGGING),
    ("mac_address", &STRING),
    ("mem_limit", &NUMBER_OR_STRING),
    ("mem_reservation", &STRING_OR_INT),
    ("mem_swappiness", &INT_OR_STRING),
    ("memswap_limit", &NUMBER_OR_STRING),
    ("network_mode", &STRING),
    ("models", &SERVICE_MODELS),
    ("networks", &SERVICE_NETWORKS),
    ("oom_kill_disable", &BOOL_OR_STRING),
    ("oom_score_adj", &OOM_SCORE_ADJ),
    ("pid", &STRING_OR_NULL),
    ("pids_limit", &NUMBER_OR_STRING),
    ("platform", &STRING),
    ("ports", &PORTS),
    ("post_start", &HOOKS),
    ("pre_stop", &HOOKS),
    ("privileged", &BOOL_OR_STRING),
    ("profiles", &LIST_OF_STRINGS),
    ("pull_policy", &PULL_POLICY),
    ("pull_refresh_after", &STRING),
    ("read_only", &BOOL_OR_STRING),
    ("restart", &STRING),
    ("runtime", &STRING),
    ("scale", &INT_OR_STRING),
    ("security_opt", &UNIQUE_STRINGS),
    ("shm_size", &NUMBER_OR_STRING),
    ("secrets", &SERVICE_CONFIG_OR_SECRET),
    ("sysctls", &LIST_OR_DICT),
    ("stdin_open", &BOOL_OR_STRING),
    ("stop_grace_period", &STRING),
    ("stop_signal", &STRING),
    ("storage_opt", &OBJECT),
    ("tmpfs", &STRING_OR_LIST),
    ("tty", &BOOL_OR_STRING),
    ("ulimits", &ULIMITS),
    ("use_api_socket", &BOOLEAN),
    ("user", &STRING),
    ("uts", &STRING),
    ("userns_mode", &STRING),
    ("volumes", &SERVICE_VOLUMES),
    ("volumes_from", &UNIQUE_STRINGS),
    ("working_dir", &STRING),
])
.named("service");

// ---- top level -------------------------------------------------------------------------------

static INCLUDES: Node = array(&INCLUDE);
static SERVICES: Node = OBJECT_BASE.patterns(&[(Pattern::Name, &SERVICE)]).closed();
/// Top-level `models` and `networks` do not close their maps: other names pass unchecked.
static MODELS: Node = OBJECT_BASE.patterns(&[(Pattern::Name, &MODEL)]);
static NETWORKS: Node = OBJECT_BASE.patterns(&[(Pattern::Name, &NETWORK)]);
static VOLUMES: Node = OBJECT_BASE.patterns(&[(Pattern::Name, &VOLUME)]).closed();
static SECRETS: Node = OBJECT_BASE.patterns(&[(Pattern::Name, &SECRET)]).closed();
static CONFIGS: Node = OBJECT_BASE.patterns(&[(Pattern::Name, &CONFIG)]).closed();
static VERSION: Node = of(&[Ty::String]).deprecated();

/// The whole Compose file.
pub static ROOT: Node = object(&[
    ("version", &VERSION),
    ("name", &STRING),
    ("include", &INCLUDES),
    ("services", &SERVICES),
    ("models", &MODELS),
    ("networks", &NETWORKS),
    ("volumes", &VOLUMES),
    ("secrets", &SECRETS),
    ("configs", &CONFIGS),
]);
