//! `types.NetworkConfig` (top-level `networks`) with its IPAM settings, and
//! `types.ServiceNetworkConfig` (a service's attachment to one).

use serde::Deserialize;

use super::{Extensions, Mapping};

/// A top-level network (`types.NetworkConfig`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// The engine-side name (`<project>_<key>` unless set); always set after loading.
    pub name: String,
    pub driver: Option<String>,
    pub driver_opts: Mapping,
    pub ipam: Ipam,
    /// Managed outside the project: never created nor removed.
    pub external: bool,
    pub internal: bool,
    pub attachable: bool,
    pub labels: Mapping,
    pub enable_ipv4: Option<bool>,
    pub enable_ipv6: Option<bool>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
    /// compose's `NetworkHash`, set by the loader's last phase.
    #[serde(skip)]
    pub config_hash: String,
}

/// `types.IPAMConfig`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ipam {
    pub driver: Option<String>,
    /// Address pools (`None` for a null entry, which compose keeps).
    pub config: Vec<Option<IpamPool>>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// `types.IPAMPool`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IpamPool {
    pub subnet: Option<String>,
    pub gateway: Option<String>,
    pub ip_range: Option<String>,
    pub aux_addresses: Mapping,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

/// A service's settings on one network (`types.ServiceNetworkConfig`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceNetwork {
    pub aliases: Vec<String>,
    pub driver_opts: Mapping,
    /// Which network gives the container its default gateway (highest wins).
    pub gw_priority: Option<i64>,
    pub interface_name: Option<String>,
    pub ipv4_address: Option<String>,
    pub ipv6_address: Option<String>,
    pub link_local_ips: Vec<String>,
    pub mac_address: Option<String>,
    /// Connection order (highest first); see `Service::networks_by_priority`.
    pub priority: Option<i64>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::{map, strs};
    use crate::value::Value;

    #[test]
    fn a_network_binds() {
        let n: Network = from_value(&map(&[
            ("name", "p_front".into()),
            ("driver", "bridge".into()),
            (
                "driver_opts",
                map(&[("com.docker.network.mtu", "1400".into())]),
            ),
            (
                "ipam",
                map(&[(
                    "config",
                    Value::Seq(vec![
                        map(&[
                            ("subnet", "172.28.0.0/16".into()),
                            ("gateway", "172.28.0.1".into()),
                        ]),
                        Value::Null,
                    ]),
                )]),
            ),
            ("enable_ipv6", true.into()),
            ("x-note", "hi".into()),
        ]))
        .unwrap();
        assert_eq!(n.name, "p_front");
        assert_eq!(n.driver_opts["com.docker.network.mtu"], "1400");
        let pool = n.ipam.config[0].as_ref().unwrap();
        assert_eq!(pool.subnet.as_deref(), Some("172.28.0.0/16"));
        assert_eq!(pool.gateway.as_deref(), Some("172.28.0.1"));
        assert_eq!(n.ipam.config[1], None);
        assert_eq!(n.enable_ipv6, Some(true));
        assert_eq!(n.enable_ipv4, None);
        assert!(!n.external);
        assert_eq!(n.extensions["x-note"], Value::from("hi"));

        let s: ServiceNetwork = from_value(&map(&[
            ("aliases", strs(&["api"])),
            ("ipv4_address", "172.28.0.5".into()),
            ("priority", 100.into()),
        ]))
        .unwrap();
        assert_eq!(s.aliases, ["api"]);
        assert_eq!(s.ipv4_address.as_deref(), Some("172.28.0.5"));
        assert_eq!(s.priority, Some(100));
    }
}
