//! Networking of a service container: NetworkMode, the endpoints of the create call and
//! those connected before start, links, and the MAC address (compose's
//! `defaultNetworkSettings`, `createEndpointSettings`, `prepareContainerMACAddress`,
//! `getLinks`).

use std::collections::HashMap;

use berth_model::compose::{Service, ServiceNetwork};
use bollard_stubs::models::{EndpointIpamConfig, EndpointSettings, NetworkingConfig};

use super::{ConvertError, SpecInputs};

/// The driver option that names the interface in the container.
const IFNAME: &str = "com.docker.network.endpoint.ifname";

pub(super) struct Networking {
    pub network_mode: String,
    pub networking: Option<NetworkingConfig>,
    pub connect: Vec<(String, EndpointSettings)>,
    pub links: Vec<String>,
    /// The container-wide MAC address (API < 1.44 only).
    pub mac_address: Option<String>,
}

/// `service` has its `service:x` references resolved already.
pub(super) fn settings(inputs: &SpecInputs, service: &Service) -> Result<Networking, ConvertError> {
    let project = inputs.project;
    let links = links(inputs, service);
    let by_priority = service.networks_by_priority();
    let mut networks = service.networks.clone();
    let mac_address = mac_address(inputs, service, &by_priority, &mut networks)?;
    let mut out = Networking {
        network_mode: String::new(),
        networking: None,
        connect: Vec::new(),
        links,
        mac_address,
    };
    if let Some(mode) = service.network_mode.as_deref().filter(|m| !m.is_empty()) {
        out.network_mode = mode.to_string();
        return Ok(out);
    }
    if project.networks.is_empty() {
        out.network_mode = "none".into();
        return Ok(out);
    }
    let primary = by_priority.first().copied().unwrap_or("default");
    let endpoint = |key: &str| endpoint_settings(inputs, service, &networks, key, &out.links);
    let mut primary_endpoint = endpoint(primary);
    let mut endpoints = HashMap::new();
    if inputs.api_at_least(1, 44) {
        for key in by_priority.iter().skip(1) {
            endpoints.insert(project.network_name(key), endpoint(key));
        }
        if primary_endpoint.mac_address.is_none() {
            primary_endpoint.mac_address = service.mac_address.clone().filter(|m| !m.is_empty());
        }
    }
    if !inputs.api_at_least(1, 49)
        && networks
            .values()
            .flatten()
            .any(|n| n.interface_name.as_deref().is_some_and(|i| !i.is_empty()))
    {
        return Err(ConvertError::EngineTooOld(
            "interface_name requires Docker Engine v28.1 or later".into(),
        ));
    }
    // The docker client refuses endpoint MAC addresses in the create call before API 1.44.
    if !inputs.api_at_least(1, 44) && primary_endpoint.mac_address.is_some() {
        return Err(ConvertError::EngineTooOld(format!(
            "\"specify mac-address per network\" requires API version 1.44, but the Docker daemon API version is {}.{}",
            inputs.api_version.0, inputs.api_version.1
        )));
    }
    let primary_name = project.network_name(primary);
    if !inputs.api_at_least(1, 44) {
        out.connect = by_priority
            .iter()
            .filter(|key| project.network_name(key) != primary_name)
            .map(|key| (project.network_name(key), endpoint(key)))
            .collect();
    }
    endpoints.insert(primary_name.clone(), primary_endpoint);
    out.network_mode = primary_name;
    out.networking = Some(NetworkingConfig {
        endpoints_config: Some(endpoints),
    });
    Ok(out)
}

/// compose's `prepareContainerMACAddress`: on API ≥ 1.44 the service's `mac_address` moves
/// to the primary endpoint; before, the primary endpoint's moves to the container.
fn mac_address(
    inputs: &SpecInputs,
    service: &Service,
    by_priority: &[&str],
    networks: &mut indexmap::IndexMap<String, Option<ServiceNetwork>>,
) -> Result<Option<String>, ConvertError> {
    let mac = service.mac_address.clone().filter(|m| !m.is_empty());
    let primary = by_priority.first().copied();
    let primary_mac = primary
        .and_then(|p| networks.get(p))
        .and_then(|n| n.as_ref())
        .and_then(|n| n.mac_address.clone())
        .filter(|m| !m.is_empty());
    if let (Some(mac), Some(primary_mac)) = (&mac, &primary_mac) {
        if mac != primary_mac {
            return Err(ConvertError::Invalid(format!(
                "the service-level mac_address should have the same value as network {}",
                primary.unwrap_or_default()
            )));
        }
    }
    if inputs.api_at_least(1, 44) {
        if let Some(Some(n)) = primary.and_then(|p| networks.get_mut(p)) {
            if n.mac_address.as_deref().unwrap_or_default().is_empty() {
                n.mac_address = mac;
            }
        }
        return Ok(None);
    }
    if service.networks.is_empty() {
        return Ok(mac);
    }
    let with_mac: Vec<&str> = networks
        .iter()
        .filter(|(_, n)| {
            n.as_ref()
                .and_then(|n| n.mac_address.as_deref())
                .is_some_and(|m| !m.is_empty())
        })
        .map(|(k, _)| k.as_str())
        .collect();
    if with_mac.len() > 1 {
        return Err(ConvertError::EngineTooOld(format!(
            "a MAC address is specified for multiple networks ({}), but this feature requires Docker Engine v25 or later",
            with_mac.join(", ")
        )));
    }
    Ok(primary_mac.or(mac))
}

/// compose's `createEndpointSettings` (with network aliases, as for service containers).
fn endpoint_settings(
    inputs: &SpecInputs,
    service: &Service,
    networks: &indexmap::IndexMap<String, Option<ServiceNetwork>>,
    key: &str,
    links: &[String],
) -> EndpointSettings {
    let config = networks.get(key).and_then(|n| n.as_ref());
    // The alias is the final name, also for the temporary name of a recreate.
    let mut aliases = vec![
        inputs.project.container_name(inputs.service, inputs.number),
        service.name.clone(),
    ];
    let mut settings = EndpointSettings {
        links: (!links.is_empty()).then(|| links.to_vec()),
        ..Default::default()
    };
    if let Some(config) = config {
        aliases.extend(config.aliases.iter().cloned());
        let ipv4 = config.ipv4_address.clone().filter(|s| !s.is_empty());
        let ipv6 = config.ipv6_address.clone().filter(|s| !s.is_empty());
        settings.ipam_config = Some(EndpointIpamConfig {
            ipv4_address: ipv4.clone(),
            ipv6_address: ipv6.clone(),
            link_local_ips: (!config.link_local_ips.is_empty())
                .then(|| config.link_local_ips.clone()),
        });
        settings.ip_address = ipv4;
        // compose puts the IPv6 address in IPv6Gateway (create.go); the engine ignores it.
        settings.ipv6_gateway = ipv6;
        settings.mac_address = config.mac_address.clone().filter(|m| !m.is_empty());
        let mut driver_opts: HashMap<String, String> = config
            .driver_opts
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(ifname) = config.interface_name.as_deref().filter(|i| !i.is_empty()) {
            driver_opts.insert(IFNAME.into(), ifname.into());
        }
        settings.driver_opts = (!driver_opts.is_empty()).then_some(driver_opts);
        settings.gw_priority = config.gw_priority.filter(|p| *p != 0);
    }
    settings.aliases = Some(aliases);
    settings
}

/// compose's `getLinks` (compose v1's `_get_links`): for each container of a linked
/// service, `<container>:<alias>`, `<container>:<service>-<n>`,
/// `<container>:<project>-<service>-<n>` (n: this container's number); then
/// `external_links` as `<container>:<alias>`.
fn links(inputs: &SpecInputs, service: &Service) -> Vec<String> {
    let sep = inputs.project.separator.as_str();
    let number = inputs.number;
    let mut links = Vec::new();
    for raw in &service.links {
        let split: Vec<&str> = raw.split(':').collect();
        let linked = split[0];
        let alias = if split.len() == 2 { split[1] } else { linked };
        for container in inputs
            .service_container_names
            .get(linked)
            .into_iter()
            .flatten()
        {
            links.push(format!("{container}:{alias}"));
            links.push(format!("{container}:{linked}{sep}{number}"));
            links.push(format!(
                "{container}:{}{sep}{linked}{sep}{number}",
                inputs.project.name
            ));
        }
    }
    for raw in &service.external_links {
        let split: Vec<&str> = raw.split(':').collect();
        let alias = if split.len() == 2 { split[1] } else { split[0] };
        links.push(format!("{}:{alias}", split[0]));
    }
    links
}
