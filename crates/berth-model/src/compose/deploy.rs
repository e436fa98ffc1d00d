//! `types.DeployConfig` and what it holds: replicas, resources, restart and update policies,
//! placement; and `types.DeviceRequest`, shared with `gpus`.

use serde::Deserialize;

use super::{string_enum, Extensions, GoDuration, Mapping};

/// A service's `deploy` section (`types.DeployConfig`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Deploy {
    pub mode: Option<DeployMode>,
    pub replicas: Option<i64>,
    pub labels: Mapping,
    pub update_config: Option<UpdateConfig>,
    pub rollback_config: Option<UpdateConfig>,
    pub resources: Resources,
    pub restart_policy: Option<RestartPolicy>,
    pub placement: Placement,
    pub endpoint_mode: Option<EndpointMode>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

string_enum! {
    /// `deploy.mode`.
    DeployMode {
        Replicated = "replicated",
        Global = "global",
        ReplicatedJob = "replicated-job",
        GlobalJob = "global-job",
    }
}

string_enum! {
    /// `deploy.endpoint_mode`.
    EndpointMode {
        Vip = "vip",
        Dnsrr = "dnsrr",
    }
}

/// `types.UpdateConfig`: both `update_config` and `rollback_config`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpdateConfig {
    pub parallelism: Option<u64>,
    pub delay: Option<GoDuration>,
    pub failure_action: Option<FailureAction>,
    pub monitor: Option<GoDuration>,
    pub max_failure_ratio: Option<f32>,
    pub order: Option<UpdateOrder>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

string_enum! {
    /// `update_config.failure_action`.
    FailureAction {
        Continue = "continue",
        Rollback = "rollback",
        Pause = "pause",
    }
}

string_enum! {
    /// `update_config.order`.
    UpdateOrder {
        StartFirst = "start-first",
        StopFirst = "stop-first",
    }
}

/// `types.Resources`: limits and reservations.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Resources {
    pub limits: Option<Resource>,
    pub reservations: Option<Resource>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.Resource`: one set of limits or reservations.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Resource {
    /// CPUs (compose's `NanoCPUs`, a float: `1.5` CPUs).
    pub cpus: Option<f32>,
    /// Bytes.
    pub memory: Option<i64>,
    pub pids: Option<i64>,
    pub devices: Vec<DeviceRequest>,
    pub generic_resources: Vec<GenericResource>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.GenericResource`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GenericResource {
    pub discrete_resource_spec: Option<DiscreteGenericResource>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.DiscreteGenericResource`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscreteGenericResource {
    pub kind: String,
    pub value: i64,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.RestartPolicy` (`deploy.restart_policy`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RestartPolicy {
    pub condition: Option<RestartCondition>,
    pub delay: Option<GoDuration>,
    pub max_attempts: Option<u64>,
    pub window: Option<GoDuration>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

string_enum! {
    /// `restart_policy.condition`.
    RestartCondition {
        None = "none",
        OnFailure = "on-failure",
        Any = "any",
    }
}

/// `types.Placement`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Placement {
    pub constraints: Vec<String>,
    pub preferences: Vec<PlacementPreference>,
    pub max_replicas_per_node: Option<u64>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.PlacementPreferences`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlacementPreference {
    pub spread: Option<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.DeviceRequest`: a device (GPU, ...) request, in `deploy.resources.*.devices` and
/// `gpus`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceRequest {
    pub capabilities: Vec<String>,
    pub driver: Option<String>,
    /// How many devices; `-1` is `all` (see [`DeviceRequest::all_devices`]).
    pub count: Option<i64>,
    pub device_ids: Vec<String>,
    pub options: Mapping,
}

impl DeviceRequest {
    /// `count: all`.
    pub fn all_devices(&self) -> bool {
        self.count == Some(-1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::{map, strs};
    use crate::value::Value;

    #[test]
    fn a_deploy_section_binds() {
        let d: Deploy = from_value(&map(&[
            ("mode", "replicated".into()),
            ("replicas", 2.into()),
            (
                "update_config",
                map(&[
                    ("parallelism", 2.into()),
                    ("delay", "10s".into()),
                    ("order", "start-first".into()),
                    ("max_failure_ratio", Value::Float(0.25)),
                ]),
            ),
            (
                "resources",
                map(&[
                    (
                        "limits",
                        map(&[("cpus", Value::Float(0.5)), ("memory", Value::Int(1 << 29))]),
                    ),
                    (
                        "reservations",
                        map(&[(
                            "devices",
                            Value::Seq(vec![map(&[
                                ("capabilities", strs(&["gpu"])),
                                ("count", Value::Int(-1)),
                            ])]),
                        )]),
                    ),
                ]),
            ),
            (
                "restart_policy",
                map(&[
                    ("condition", "on-failure".into()),
                    ("max_attempts", 3.into()),
                ]),
            ),
            (
                "placement",
                map(&[("constraints", strs(&["node.role==manager"]))]),
            ),
        ]))
        .unwrap();
        assert_eq!(d.mode, Some(DeployMode::Replicated));
        assert_eq!(d.replicas, Some(2));
        let u = d.update_config.unwrap();
        assert_eq!(u.parallelism, Some(2));
        assert_eq!(u.delay, Some(GoDuration::from_secs(10)));
        assert_eq!(u.order, Some(UpdateOrder::StartFirst));
        assert_eq!(u.max_failure_ratio, Some(0.25));
        let limits = d.resources.limits.unwrap();
        assert_eq!(limits.cpus, Some(0.5));
        assert_eq!(limits.memory, Some(536_870_912));
        let dev = &d.resources.reservations.unwrap().devices[0];
        assert!(dev.all_devices());
        assert_eq!(dev.capabilities, ["gpu"]);
        let rp = d.restart_policy.unwrap();
        assert_eq!(rp.condition, Some(RestartCondition::OnFailure));
        assert_eq!(rp.max_attempts, Some(3));
        assert_eq!(d.placement.constraints, ["node.role==manager"]);
    }
}
