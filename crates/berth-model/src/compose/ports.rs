//! `types.ServicePortConfig`: a service's `ports` entries (always in the long form after
//! loading).

use serde::Deserialize;

use super::{string_enum, Extensions};

/// One published or exposed port (`types.ServicePortConfig`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServicePort {
    pub name: Option<String>,
    /// `ingress` for the short syntax (compose's default).
    pub mode: Option<PortMode>,
    pub host_ip: Option<String>,
    /// The container port.
    pub target: u32,
    /// The host port or range (`"8080"`, `"8000-8010"`); `None`: an ephemeral port.
    pub published: Option<String>,
    pub protocol: Option<Protocol>,
    pub app_protocol: Option<String>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
}

impl ServicePort {
    /// The protocol, `tcp` when unset (as the engine defaults).
    pub fn protocol(&self) -> Protocol {
        self.protocol.clone().unwrap_or(Protocol::Tcp)
    }

    /// The published host ports as an inclusive range (`"8080"` is `(8080, 8080)`); `None`
    /// when unpublished or not a port number.
    pub fn published_range(&self) -> Option<(u16, u16)> {
        let p = self.published.as_deref().filter(|p| !p.is_empty())?;
        match p.split_once('-') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => p.parse().ok().map(|n| (n, n)),
        }
    }
}

string_enum! {
    /// A port's transport protocol.
    Protocol {
        Tcp = "tcp",
        Udp = "udp",
        Sctp = "sctp",
    }
}

string_enum! {
    /// A port's publishing mode (swarm's routing mesh vs the host's port).
    PortMode {
        Ingress = "ingress",
        Host = "host",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::from_value;
    use crate::compose::test_support::map;

    #[test]
    fn ports_bind_with_their_ranges() {
        let p: ServicePort = from_value(&map(&[
            ("mode", "ingress".into()),
            ("host_ip", "127.0.0.1".into()),
            ("target", 80.into()),
            ("published", "8080".into()),
            ("protocol", "udp".into()),
        ]))
        .unwrap();
        assert_eq!(p.mode, Some(PortMode::Ingress));
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(p.target, 80);
        assert_eq!(p.published_range(), Some((8080, 8080)));
        assert_eq!(p.protocol(), Protocol::Udp);
        let p: ServicePort = from_value(&map(&[
            ("target", 5000.into()),
            ("published", "5000-5001".into()),
        ]))
        .unwrap();
        assert_eq!(p.published_range(), Some((5000, 5001)));
        assert_eq!(p.protocol(), Protocol::Tcp);
        let e = from_value::<ServicePort>(&map(&[("target", (-1).into())])).unwrap_err();
        assert_eq!(e.path, "target");
    }
}
