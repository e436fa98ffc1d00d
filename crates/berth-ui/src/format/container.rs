//! compose's `formatter.ContainerContext`: what `ps --format` templates see for a container,
//! and the `ps` table.

use std::rc::Rc;

use berth_ops::ps::{ContainerSummary, Publisher};

use super::value::{Object, Value};

/// compose's default `ps` table.
pub const DEFAULT_TABLE: &str =
    "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}";

/// compose's `raw` format.
pub const RAW: &str = "container_id: {{.ID}}
image: {{.Image}}
command: {{.Command}}
created_at: {{.CreatedAt}}
state: {{- pad .State 1 0}}
status: {{- pad .Status 1 0}}
names: {{.Names}}
labels: {{- pad .Labels 1 0}}
ports: {{- pad .Ports 1 0}}
";

/// The template compose's `NewContainerFormat` picks for `--format`.
pub fn container_format(source: &str) -> &str {
    match source {
        "table" | "" => DEFAULT_TABLE,
        "raw" => RAW,
        other => other,
    }
}

/// Renders `ps` output for `--format` (`table`, `json`, `raw`, a template).
pub fn write_containers(
    format: &str,
    containers: &[ContainerSummary],
    trunc: bool,
    now: i64,
) -> Result<String, String> {
    let rows: Vec<Value> = containers
        .iter()
        .map(|c| {
            Value::Object(Rc::new(ContainerContext {
                c: c.clone(),
                trunc,
                now,
            }))
        })
        .collect();
    super::write_list(container_format(format), &rows, &header())
}

/// The header row's values (`SubHeaderContext`).
fn header() -> Value {
    let mut entries: Vec<(String, Value)> = [
        ("ID", "CONTAINER ID"),
        ("Name", "NAME"),
        ("Project", "PROJECT"),
        ("Service", "SERVICE"),
        ("Image", "IMAGE"),
        ("Command", "COMMAND"),
        ("CreatedAt", "CREATED AT"),
        ("RunningFor", "CREATED"),
        ("Ports", "PORTS"),
        ("State", "STATE"),
        ("Status", "STATUS"),
        ("Size", "SIZE"),
        ("Labels", "LABELS"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Value::str(v)))
    .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Map(entries)
}

/// One container as the templates see it.
pub struct ContainerContext {
    pub c: ContainerSummary,
    pub trunc: bool,
    /// Unix seconds, for `RunningFor`.
    pub now: i64,
}

/// The fields, in `json.Marshal`'s (sorted) key order.
const FIELDS: &[&str] = &[
    "Command",
    "CreatedAt",
    "ExitCode",
    "Health",
    "ID",
    "Image",
    "Labels",
    "LocalVolumes",
    "Mounts",
    "Name",
    "Names",
    "Networks",
    "Ports",
    "Project",
    "Publishers",
    "RunningFor",
    "Service",
    "Size",
    "State",
    "Status",
];

impl ContainerContext {
    fn publishers(&self) -> Value {
        Value::List(
            self.c
                .publishers
                .iter()
                .map(|p| {
                    Value::Struct(vec![
                        ("URL".into(), Value::str(&p.url)),
                        ("TargetPort".into(), Value::Int(p.target_port.into())),
                        ("PublishedPort".into(), Value::Int(p.published_port.into())),
                        ("Protocol".into(), Value::str(&p.protocol)),
                    ])
                })
                .collect(),
        )
    }
}

impl Object for ContainerContext {
    fn type_name(&self) -> &str {
        "*formatter.ContainerContext"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let c = &self.c;
        Some(match name {
            "ID" => Value::Str(if self.trunc {
                truncate_id(&c.id)
            } else {
                c.id.clone()
            }),
            "Name" => Value::str(&c.name),
            "Names" => {
                let mut names: Vec<&str> =
                    c.names.iter().map(|n| n.trim_start_matches('/')).collect();
                if self.trunc {
                    if let Some(first) = names.iter().find(|n| !n.contains('/')) {
                        names = vec![*first];
                    }
                }
                Value::Str(names.join(","))
            }
            "Service" => Value::str(&c.service),
            "Project" => Value::str(&c.project),
            "Image" => Value::str(&c.image),
            "Command" => {
                let command = if self.trunc {
                    ellipsis(&c.command, 20)
                } else {
                    c.command.clone()
                };
                Value::Str(berth_model::golang::quote(&command))
            }
            "CreatedAt" => Value::Str(go_time_string(c.created)),
            "RunningFor" => Value::Str(format!(
                "{} ago",
                human_duration(self.now.saturating_sub(c.created))
            )),
            "ExitCode" => Value::Int(c.exit_code),
            "State" => Value::str(&c.state),
            "Status" => Value::str(&c.status),
            "Health" => Value::str(&c.health),
            "Publishers" => self.publishers(),
            "Ports" => Value::Str(displayable_ports(&c.publishers)),
            "Labels" => Value::Str(
                c.labels
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            "Mounts" => Value::Str(
                c.mounts
                    .iter()
                    .map(|m| {
                        if self.trunc {
                            ellipsis(m, 15)
                        } else {
                            m.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            "LocalVolumes" => Value::Str(c.local_volumes.to_string()),
            "Networks" => Value::Str(c.networks.join(",")),
            "Size" => {
                let rw = human_size(c.size_rw as f64);
                Value::Str(if c.size_root_fs > 0 {
                    format!("{rw} (virtual {})", human_size(c.size_root_fs as f64))
                } else {
                    rw
                })
            }
            _ => return None,
        })
    }

    fn method_arity(&self, name: &str) -> Option<usize> {
        (name == "Label").then_some(1)
    }

    fn method(&self, name: &str, args: &[Value]) -> Option<Result<Value, usize>> {
        if name != "Label" {
            return None;
        }
        match args {
            [Value::Str(key)] => Some(Ok(Value::Str(
                self.c.labels.get(key).cloned().unwrap_or_default(),
            ))),
            [other] => Some(Ok(Value::Str(
                self.c
                    .labels
                    .get(&other.print())
                    .cloned()
                    .unwrap_or_default(),
            ))),
            _ => Some(Err(1)),
        }
    }

    fn to_json(&self) -> String {
        let fields: Vec<(String, Value)> = FIELDS
            .iter()
            .map(|f| (f.to_string(), self.field(f).unwrap_or(Value::Nil)))
            .collect();
        Value::Map(fields).to_json_html()
    }
}

/// docker's `stringid.TruncateID`.
pub fn truncate_id(id: &str) -> String {
    let id = id.split_once(':').map_or(id, |(_, rest)| rest);
    id.chars().take(12).collect()
}

/// docker's `formatter.Ellipsis`: at most `max` display columns, the last one `…`.
pub fn ellipsis(s: &str, max: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if max == 0 {
        return String::new();
    }
    let chars: Vec<char> = s.chars().collect();
    if max == 1 {
        return chars.first().map(|c| c.to_string()).unwrap_or_default();
    }
    let width = |c: char| c.width().unwrap_or(1).max(1);
    let total: usize = chars.iter().map(|c| width(*c)).sum();
    if s.is_ascii() {
        if s.len() <= max {
            return s.to_string();
        }
        return format!("{}…", &s[..max - 1]);
    }
    if total <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in chars {
        if used + width(c) > max - 1 {
            break;
        }
        used += width(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// go-units' `HumanDuration`.
pub fn human_duration(seconds: i64) -> String {
    let s = seconds;
    if s < 1 {
        return "Less than a second".into();
    }
    if s == 1 {
        return "1 second".into();
    }
    if s < 60 {
        return format!("{s} seconds");
    }
    let minutes = s / 60;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    let hours = (s as f64 / 3600.0).round() as i64;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", s / 3600 / 24 / 365)
}

/// go-units' `HumanSizeWithPrecision(size, 3)`, as `ps --size` prints sizes.
pub fn human_size(size: f64) -> String {
    berth_model::gofmt::human_size(size, 3)
}

/// Go's `time.Unix(secs, 0).String()` in UTC: `2026-11-25 13:29:53 +0000 UTC`.
/// (The reference prints the local zone; berth prints UTC, which is what containers and
/// CI machines mostly run in.)
pub fn go_time_string(secs: i64) -> String {
    let t = berth_model::gotime::UtcTime::from_unix(secs);
    format!("{} {} +0000 UTC", t.date(), t.clock())
}

/// docker's `formatter.DisplayablePorts`: consecutive ports published on the same number
/// collapse into ranges; other mappings follow.
pub fn displayable_ports(publishers: &[Publisher]) -> String {
    let mut ports: Vec<&Publisher> = publishers.iter().collect();
    ports.sort_by(|a, b| {
        a.target_port
            .cmp(&b.target_port)
            .then_with(|| a.url.cmp(&b.url))
            .then_with(|| a.published_port.cmp(&b.published_port))
            .then_with(|| a.protocol.cmp(&b.protocol))
    });
    let mut groups: Vec<(String, u16, u16)> = Vec::new(); // key, first, last (open groups)
    let mut result = Vec::new();
    let mut host_mappings = Vec::new();
    for p in ports {
        let current = p.target_port;
        let mut key = p.protocol.clone();
        if !p.url.is_empty() {
            if p.published_port != current {
                host_mappings.push(format!(
                    "{}->{}/{}",
                    join_host_port(&p.url, &p.published_port.to_string()),
                    p.target_port,
                    p.protocol
                ));
                continue;
            }
            key = format!("{}/{}", p.url, p.protocol);
        }
        match groups.iter_mut().find(|g| g.0 == key) {
            None => groups.push((key, current, current)),
            Some(g) if current == g.2.wrapping_add(1) => g.2 = current,
            Some(g) => {
                result.push(form_group(&g.0, g.1, g.2));
                g.1 = current;
                g.2 = current;
            }
        }
    }
    for (key, first, last) in &groups {
        result.push(form_group(key, *first, *last));
    }
    result.extend(host_mappings);
    result.join(", ")
}

fn form_group(key: &str, first: u16, last: u16) -> String {
    let parts: Vec<&str> = key.split('/').collect();
    let (ip, kind) = if parts.len() > 1 {
        (parts[0], parts[1])
    } else {
        ("", parts[0])
    };
    let mut group = first.to_string();
    if first != last {
        group = format!("{group}-{last}");
    }
    if !ip.is_empty() {
        group = format!("{}->{group}", join_host_port(ip, &group));
    }
    format!("{group}/{kind}")
}

/// Go's `net.JoinHostPort`.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn publisher(url: &str, target: u16, published: u16) -> Publisher {
        Publisher {
            url: url.into(),
            target_port: target,
            published_port: published,
            protocol: "tcp".into(),
        }
    }

    #[test]
    fn ports_as_docker_shows_them() {
        assert_eq!(
            displayable_ports(&[publisher("0.0.0.0", 80, 18080), publisher("::", 80, 18080)]),
            "0.0.0.0:18080->80/tcp, [::]:18080->80/tcp"
        );
        // Same numbers inside and out collapse into ranges.
        assert_eq!(
            displayable_ports(&[
                publisher("0.0.0.0", 9000, 9000),
                publisher("0.0.0.0", 9001, 9001),
                publisher("0.0.0.0", 9002, 9002),
                publisher("", 53, 0),
                publisher("", 54, 0),
            ]),
            "53-54/tcp, 0.0.0.0:9000-9002->9000-9002/tcp"
        );
    }

    #[test]
    fn durations_sizes_and_times() {
        assert_eq!(human_duration(0), "Less than a second");
        assert_eq!(human_duration(1), "1 second");
        assert_eq!(human_duration(59), "59 seconds");
        assert_eq!(human_duration(60), "About a minute");
        assert_eq!(human_duration(3599), "59 minutes");
        assert_eq!(human_duration(3600 * 5), "5 hours");
        assert_eq!(human_duration(3600 * 24 * 3), "3 days");
        assert_eq!(human_size(0.0), "0B");
        assert_eq!(human_size(21_500_000.0), "21.5MB");
        assert_eq!(human_size(1_980_000.0), "1.98MB");
        assert_eq!(
            go_time_string(1_795_000_000),
            "2026-11-18 11:06:40 +0000 UTC"
        );
    }

    #[test]
    fn ellipsis_and_ids() {
        assert_eq!(ellipsis("httpd -f -p 80", 20), "httpd -f -p 80");
        assert_eq!(
            ellipsis("sh -c 'while true; do sleep 1; done'", 20),
            "sh -c 'while true; …"
        );
        assert_eq!(truncate_id("sha256:0123456789abcdef"), "0123456789ab");
    }

    fn sample() -> ContainerSummary {
        let mut labels = indexmap::IndexMap::new();
        labels.insert("com.docker.compose.service".to_string(), "web".to_string());
        ContainerSummary {
            id: "08ae5b848df77a1ce02e9b10e98c3ccf08c8acdf7a3085f702c1bb2172672f53".into(),
            name: "p-web-1".into(),
            names: vec!["/p-web-1".into()],
            image: "berth-example/busybox:local".into(),
            project: "p".into(),
            service: "web".into(),
            command: "httpd -f -p 80".into(),
            state: "running".into(),
            status: "Up 1 second".into(),
            created: 1_795_000_000,
            labels,
            networks: vec!["p_default".into()],
            publishers: vec![publisher("0.0.0.0", 80, 18080)],
            ..Default::default()
        }
    }

    #[test]
    fn table_json_and_templates() {
        let rows = [sample()];
        let now = 1_795_000_002;
        assert_eq!(
            write_containers("table", &rows, true, now).unwrap(),
            "NAME      IMAGE                         COMMAND            SERVICE   CREATED         STATUS        PORTS\n\
             p-web-1   berth-example/busybox:local   \"httpd -f -p 80\"   web       2 seconds ago   Up 1 second   0.0.0.0:18080->80/tcp\n"
        );
        assert_eq!(
            write_containers("json", &rows, true, now).unwrap(),
            "{\"Command\":\"\\\"httpd -f -p 80\\\"\",\"CreatedAt\":\"2026-11-18 11:06:40 +0000 UTC\",\"ExitCode\":0,\"Health\":\"\",\"ID\":\"08ae5b848df7\",\"Image\":\"berth-example/busybox:local\",\"Labels\":\"com.docker.compose.service=web\",\"LocalVolumes\":\"0\",\"Mounts\":\"\",\"Name\":\"p-web-1\",\"Names\":\"p-web-1\",\"Networks\":\"p_default\",\"Ports\":\"0.0.0.0:18080-\\u003e80/tcp\",\"Project\":\"p\",\"Publishers\":[{\"URL\":\"0.0.0.0\",\"TargetPort\":80,\"PublishedPort\":18080,\"Protocol\":\"tcp\"}],\"RunningFor\":\"2 seconds ago\",\"Service\":\"web\",\"Size\":\"0B\",\"State\":\"running\",\"Status\":\"Up 1 second\"}\n"
        );
        assert_eq!(
            write_containers(
                "table {{.Name}}\\t{{.Names}}\\t{{.ExitCode}}",
                &rows,
                true,
                now
            )
            .unwrap(),
            "NAME      <no value>   <no value>\np-web-1   p-web-1      0\n"
        );
        assert_eq!(
            write_containers(
                "{{.Name}} {{.Label \"com.docker.compose.service\"}}",
                &rows,
                true,
                now
            )
            .unwrap(),
            "p-web-1 web\n"
        );
        assert_eq!(
            write_containers("table", &[], true, now).unwrap(),
            "NAME      IMAGE     COMMAND   SERVICE   CREATED   STATUS    PORTS\n"
        );
        assert_eq!(write_containers("{{.Name}}", &[], true, now).unwrap(), "");
    }
}
