//! Short port syntax (`[ip:][host[-range]:]container[-range][/proto]`) to long-form port maps,
//! as compose-go's `types.ParsePortConfig` does it on top of go-connections' `nat` parser.

use berth_model::{Map, Value};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Why a short port spec was refused; the wording is go-connections' (v0.6.0).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PortError {
    #[error("invalid proto: {0}")]
    Proto(String),
    #[error("no port specified: {0}<empty>")]
    NoPort(String),
    #[error("invalid IP address {ip}: address {ip}:: missing ']' in address")]
    Bracket { ip: String },
    #[error("invalid IP address: {0}")]
    Ip(String),
    #[error("invalid containerPort: {0}")]
    ContainerPort(String),
    #[error("invalid hostPort: {0}")]
    HostPort(String),
    #[error("invalid ranges specified for container and host Ports: {container} and {host}")]
    Ranges { container: String, host: String },
}

/// One container port bound to the host, before it becomes a map.
struct Binding {
    host_ip: String,
    host_port: String,
}

/// A port number 0..=65535 (decimal, as Go's `strconv.ParseUint(s, 10, 16)`).
fn port_number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u32>().ok().filter(|p| *p <= 65535)
}

/// `a` or `a-b` with `a <= b`.
fn port_range(s: &str) -> Option<(u32, u32)> {
    match s.split_once('-') {
        None => port_number(s).map(|p| (p, p)),
        Some((a, rest)) => {
            // Go splits on every '-' and reads only the first two parts.
            let b = rest.split('-').next().unwrap_or_default();
            let (start, end) = (port_number(a)?, port_number(b)?);
            (end >= start).then_some((start, end))
        }
    }
}

/// Splits `ip:host:container`; extra colons belong to an (unbracketed IPv6) address.
fn split_parts(raw: &str) -> (String, String, String) {
    let parts: Vec<&str> = raw.split(':').collect();
    match parts.len() {
        1 => (String::new(), String::new(), parts[0].to_string()),
        2 => (String::new(), parts[0].to_string(), parts[1].to_string()),
        n => (
            parts[..n - 2].join(":"),
            parts[n - 2].to_string(),
            parts[n - 1].to_string(),
        ),
    }
}

/// Parses one spec into `(container port key, binding)` pairs, in go-connections' order.
fn parse_port_spec(raw: &str) -> Result<Vec<(u32, String, Binding)>, PortError> {
    let (mut ip, host_port, container) = split_parts(raw);
    let (port, proto) = match container.split_once('/') {
        Some((port, proto)) => (port.to_string(), proto.to_string()),
        None => (container.clone(), "tcp".to_string()),
    };
    // No port means no protocol either (so `80:` reports an empty proto); a bare `80/` is tcp.
    let proto = match (port.is_empty(), proto.is_empty()) {
        (true, _) => String::new(),
        (false, true) => "tcp".to_string(),
        (false, false) => proto.to_lowercase(),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(PortError::Proto(proto));
    }
    if port.is_empty() {
        return Err(PortError::NoPort(raw.to_string()));
    }
    if let Some(inner) = ip.strip_prefix('[') {
        match inner.strip_suffix(']') {
            Some(addr) if !addr.contains(['[', ']']) => ip = addr.to_string(),
            _ => return Err(PortError::Bracket { ip }),
        }
    }
    if !ip.is_empty() && ip.parse::<IpAddr>().is_err() {
        return Err(PortError::Ip(ip));
    }
    let (start, end) = port_range(&port).ok_or_else(|| PortError::ContainerPort(port.clone()))?;
    let (mut host_start, mut host_end) = (0, 0);
    if !host_port.is_empty() {
        (host_start, host_end) =
            port_range(&host_port).ok_or_else(|| PortError::HostPort(host_port.clone()))?;
        // A host range with a single container port is a pool to allocate from.
        if end - start != host_end - host_start && end != start {
            return Err(PortError::Ranges {
                container: port,
                host: host_port,
            });
        }
    }
    let count = end - start + 1;
    Ok((0..count)
        .map(|i| {
            let mut hport = String::new();
            if !host_port.is_empty() {
                hport = (host_start + i).to_string();
                if count == 1 && host_start != host_end {
                    hport = format!("{hport}-{host_end}");
                }
            }
            (
                start + i,
                proto.clone(),
                Binding {
                    host_ip: ip.clone(),
                    host_port: hport,
                },
            )
        })
        .collect())
}

/// The long-form port maps for one short spec, keys in compose's struct order and empty
/// fields omitted (compose-go encodes a `ServicePortConfig` with `omitempty` tags).
///
/// Container ports are ordered by their `"<port>/<proto>"` text, so `98-101` yields
/// 100, 101, 98, 99 exactly as the reference prints it.
pub fn parse_port_config(spec: &str) -> Result<Vec<Value>, PortError> {
    let mut by_key: BTreeMap<String, Vec<(u32, String, Binding)>> = BTreeMap::new();
    for entry in parse_port_spec(spec)? {
        by_key
            .entry(format!("{}/{}", entry.0, entry.1))
            .or_default()
            .push(entry);
    }
    Ok(by_key
        .into_values()
        .flatten()
        .map(|(target, proto, binding)| {
            let mut m = Map::default();
            m.insert("mode".into(), "ingress".into());
            if !binding.host_ip.is_empty() {
                m.insert("host_ip".into(), binding.host_ip.into());
            }
            if target != 0 {
                m.insert("target".into(), Value::Int(i64::from(target)));
            }
            if !binding.host_port.is_empty() {
                m.insert("published".into(), binding.host_port.into());
            }
            m.insert("protocol".into(), proto.into());
            Value::Map(m)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(host_ip: &str, target: i64, published: &str, proto: &str) -> Value {
        let mut m = Map::default();
        m.insert("mode".into(), "ingress".into());
        if !host_ip.is_empty() {
            m.insert("host_ip".into(), host_ip.into());
        }
        m.insert("target".into(), Value::Int(target));
        if !published.is_empty() {
            m.insert("published".into(), published.into());
        }
        m.insert("protocol".into(), proto.into());
        Value::Map(m)
    }

    // Expected values printed by the reference (`config`, /tmp/transform-a and -b).
    #[test]
    fn short_forms() {
        let p = |s| parse_port_config(s).unwrap();
        assert_eq!(p("8080:80"), vec![port("", 80, "8080", "tcp")]);
        assert_eq!(p("7000"), vec![port("", 7000, "", "tcp")]);
        assert_eq!(p("127.0.0.1::80"), vec![port("127.0.0.1", 80, "", "tcp")]);
        assert_eq!(p("[::1]:6000:6000"), vec![port("::1", 6000, "6000", "tcp")]);
        assert_eq!(p("53:53/udp"), vec![port("", 53, "53", "udp")]);
        assert_eq!(p("8000-8010:80"), vec![port("", 80, "8000-8010", "tcp")]);
        assert_eq!(p(":80"), vec![port("", 80, "", "tcp")]);
        assert_eq!(p("80/"), vec![port("", 80, "", "tcp")]);
        assert_eq!(
            p("3000-3001:3000-3001"),
            vec![port("", 3000, "3000", "tcp"), port("", 3001, "3001", "tcp")]
        );
        let targets: Vec<i64> = p("98-101:98-101")
            .iter()
            .filter_map(|v| v.get("target").and_then(Value::as_i64))
            .collect();
        assert_eq!(targets, vec![100, 101, 98, 99]);
    }

    #[test]
    fn errors_have_reference_wording() {
        let e = |s| parse_port_config(s).unwrap_err().to_string();
        assert_eq!(e("abc"), "invalid containerPort: abc");
        assert_eq!(e("1:2:3:4/xyz"), "invalid proto: xyz");
        assert_eq!(e("80-70:80"), "invalid hostPort: 80-70");
        assert_eq!(
            e("8000-8001:80-82"),
            "invalid ranges specified for container and host Ports: 80-82 and 8000-8001"
        );
        assert_eq!(e("1.2.3:80:80"), "invalid IP address: 1.2.3");
        assert_eq!(e("70000"), "invalid containerPort: 70000");
        assert_eq!(
            e("[::1:80:80"),
            "invalid IP address [::1: address [::1:: missing ']' in address"
        );
        assert_eq!(e("a:80"), "invalid hostPort: a");
        assert_eq!(e("80:"), "invalid proto: ");
    }
}
